import type { YogaInitialContext } from 'graphql-yoga';
import type { Logger } from 'pino';
import { createBackendClients, type BackendClients, type BackendPools } from './backends/index.js';
import type { Config } from './config.js';
import { createLoaders, type Loaders } from './loaders.js';
import { requestIdOf } from './plugins/use-request-id.js';

/** What the BFF adds to yoga's context for each request. */
export interface RequestContext {
  readonly requestId: string;
  readonly logger: Logger;
  readonly backends: BackendClients;
  readonly loaders: Loaders;
}

/** The context every resolver receives. */
export type Context = YogaInitialContext & RequestContext;

/** Builds each request's context: its id, its backend clients and its own DataLoaders. */
export function contextFactory(config: Config, pools: BackendPools, logger: Logger) {
  return (initial: YogaInitialContext): RequestContext => {
    const { request } = initial;
    const requestId = requestIdOf(request);
    const authorization = request.headers.get('authorization') ?? undefined;
    const backends = createBackendClients(pools, { signal: request.signal, requestId, authorization });
    return {
      requestId,
      logger: logger.child({ reqId: requestId }),
      backends,
      loaders: createLoaders(backends, config),
    };
  };
}
