import { createSchema, createYoga, useExecutionCancellation, useReadinessCheck } from 'graphql-yoga';
import type { Logger } from 'pino';
import { closeBackendPools, createBackendPools } from './backends/index.js';
import type { Config } from './config.js';
import { contextFactory, type Context, type RequestContext } from './context.js';
import { DEFAULT_QUERY } from './default-query.js';
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
  const yoga = createYoga<object, RequestContext>({
    schema: createSchema<Context>({ typeDefs, resolvers }),
    context: contextFactory(config, pools, logger),
    maskedErrors: { maskError: maskErrorForClients },
    logging: logger.child({ component: 'yoga' }),
    landingPage: false,
    graphiql: config.graphiql ? { title: 'Storefront BFF', defaultQuery: DEFAULT_QUERY } : false,
    renderGraphiQL: renderOfflineGraphiQL,
    plugins: [
      useRequestId(),
      useRequestLogging(logger),
      // A client that hangs up stops the execution, and (through request.signal) its backend calls.
      useExecutionCancellation(),
      useReadinessCheck({ endpoint: '/ready', check: readinessCheck(pools) }),
      ...(config.fetchPlan ? [useFetchPlan()] : []),
      // GraphiQL's own assets, from node_modules: it works with no internet.
      ...(config.graphiql ? [useOfflineGraphiQL()] : []),
    ],
  });
  return { yoga, close: (force = false) => closeBackendPools(pools, force) };
}

export type BffServer = ReturnType<typeof createServer>;
