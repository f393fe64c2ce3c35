import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import { requestIdOf } from './use-request-id.js';

interface Timing {
  started: number;
  operationName?: string;
}

/**
 * One log line per HTTP request, when its response is ready: request id, operation, status,
 * duration. Errors in the result are logged in full (with their cause) here, on the server
 * only, since the client sees them masked.
 */
export function useRequestLogging(logger: Logger): Plugin {
  const timings = new WeakMap<Request, Timing>();
  return {
    onRequest({ request }) {
      timings.set(request, { started: performance.now() });
    },
    onParams({ request, params }) {
      const timing = timings.get(request);
      if (timing) timing.operationName = params.operationName ?? undefined;
    },
    onExecutionResult({ result, context }) {
      const errors = result && 'errors' in result ? result.errors : undefined;
      if (!errors?.length) return;
      const request = (context as { request: Request }).request;
      for (const error of errors) {
        const cause = error.originalError ?? error;
        logger.warn({ reqId: requestIdOf(request), path: error.path?.join('.'), err: cause }, 'field error');
      }
    },
    onResponse({ request, response }) {
      const timing = timings.get(request);
      const url = new URL(request.url);
      logger.info(
        {
          reqId: requestIdOf(request),
          method: request.method,
          path: url.pathname,
          operation: timing?.operationName,
          status: response.status,
          ms: timing ? Math.round(performance.now() - timing.started) : undefined,
        },
        'request',
      );
    },
  };
}
