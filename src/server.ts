import { createSchema, createYoga, useExecutionCancellation, useReadinessCheck } from 'graphql-yoga';
import type { Logger } from 'pino';
import { closeBackendPools, createBackendPools } from './backends/index.js';
import type { Config } from './config.js';
import { contextFactory, type Context, type RequestContext } from './context.js';
import { DEFAULT_QUERY } from './default-query.js';
import { edgeOptions } from './edge/index.js';
import { maskErrorForClients } from './mask-error.js';
import { renderOfflineGraphiQL, useOfflineGraphiQL } from './plugins/use-offline-graphiql.js';
import { useFetchPlan } from './plugins/use-fetch-plan.js';
import { useRequestId } from './plugins/use-request-id.js';
import { useRequestLogging } from './plugins/use-request-logging.js';
import { readinessCheck } from './readiness.js';
import { resolvers } from './schema/resolvers.generated.js';
import { typeDefs } from './schema/typeDefs.generated.js';

export interface ServerDeps {
  config: Config;
  logger: Logger;
}

/**
 * The BFF as a fetch handler, without a listening socket: tests call `yoga.fetch` directly,
 * `listen()` puts it behind node:http. `close()` releases the backend connection pools.
 */
export function createServer({ config, logger }: ServerDeps) {
  const pools = createBackendPools(config, logger);
  const edge = edgeOptions(config, logger);
  const yoga = createYoga<object, RequestContext>({
    schema: createSchema<Context>({ typeDefs, resolvers }),
    context: contextFactory(config, pools, logger),
    maskedErrors: { maskError: maskErrorForClients },
    logging: logger.child({ component: 'yoga' }),
    landingPage: false,
    // Limits, CORS, batching: the edge (src/edge/index.ts).
    maxRequestBodySize: edge.maxRequestBodySize,
    batching: edge.batching,
    multipart: edge.multipart,
    cors: edge.cors,
    extraParamNames: edge.extraParamNames,
    // GraphiQL's GETs (it uses some) carry a header the CSRF check accepts.
    graphiql: config.graphiql ? { title: 'Storefront BFF', defaultQuery: DEFAULT_QUERY, additionalHeaders: { 'x-graphql-client-name': 'graphiql' } } : false,
    renderGraphiQL: renderOfflineGraphiQL,
    plugins: [
      useRequestId(),
      useRequestLogging(logger),
      // A client that hangs up stops the execution, and (through request.signal) its backend calls.
      useExecutionCancellation(),
      ...edge.plugins,
      useReadinessCheck({ endpoint: '/ready', check: readinessCheck(pools) }),
      ...(config.fetchPlan ? [useFetchPlan()] : []),
      // GraphiQL's own assets, from node_modules: it works with no internet.
      ...(config.graphiql ? [useOfflineGraphiQL()] : []),
    ],
  });
  // yoga.dispose() lets plugins release what they hold (the rate limiter's Redis connection).
  return { yoga, pools, close: async (force = false) => void (await Promise.all([closeBackendPools(pools, force), yoga.dispose()])) };
}

export type BffServer = ReturnType<typeof createServer>;
