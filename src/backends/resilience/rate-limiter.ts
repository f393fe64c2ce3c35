import type { Deadline } from './deadline.js';

/**
 * Keeps our calls to a backend under its declared requests/s, with a small burst. A call
 * that would have to wait past its deadline is refused at once (the caller reports
 * BACKEND_RATE_LIMITED); one that can wait, waits. This is GCRA (the "virtual scheduling"
 * form of a token bucket) in a dozen lines: no library does "queue within a deadline".
 */
export class RateLimiter {
  private readonly interval: number;
  private readonly tolerance: number;
  /** Theoretical arrival time of the next call. */
  private tat = 0;

  constructor(requestsPerSecond: number, burst = Math.max(1, Math.ceil(requestsPerSecond / 10))) {
    this.interval = 1000 / requestsPerSecond;
    this.tolerance = (burst - 1) * this.interval;
  }

  /** Resolves when the call may go; returns false (without waiting) if it could not go in time. */
  async acquire(deadline: Deadline): Promise<boolean> {
    const now = performance.now();
    const tat = Math.max(this.tat, now);
    const wait = tat - this.tolerance - now;
    if (wait > 0 && wait >= deadline.remainingMs(now)) return false;
    this.tat = tat + this.interval;
    if (wait > 0) await deadline.sleep(wait);
    return true;
  }
}
