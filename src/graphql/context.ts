import type { YogaInitialContext } from 'graphql-yoga';
import type { Logger } from 'pino';
import { createBackendClients, type BackendClients, type BackendTransports } from '../backends/index.js';
import { createRequestScope } from '../backends/scope.js';
import { answerCacheabilityOf } from '../edge/answer-cacheability.js';
import { requestBudgetMs } from '../edge/request-budget.js';
import type { Config } from '../config.js';
import { createLoaders, FreshItemStores, type Loaders } from './loaders.js';
import { FetchPlan } from '../backends/fetch-plan.js';
import { requestStateOf } from '../observability/request-state.js';
import { operationTraceOf } from '../observability/tracing.js';
import type { BffMetrics } from '../observability/metrics.js';
import type { Writes } from '../checkout/index.js';

/** What the BFF adds to yoga's context for each request. */
export interface RequestContext {
  readonly requestId: string;
  /** When the request's time budget runs out (`performance.now()` clock). */
  readonly deadline: number;
  /** The backend calls made so far, when `extensions.fetchPlan` is on. */
  readonly plan: FetchPlan | undefined;
  /** The server's logger with `reqId` bound; made on first read (see contextFactory). */
  readonly logger: Logger;
  readonly backends: BackendClients;
  readonly loaders: Loaders;
  /** The mutations' side: the checkout saga and the delivery queue (one per server). */
  readonly writes: Writes;
}

/** The context every resolver receives. */
export type Context = YogaInitialContext & RequestContext;

/** Builds each request's context: its id, its backend clients and its own DataLoaders. */
export function contextFactory(config: Config, transports: BackendTransports, logger: Logger, writes: Writes, metrics?: BffMetrics) {
  // `logger` is a getter on the context itself, defined with this one descriptor for every
  // request: yoga copies the factory's result onto the context (Object.assign), which would
  // call a getter in it at once; and one shared getter keeps every context the same shape.
  const lazyLogger: PropertyDescriptor = {
    configurable: true,
    get(this: YogaInitialContext) {
      return requestStateOf(this.request).loggerFrom(logger);
    },
  };
  const cdnCacheable = config.frontend.cdnMaxAgeS > 0;
  // What the server's requests reuse of each other's fresh bulk answers (see FreshItems).
  const fresh = new FreshItemStores();
  return (initial: YogaInitialContext): RequestContext => {
    const { request } = initial;
    const state = requestStateOf(request);
    const { requestId } = state;
    const authorization = request.headers.get('authorization') ?? undefined;
    const deadline = performance.now() + requestBudgetMs(request, config.requestTimeoutMs);
    const plan = config.fetchPlan ? new FetchPlan() : undefined;
    const trace = operationTraceOf(initial);
    // Only a GET answer can be kept by a CDN (use-cache-control.ts): only then is freshness tracked.
    const freshness = cdnCacheable && request.method === 'GET' ? answerCacheabilityOf(request) : undefined;
    const scope = createRequestScope({ signal: request.signal, deadline, requestId, authorization, plan, calls: state.calls, trace, freshness });
    const backends = createBackendClients(transports, scope, logger);
    Object.defineProperty(initial, 'logger', lazyLogger);
    // `logger` is on the context already (above), not in what yoga copies onto it.
    return {
      requestId,
      deadline,
      plan,
      backends,
      loaders: createLoaders(backends, config, fresh, metrics?.batchSizes),
      writes,
    } as Omit<RequestContext, 'logger'> as RequestContext;
  };
}
