import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { REQUEST_TIMEOUT_HEADER } from './request-budget.js';
import { useCacheControl } from './use-cache-control.js';
import { useCostLimit } from './use-cost-limit.js';
import { corsOptions, useCorsPolicy } from './use-cors-policy.js';
import { useCsrfPrevention } from './use-csrf-prevention.js';
import { useErrorLog } from '../observability/use-error-log.js';
import { useMalformedParams } from './use-malformed-params.js';
import { usePersistedQueries } from './use-persisted-queries.js';
import { useProductionHardening } from './use-production-hardening.js';
import { useRateLimit } from './use-rate-limit.js';
import { useRequestBodyLimit } from './use-request-body-limit.js';
import { useRequestDecompression } from './use-request-decompression.js';
import { useRequestLimits } from './use-request-limits.js';
import { useTrustedDocuments } from './use-trusted-documents.js';
import { createPersistedQueryStore } from './persisted-query-store.js';

/**
 * Everything between the internet and the resolvers, from `config.edge`: yoga's own options
 * (body size, batching, CORS) and the plugins, in the order a request meets them:
 *  1. `onRequest`: rate limit (before the body is read); compressed bodies decoded, within the body size;
 *  2. `onRequestParse`: CSRF header, malformed GET parameters, body size, batch size (yoga);
 *  3. `onParams`: trusted documents, or else automatic persisted queries;
 *  4. parse and validate, cached per document: tokens, depth, aliases, directives, root
 *     fields, introspection, suggestions;
 *  5. `onExecute`, before any resolver: list sizes and cost, with the variables.
 */
export function edgeOptions(config: Config, logger: Logger) {
  const { edge, frontend } = config;
  const plugins: Plugin[] = [
    ...(edge.rateLimitPoints > 0
      ? [useRateLimit({ points: edge.rateLimitPoints, windowSeconds: edge.rateLimitWindowS, redisUrl: edge.redisUrl, trustProxy: edge.trustProxy, logger })]
      : []),
    // A compressed body is bounded by MAX_BODY_BYTES once decoded too.
    ...(frontend.compression ? [useRequestDecompression({ maxBytes: edge.maxBodyBytes })] : []),
    useCsrfPrevention({ requestHeaders: edge.csrfHeaders }),
    useCorsPolicy(),
    useMalformedParams(),
    // Trusted documents allow the manifest's operations only: nothing may be registered then.
    ...(edge.trustedDocuments
      ? [useTrustedDocuments({ manifest: edge.trustedDocuments })]
      : frontend.apq
        ? [usePersistedQueries({ store: persistedQueryStore(config, logger) })]
        : []),
    useRequestLimits({
      maxDepth: edge.maxDepth,
      maxAliases: edge.maxAliases,
      maxDirectives: edge.maxDirectives,
      maxTokens: edge.maxTokens,
      maxRootFields: edge.maxRootFields,
    }),
    useProductionHardening({ introspection: edge.introspection, fieldSuggestions: edge.fieldSuggestions }),
    useCostLimit({ maxCost: edge.maxCost, maxListSize: edge.maxListSize }),
    useErrorLog(logger),
    useCacheControl({ maxAgeSeconds: frontend.cdnMaxAgeS }),
    // Last of the plugins that touch the request parser, where yoga puts its own limit (which is
    // off: this one counts only the bodies whose length nothing else bounds).
    useRequestBodyLimit({ maxBytes: edge.maxBodyBytes }),
  ];
  return {
    // useRequestBodyLimit (above) does yoga's job, counting a chunked body as it streams too.
    maxRequestBodySize: false as const,
    // Off by default: a batch multiplies every per-request limit by its length, and HTTP/2
    // already makes separate requests cheap. `BATCH_LIMIT=n` allows up to n; more is a 413.
    batching: edge.batchLimit > 0 ? { limit: edge.batchLimit } : false,
    // No Upload in the schema: no reason to parse multipart bodies at all.
    multipart: false,
    // The headers our clients send: a page may set anything else, but the browser will not let it.
    cors: corsOptions({
      origins: edge.corsOrigins,
      allowedHeaders: ['content-type', 'authorization', 'x-request-id', REQUEST_TIMEOUT_HEADER, ...edge.csrfHeaders],
    }),
    extraParamNames: edge.trustedDocuments ? ['documentId'] : undefined,
    plugins,
  };
}

function persistedQueryStore({ frontend, delivery }: Config, logger: Logger) {
  return createPersistedQueryStore({
    redisUrl: frontend.redisUrl,
    // One prefix per deployment sharing a Redis, like the writes' keys.
    prefix: delivery.prefix,
    maxDocuments: frontend.apqMaxDocuments,
    ttlSeconds: frontend.apqTtlS,
    logger: logger.child({ component: 'apq' }),
  });
}
