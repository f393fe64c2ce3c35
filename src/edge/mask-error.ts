import { GraphQLError } from 'graphql';
import { maskError as yogaMaskError } from 'graphql-yoga';
import { BackendError } from '../backends/errors.js';
import { backendFailure } from '../errors/public-errors.js';
import { rememberMaskedOriginal } from '../errors/masked-original.js';

/**
 * Yoga's error mask, taught one more thing: a BackendError becomes its public form (stable
 * `code` and `service`, a fixed message). Everything else keeps yoga's rules: errors raised on
 * purpose as GraphQLError pass through (minus internal extensions such as `originalError`);
 * anything unexpected becomes "Unexpected error."
 * `isDev` is forced off, so no stack or original error reaches a client in any mode; the full
 * error is in the server's log with the request id.
 */
export function maskErrorForClients(error: unknown, message: string): Error {
  const original = error instanceof GraphQLError ? error.originalError : error;
  if (original instanceof BackendError) {
    return backendFailure(error instanceof GraphQLError ? error : new GraphQLError(message), original);
  }
  const yogaMasked = yogaMaskError(error, message, false);
  const masked = withoutInternals(yogaMasked);
  // Remember what was hidden (an unexpected error, not a client's mistake) for the log line.
  if (yogaMasked !== error && error instanceof Error) rememberMaskedOriginal(masked, error);
  return masked;
}

/** Extensions that describe our internals, never the client's request. */
const INTERNAL_EXTENSIONS = ['originalError', 'stack', 'stacktrace', 'exception'];

/**
 * Yoga passes its own request errors through the mask untouched, and one of them carries the
 * parser's exception: a malformed JSON body answers 400 with `extensions.originalError`
 * `{ name, message }`, in production too. What the client sent wrong is in the message already.
 */
function withoutInternals(error: Error): Error {
  if (!(error instanceof GraphQLError) || !INTERNAL_EXTENSIONS.some((key) => key in error.extensions)) return error;
  const extensions = Object.fromEntries(Object.entries(error.extensions).filter(([key]) => !INTERNAL_EXTENSIONS.includes(key)));
  return new GraphQLError(error.message, { nodes: error.nodes, source: error.source, positions: error.positions, path: error.path, extensions });
}
