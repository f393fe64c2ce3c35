import { handleWhen, retry, type IBackoff, type IBackoffFactory } from 'cockatiel';
import { BackendError } from '../errors.js';
import { MIN_USEFUL_MS, type Deadline } from './deadline.js';
import type { RetryBudget } from './retry-budget.js';
import { PublicCode } from '../../errors/public-errors.js';

export interface RetryOptions {
  /** Attempts after the first. */
  retries: number;
  /** First backoff in ms; it doubles each time, with full jitter. */
  baseMs: number;
  /** Longest backoff, unless the backend's Retry-After asks for more. */
  maxMs: number;
  budget: RetryBudget;
  /** Called before each retry, for logs and the fetch plan. */
  onRetry?: (attempt: number, delayMs: number, error: BackendError) => void;
}

/** 429, 502, 503, 504 and connection failures (no status): worth another try. */
const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);

export function isRetryable(error: unknown): error is BackendError {
  if (!(error instanceof BackendError)) return false;
  if (error.status !== undefined) return RETRYABLE_STATUS.has(error.status);
  return error.code === PublicCode.BACKEND_UNAVAILABLE;
}

/**
 * Runs `attempt` with cockatiel's retry, deciding each retry here, where the call's deadline
 * is known: only retryable failures, within the retry budget, after the larger of an
 * exponential full-jitter backoff and the backend's Retry-After, and never when that wait
 * would leave too little time before the deadline (then the last failure is the answer).
 * The policy is made per call because the decision depends on the call's deadline.
 */
export function withRetries<T>(options: RetryOptions, deadline: Deadline, attempt: () => Promise<T>): Promise<T> {
  let retriesDone = 0;
  let nextDelay = 0;
  let releaseSlot: (() => void) | undefined;

  const shouldRetry = (error: Error): boolean => {
    if (retriesDone >= options.retries || !isRetryable(error) || deadline.abandoned) return false;
    const backoff = Math.random() * Math.min(options.maxMs, options.baseMs * 2 ** retriesDone);
    const delay = Math.max(backoff, error.retryAfterMs ?? 0);
    if (delay + MIN_USEFUL_MS >= deadline.remainingMs()) return false;
    releaseSlot = options.budget.tryRetry();
    if (!releaseSlot) return false;
    retriesDone++;
    nextDelay = delay;
    options.onRetry?.(retriesDone, delay, error);
    return true;
  };

  const backoff: IBackoffFactory<unknown> & IBackoff<unknown> = {
    get duration() {
      return nextDelay;
    },
    next: () => backoff,
  };

  const policy = retry(handleWhen(shouldRetry), { maxAttempts: options.retries, backoff });
  // No signal for cockatiel: it only reads `aborted` between attempts, which shouldRetry does.
  return policy.execute(async () => {
    try {
      return await attempt();
    } finally {
      // The retry slot covers one retried attempt, from the decision to its end.
      releaseSlot?.();
      releaseSlot = undefined;
    }
  });
}
