import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import type { Plugin } from 'graphql-yoga';
import { csrfHeaderRequired } from '../errors/public-errors.js';

export interface CsrfPreventionOptions {
  /**
   * Headers of which one must be present on a request a browser could send cross-site without a
   * CORS preflight. A page on another site can make a browser send a GET or a form POST with the
   * visitor's cookies, but not with a custom header: that needs a preflight, which CORS refuses.
   * @default ['x-graphql-client-name', 'apollo-require-preflight', 'x-graphql-yoga-csrf']
   */
  requestHeaders?: readonly string[];
}

/**
 * Yoga's CSRF prevention, with a message that says what to send and a stable code. It only looks
 * at requests without a preflight: GET, and POSTs typed `application/x-www-form-urlencoded`,
 * `multipart/form-data` or `text/plain`. JSON POSTs (what frontends and GraphiQL send) always
 * have a preflight, so they pass untouched; GraphiQL's own GETs carry `x-graphql-client-name`.
 */
export function useCsrfPrevention(options: CsrfPreventionOptions = {}): Plugin {
  const requestHeaders = [...(options.requestHeaders ?? ['x-graphql-client-name', 'apollo-require-preflight', 'x-graphql-yoga-csrf'])];
  const inner = useCSRFPrevention({ requestHeaders }) as Required<Pick<Plugin, 'onRequestParse'>>;
  return {
    onRequestParse(payload) {
      try {
        return inner.onRequestParse(payload);
      } catch {
        throw csrfHeaderRequired(requestHeaders);
      }
    },
  };
}
