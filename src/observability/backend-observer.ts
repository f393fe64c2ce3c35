/**
 * What the one HTTP client (src/backends/http.ts) tells the outside about each backend call:
 * the request's fetch plan and call counts, Prometheus metrics, and OpenTelemetry spans. The
 * events are declared by the transport (src/backends/events.ts) and implemented here: each
 * backend has one BackendObserver, which makes one CallObservation per call; nothing in
 * src/backends/ knows about metrics or tracing.
 *
 * Spans, when tracing is on (HTTP client semantic conventions, one span per physical request):
 *
 *   query ProductPage                          (the operation, src/observability/use-tracing.ts)
 *   └─ inventory GET /stock     INTERNAL       one per call a resolver made: service, route, ids,
 *      │                                       source (network | deduped | cached), attempts, outcome
 *      ├─ GET /stock            CLIENT         one per attempt: status, resend count; its id is
 *      └─ GET /stock            CLIENT         the `traceparent` the backend receives
 *
 * A call that joined an identical one in flight (dedupe) has no attempts of its own: its span
 * says `deduped` and links to the span of the call it joined, which may be another request's.
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span, type SpanContext, type Tracer } from '@opentelemetry/api';
import type { Counter, Histogram } from 'prom-client';
import { BackendError } from '../backends/errors.js';
import type { CallEvents, CallObserver, CallObserverFactory, CircuitEvent } from '../backends/events.js';
import type { FetchPlan, FetchPlanEntry } from '../backends/fetch-plan.js';
import type { BackendRequest, Sent } from '../backends/request.js';
import type { RequestScope } from '../backends/scope.js';
import type { ServiceName } from '../config.js';
import type { BffMetrics } from './metrics.js';
import { activeTracer } from './tracing.js';

/** What a call records into, from its request's scope: fetch plan, call counts, trace context. */
type ObservedScope = Pick<RequestScope, 'plan' | 'calls' | 'trace'>;

/** Each backend's observer, with the server's metrics (or none: METRICS=off); spans when tracing is on. */
export function backendObservers(metrics?: BffMetrics): CallObserverFactory {
  return (service, origin) => new BackendObserver(service, origin, metrics);
}

/** One route's metric children, labelled once: recording is then a plain method call. */
interface RouteMetrics {
  readonly callDuration: Histogram.Internal<'service' | 'route'>;
  readonly requestDuration: Histogram.Internal<'service' | 'route'>;
  readonly retries: Counter.Internal;
  /** By `${source} ${outcome}`. */
  readonly calls: Map<string, Counter.Internal>;
  /** By status or error code. */
  readonly requests: Map<string, Counter.Internal>;
}

interface Route {
  /** `GET /orders/:id`: the metric label and the call span's name. */
  readonly name: string;
  readonly method: string;
  /** `/orders/:id` (`url.template`). */
  readonly template: string;
  readonly metrics: RouteMetrics | undefined;
}

/**
 * `/orders/42/cancel` → `/orders/:id/cancel`. The backends' paths alternate collection and
 * id (backends.md), so every second segment is an id: labels stay bounded whatever ids flow.
 */
export function routeTemplate(path: string): string {
  const segments = path.split('/');
  for (let i = 2; i < segments.length; i += 2) if (segments[i] !== '') segments[i] = ':id';
  return segments.join('/');
}

/** One backend's observer; the client calls `begin()` once per call. */
export class BackendObserver implements CallObserver {
  /** Routes by `${method} ${path}`, for paths without ids (the template is the path itself). */
  private readonly byPath = new Map<string, Route>();
  private readonly byTemplate = new Map<string, Route>();
  /** While a shared (deduped) call runs: the span of the call that started it, for joiners to link to. */
  readonly leaders = new Map<string, SpanContext>();
  /** `server.address` / `server.port` of the attempt spans. */
  readonly server: Attributes;

  constructor(
    readonly service: ServiceName,
    origin: string,
    readonly metrics?: BffMetrics,
  ) {
    const url = new URL(origin);
    this.server = { 'server.address': url.hostname, 'server.port': Number(url.port || (url.protocol === 'https:' ? 443 : 80)) };
  }

