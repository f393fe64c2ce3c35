import type { HttpCache } from '../cache/http-cache.js';
import type { Coalescer } from '../resilience/coalescer.js';
import type { Answer, Call, Handler, Step } from '../pipeline.js';
import { pathAndQuery, queryString } from '../request.js';

/**
 * Cross-request batching: a public bulk lookup's ids join those that concurrent requests ask
 * of the same endpoint in the same window (see Coalescer), and the call goes on as one call
 * per chunk holding its ids. Identical chunks from several requests are then one backend call
 * through dedupe (the next steps). The answer merges the chunks' items: it may hold more than
 * was asked for, so callers map by key. A lookup that `cache` answers fresh as it is skips the
 * window: merging only saves backend calls, and a hit makes none (nor waits a turn for one).
 */
export const coalescing =
  (coalescer: Coalescer, cache?: HttpCache): Step =>
  (next) =>
  (call) => {
    if (!call.bulk || cache?.freshHit(call)) return next(call);
    return coalesced(coalescer, next, call, call.bulk.param);
  };

async function coalesced(coalescer: Coalescer, next: Handler, call: Call, param: string): Promise<Answer> {
  const { request } = call;
  const ids = (request.query?.[param] ?? []) as readonly string[];
  const endpoint = `${request.path}${queryString({ ...request.query, [param]: undefined })} ${param}`;
  const chunks = await coalescer.chunksFor(endpoint, ids);
  const answers = await Promise.all(
    chunks.map((chunk) => {
      const chunkRequest = { ...request, query: { ...request.query, [param]: chunk } };
      return next({ ...call, bulk: undefined, request: chunkRequest, url: pathAndQuery(chunkRequest) });
    }),
  );
  return merged(answers);
}

function merged(answers: Answer[]): Answer {
  if (answers.length === 1) return answers[0]!;
  const items = answers.flatMap((answer) => (answer.value as { items?: unknown[] } | null)?.items ?? []);
  // As reusable as its least reusable chunk (0, not at all, if one is not).
  const reusableUntil = Math.min(...answers.map((answer) => answer.reusableUntil ?? 0));
  return { value: { items }, cached: answers.every((answer) => answer.cached), status: 200, ...(reusableUntil > 0 && { reusableUntil }) };
}
