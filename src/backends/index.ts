import type { Logger } from 'pino';
import { SERVICE_NAMES, type Config, type ServiceName } from '../config.js';
import type { BffMetrics } from '../observability/metrics.js';
import { BackendHttp, type RequestScope } from './http.js';
import type { InvalidItemReport } from './bulk-answer.js';
import { InFlightCalls } from './in-flight.js';
import { CatalogClient } from './catalog/client.js';
import { InventoryClient } from './inventory/client.js';
import { NotificationsClient } from './notifications/client.js';
import { OrdersClient } from './orders/client.js';
import { ReviewsClient } from './reviews/client.js';
import { UsersClient } from './users/client.js';

/** One long-lived HTTP client (and connection pool) per backend, shared by all requests. */
export type BackendPools = Readonly<Record<ServiceName, BackendHttp>>;

export function createBackendPools(config: Config, logger: Logger, metrics?: BffMetrics): BackendPools {
  return Object.fromEntries(
    SERVICE_NAMES.map((name) => [name, new BackendHttp(name, config.backends[name], logger.child({ service: name }), metrics)]),
  ) as Record<ServiceName, BackendHttp>;
}

export async function closeBackendPools(pools: BackendPools, force = false): Promise<void> {
  await Promise.all(Object.values(pools).map((pool) => (force ? pool.destroy() : pool.close())));
}

/**
 * The clients one GraphQL request uses, bound to its scope (signal, request id, credentials).
 * Cheap: a handful of small objects over the shared pools. With `logger`, each item of a bulk
 * answer that broke the contract is logged (warn: service, path, field, key; never the body).
 */
export function createBackendClients(pools: BackendPools, scope: RequestScope, logger?: Logger) {
  // Credentials go only to the backends that need them: the others never receive them.
  const { authorization: _credentials, ...anonymous } = scope;
  const inFlight = new InFlightCalls();
  const report: InvalidItemReport | undefined = logger
    ? (item) => logger.warn({ reqId: scope.requestId, ...item }, 'backend sent an item outside the contract: only its fields fail')
    : undefined;
  return {
    users: new UsersClient(inFlight.through(pools.users), scope, report),
    orders: new OrdersClient(inFlight.through(pools.orders), scope, report),
    catalog: new CatalogClient(inFlight.through(pools.catalog), anonymous, report),
    reviews: new ReviewsClient(inFlight.through(pools.reviews), anonymous, report),
    inventory: new InventoryClient(inFlight.through(pools.inventory), anonymous, report),
    notifications: new NotificationsClient(inFlight.through(pools.notifications), anonymous),
    /** This request's calls in flight, for its loaders' batch window (src/loader-batch-window.ts). */
    inFlight,
  };
}

export type BackendClients = ReturnType<typeof createBackendClients>;
