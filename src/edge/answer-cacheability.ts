import { callCountsOf } from '../observability/backend-observer.js';

/**
 * Whether one GraphQL answer may be kept by a shared cache (a CDN) in front of the BFF, and for
 * how long. The backends decide: an answer is as cacheable as the least cacheable backend answer
 * it was made from, judged by their own `Cache-Control` as a shared cache would (RFC 9111).
 *
 * The transport reports each backend answer a request used, network, HTTP cache or shared call
 * alike, with `record()`. A request whose calls were not all reported (a failed call, or a
 * transport that does not report at all) is never cacheable: when in doubt, nothing is shared.
 */
export class AnswerCacheability {
  private reported = 0;
  private freshSeconds = Number.POSITIVE_INFINITY;

  /**
   * One backend answer: its `Cache-Control` header (undefined when it sent none) and its `Age`
   * in seconds (a cached answer has aged; undici's cache sets `age` on what it serves).
   */
  record(cacheControl: string | undefined, ageSeconds = 0): void {
    this.reported++;
    this.freshSeconds = Math.min(this.freshSeconds, sharedFreshness(cacheControl) - Math.max(0, ageSeconds));
  }

  /**
   * Seconds a shared cache may keep the answer, at most `maxSeconds`; 0 means not at all. `calls`
   * is how many backend calls the request made (from its call counts).
   */
  maxAge(calls: number, maxSeconds: number): number {
    if (this.reported < calls) return 0;
    return Math.max(0, Math.floor(Math.min(this.freshSeconds, maxSeconds)));
  }
}

/**
 * How long a shared cache may serve a response with this `Cache-Control` without asking again:
 * 0 for `private`, `no-store`, `no-cache`, or no freshness given (heuristic freshness does not
 * count: the backend did not say).
 */
export function sharedFreshness(cacheControl: string | undefined): number {
  if (!cacheControl) return 0;
  const directives = new Map<string, string | undefined>();
  for (const part of cacheControl.toLowerCase().split(',')) {
    const [name, value] = part.trim().split('=', 2) as [string, string | undefined];
    if (name) directives.set(name, value?.replace(/^"|"$/g, ''));
  }
  if (['private', 'no-store', 'no-cache'].some((d) => directives.has(d))) return 0;
  const seconds = Number(directives.get('s-maxage') ?? directives.get('max-age'));
  return Number.isFinite(seconds) && seconds > 0 ? seconds : 0;
}

const byRequest = new WeakMap<Request, AnswerCacheability>();

/** The request's record, made on first use (by the transport's first report, or the answer). */
export function answerCacheabilityOf(request: Request): AnswerCacheability {
  let cacheability = byRequest.get(request);
  if (!cacheability) byRequest.set(request, (cacheability = new AnswerCacheability()));
  return cacheability;
}

/** Backend calls the request made, all backends together. */
export function backendCallsOf(request: Request): number {
  let calls = 0;
  for (const n of Object.values(callCountsOf(request))) calls += n ?? 0;
  return calls;
}
