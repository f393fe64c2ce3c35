import {
  BrokenCircuitError,
  BulkheadRejectedError,
  ConsecutiveBreaker,
  bulkhead,
  circuitBreaker,
  handleWhen,
  type BulkheadPolicy,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import type { Context as TraceContext } from '@opentelemetry/api';
import { Pool, cacheStores, interceptors } from 'undici';
import type { Logger } from 'pino';
import type { BackendConfig, ServiceName } from '../config.js';
import { BackendError } from './errors.js';
import type { FetchPlan } from './fetch-plan.js';
import { BackendObserver, type CallCounts, type CallObservation } from '../observability/backend-observer.js';
import type { BffMetrics } from '../observability/metrics.js';
import { Coalescer } from './resilience/coalescer.js';
import { MIN_USEFUL_MS, remainingMs, timeoutSignal, untilAborted } from './resilience/deadline.js';
import { RateLimiter } from './resilience/rate-limiter.js';
import { withRetries } from './resilience/retry.js';
import { RetryBudget } from './resilience/retry-budget.js';
import { SharedCalls } from './resilience/shared-calls.js';
import { queryString, send, type BackendRequest, type ShapeCheck, type Target } from './transport.js';

export type { BackendRequest, QueryValue, ShapeCheck } from './transport.js';

/** What one GraphQL request lends to every backend call it makes. */
export interface RequestScope {
  /** Aborted when the client hangs up: its backend calls stop with it. */
  readonly signal: AbortSignal;
  /** When the request's time budget runs out (`performance.now()` clock). */
  readonly deadline: number;
  /** Sent as `x-request-id`, so a backend's logs line up with ours. */
  readonly requestId: string;
  /** The request's `Authorization` header, for the clients that need it and no others. */
  readonly authorization?: string;
  /** Where calls are recorded for `extensions.fetchPlan`, when it is on. */
  readonly plan?: FetchPlan;
  /** Calls per backend, counted for the request's log line. */
  readonly calls?: CallCounts;
  /** The operation's trace context, when it is traced: the calls' spans are its children. */
  readonly trace?: TraceContext;
}

/** Backends answer small JSON documents; anything larger than this is a fault, not data. */
const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
/** Longest backoff between retries, unless the backend's Retry-After asks for more. */
const MAX_BACKOFF_MS = 1000;

/**
 * Timeouts of attempts that had less than the backend's own timeout, because the request's
 * budget was nearly spent: they say the request was late (say, an overloaded BFF), not that the
 * backend is slow, so they must not open its circuit.
 */
const cutShortByBudget = new WeakSet<BackendError>();

/** Failures that say the backend is unwell; a 4xx, a caller hanging up or our own limits do not. */
const countsAgainstBreaker = (error: unknown) =>
  error instanceof BackendError &&
  ['BACKEND_UNAVAILABLE', 'BACKEND_TIMEOUT', 'BACKEND_BAD_RESPONSE'].includes(error.code) &&
  !cutShortByBudget.has(error);

/**
 * The one HTTP client for one backend, where its whole traffic policy lives, so resolvers and
 * backend clients never see it. Outside in, a call goes through:
 *
 *   deadline check → dedupe (identical GETs share one call) → retries (idempotent only, within
 *   a retry budget and the deadline) → circuit breaker → rate limit → bulkhead → HTTP cache →
 *   keep-alive pool
 *
 * The breaker sits inside the retries, so it sees every attempt and, once open, stops them.
 */
export class BackendHttp {
  private readonly pool: Pool;
  private readonly target: Target;
  private readonly breaker: CircuitBreakerPolicy;
  private readonly bulkhead: BulkheadPolicy;
  private readonly rateLimiter: RateLimiter | undefined;
  private readonly retryBudget: RetryBudget;
  private readonly shared = new SharedCalls<{ value: unknown; cached: boolean }>();
  private readonly coalescer: Coalescer | undefined;
  /** Where every call is reported: fetch plan, call counts, spans, and metrics when on. */
  private readonly observer: BackendObserver;

  constructor(
    readonly service: ServiceName,
    private readonly config: BackendConfig,
    private readonly logger: Logger,
    metrics?: BffMetrics,
  ) {
    // As many connections as calls allowed in flight: the bulkhead, not the pool, queues.
    this.pool = new Pool(config.url, { connections: config.concurrency, pipelining: 1, keepAliveTimeout: 30_000, maxResponseSize: MAX_RESPONSE_BYTES });
    // A shared cache: it never stores a `private` answer, nor one to a request with credentials
    // unless the backend marks it public, so one user's data is never served to another.
    const dispatcher = config.cache
      ? this.pool.compose(interceptors.cache({ store: new cacheStores.MemoryCacheStore({ maxCount: 10_000, maxSize: 64 * 1024 * 1024 }), type: 'shared' }))
      : this.pool;
    this.target = { service, origin: config.url, dispatcher };

    this.breaker = circuitBreaker(handleWhen(countsAgainstBreaker), {
      halfOpenAfter: config.breakerHalfOpenMs,
      breaker: new ConsecutiveBreaker(config.breakerThreshold),
    });
    this.observer = new BackendObserver(service, config.url, metrics);
    this.breaker.onBreak(() => {
      logger.warn({ halfOpenAfterMs: config.breakerHalfOpenMs }, 'circuit opened: failing fast');
      this.observer.circuit('open');
    });
    this.breaker.onHalfOpen(() => {
      logger.info('circuit half-open: letting one probe through');
      this.observer.circuit('half_open');
    });
    this.breaker.onReset(() => {
      logger.info('circuit closed: backend healthy again');
      this.observer.circuit('closed');
    });

    this.bulkhead = bulkhead(config.concurrency, config.queue);
    this.bulkhead.onReject(() => logger.warn({ concurrency: config.concurrency, queue: config.queue }, 'bulkhead full: call rejected'));
    this.rateLimiter = config.rateLimitRps > 0 ? new RateLimiter(config.rateLimitRps) : undefined;
    this.retryBudget = new RetryBudget(config.retryBudgetPercent, config.retryBudgetMin);
    // Coalesced chunks are shared through dedupe; without it, coalescing would only add calls.
    this.coalescer = config.dedupe && config.batchWindowMs >= 0 ? new Coalescer(config.batchWindowMs, config.maxBatchSize) : undefined;
  }

  /**
   * A bulk lookup (`{ items: [...] }` by ids) of data that is the same for every user: the ids
   * may be merged with other requests' (see Coalescer), so the answer can hold more items than
   * asked for; callers map by key. Never for credential-bearing calls.
   */
  async items<V>(scope: RequestScope, request: BackendRequest & { idsParam: string; ids: readonly string[] }, check: ShapeCheck<{ items: V[] }>): Promise<V[]> {
    const { idsParam, ids, ...rest } = request;
    const fetchChunk = async (chunk: readonly string[]) =>
      (await this.json(scope, { ...rest, query: { ...rest.query, [idsParam]: chunk } }, check))?.items ?? [];
    if (!this.coalescer) return fetchChunk(ids);
    const chunks = await this.coalescer.chunksFor(`${rest.path}${queryString(rest.query)} ${idsParam}`, ids);
    return (await Promise.all(chunks.map(fetchChunk))).flat();
  }

  /**
   * Sends one request and returns its checked JSON body, or `null` for a `nullOn` status.
   * Fails with a BackendError, or with the caller's own abort reason if it hung up.
   */
  async json<T>(scope: RequestScope, request: BackendRequest, check: ShapeCheck<T>): Promise<T | null> {
    const started = performance.now();
    const observed = this.observer.begin(scope, request, countIds(request));
    // The caller's own deadline: it stops waiting then, even on a call shared with others.
    const remaining = remainingMs(scope.deadline);
    const deadline = timeoutSignal(remaining);
    const signal = AbortSignal.any([scope.signal, deadline]);
    try {
      if (remaining < MIN_USEFUL_MS) {
        throw new BackendError(this.service, 'BACKEND_TIMEOUT', 'not started: the request has no time left');
      }
      let result: { value: unknown; cached: boolean };
      if (this.config.dedupe && (request.method ?? 'GET') === 'GET') {
        const key = dedupeKey(request);
        const shared = this.shared.run(key, { signal, deadline: scope.deadline }, (call) =>
          this.call({ ...scope, signal: call.signal }, request, check, observed),
        );
        observed.shared(key, shared.joined);
        result = await shared.promise;
      } else {
        result = await this.call({ ...scope, signal }, request, check, observed);
      }
      observed.succeeded(result.cached);
      return result.value as T | null;
    } catch (error) {
      // Any of our deadline timers firing is ours to report, whichever fired first: they are
      // rounded to whole ms when made, so a later, shorter one (the bulkhead's wait) can beat
      // `deadline` by a fraction of a millisecond. Only a caller who hung up gets its own abort.
      const ourDeadline = !(error instanceof BackendError) && !scope.signal.aborted && (deadline.aborted || (error as Error)?.name === 'TimeoutError');
      const failure = ourDeadline
        ? new BackendError(this.service, 'BACKEND_TIMEOUT', `no answer within the request's budget (${Math.round(remaining)} ms)`, { cause: error })
        : error;
      observed.failed(failure);
      // A caller who hung up is not a backend failure: debug, or a disconnect storm floods the log.
      const aborted = !(failure instanceof BackendError);
      this.logger[aborted ? 'debug' : 'warn'](
        { reqId: scope.requestId, trace_id: observed.traceId, span_id: observed.spanId, path: request.path, ms: Math.round(performance.now() - started), code: aborted ? 'ABORTED' : failure.code, err: error },
        aborted ? 'backend call abandoned: the caller left' : 'backend call failed',
      );
      throw failure;
    }
  }

  /** One logical call: retried when idempotent and worth it. */
  private async call<T>(scope: RequestScope, request: BackendRequest, check: ShapeCheck<T>, observed: CallObservation) {
    const done = this.retryBudget.callStarted();
    try {
      const idempotent = (request.method ?? 'GET') === 'GET' || request.headers?.['idempotency-key'] !== undefined;
      const attempt = () => this.attempt(scope, request, check, observed);
      if (!idempotent || this.config.retries === 0) return await attempt();
      return await withRetries(
        {
          retries: this.config.retries,
          baseMs: this.config.retryBaseMs,
          maxMs: MAX_BACKOFF_MS,
          budget: this.retryBudget,
          onRetry: (n, delayMs, error) => {
            observed.retrying(n, delayMs, error);
            this.logger.info({ reqId: scope.requestId, trace_id: observed.traceId, path: request.path, retry: n, delayMs: Math.round(delayMs), code: error.code, status: error.status }, 'retrying backend call');
          },
        },
        scope.deadline,
        scope.signal,
        attempt,
      );
    } finally {
      done();
    }
  }

  /** One attempt, through the breaker, the rate limit and the bulkhead. */
  private async attempt<T>(scope: RequestScope, request: BackendRequest, check: ShapeCheck<T>, observed: CallObservation) {
    try {
      return await this.breaker.execute(async () => {
        if (this.rateLimiter && !(await this.rateLimiter.acquire(scope.deadline, scope.signal))) {
          throw new BackendError(this.service, 'BACKEND_RATE_LIMITED', `declared rate of ${this.config.rateLimitRps}/s leaves no slot before the deadline`);
        }
        // Waiting in the bulkhead's queue counts against the deadline too.
        const waitSignal = AbortSignal.any([scope.signal, timeoutSignal(remainingMs(scope.deadline))]);
        return await untilAborted(this.bulkhead.execute(() => this.sendOnce(scope, request, check, observed), waitSignal), waitSignal);
      });
    } catch (error) {
      if (error instanceof BrokenCircuitError) {
        throw new BackendError(this.service, 'BACKEND_CIRCUIT_OPEN', 'circuit open: failing fast', { cause: error });
      }
      if (error instanceof BulkheadRejectedError) {
        throw new BackendError(this.service, 'BACKEND_OVERLOADED', `${this.config.concurrency} calls in flight and ${this.config.queue} queued`, { cause: error });
      }
      throw error;
    }
  }

  private sendOnce<T>(scope: RequestScope, request: BackendRequest, check: ShapeCheck<T>, observed: CallObservation) {
    // Each attempt gets the smaller of its own timeout and what is left of the request's budget.
    const timeoutMs = Math.min(this.config.timeoutMs, remainingMs(scope.deadline));
    const attempt = AbortSignal.any([scope.signal, timeoutSignal(timeoutMs)]);
    const sent = observed.attempt((trace) => send(this.target, request, scope.requestId, { attempt, caller: scope.signal, timeoutMs }, check, trace));
    if (timeoutMs >= this.config.timeoutMs) return sent;
    return sent.catch((error: unknown) => {
      if (error instanceof BackendError && error.code === 'BACKEND_TIMEOUT') cutShortByBudget.add(error);
      throw error;
    });
  }

  /** Whether the backend answers its `/health` within `timeoutMs`; for the readiness check. */
  async isHealthy(timeoutMs = 1000): Promise<boolean> {
    try {
      const { statusCode, body } = await this.pool.request({ method: 'GET', path: '/health', signal: AbortSignal.timeout(timeoutMs) });
      await body.dump();
      return statusCode === 200;
    } catch {
      return false;
    }
  }

  /** For metrics and tests: the breaker's state and what is in flight. */
  get state() {
    return { breaker: this.breaker.state, bulkhead: { free: this.bulkhead.executionSlots, queueFree: this.bulkhead.queueSlots }, ...this.retryBudget.inFlight, shared: this.shared.size };
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  /** Forcibly ends every connection; for shutdown after the grace period. */
  destroy(): Promise<void> {
    return this.pool.destroy();
  }
}

/**
 * Identical means same method, path, query and credentials: two users' calls never share,
 * since the backend may answer each differently.
 */
function dedupeKey(request: BackendRequest): string {
  return `${request.method ?? 'GET'} ${request.path}${queryString(request.query)} ${request.headers?.authorization ?? ''}`;
}

function countIds(request: BackendRequest): number | undefined {
  const arrays = Object.values(request.query ?? {}).filter(Array.isArray);
  return arrays.length > 0 ? arrays.reduce((n, ids) => n + ids.length, 0) : undefined;
}
