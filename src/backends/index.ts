import type { Logger } from 'pino';
import { SERVICE_NAMES, type Config, type ServiceName } from '../config.js';
import type { SharedEntry } from './cache/http-cache.js';
import type { CacheStore } from './cache/store.js';
import type { CallObserverFactory } from './events.js';
import { BackendHttp, type RequestScope } from './http.js';
import { CatalogClient } from './catalog/client.js';
import { InventoryClient } from './inventory/client.js';
import { NotificationsClient } from './notifications/client.js';
import { OrdersClient } from './orders/client.js';
import { ReviewsClient } from './reviews/client.js';
import { UsersClient } from './users/client.js';

/** One long-lived HTTP client (and connection pool) per backend, shared by all requests. */
export type BackendPools = Readonly<Record<ServiceName, BackendHttp>>;

/**
 * `observe`: each backend's observer (src/server.ts passes observability's); none, nothing is
 * reported. `sharedCache`: the HTTP cache's store shared by every instance (Redis), for the
 * backends whose cache may be shared.
 */
export function createBackendPools(config: Config, logger: Logger, observe?: CallObserverFactory, sharedCache?: CacheStore<SharedEntry>): BackendPools {
  return Object.fromEntries(
    SERVICE_NAMES.map((name) => {
      const backend = config.backends[name];
      // Cached values are shared by every request: frozen where a mutation should fail loudly.
      const freezeCached = config.env !== 'production';
      return [name, new BackendHttp(name, backend, logger.child({ service: name }), {
        observer: observe?.(name, backend.url),
        freezeCached,
        sharedCache: backend.cacheShared === false ? undefined : sharedCache,
      })];
    }),
  ) as Record<ServiceName, BackendHttp>;
}

export async function closeBackendPools(pools: BackendPools, force = false): Promise<void> {
  await Promise.all(Object.values(pools).map((pool) => (force ? pool.destroy() : pool.close())));
}

/**
 * The clients one GraphQL request uses, bound to its scope (signal, request id, credentials).
 * Cheap: a handful of small objects over the shared pools.
 */
export function createBackendClients(pools: BackendPools, scope: RequestScope) {
  // Credentials go only to the backends that need them: the others never receive them.
  const { authorization: _credentials, ...anonymous } = scope;
  return {
    users: new UsersClient(pools.users, scope),
    orders: new OrdersClient(pools.orders, scope),
    catalog: new CatalogClient(pools.catalog, anonymous),
    reviews: new ReviewsClient(pools.reviews, anonymous),
    inventory: new InventoryClient(pools.inventory, anonymous),
    notifications: new NotificationsClient(pools.notifications, anonymous),
  };
}

export type BackendClients = ReturnType<typeof createBackendClients>;