  begin(scope: ObservedScope, request: BackendRequest, ids: number | undefined): CallObservation {
    return new CallObservation(this, this.route(request.method ?? 'GET', request.path), scope, request, ids);
  }

  /** A breaker transition (cockatiel's onBreak / onHalfOpen / onReset). */
  circuit(state: CircuitEvent): void {
    this.metrics?.circuitTransitions.labels(this.service, state).inc();
  }

  private route(method: string, path: string): Route {
    const key = `${method} ${path}`;
    const known = this.byPath.get(key);
    if (known) return known;
    const template = routeTemplate(path);
    const name = `${method} ${template}`;
    let route = this.byTemplate.get(name);
    if (!route) {
      route = { name, method, template, metrics: this.metrics && this.routeMetrics(name) };
      this.byTemplate.set(name, route);
    }
    if (template === path) this.byPath.set(key, route);
    return route;
  }

  private routeMetrics(route: string): RouteMetrics {
    const m = this.metrics!;
    return {
      callDuration: m.backendCallDuration.labels(this.service, route),
      requestDuration: m.backendRequestDuration.labels(this.service, route),
      retries: m.backendRetries.labels(this.service, route),
      calls: new Map(),
      requests: new Map(),
    };
  }

  /** The counter child for `key`, labelled on first use. */
  child(map: Map<string, Counter.Internal>, key: string, make: () => Counter.Internal): Counter.Internal {
    let child = map.get(key);
    if (!child) map.set(key, (child = make()));
    return child;
  }
}

/** One call, from a resolver's ask to its answer; see the file's comment for the spans. */
export class CallObservation implements CallEvents {
  private readonly started = performance.now();
  private source: 'network' | 'deduped' | 'cached' = 'network';
  private attempts = 0;
  private readonly plan: FetchPlan | undefined;
  private readonly entry: FetchPlanEntry | undefined;
  private readonly span: Span | undefined;
  private leaderKey: string | undefined;
  /** The operation's trace context, and this call's (the attempts' parent), made on first use. */
  private readonly scopeTrace: Context | undefined;
  private parent: Context | undefined;

  constructor(
    private readonly observer: BackendObserver,
    private readonly route: Route,
    scope: ObservedScope,
    request: BackendRequest,
    ids: number | undefined,
  ) {
    const { service } = observer;
    this.plan = scope.plan;
    this.scopeTrace = scope.trace;
    this.entry = scope.plan?.begin(service, `${route.method} ${request.path}`, ids);
    if (scope.calls) scope.calls[service] = (scope.calls[service] ?? 0) + 1;
    // Parent: the operation that made the call.
    this.span = activeTracer()?.startSpan(
      `${service} ${route.name}`,
      {
        kind: SpanKind.INTERNAL,
        attributes: { 'bff.backend.service': service, 'bff.backend.route': route.name, ...(ids === undefined ? {} : { 'bff.backend.ids': ids }) },
      },
      scope.trace,
    );
  }

  /** For the client's log lines about this call, when it is traced. */
  get traceId(): string | undefined {
    return this.span?.spanContext().traceId;
  }

  get spanId(): string | undefined {
    return this.span?.spanContext().spanId;
  }

  /** Milliseconds since the call began. */
  get ms(): number {
    return performance.now() - this.started;
  }

  /** Dedupe: this call either started the shared call for `key`, or joined it. */
  shared(key: string, joined: boolean): void {
    if (!joined) {
      if (this.span) {
        this.leaderKey = key;
        this.observer.leaders.set(key, this.span.spanContext());
      }
      return;
    }
    this.source = 'deduped';
    if (this.entry) this.entry.source = 'deduped';
    const leader = this.span && this.observer.leaders.get(key);
    if (leader) this.span!.addLink({ context: leader, attributes: { 'bff.link': 'deduped' } });
  }

