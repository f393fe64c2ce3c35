/**
 * Every Prometheus metric the BFF exports, in one registry per server (tests run several servers
 * in one process). Labels are bounded: backend names, route templates (`GET /orders/:id`, never
 * an id), outcome codes, operation names (capped, see BoundedLabel). Anything whose value can
 * be read at scrape time (in-flight calls, queue, breaker state) is read then, from the transports'
 * own state, so a call pays for nothing it does not have to.
 */
import { CircuitState } from 'cockatiel';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { BackendTransports } from '../backends/index.js';
import type { Config, ServiceName } from '../config.js';

/** Backend latencies, in seconds: 1 ms (a cache hit, a local mock) to 5 s (past any deadline). */
export const BACKEND_BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/** Whole operations: a few backend round trips one after another, up to the 5 s request budget and past it. */
export const OPERATION_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** DataLoader batches: 1 (no batching happened) to the backends' bulk limit of 100. */
export const BATCH_BUCKETS = [1, 2, 5, 10, 20, 50, 100];

const CIRCUIT_STATES: ReadonlyArray<[CircuitState, string]> = [
  [CircuitState.Closed, 'closed'],
  [CircuitState.HalfOpen, 'half_open'],
  [CircuitState.Open, 'open'],
  [CircuitState.Isolated, 'isolated'],
];

export class BffMetrics {
  readonly registry = new Registry();

  // Backend calls: what resolvers asked for (a call), and what went on the wire (a request).
  readonly backendCalls: Counter<'service' | 'route' | 'source' | 'outcome'>;
  readonly backendCallDuration: Histogram<'service' | 'route'>;
  readonly backendRequests: Counter<'service' | 'route' | 'code'>;
  readonly backendRequestDuration: Histogram<'service' | 'route'>;
  readonly backendRetries: Counter<'service' | 'route'>;
  readonly circuitTransitions: Counter<'service' | 'state'>;
  readonly loaderBatchSize: Histogram<'loader'>;

  // GraphQL operations.
  readonly operations: Counter<'operation' | 'type' | 'outcome'>;
  readonly operationDuration: Histogram<'operation' | 'type'>;
  readonly operationErrors: Counter<'operation' | 'code'>;
  readonly httpRequests: Counter<'status'>;

  constructor() {
    const registers = [this.registry];
    // Process memory, CPU, GC, handles, and event-loop lag (prom-client's monitorEventLoopDelay).
    collectDefaultMetrics({ register: this.registry });

    this.backendCalls = new Counter({
      name: 'bff_backend_calls_total',
      help: 'Backend calls made for GraphQL requests, by source (network, deduped: joined an identical call in flight, cached: answered by the HTTP cache, or keys reused from its fresh answers) and outcome (ok or a BACKEND_* code)',
      labelNames: ['service', 'route', 'source', 'outcome'],
      registers,
    });
    this.backendCallDuration = new Histogram({
      name: 'bff_backend_call_duration_seconds',
      help: 'Time from a resolver asking to its answer: waiting for a shared call, queueing, retries and backoff included',
      labelNames: ['service', 'route'],
      buckets: BACKEND_BUCKETS_S,
      registers,
    });
    this.backendRequests = new Counter({
      name: 'bff_backend_requests_total',
      help: 'HTTP requests that went to a backend (each retry is one; cache hits are not), by HTTP status, or by error code when there was no answer',
      labelNames: ['service', 'route', 'code'],
      registers,
    });
    this.backendRequestDuration = new Histogram({
      name: 'bff_backend_request_duration_seconds',
      help: 'Duration of one HTTP request to a backend, from send to the end of its body',
      labelNames: ['service', 'route'],
      buckets: BACKEND_BUCKETS_S,
      registers,
    });
    this.backendRetries = new Counter({
      name: 'bff_backend_retries_total',
      help: 'Retries decided (after a retryable failure, within the retry budget and the deadline)',
      labelNames: ['service', 'route'],
      registers,
    });
    this.circuitTransitions = new Counter({
      name: 'bff_backend_circuit_transitions_total',
      help: 'Circuit breaker state changes, by the state entered',
      labelNames: ['service', 'state'],
      registers,
    });
    this.loaderBatchSize = new Histogram({
      name: 'bff_dataloader_batch_size',
      help: 'Keys per DataLoader batch (one GraphQL request; cross-request merging comes after)',
      labelNames: ['loader'],
      buckets: BATCH_BUCKETS,
      registers,
    });
    this.operations = new Counter({
      name: 'bff_graphql_operations_total',
      help: 'GraphQL operations executed, by outcome: ok, partial (data and errors), error (no data)',
      labelNames: ['operation', 'type', 'outcome'],
      registers,
    });
    this.operationDuration = new Histogram({
      name: 'bff_graphql_operation_duration_seconds',
      help: 'From the HTTP request to the end of execution, per operation',
      labelNames: ['operation', 'type'],
      buckets: OPERATION_BUCKETS_S,
      registers,
    });
    this.operationErrors = new Counter({
      name: 'bff_graphql_errors_total',
      help: 'Errors in GraphQL results, by extensions.code',
      labelNames: ['operation', 'code'],
      registers,
    });
    this.httpRequests = new Counter({
      name: 'bff_http_requests_total',
      help: 'HTTP requests to the GraphQL endpoint, by status (rejections before execution included: 400, 413, 429, …)',
      labelNames: ['status'],
      registers,
    });
  }

