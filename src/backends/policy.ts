/**
 * The traffic policy to one backend, outside in: the README's "Traffic to the backends" table,
 * step by step (one file each in ./steps/), ending at the transport (./transport.ts), which
 * sends one attempt through the keep-alive pool. A step switched off by configuration is left
 * out of the line altogether.
 */
import type { CircuitBreakerPolicy, BulkheadPolicy } from 'cockatiel';
import type { Logger } from 'pino';
import type { BackendConfig, ServiceName } from '../config.js';
import type { HttpCache } from './cache/http-cache.js';
import type { CallObserver } from './events.js';
import type { Answer, Step } from './pipeline.js';
import type { Coalescer } from './resilience/coalescer.js';
import type { RateLimiter } from './resilience/rate-limiter.js';
import type { RetryBudget } from './resilience/retry-budget.js';
import type { SharedCalls } from './resilience/shared-calls.js';
import { bulkhead } from './steps/bulkhead.js';
import { circuitBreaker } from './steps/circuit-breaker.js';
import { coalescing } from './steps/coalescing.js';
import { dedupe } from './steps/dedupe.js';
import { freshHits } from './steps/fresh-hits.js';
import { httpCache } from './steps/http-cache.js';
import { rateLimit } from './steps/rate-limit.js';
import { reported } from './steps/reported.js';
import { requestBudget } from './steps/request-budget.js';
import { retries } from './steps/retries.js';

/** Longest backoff between retries, unless the backend's Retry-After asks for more. */
const MAX_BACKOFF_MS = 1000;

/** The state one backend's steps share across calls (held by its BackendHttp). */
export interface PolicyParts {
  readonly service: ServiceName;
  readonly config: BackendConfig;
  readonly logger: Logger;
  readonly observer: CallObserver;
  readonly coalescer: Coalescer | undefined;
  readonly shared: SharedCalls<Answer> | undefined;
  readonly cache: HttpCache | undefined;
  readonly retryBudget: RetryBudget;
  readonly breaker: CircuitBreakerPolicy;
  readonly rateLimiter: RateLimiter | undefined;
  readonly bulkhead: BulkheadPolicy;
}

export function trafficPolicy(p: PolicyParts): Array<Step | undefined> {
  const { service, config } = p;
  return [
    // Public bulk lookups of concurrent requests merged, then one call per chunk; a lookup the
    // HTTP cache answers fresh as it is needs no call, so it is not merged.
    p.coalescer && coalescing(p.coalescer, p.cache),
    // From here on, each call is reported: fetch plan, counts, metrics, spans, a log line on failure.
    reported({ observer: p.observer, logger: p.logger }),
    // Too little time left: not started. A wait the deadline ended: BACKEND_TIMEOUT.
    requestBudget(service),
    // A fresh answer the backend marked cacheable: the value checked when stored, nothing shared, no call.
    p.cache && freshHits(p.cache),
    // Identical GETs in flight share one call, under the latest deadline of those waiting.
    p.shared && dedupe(p.shared),
    // The rest of the HTTP cache: stale answers revalidated (a 304 keeps them), misses stored.
    p.cache && httpCache(p.cache),
    // Idempotent calls retried on transient failures, within the retry budget and the deadline.
    retries({ retries: config.retries, baseMs: config.retryBaseMs, maxMs: MAX_BACKOFF_MS, budget: p.retryBudget, logger: p.logger }),
    // Inside the retries, so it sees every attempt and, once open, stops them.
    circuitBreaker(service, p.breaker),
    // The backend's declared rate, waited for within the deadline.
    p.rateLimiter && rateLimit(service, p.rateLimiter, config.rateLimitRps),
    // At most `concurrency` in flight, a short queue, then BACKEND_OVERLOADED.
    bulkhead(service, p.bulkhead, config),
    // Then the transport: one attempt, with its own timeout, through the keep-alive pool.
  ];
}
