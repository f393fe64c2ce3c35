import type { Plugin, YogaServerOptions } from 'graphql-yoga';

export interface CorsPolicyOptions {
  /**
   * Origins whose pages may read our answers (`https://shop.example`), or `*` for any page:
   * fine in development, never in production (a page anywhere could read answers sent with a
   * visitor's token). An empty list allows no other origin.
   * @default []
   */
  origins?: readonly string[] | '*';
  /** Request headers a page may send besides the CORS-safelisted ones. @default ['content-type', 'authorization', 'x-request-id'] */
  allowedHeaders?: readonly string[];
}

type CorsOption = NonNullable<YogaServerOptions<object, object>['cors']>;

/**
 * Yoga's `cors` option for a list of origins. Yoga's own handling of a list has two traps we
 * avoid by deciding per request: a list of one is sent to every origin, and an origin not in a
 * longer list gets `Access-Control-Allow-Origin: null`, which a sandboxed iframe (whose origin
 * *is* `null`) passes. Here an allowed origin is echoed, any other gets no CORS headers at all.
 * Credentials (cookies) are not allowed: the BFF reads bearer tokens, never cookies.
 */
export function corsOptions(options: CorsPolicyOptions = {}): CorsOption {
  const { origins = [], allowedHeaders = ['content-type', 'authorization', 'x-request-id'] } = options;
  const allowed = new Set(origins === '*' ? [] : origins);
  const policy = {
    // '*' makes yoga echo the request's Origin, with `Vary: Origin`: right for an allowed one.
    origin: '*',
    methods: ['GET', 'POST'],
    allowedHeaders: [...allowedHeaders],
    exposedHeaders: ['x-request-id', 'retry-after'],
    credentials: false,
    // Browsers cap it (Chromium at 2 h); 10 min spares most preflights and picks up changes soon.
    maxAge: 600,
  };
  return (request: Request) => {
    const origin = request.headers.get('origin');
    return origin !== null && (origins === '*' || allowed.has(origin)) ? policy : false;
  };
}

/**
 * `Vary: Origin` on every response, also those to origins that got no CORS headers: the answer
 * depends on the Origin either way, and a shared cache must not hand one origin's to another.
 */
export function useCorsPolicy(): Plugin {
  return {
    onResponse({ response }) {
      const vary = response.headers.get('vary');
      if (
        !vary
          ?.toLowerCase()
          .split(/\s*,\s*/)
          .includes('origin')
      )
        response.headers.set('vary', vary ? `${vary}, Origin` : 'Origin');
    },
  };
}