  /** The transports' in-flight, queue and breaker gauges, read from their `state` at each scrape. */
  watchBackends(transports: BackendTransports, config: Config): void {
    const registers = [this.registry];
    const each = (read: (service: ServiceName) => number) =>
      function (this: Gauge<'service'>) {
        for (const service of Object.keys(transports) as ServiceName[]) this.set({ service }, read(service));
      };
    const limits = (service: ServiceName) => config.backends[service];
    new Gauge({
      name: 'bff_backend_calls_in_flight',
      help: 'Backend calls in progress (retries and backoff included; deduped joiners not)',
      labelNames: ['service'],
      registers,
      collect: each((s) => transports[s].state.calls),
    });
    new Gauge({
      name: 'bff_backend_requests_in_flight',
      help: 'HTTP requests on the wire to the backend (bulkhead slots in use)',
      labelNames: ['service'],
      registers,
      collect: each((s) => limits(s).concurrency - transports[s].state.bulkhead.free),
    });
    new Gauge({
      name: 'bff_backend_bulkhead_queued',
      help: 'Calls waiting for a bulkhead slot',
      labelNames: ['service'],
      registers,
      collect: each((s) => limits(s).queue - transports[s].state.bulkhead.queueFree),
    });
    new Gauge({
      name: 'bff_backend_retries_in_flight',
      help: 'Retried attempts in progress (the retry budget in use)',
      labelNames: ['service'],
      registers,
      collect: each((s) => transports[s].state.retries),
    });
    new Gauge({
      name: 'bff_backend_shared_calls',
      help: 'Distinct GETs in flight that identical calls can join (dedupe)',
      labelNames: ['service'],
      registers,
      collect: each((s) => transports[s].state.shared),
    });
    new Gauge({
      name: 'bff_backend_circuit_state',
      help: 'Circuit breaker state, one series per state: 1 for the current one',
      labelNames: ['service', 'state'],
      registers,
      collect(this: Gauge<'service' | 'state'>) {
        for (const service of Object.keys(transports) as ServiceName[]) {
          const current = transports[service].state.breaker;
          for (const [value, state] of CIRCUIT_STATES) this.set({ service, state }, current === value ? 1 : 0);
        }
      },
    });
  }

  /** `bff_backend_up`: each backend's health (src/server/readiness.ts), read at each scrape. */
  watchBackendHealth(transports: BackendTransports, health: { up(service: ServiceName): boolean }): void {
    new Gauge({
      name: 'bff_backend_up',
      help: 'Backend health: 1 while its circuit is closed and its last background /health probe answered, else 0',
      labelNames: ['service'],
      registers: [this.registry],
      collect(this: Gauge<'service'>) {
        for (const service of Object.keys(transports) as ServiceName[]) this.set({ service }, health.up(service) ? 1 : 0);
      },
    });
  }

  private readonly batchRecorders = new Map<string, (size: number) => void>();

  /** A DataLoader's batch-size recorder, its label bound once (loaders are made per request). */
  readonly batchSizes = (loader: string): ((size: number) => void) => {
    let record = this.batchRecorders.get(loader);
    if (!record) {
      const child = this.loaderBatchSize.labels(loader);
      this.batchRecorders.set(loader, (record = (size) => child.observe(size)));
    }
    return record;
  };
}

/**
 * A label whose values come from clients (operation names): the first `max` distinct values
 * are kept, later ones become `other`, so a client inventing names cannot grow the series
 * without bound. With trusted documents the names are the manifest's and never reach the cap.
 */
export class BoundedLabel {
  private readonly seen = new Set<string>();

  constructor(
    private readonly max = 200,
    private readonly maxLength = 100,
  ) {}

  of(value: string | undefined, fallback = 'anonymous'): string {
    if (value === undefined || value === '') return fallback;
    if (this.seen.has(value)) return value;
    if (this.seen.size >= this.max || value.length > this.maxLength) return 'other';
    this.seen.add(value);
    return value;
  }
}
