/**
 * OpenTelemetry tracing: started once per process, before the server, when an OTLP endpoint is
 * configured (or a test hands in its own exporter). Until then every instrumented place asks
 * `activeTracer()`, gets `undefined` and does nothing: no SDK is loaded, no span object is made,
 * and no `traceparent` is sent.
 *
 * The trace context travels explicitly, not through AsyncLocalStorage: the operation's span is
 * kept on its GraphQL context (below) and handed to the backend calls in their scope. On
 * Node 20, AsyncLocalStorage hooks every promise of the process (measured on the product page:
 * as much CPU as all the rest of tracing), and it would parent a DataLoader batch to whichever
 * resolver happened to start it.
 */
import { DiagLogLevel, context, diag, propagation, trace, type Context, type Tracer } from '@opentelemetry/api';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Logger } from 'pino';

/** The instrumentation scope our spans carry (`otel.scope.name`). */
export const TRACER_NAME = 'storefront-bff';

let tracer: Tracer | undefined;

/** The tracer while tracing runs; `undefined` means: skip all span work. */
export function activeTracer(): Tracer | undefined {
  return tracer;
}

export interface TracingOptions {
  /** `service.name` of the spans (what Jaeger lists). */
  serviceName: string;
  /** OTLP/HTTP traces URL, e.g. `http://jaeger:4318/v1/traces`; spans are batched and sent there. */
  otlpTracesUrl?: string;
  /**
   * Instead of OTLP, hand each span to this exporter as soon as it ends (tests use the SDK's
   * InMemorySpanExporter). @default none
   */
  exporter?: SpanExporter;
  /** Where the SDK's own warnings go (a collector that cannot be reached, spans dropped). @default silent */
  logger?: Logger;
  /**
   * The OTLP batch: spans queued at most, and ms between two sends (the config's
   * OTEL_BSP_MAX_QUEUE_SIZE and OTEL_BSP_SCHEDULE_DELAY, src/config/observability.ts, which says
   * why its defaults are not the SDK's). @default the SDK's
   */
  batch?: { maxQueueSize: number; scheduledDelayMillis: number };
}

/** How long shutdown waits for the last spans to be sent: a dead collector must not hold up a stop. */
const FLUSH_TIMEOUT_MS = 2000;

export interface Tracing {
  /** Sends what is buffered, then stops tracing; the API falls back to its no-ops. */
  shutdown(): Promise<void>;
}

/**
 * Registers a Node tracer provider globally, with W3C `traceparent` propagation and no context
 * manager (see above). Returns `undefined`, having loaded nothing, when there is nowhere to
 * send spans. The SDK is imported here, not at the top, so a BFF without tracing never loads it.
 */
export async function startTracing(options: TracingOptions): Promise<Tracing | undefined> {
  if (!options.otlpTracesUrl && !options.exporter) return undefined;
  if (tracer) throw new Error('tracing is already started in this process; shut it down first');
  const [{ NodeTracerProvider }, { BatchSpanProcessor, SimpleSpanProcessor }, { detectResources, envDetector, resourceFromAttributes }] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/resources'),
  ]);
  const exporter = options.exporter ?? new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter({ url: options.otlpTracesUrl });
  // OTEL_RESOURCE_ATTRIBUTES (deployment.environment, …) is honoured; the service name is ours.
  const resource = detectResources({ detectors: [envDetector] }).merge(resourceFromAttributes({ 'service.name': options.serviceName }));
  const provider = new NodeTracerProvider({
    resource,
    // Batching keeps export off the request path; a test wants each span the moment it ends.
    spanProcessors: [options.exporter ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(exporter, options.batch)],
  });
  provider.register({ contextManager: null });
  if (options.logger) {
    const log = options.logger.child({ component: 'opentelemetry' });
    const warn = (message: string, ...args: unknown[]) => log.warn({ detail: args.length > 0 ? args : undefined }, message);
    diag.setLogger({ error: warn, warn, info: () => {}, debug: () => {}, verbose: () => {} }, DiagLogLevel.WARN);
  }
  tracer = provider.getTracer(TRACER_NAME);
  return {
    async shutdown() {
      tracer = undefined;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([provider.shutdown(), new Promise((resolve) => (timer = setTimeout(resolve, FLUSH_TIMEOUT_MS)))]);
      clearTimeout(timer);
      diag.disable();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}

/**
 * Where an operation's trace context (its span) is kept: on the operation's GraphQL context
 * object, which yoga hands from the operation's start to every resolver (one per operation,
 * even in a batch). A symbol, so nothing else can read or clash with it.
 */
const OPERATION_TRACE = Symbol('bff.operationTrace');
type Traced = { [OPERATION_TRACE]?: Context };

export function setOperationTrace(operation: object, trace: Context): void {
  (operation as Traced)[OPERATION_TRACE] = trace;
}

/**
 * The trace context of the operation whose GraphQL context this is, or `undefined` when it is
 * not traced.
 */
export function operationTraceOf(operation: object): Context | undefined {
  return (operation as Traced)[OPERATION_TRACE];
}
