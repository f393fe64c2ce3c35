import type { ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import { originalOfMasked } from '../errors/masked-original.js';
import { requestIdOf } from '../observability/request-state.js';

/**
 * The other half of error masking: the client got "Unexpected error.", the log gets the error
 * itself, with the request id the client also got, so a support ticket finds it. Errors of a
 * field (with a `path`) are logged by useRequestLogging already; this covers the ones raised
 * outside execution (request parsing, a plugin, the context factory).
 */
export function useErrorLog(logger: Logger): Plugin {
  const logMasked = (request: Request, single: unknown) => {
    const errors = single && typeof single === 'object' && 'errors' in single ? (single as ExecutionResult).errors : undefined;
    if (!errors) return;
    for (const error of errors) {
      const original = originalOfMasked(error);
      if (original && !error.path) logger.error({ reqId: requestIdOf(request), err: original }, 'unexpected error, masked for the client');
    }
  };
  return {
    onResultProcess({ request, result }) {
      if (Array.isArray(result)) for (const single of result) logMasked(request, single);
      else logMasked(request, result);
    },
  };
}