  /** A retry was decided; the next attempt follows after `delayMs`. */
  retrying(retry: number, delayMs: number, error: BackendError): void {
    this.route.metrics?.retries.inc();
    this.span?.addEvent('retry', {
      'bff.retry': retry,
      'bff.retry.delay_ms': Math.round(delayMs),
      'error.type': error.status ? String(error.status) : error.code,
    });
  }

  /**
   * One attempt on the wire: `send` gets the attempt span's context, for the transport to send
   * as `traceparent`; the attempt's status (or error code) and duration are recorded.
   */
  async attempt<T>(send: (trace: Context | undefined) => Promise<Sent<T>>): Promise<Sent<T>> {
    this.attempts++;
    if (this.entry) this.entry.attempts++;
    const started = performance.now();
    const tracer = this.span && activeTracer();
    const span = tracer && this.startAttemptSpan(tracer);
    try {
      const sent = await send(span && trace.setSpan(this.parent!, span));
      if (sent.cached) span?.setAttribute('bff.backend.cached', true);
      span?.setAttribute('http.response.status_code', sent.status);
      // A cache hit never reached the backend: it is not one of the backend's requests.
      if (!sent.cached) this.recordRequest(String(sent.status), started);
      return sent;
    } catch (error) {
      const code = error instanceof BackendError ? (error.status === undefined ? error.code : String(error.status)) : 'ABORTED';
      if (span) {
        if (error instanceof BackendError && error.status !== undefined) span.setAttribute('http.response.status_code', error.status);
        span.setAttribute('error.type', code);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
      }
      this.recordRequest(code, started);
      throw error;
    } finally {
      span?.end();
    }
  }

  /** The call answered (from the network, a shared call, or the HTTP cache). */
  succeeded(cached: boolean): void {
    if (cached && this.source === 'network') this.source = 'cached';
    if (this.entry) {
      if (this.source === 'cached') this.entry.source = 'cached';
      this.plan!.end(this.entry, this.started);
    }
    this.finish('ok');
  }

  /** The call failed: with a BackendError, or the caller's own abort. */
  failed(error: unknown): void {
    const outcome = error instanceof BackendError ? error.code : 'ABORTED';
    if (this.entry) this.plan!.end(this.entry, this.started, { code: outcome });
    if (this.span) {
      this.span.setAttribute('error.type', outcome);
      this.span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
    }
    this.finish(outcome);
  }

  private finish(outcome: string): void {
    const metrics = this.route.metrics;
    if (metrics) {
      const { backendCalls } = this.observer.metrics!;
      const { service } = this.observer;
      const { source } = this;
      this.observer.child(metrics.calls, `${source} ${outcome}`, () => backendCalls.labels(service, this.route.name, source, outcome)).inc();
      metrics.callDuration.observe(this.ms / 1000);
    }
    if (this.span) {
      this.span.setAttributes({ 'bff.backend.source': this.source, 'bff.backend.attempts': this.attempts, 'bff.backend.outcome': outcome });
      this.span.end();
      if (this.leaderKey !== undefined && this.observer.leaders.get(this.leaderKey) === this.span.spanContext()) this.observer.leaders.delete(this.leaderKey);
    }
  }

  private startAttemptSpan(tracer: Tracer): Span {
    const { route, observer } = this;
    const attributes: Attributes = {
      'http.request.method': route.method,
      'url.template': route.template,
      'peer.service': observer.service,
      ...observer.server,
    };
    if (this.attempts > 1) attributes['http.request.resend_count'] = this.attempts - 1;
    this.parent ??= trace.setSpan(this.scopeTrace ?? ROOT_CONTEXT, this.span!);
    return tracer.startSpan(route.name, { kind: SpanKind.CLIENT, attributes }, this.parent);
  }

  private recordRequest(code: string, started: number): void {
    const metrics = this.route.metrics;
    if (!metrics) return;
    const { backendRequests } = this.observer.metrics!;
    const { service } = this.observer;
    this.observer.child(metrics.requests, code, () => backendRequests.labels(service, this.route.name, code)).inc();
    metrics.requestDuration.observe((performance.now() - started) / 1000);
  }
}
