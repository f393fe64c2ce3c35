import { bulkhead, type BulkheadPolicy, type CircuitBreakerPolicy } from 'cockatiel';
import { Pool } from 'undici';
import type { Logger } from 'pino';
import type { BackendConfig, ServiceName } from '../config.js';
import { HttpCache, type LocalEntry, type SharedEntry } from './cache/http-cache.js';
import { MemoryStore } from './cache/memory-store.js';
import type { CacheStore } from './cache/store.js';
import { UNOBSERVED, type CallObserver } from './events.js';
import { compose, type Answer, type Handler } from './pipeline.js';
import { trafficPolicy } from './policy.js';
import { pathAndQuery, type BackendRequest, type BulkItems, type ShapeCheck } from './request.js';
import { Coalescer } from './resilience/coalescer.js';
import { RateLimiter } from './resilience/rate-limiter.js';
import { RetryBudget } from './resilience/retry-budget.js';
import { SharedCalls } from './resilience/shared-calls.js';
import { deadlineOf, type RequestScope } from './scope.js';
import { createBreaker } from './steps/circuit-breaker.js';
import { transport } from './transport.js';

export type { BackendRequest, BulkItems, QueryValue, ShapeCheck } from './request.js';
export type { RequestScope } from './scope.js';

/** Backends answer small JSON documents; anything larger than this is a fault, not data. */
const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

const NO_ITEMS: readonly never[] = Object.freeze([]);

export interface BackendHttpOptions {
  /** Where every call is reported (observability's BackendObserver). @default none */
  readonly observer?: CallObserver;
  /** Deep-freeze what the HTTP cache stores, so a resolver mutating a shared value throws. @default false (true in development and tests, see createBackendTransports) */
  readonly freezeCached?: boolean;
  /** A cache store shared by every instance, behind this instance's memory. @default none */
  readonly sharedCache?: CacheStore<SharedEntry>;
}

/** The HTTP cache's memory, per backend: entries and bytes (of the bodies the values came from). */
const CACHE_MAX_ENTRIES = 10_000;
const CACHE_MAX_BYTES = 64 * 1024 * 1024;

/**
 * The one HTTP client for one backend, where its whole traffic policy lives, so resolvers and
 * backend clients never see it. It holds the state the policy's steps share across calls (the
 * pool, breaker, bulkhead, budgets, calls in flight) and sends each call down the steps of
 * src/backends/policy.ts.
 */
export class BackendHttp {
  private readonly pool: Pool;
  private readonly breaker: CircuitBreakerPolicy;
  private readonly bulkhead: BulkheadPolicy;
  private readonly retryBudget: RetryBudget;
  private readonly shared: SharedCalls<Answer> | undefined;
  private readonly handle: Handler;
  private readonly observer: CallObserver;

  constructor(
    readonly service: ServiceName,
    config: BackendConfig,
    logger: Logger,
    { observer = UNOBSERVED, freezeCached = false, sharedCache }: BackendHttpOptions = {},
  ) {
    // As many connections as calls allowed in flight: the bulkhead, not the pool, queues.
    this.pool = new Pool(config.url, { connections: config.concurrency, pipelining: 1, keepAliveTimeout: 30_000, maxResponseSize: MAX_RESPONSE_BYTES });
    // A shared cache's rules: never a `private` answer, nor one to a request with credentials
    // unless the backend marks it public, so one user's data is never served to another.
    const cache = config.cache
      ? new HttpCache({
          service,
          origin: config.url,
          local: new MemoryStore<LocalEntry>({ maxEntries: CACHE_MAX_ENTRIES, maxBytes: CACHE_MAX_BYTES, sizeOf: (entry) => entry.size }),
          shared: sharedCache,
          freeze: freezeCached,
        })
      : undefined;

    this.breaker = createBreaker(
      {
        minAttempts: config.breakerThreshold,
        failurePercent: config.breakerFailurePercent,
        windowMs: config.breakerWindowMs,
        halfOpenAfterMs: config.breakerHalfOpenMs,
      },
      logger,
      observer,
    );
    this.bulkhead = bulkhead(config.concurrency, config.queue);
    this.bulkhead.onReject(() => logger.warn({ concurrency: config.concurrency, queue: config.queue }, 'bulkhead full: call rejected'));
    this.observer = observer;
    this.retryBudget = new RetryBudget(config.retryBudgetPercent, config.retryBudgetMin);
    this.shared = config.dedupe ? new SharedCalls<Answer>() : undefined;
    const steps = trafficPolicy({
      service,
      config,
      logger,
      observer,
      // Coalesced chunks are shared through dedupe; without it, coalescing would only add calls.
      coalescer: config.dedupe && config.batchWindowMs >= 0 ? new Coalescer(config.batchWindowMs, config.maxBatchSize) : undefined,
      shared: this.shared,
      cache,
      retryBudget: this.retryBudget,
      breaker: this.breaker,
      rateLimiter: config.rateLimitRps > 0 ? new RateLimiter(config.rateLimitRps) : undefined,
      bulkhead: this.bulkhead,
    });
    this.handle = compose(steps, transport({ service, origin: config.url, dispatcher: this.pool }, config.timeoutMs));
  }

  /**
   * A bulk lookup (`{ items: [...] }` by ids) of data that is the same for every user: the ids
   * may be merged with other requests' (see the coalescing step), so the answer can hold more
   * items than asked for; callers map by key. Never for credential-bearing calls.
   */
  async items<V>(
    scope: RequestScope,
    request: BackendRequest & { idsParam: string; ids: readonly string[] },
    check: ShapeCheck<{ items: V[] }>,
  ): Promise<BulkItems<V>> {
    const { idsParam, ids, ...rest } = request;
    const bulk = { ...rest, query: { ...rest.query, [idsParam]: ids } };
    const answer = await this.handle({
      request: bulk,
      url: pathAndQuery(bulk),
      bulk: { param: idsParam },
      check,
      scope,
      deadline: deadlineOf(scope),
      events: UNOBSERVED,
    });
    return { items: (answer.value as { items: V[] } | null)?.items ?? NO_ITEMS, reusableUntil: answer.reusableUntil ?? 0 };
  }

  /**
   * Sends one request and returns its checked JSON body, or `null` for a `nullOn` status.
   * Fails with a BackendError, or with the caller's own abort reason if it hung up.
   */
  async json<T>(scope: RequestScope, request: BackendRequest, check: ShapeCheck<T>): Promise<T | null> {
    const answer = await this.handle({ request, url: pathAndQuery(request), check, scope, deadline: deadlineOf(scope), events: UNOBSERVED });
    return answer.value as T | null;
  }

  /**
   * Reports keys a request took from this backend's fresh bulk answers without a call (see
   * src/graphql/fresh-items.ts) as what the HTTP cache's hit of their batch would have been: one
   * cached call to `path` with that many ids (fetch plan, call metrics, span), answered with
   * `freshForSeconds` of freshness left (what the response's Cache-Control is judged by).
   */
  reused(scope: RequestScope, path: string, ids: number, freshForSeconds: number): void {
    this.observer.begin(scope, { path }, ids).succeeded(true);
    scope.freshness?.began();
    scope.freshness?.answered(freshForSeconds);
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
    return {
      breaker: this.breaker.state,
      bulkhead: { free: this.bulkhead.executionSlots, queueFree: this.bulkhead.queueSlots },
      ...this.retryBudget.inFlight,
      shared: this.shared?.size ?? 0,
    };
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  /** Forcibly ends every connection; for shutdown after the grace period. */
  destroy(): Promise<void> {
    return this.pool.destroy();
  }
}
