import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { activeTracer, startTracing } from '../../src/observability/tracing.js';

describe('observability settings', () => {
  it('defaults: metrics on, tracing off, slow-resolver spans at 100 ms, spans batched 16,384 deep every second', () => {
    expect(loadConfig({}).observability).toEqual({
      metrics: true,
      otlpTracesUrl: undefined,
      serviceName: 'storefront-bff',
      traceResolverMs: 100,
      spanQueueSize: 16_384,
      spanExportDelayMs: 1000,
    });
  });

  it("reads the span batch from the SDK's own variables (tracing.ts reads no environment), and refuses what is not a count", () => {
    expect(loadConfig({ OTEL_BSP_MAX_QUEUE_SIZE: '2048', OTEL_BSP_SCHEDULE_DELAY: '5000' }).observability).toMatchObject({
      spanQueueSize: 2048,
      spanExportDelayMs: 5000,
    });
    expect(() => loadConfig({ OTEL_BSP_MAX_QUEUE_SIZE: 'lots' })).toThrow('OTEL_BSP_MAX_QUEUE_SIZE must be an integer from 1 to 1048576, got "lots"');
  });

  it('checks the general endpoint only when it is the one used', () => {
    const platform = { OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4317', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' };
    expect(loadConfig(platform).observability.otlpTracesUrl).toBe('http://collector:4318/v1/traces');
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'collector:4318' })).toThrow(
      'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT must be an http(s) URL such as http://jaeger:4318, got "collector:4318"',
    );
  });

  it('follows the OTLP exporter rules: the general endpoint gets /v1/traces, the per-signal one is used as given', () => {
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318/' }).observability.otlpTracesUrl).toBe('http://jaeger:4318/v1/traces');
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel.example/ingest' }).observability.otlpTracesUrl).toBe(
      'https://otel.example/ingest/v1/traces',
    );
    const both = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/custom/traces' };
    expect(loadConfig(both).observability.otlpTracesUrl).toBe('http://collector:4318/custom/traces');
    expect(loadConfig({ OTEL_SERVICE_NAME: 'bff-eu', METRICS: 'off', TRACE_RESOLVER_MS: '-1' }).observability).toMatchObject({
      serviceName: 'bff-eu',
      metrics: false,
      traceResolverMs: -1,
    });
  });

  it('refuses what the exporter could not use, naming the variable', () => {
    let error: unknown;
    try {
      loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'jaeger:4318', TRACE_RESOLVER_MS: '-5', METRICS: 'sometimes' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect([...(error as ConfigError).problems].sort()).toEqual([
      'METRICS must be true or false, got "sometimes"',
      'OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL such as http://jaeger:4318, got "jaeger:4318"',
      expect.stringMatching(/^TRACE_RESOLVER_MS must be an integer from -1 to \d+, got "-5"$/),
    ]);
  });

  it('with nowhere to send spans, starts nothing', async () => {
    expect(await startTracing({ serviceName: 'x' })).toBeUndefined();
    expect(activeTracer()).toBeUndefined();
  });
});
