import type { Answer, Call, Step } from '../pipeline.js';
import type { SharedCalls } from '../resilience/shared-calls.js';

/**
 * Identical GETs in flight at the same time, across requests, share one call (SharedCalls):
 * it runs under a lifetime of its own, the latest deadline among those waiting, and each
 * participant waits only until its own deadline.
 */
export const dedupe =
  (shared: SharedCalls<Answer>): Step =>
  (next) =>
  (call) => {
    if ((call.request.method ?? 'GET') !== 'GET') return next(call);
    const key = dedupeKey(call);
    const { promise, joined } = shared.run(key, call.deadline, (lifetime) => next({ ...call, deadline: lifetime }));
    call.events.shared(key, joined);
    return promise;
  };

/**
 * Identical means same method, path, query and credentials: two users' calls never share,
 * since the backend may answer each differently.
 */
export function dedupeKey({ request, url }: Pick<Call, 'request' | 'url'>): string {
  return `${request.method ?? 'GET'} ${url} ${request.headers?.authorization ?? ''}`;
}
