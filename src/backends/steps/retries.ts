import type { Logger } from 'pino';
import type { Step } from '../pipeline.js';
import type { BackendRequest } from '../request.js';
import { withRetries } from '../resilience/retry.js';
import type { RetryBudget } from '../resilience/retry-budget.js';

export interface RetriesOptions {
  /** Attempts after the first. */
  readonly retries: number;
  /** First backoff; it doubles each time, with full jitter. */
  readonly baseMs: number;
  /** Longest backoff, unless the backend's Retry-After asks for more. */
  readonly maxMs: number;
  /** Shared by every call to the backend: retries stay a fraction of the calls in flight. */
  readonly budget: RetryBudget;
  readonly logger: Logger;
}

/**
 * Retries of idempotent calls (a GET, or a write with an `idempotency-key`), decided by
 * withRetries: retryable failures only, within the retry budget and the deadline. Every call
 * that passes counts in the budget's calls in flight, retried or not.
 */
export const retries =
  (options: RetriesOptions): Step =>
  (next) =>
  async (call) => {
    const done = options.budget.callStarted();
    try {
      if (options.retries === 0 || !isIdempotent(call.request)) return await next(call);
      return await withRetries(
        {
          retries: options.retries,
          baseMs: options.baseMs,
          maxMs: options.maxMs,
          budget: options.budget,
          onRetry: (n, delayMs, error) => {
            call.events.retrying(n, delayMs, error);
            options.logger.info(
              {
                reqId: call.scope.requestId,
                trace_id: call.events.traceId,
                path: call.request.path,
                retry: n,
                delayMs: Math.round(delayMs),
                code: error.code,
                status: error.status,
              },
              'retrying backend call',
            );
          },
        },
        call.deadline,
        () => next(call),
      );
    } finally {
      done();
    }
  };

export function isIdempotent(request: BackendRequest): boolean {
  return (request.method ?? 'GET') === 'GET' || request.headers?.['idempotency-key'] !== undefined;
}
