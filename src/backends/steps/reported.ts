import type { Logger } from 'pino';
import { BackendError } from '../errors.js';
import type { CallObserver } from '../events.js';
import type { Step } from '../pipeline.js';
import { sharedFreshness } from '../cache/shared-freshness.js';
import type { BackendRequest, Sent } from '../request.js';

/**
 * Where a call begins to be reported: its events go to the observer (fetch plan, call counts,
 * metrics, spans: src/observability/backend-observer.ts), and a failure gets one log line.
 * After coalescing, so each chunk of a bulk lookup is a call of its own, as the backend sees it.
 */
export const reported =
  ({ observer, logger }: { observer: CallObserver; logger: Logger }): Step =>
  (next) =>
  async (call) => {
    const started = performance.now();
    const events = observer.begin(call.scope, call.request, countIds(call.request));
    call.scope.freshness?.began();
    try {
      const answer = await next({ ...call, events });
      events.succeeded(answer.cached);
      call.scope.freshness?.answered(freshForSeconds(answer));
      return answer;
    } catch (error) {
      events.failed(error);
      // A caller who hung up is not a backend failure: debug, or a disconnect storm floods the log.
      const aborted = !(error instanceof BackendError);
      logger[aborted ? 'debug' : 'warn'](
        {
          reqId: call.scope.requestId,
          trace_id: events.traceId,
          span_id: events.spanId,
          path: call.request.path,
          ms: Math.round(performance.now() - started),
          code: aborted ? 'ABORTED' : error.code,
          err: error,
        },
        aborted ? 'backend call abandoned: the caller left' : 'backend call failed',
      );
      throw error;
    }
  };

function countIds(request: BackendRequest): number | undefined {
  let ids: number | undefined;
  for (const value of Object.values(request.query ?? {})) if (Array.isArray(value)) ids = (ids ?? 0) + value.length;
  return ids;
}

/** Seconds a shared cache may keep this answer: the HTTP cache's own reckoning, or the headers'. */
function freshForSeconds(answer: Sent<unknown>): number {
  if (answer.freshForSeconds !== undefined) return answer.freshForSeconds;
  const header = answer.headers?.['cache-control'];
  const age = Number(answer.headers?.age ?? 0);
  return sharedFreshness(Array.isArray(header) ? header.join(', ') : header) - (Number.isFinite(age) ? age : 0);
}
