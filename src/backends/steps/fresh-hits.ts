import { HttpCache } from '../cache/http-cache.js';
import type { Step } from '../pipeline.js';

/**
 * A fresh entry of the HTTP cache answers at once, above dedupe: a hit has no call to share, so
 * it costs one lookup and no shared call, lifetime, race or timer. What is not a fresh hit
 * (a miss, a stale entry, one only the shared store may hold) goes on to dedupe and the
 * httpCache step below it, which still make concurrent misses one lookup, one call, one store.
 */
export const freshHits =
  (cache: HttpCache): Step =>
  (next) =>
  (call) => {
    const entry = (call.request.method ?? 'GET') === 'GET' ? cache.freshHit(call) : undefined;
    return entry ? Promise.resolve(HttpCache.answer(entry)) : next(call);
  };
