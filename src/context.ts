import type { YogaInitialContext } from 'graphql-yoga';
import type { Logger } from 'pino';
import { createBackendClients, type BackendClients, type BackendPools } from './backends/index.js';
import { createRequestScope } from './backends/scope.js';
import type { Config } from './config.js';
import { createLoaders, type Loaders } from './loaders.js';
import { FetchPlan } from './backends/fetch-plan.js';
import { callCountsOf } from './observability/backend-observer.js';
import { operationTraceOf } from './observability/tracing.js';
import type { BffMetrics } from './observability/metrics.js';
import { requestIdOf } from './plugins/use-request-id.js';
import type { Writes } from './writes/index.js';

/** A client may ask for less time than the default budget (never more) with this header. */
export const REQUEST_TIMEOUT_HEADER = 'x-request-timeout-ms';

function requestBudgetMs(request: Request, defaultMs: number): number {
  const asked = Number(request.headers.get(REQUEST_TIMEOUT_HEADER));
  return Number.isFinite(asked) && asked > 0 ? Math.min(asked, defaultMs) : defaultMs;
}

/** What the BFF adds to yoga's context for each request. */
export interface RequestContext {
  readonly requestId: string;
  /** When the request's time budget runs out (`performance.now()` clock). */
  readonly deadline: number;
  /** The backend calls made so far, when `extensions.fetchPlan` is on. */
  readonly plan: FetchPlan | undefined;
  readonly logger: Logger;
  readonly backends: BackendClients;
  readonly loaders: Loaders;
  /** The mutations' side: the checkout saga and the delivery queue (one per server). */
  readonly writes: Writes;
}

/** The context every resolver receives. */
export type Context = YogaInitialContext & RequestContext;

/** Builds each request's context: its id, its backend clients and its own DataLoaders. */
export function contextFactory(config: Config, pools: BackendPools, logger: Logger, writes: Writes, metrics?: BffMetrics) {
  return (initial: YogaInitialContext): RequestContext => {
    const { request } = initial;
    const requestId = requestIdOf(request);
    const authorization = request.headers.get('authorization') ?? undefined;
    const deadline = performance.now() + requestBudgetMs(request, config.requestTimeoutMs);
    const plan = config.fetchPlan ? new FetchPlan() : undefined;
    const trace = operationTraceOf(initial);
    const backends = createBackendClients(pools, createRequestScope({ signal: request.signal, deadline, requestId, authorization, plan, calls: callCountsOf(request), trace }), logger);
    return {
      requestId,
      deadline,
      plan,
      logger: logger.child({ reqId: requestId }),
      backends,
      loaders: createLoaders(backends, config, metrics?.batchSizes),
      writes,
    };
  };
}
