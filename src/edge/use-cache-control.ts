import { getOperationAST } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import { answerCacheabilityOf } from '../edge/answer-cacheability.js';

export interface CacheControlOptions {
  /** Longest `max-age` a GET answer gets; 0 marks none cacheable. @default 60 */
  maxAgeSeconds?: number;
}

interface Outcome {
  readonly query: boolean;
  readonly clean: boolean;
}

/**
 * `Cache-Control` on GET answers (a persisted query's hash makes GET URLs short, which is what
 * lets a CDN keep them), decided per request:
 *  - `max-age=N` only for a query, asked without credentials, answered without errors and in
 *    one piece, every backend answer it used being cacheable by a shared cache for N seconds
 *    (src/edge/answer-cacheability.ts: the least fresh one decides, capped by `maxAgeSeconds`);
 *    not `public`, so a shared cache does not serve it to a request that carries credentials,
 *    and `Vary: Accept, Authorization` besides;
 *  - `private, no-store` for anything asked with an `Authorization` header;
 *  - `no-store` otherwise: errors (a 404 PERSISTED_QUERY_NOT_FOUND above all, or a CDN would
 *    keep the client from ever registering), partial answers, streams, unknown freshness.
 * POST answers are left alone: no cache keeps them.
 */
export function useCacheControl({ maxAgeSeconds = 60 }: CacheControlOptions = {}): Plugin {
  let endpoint = '/graphql';
  const outcomes = new WeakMap<Request, Outcome>();
  return {
    onYogaInit({ yoga }) {
      endpoint = yoga.graphqlEndpoint;
    },
    onExecute({ args }) {
      const request = (args.contextValue as { request?: Request }).request;
      if (!request || request.method !== 'GET') return;
      const query = getOperationAST(args.document, args.operationName)?.operation === 'query';
      return {
        onExecuteDone({ result }) {
          const clean = !isAsyncIterable(result) && !result.errors?.length;
          outcomes.set(request, { query, clean });
        },
      };
    },
    onResponse({ request, response }) {
      if (request.method !== 'GET' || new URL(request.url).pathname !== endpoint) return;
      const outcome = outcomes.get(request);
      // GraphiQL's page is a GET of the endpoint too: only GraphQL answers are ours to mark.
      if (!outcome && response.status < 400) return;
      response.headers.set('cache-control', cacheControlFor(request, response, outcome, maxAgeSeconds));
      response.headers.append('vary', 'Accept, Authorization');
    },
  };
}

function cacheControlFor(request: Request, response: Response, outcome: Outcome | undefined, maxAgeSeconds: number): string {
  if (request.headers.has('authorization')) return 'private, no-store';
  if (!outcome?.query || !outcome.clean || response.status !== 200) return 'no-store';
  const maxAge = answerCacheabilityOf(request).maxAge(maxAgeSeconds);
  return maxAge > 0 ? `max-age=${maxAge}` : 'no-store';
}
