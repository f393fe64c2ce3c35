import type { Plugin } from 'graphql-yoga';
import { REQUEST_ID_HEADER, requestStateOf } from '../observability/request-state.js';

/**
 * Gives every request an id, returns it in `x-request-id`; logs and backend calls carry it.
 * The id is made with the request's state (src/observability/request-state.ts), by whichever
 * hook asks first: no hook of its own is needed before the response.
 */
export function useRequestId(): Plugin {
  return {
    onResponse({ request, response }) {
      response.headers.set(REQUEST_ID_HEADER, requestStateOf(request).requestId);
    },
  };
}

// The id lives with the request state now; re-exported for the edge (use-rate-limit.ts) imports it from here.
export { requestIdOf } from '../observability/request-state.js';
