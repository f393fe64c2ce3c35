/**
 * Metrics and traces (src/observability/). Tracing follows OpenTelemetry's own variables, so a
 * platform that sets them for every service configures the BFF too; unset, it is off and free.
 * src/observability/tracing.ts gets all of it from here and reads no environment itself.
 */
import { z } from 'zod';
import { crossProblem, envSection, whenValid } from './section.js';
import { flag, httpUrlOf, integer, notAnHttpUrl, text } from './variables.js';

export const observabilitySchema = () =>
  z
    .object({
      METRICS: flag().default(true).describe('Prometheus metrics at `GET /metrics`, on the main port'),
      // The spec's rule: the per-signal variable is the full URL; the general one gets /v1/traces.
      // Each is checked only when it is the one used (below): a platform may set the general one
      // for another protocol and give the BFF its own traces URL.
      OTEL_EXPORTER_OTLP_ENDPOINT: text()
        .optional()
        .meta({ accepts: 'http(s) URL' })
        .describe('OTLP/HTTP collector, e.g. `http://jaeger:4318` (`/v1/traces` is appended); unset (with the next one): no SDK is loaded, tracing is off'),
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: text().optional().meta({ accepts: 'http(s) URL' }).describe('the traces URL as given, instead of the one above'),
      OTEL_SERVICE_NAME: text().default('storefront-bff').describe('`service.name` of the spans (`OTEL_RESOURCE_ATTRIBUTES` adds others)'),
      // Read by the OpenTelemetry SDK itself, not here: declared so the README lists them.
      OTEL_TRACES_SAMPLER: text()
        .optional()
        .meta({ accepts: 'a sampler name of the OpenTelemetry spec', defaultText: "`parentbased_always_on` (the SDK's)" })
        .describe("the SDK's sampler, e.g. `parentbased_traceidratio`"),
      OTEL_TRACES_SAMPLER_ARG: text().optional().meta({ accepts: "the sampler's argument" }).describe('its argument, e.g. `0.1` for one trace in ten'),
      // The SDK's defaults (2,048 spans queued, sent every 5 s) drop spans from a few hundred
      // requests/s on (about 10 spans each); 16,384 spans is some 30 MB at worst. Sent every
      // second, a trace is in Jaeger by the time one looks.
      OTEL_BSP_MAX_QUEUE_SIZE: integer(1, 1_048_576).default(16_384).describe('spans queued for export; more are dropped, with a warning'),
      OTEL_BSP_SCHEDULE_DELAY: integer(1, 600_000).default(1000).describe('how often, in ms, a batch of spans is sent'),
      // -1 none; 0 every resolver with code of its own (each then parents the backend calls it
      // makes); n > 0 only resolvers that took at least n ms, recorded after the fact.
      TRACE_RESOLVER_MS: integer(-1, 600_000)
        .default(100)
        .describe('resolver spans: for resolvers that took at least this long; `0` every resolver; `-1` none'),
    })
    .superRefine((value, ctx) => {
      const name = value.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT !== undefined ? 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' : 'OTEL_EXPORTER_OTLP_ENDPOINT';
      const given = value[name];
      if (given !== undefined && httpUrlOf(given) === undefined) ctx.addIssue(crossProblem(name, `${name} ${notAnHttpUrl(given)}`));
    }, whenValid())
    .transform((v) => {
      const traces = v.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
      const base = v.OTEL_EXPORTER_OTLP_ENDPOINT;
      return {
        observability: {
          metrics: v.METRICS,
          /** Where spans are sent (OTLP over HTTP); unset: no SDK is started and tracing costs nothing. */
          otlpTracesUrl: traces !== undefined ? httpUrlOf(traces) : base !== undefined ? httpUrlOf(`${base.replace(/\/+$/, '')}/v1/traces`) : undefined,
          serviceName: v.OTEL_SERVICE_NAME,
          traceResolverMs: v.TRACE_RESOLVER_MS,
          /** The span batch's queue and schedule (BatchSpanProcessor's `maxQueueSize`, `scheduledDelayMillis`). */
          spanQueueSize: v.OTEL_BSP_MAX_QUEUE_SIZE,
          spanExportDelayMs: v.OTEL_BSP_SCHEDULE_DELAY,
        },
      };
    });

export type ObservabilityConfig = Readonly<z.infer<ReturnType<typeof observabilitySchema>>['observability']>;

export const observabilitySection = envSection({ id: 'observability', title: 'Metrics and tracing', file: 'src/config/observability.ts' }, observabilitySchema);
