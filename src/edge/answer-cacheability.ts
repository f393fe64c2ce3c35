import type { AnswerFreshness } from '../backends/scope.js';
import { requestStateOf } from '../observability/request-state.js';
export { sharedFreshness } from '../backends/cache/shared-freshness.js';

/**
 * Whether one GraphQL answer may be kept by a shared cache (a CDN) in front of the BFF, and for
 * how long. The backends decide: an answer is as cacheable as the least cacheable backend answer
 * it was made from, judged by their own `Cache-Control` as a shared cache would (RFC 9111).
 *
 * The transport reports each call a request makes (`began`) and each answer it used, network, HTTP
 * cache or shared call alike (`answered`, src/backends/steps/reported.ts). A request with a call
 * left unanswered (a failed call) is never cacheable: when in doubt, nothing is shared.
 */
export class AnswerCacheability implements AnswerFreshness {
  private calls = 0;
  private reported = 0;
  private freshSeconds = Number.POSITIVE_INFINITY;

  /** One backend call made: it must be answered, and reported, for the whole to be cacheable. */
  began(): void {
    this.calls++;
  }

  /** One backend answer used, fresh for a shared cache for this many more seconds (0: not at all). */
  answered(freshForSeconds: number): void {
    this.reported++;
    this.freshSeconds = Math.min(this.freshSeconds, freshForSeconds);
  }

  /** Seconds a shared cache may keep the answer, at most `maxSeconds`; 0 means not at all. */
  maxAge(maxSeconds: number): number {
    if (this.reported < this.calls) return 0;
    return Math.max(0, Math.floor(Math.min(this.freshSeconds, maxSeconds)));
  }
}

/** The request's record, made on first use and kept with the rest of its state (request-state.ts). */
export function answerCacheabilityOf(request: Request): AnswerCacheability {
  const state = requestStateOf(request);
  if (state.cacheability instanceof AnswerCacheability) return state.cacheability;
  const made = new AnswerCacheability();
  state.cacheability = made;
  return made;
}
