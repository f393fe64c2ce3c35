import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('the listening socket’s settings', () => {
  it('ships public-edge defaults: 10 s for headers, 30 s for a request, 65 s keep-alive, 4096 connections, a 5 s drain in production', () => {
    expect(loadConfig({}).http).toEqual({ headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 65_000, maxConnections: 4096 });
    expect(loadConfig({}).shutdownDrainMs).toBe(0);
    expect(loadConfig({ NODE_ENV: 'production', DELIVERY_QUEUE: 'memory' }).shutdownDrainMs).toBe(5000);
    expect(loadConfig({}).health).toEqual({ probeIntervalMs: 10_000, probeTimeoutMs: 1000 });
  });

  it('refuses headers allowed longer than the whole request (node would throw at start), and values out of range, all at once', () => {
    let error: unknown;
    try {
      loadConfig({
        HEADERS_TIMEOUT_MS: '20000',
        HTTP_REQUEST_TIMEOUT_MS: '10000',
        MAX_CONNECTIONS: '-1',
        KEEP_ALIVE_TIMEOUT_MS: 'long',
        SHUTDOWN_DRAIN_MS: '-5',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'SHUTDOWN_DRAIN_MS must be an integer from 0 to 600000, got "-5"',
      'HEADERS_TIMEOUT_MS (20000) must not be more than HTTP_REQUEST_TIMEOUT_MS (10000)',
      'KEEP_ALIVE_TIMEOUT_MS must be an integer from 0 to 3600000, got "long"',
      'MAX_CONNECTIONS must be an integer from 0 to 1000000, got "-1"',
    ]);
  });
});
