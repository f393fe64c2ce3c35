import { HttpCache } from '../cache/http-cache.js';
import type { Step } from '../pipeline.js';

/**
 * The HTTP cache (see HttpCache): a fresh entry answers at once with the value checked when it
 * was stored; a stale one with a validator is revalidated (a 304 keeps it); anything else goes
 * to the backend and is stored when the rules allow. Below dedupe, so concurrent misses of the
 * same URL make one lookup, one call and one store; above the retries, so a hit costs no
 * breaker, rate-limit or bulkhead slot.
 */
export const httpCache =
  (cache: HttpCache): Step =>
  (next) =>
  async (call) => {
    if ((call.request.method ?? 'GET') !== 'GET') return next(call);
    const found = cache.lookup(call);
    const entry = found instanceof Promise ? await found : found;
    // A hit costs this lookup: no headers built, no parse, no check.
    if (entry && HttpCache.fresh(entry, call, () => cache.policyRequest(call))) return HttpCache.answer(entry);
    const request = cache.policyRequest(call);
    if (!entry) return cache.fill(call, request, await next(call));

    const conditional = conditionalHeaders(entry.policy.revalidationHeaders(request));
    if (!conditional) return cache.fill(call, request, await next(call));
    const answer = await next({ ...call, request: { ...call.request, headers: { ...call.request.headers, ...conditional } }, revalidating: true });
    if (answer.status !== 304) return cache.fill(call, request, answer);
    const { policy, modified } = entry.policy.revalidatedPolicy(request, { status: 304, headers: answer.headers ?? {} });
    if (modified) return cache.fill(call, request, await next(call));
    return HttpCache.answer(cache.refresh(call, entry, policy, request));
  };

/** Only what makes the request conditional: the rest of the headers are the call's own. */
function conditionalHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> | undefined {
  const conditional: Record<string, string> = {};
  for (const name of ['if-none-match', 'if-modified-since']) {
    const value = headers[name];
    if (typeof value === 'string') conditional[name] = value;
  }
  return Object.keys(conditional).length > 0 ? conditional : undefined;
}
