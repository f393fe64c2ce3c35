import { useReadinessCheck, type Plugin } from 'graphql-yoga';

type ReadinessOptions = Parameters<typeof useReadinessCheck>[0];

/**
 * Yoga's readiness check, asked only about requests for its endpoint. Yoga's own tests every
 * request's URL against a URLPattern when neither its string checks match, and on Node 20
 * that is the urlpattern polyfill: ~1.6 % of the BFF's CPU on the listing, for a pattern with
 * no wildcard, which matches exactly the URLs whose pathname is the endpoint.
 */
export function useReadinessEndpoint(options: ReadinessOptions): Plugin {
  const endpoint = options.endpoint ?? '/ready';
  const inner = useReadinessCheck(options) as Required<Pick<Plugin, 'onYogaInit' | 'onRequest'>>;
  return {
    onYogaInit: inner.onYogaInit,
    onRequest(payload) {
      // The same two checks yoga makes before its pattern (a URL ending with the endpoint counts).
      if (payload.request.url.endsWith(endpoint) || payload.url.pathname === endpoint) return inner.onRequest(payload);
    },
  };
}
