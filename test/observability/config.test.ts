import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { activeTracer, startTracing } from '../../src/observability/tracing.js';

describe('observability settings', () => {
  it('defaults: metrics on, tracing off, slow-resolver spans at 100 ms', () => {
    expect(loadConfig({}).observability).toEqual({ metrics: true, otlpTracesUrl: undefined, serviceName: 'storefront-bff', traceResolverMs: 100 });
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
