import { GraphQLError, getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import { BackendError } from '../backends/errors.js';
import { isAbort } from './yoga-logger.js';
import { requestStateOf } from '../observability/request-state.js';

/**
 * One log line per HTTP request when its response is ready: request id, trace id (when
 * traced), operation, status, duration, and the calls it made per backend. Unexpected errors (bugs) are logged in full, with their cause, on the server only,
 * since the client sees them masked. Backend failures are not repeated here: the HTTP client
 * logged each failed call once, however many fields it failed.
 *
 * The line is at `info`, and its hooks are installed only if the logger logs at `info` when the
 * server is built (like tracing's: LOG_LEVEL is read once). Below it (production under load
 * runs at `warn`) a request pays for none of it: no hook called, no operation name looked up,
 * no URL parsed, no backend call counted.
 */
export function useRequestLogging(logger: Logger): Plugin {
  const requestLine: Plugin = {
    onRequest({ request }) {
      // The HTTP client counts calls only for a request whose line will be written.
      requestStateOf(request).calls = {};
    },
    onParams({ request, params }) {
      requestStateOf(request).operationName = params.operationName ?? undefined;
    },
    onExecute({ args }) {
      // The document names its operation even when the request's `operationName` does not.
      const state = requestStateOf(args.contextValue.request);
      state.operationName ??= getOperationAST(args.document, args.operationName)?.name?.value;
    },
    onResponse({ request, response }) {
      const state = requestStateOf(request);
      logger.info(
        {
          reqId: state.requestId,
          trace_id: state.traceId,
          method: request.method,
          path: new URL(request.url).pathname,
          operation: state.operationName,
          status: response.status,
          ms: Math.round(performance.now() - state.started),
          backends: state.calls,
        },
        'request',
      );
    },
  };
  return {
    ...(logger.isLevelEnabled('info') ? requestLine : {}),
    onExecutionResult({ result, request }) {
      const errors = result && 'errors' in result ? result.errors : undefined;
      if (!errors) return;
      for (const error of errors) {
        const cause = error.originalError;
        // Backend failures were logged by the HTTP client; aborts are a client that left.
        if (!cause || cause instanceof BackendError || isAbort(cause) || (cause instanceof GraphQLError && !cause.originalError)) continue;
        const { requestId, traceId } = requestStateOf(request);
        logger.error({ reqId: requestId, trace_id: traceId, path: error.path?.join('.'), err: cause }, 'unexpected error in a resolver');
      }
    },
  };
}
