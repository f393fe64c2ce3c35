import { createSchema, createYoga, useExecutionCancellation } from 'graphql-yoga';
import type { Logger } from 'pino';
import { createSharedCache } from '../backends/cache/redis-store.js';
import { closeBackendTransports, createBackendTransports } from '../backends/index.js';
import type { Config } from '../config.js';
import { contextFactory, type Context, type RequestContext } from '../graphql/context.js';
import { DEFAULT_QUERY } from '../graphiql/default-query.js';
import { edgeOptions } from '../edge/index.js';
import { maskErrorForClients } from '../edge/mask-error.js';
import { yogaLogger } from '../observability/yoga-logger.js';
import { backendObservers } from '../observability/backend-observer.js';
import { BffMetrics } from '../observability/metrics.js';
import { activeTracer } from '../observability/tracing.js';
import { renderOfflineGraphiQL, useOfflineGraphiQL } from '../graphiql/use-offline-graphiql.js';
import { useDeliveryAdmin } from '../queue/use-delivery-admin.js';
import { useFetchPlan } from '../graphql/use-fetch-plan.js';
import { useCompression } from '../edge/use-compression.js';
import { useIncrementalDelivery } from '../execution/use-incremental-delivery.js';
import { useJitExecution } from '../execution/use-jit-execution.js';
import { useMetrics } from '../observability/use-metrics.js';
import { useReadinessEndpoint } from './use-readiness-endpoint.js';
import { useRequestId } from '../observability/use-request-id.js';
import { useRequestLogging } from '../observability/use-request-logging.js';
import { useTracing } from '../observability/use-tracing.js';
import { BackendHealth, Readiness } from './readiness.js';
import { resolvers } from '../schema/resolvers.generated.js';
import { typeDefs } from '../schema/typeDefs.generated.js';
import { createWrites } from '../checkout/index.js';

export interface ServerDeps {
  config: Config;
  logger: Logger;
}

/**
 * The BFF as a fetch handler, without a listening socket: tests call `yoga.fetch` directly,
 * `listen()` puts it behind node:http. `close()` releases the backend connection pools.
 */
export function createServer({ config, logger }: ServerDeps) {
  const { observability } = config;
  // Recording costs a few counter increments per backend call; METRICS=off skips even those.
  const metrics = observability.metrics ? new BffMetrics() : undefined;
  // With REDIS_URL, the backends' HTTP cache is shared by every instance (memory in front).
  const sharedCache = createSharedCache(config, logger);
  const transports = createBackendTransports(config, logger, backendObservers(metrics), sharedCache?.store);
  metrics?.watchBackends(transports, config);
  // The mutations' side, with the delivery queue's worker (src/checkout, src/queue).
  const writes = createWrites(config, transports, logger);
  // Backends' health goes to metrics and /ready?verbose; /ready's status is this instance's own.
  const health = new BackendHealth(transports, { intervalMs: config.health.probeIntervalMs, timeoutMs: config.health.probeTimeoutMs });
  metrics?.watchBackendHealth(transports, health);
  const readiness = new Readiness({ backends: health, redis: writes.redis });
  const edge = edgeOptions(config, logger);
  const yoga = createYoga<object, RequestContext>({
    schema: createSchema<Context>({ typeDefs, resolvers }),
    context: contextFactory(config, transports, logger, writes, metrics),
    maskedErrors: { maskError: maskErrorForClients },
    logging: yogaLogger(logger.child({ component: 'yoga' })),
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
      // First, so the operation's span is active around everything the others do (main.ts
      // starts tracing before the server; when it is off this plugin is not even added).
      ...(activeTracer() ? [useTracing({ resolverMinMs: observability.traceResolverMs })] : []),
      useRequestId(),
      useRequestLogging(logger),
      // Before the edge's rate limit: a scrape is not a client's request.
      ...(metrics ? [useMetrics({ metrics })] : []),
      // Operators' view of the delivery queue; not installed at all without ADMIN_TOKEN.
      ...(config.delivery.adminToken ? [useDeliveryAdmin({ token: config.delivery.adminToken, queue: writes.queue, logger })] : []),
      // A client that hangs up stops the execution, and (through request.signal) its backend calls.
      useExecutionCancellation(),
      ...edge.plugins,
      useReadinessEndpoint({ endpoint: '/ready', check: readiness.check }),
      ...(config.fetchPlan ? [useFetchPlan()] : []),
      // Compiled execution; documents graphql-jit cannot run (@defer, …) use the default executor.
      ...(config.executor === 'jit' ? [useJitExecution({ logger: logger.child({ component: 'jit' }) })] : []),
      // @defer/@stream over multipart/mixed or SSE, with each part's errors masked.
      ...(config.frontend.deferStream ? [useIncrementalDelivery({ logger })] : []),
      // GraphiQL's own assets, from node_modules: it works with no internet.
      ...(config.graphiql ? [useOfflineGraphiQL()] : []),
      // Last: it compresses the answer with every other plugin's headers on it.
      ...(config.frontend.compression ? [useCompression({ minBytes: config.frontend.compressionMinBytes })] : []),
    ],
  });
  // yoga.dispose() lets plugins release what they hold (the rate limiter's Redis connection).
  // The delivery queue closes first: deliveries in progress still need the backend pools.
  const close = async (force = false) => {
    readiness.markDraining();
    health.close();
    await writes.close(force);
    await Promise.all([closeBackendTransports(transports, force), yoga.dispose(), sharedCache?.close()]);
  };
  return { yoga, transports, writes, readiness, close };
}

export type BffServer = ReturnType<typeof createServer>;
