import { GraphQLError } from 'graphql';
import { maskError as yogaMaskError } from 'graphql-yoga';
import { BackendError, toPublicGraphQLError } from './backends/errors.js';

/**
 * Yoga's error mask, taught one more thing: a BackendError becomes its public form (stable
 * `code` and `service`, a fixed message). Everything else keeps yoga's rules: errors raised on
 * purpose as GraphQLError pass through; anything unexpected becomes "Unexpected error."
 * `isDev` is forced off, so no stack or original error reaches a client in any mode; the full
 * error is in the server's log with the request id.
 */
export function maskErrorForClients(error: unknown, message: string): Error {
  const original = error instanceof GraphQLError ? error.originalError : error;
  if (original instanceof BackendError) {
    return toPublicGraphQLError(error instanceof GraphQLError ? error : new GraphQLError(message), original);
  }
  return yogaMaskError(error, message, false);
}
