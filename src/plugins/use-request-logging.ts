import { GraphQLError, getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import { BackendError } from '../backends/errors.js';
import { isAbort } from '../yoga-logger.js';
import { callCountsOf } from '../observability/backend-observer.js';
import { traceIdOf } from '../observability/tracing.js';
import { requestIdOf } from './use-request-id.js';

interface Timing {
  started: number;
  operationName?: string;
}

/**
 * One log line per HTTP request when its response is ready: request id, trace id (when
 * traced), operation, status, duration, and the calls it made per backend. Unexpected errors (bugs) are logged in full, with their cause, on the server only,
 * since the client sees them masked. Backend failures are not repeated here: the HTTP client
 * logged each failed call once, however many fields it failed.
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
    onExecute({ args }) {
      // The document names its operation even when the request's `operationName` does not.
      const timing = timings.get(args.contextValue.request);
      if (timing && timing.operationName === undefined) timing.operationName = getOperationAST(args.document, args.operationName)?.name?.value;
    },
    onExecutionResult({ result, request }) {
      const errors = result && 'errors' in result ? result.errors : undefined;
      for (const error of errors ?? []) {
        const cause = error.originalError;
        // Backend failures were logged by the HTTP client; aborts are a client that left.
        if (!cause || cause instanceof BackendError || isAbort(cause) || (cause instanceof GraphQLError && !cause.originalError)) continue;
        logger.error({ reqId: requestIdOf(request), trace_id: traceIdOf(request), path: error.path?.join('.'), err: cause }, 'unexpected error in a resolver');
      }
    },
    onResponse({ request, response }) {
      const timing = timings.get(request);
      logger.info(
        {
          reqId: requestIdOf(request),
          trace_id: traceIdOf(request),
          method: request.method,
          path: new URL(request.url).pathname,
          operation: timing?.operationName,
          status: response.status,
          ms: timing ? Math.round(performance.now() - timing.started) : undefined,
          backends: callCountsOf(request),
        },
        'request',
      );
    },
  };
}
