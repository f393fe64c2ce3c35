import type { Logger } from 'pino';
import { SERVICE_NAMES, type Config, type ServiceName } from '../config.js';
import type { SharedEntry } from './cache/http-cache.js';
import type { CacheStore } from './cache/store.js';
import type { CallObserverFactory } from './events.js';
import { BackendHttp, type RequestScope } from './http.js';
import { detachedScope } from './scope.js';
import type { InvalidItemReport } from './bulk-answer.js';
import { CountedCalls, InFlightCalls } from './in-flight.js';
import { CatalogClient } from './catalog/client.js';
import { InventoryClient } from './inventory/client.js';
import { NotificationsClient } from './notifications/client.js';
import { OrdersClient } from './orders/client.js';
import { ReviewsClient } from './reviews/client.js';
import { UsersClient } from './users/client.js';

/**
 * Each backend's transport (BackendHttp): its undici pool together with its whole traffic
 * policy (breaker, bulkhead, budgets, cache), one per backend, long-lived, shared by all requests.
 */
export type BackendTransports = Readonly<Record<ServiceName, BackendHttp>>;

/**
 * `observe`: each backend's observer (src/server/server.ts passes observability's); none, nothing is
 * reported. `sharedCache`: the HTTP cache's store shared by every instance (Redis), for the
 * backends whose cache may be shared.
 */
export function createBackendTransports(
  config: Config,
  logger: Logger,
  observe?: CallObserverFactory,
  sharedCache?: CacheStore<SharedEntry>,
): BackendTransports {
  return Object.fromEntries(
    SERVICE_NAMES.map((name) => {
      const backend = config.backends[name];
      // Cached values are shared by every request: frozen where a mutation should fail loudly.
      const freezeCached = config.env !== 'production';
      return [
        name,
        new BackendHttp(name, backend, logger.child({ service: name }), {
          observer: observe?.(name, backend.url),
          freezeCached,
          sharedCache: backend.cacheShared === false ? undefined : sharedCache,
        }),
      ];
    }),
  ) as Record<ServiceName, BackendHttp>;
}

export async function closeBackendTransports(transports: BackendTransports, force = false): Promise<void> {
  await Promise.all(Object.values(transports).map((transport) => (force ? transport.destroy() : transport.close())));
}

/**
 * The clients one GraphQL request uses, bound to its scope (signal, request id, credentials).
 * With `logger`, each item of a bulk answer that broke the contract is logged (warn: service,
 * path, field, key; never the body).
 */
export function createBackendClients(transports: BackendTransports, scope: RequestScope, logger?: Logger): BackendClients {
  return new BackendClients(transports, scope, logger);
}

/**
 * One request's backend clients, each made on its first use: a request pays only for the
 * backends it asks (`{ __typename }` makes none), and a client is a small object over the
 * shared pool. Never shared between requests: each is bound to its request's scope.
 */
export class BackendClients {
  private usersClient: UsersClient | undefined = undefined;
  private ordersClient: OrdersClient | undefined = undefined;
  private catalogClient: CatalogClient | undefined = undefined;
  private reviewsClient: ReviewsClient | undefined = undefined;
  private inventoryClient: InventoryClient | undefined = undefined;
  private notificationsClient: NotificationsClient | undefined = undefined;
  private calls: InFlightCalls | undefined = undefined;
  private anonymousScope: RequestScope | undefined = undefined;
  private itemReport: InvalidItemReport | undefined = undefined;

  constructor(
    private readonly transports: BackendTransports,
    private readonly scope: RequestScope,
    private readonly logger?: Logger,
  ) {}

  // Credentials go only to the backends that need them (users, orders): the others get a
  // scope without them, and so never receive them.
  get users(): UsersClient {
    return (this.usersClient ??= new UsersClient(this.counted('users'), this.scope, this.report));
  }

  get orders(): OrdersClient {
    return (this.ordersClient ??= new OrdersClient(this.counted('orders'), this.scope, this.report));
  }

  get catalog(): CatalogClient {
    return (this.catalogClient ??= new CatalogClient(this.counted('catalog'), this.anonymous, this.report));
  }

  get reviews(): ReviewsClient {
    return (this.reviewsClient ??= new ReviewsClient(this.counted('reviews'), this.anonymous, this.report));
  }

  get inventory(): InventoryClient {
    return (this.inventoryClient ??= new InventoryClient(this.counted('inventory'), this.anonymous, this.report));
  }

  get notifications(): NotificationsClient {
    return (this.notificationsClient ??= new NotificationsClient(this.counted('notifications'), this.anonymous));
  }

  /**
   * Clients for the same request that do not stop when its client hangs up (see detachedScope):
   * for writes that must not be left half done. Their calls are not in this request's batch window.
   */
  detached(): BackendClients {
    return new BackendClients(this.transports, detachedScope(this.scope), this.logger);
  }

  /**
   * Keys this request took from `service`'s fresh bulk answers at `path` without a call (the
   * loaders' FreshItems): reported as one cached call with that many ids (BackendHttp.reused).
   */
  reused(service: ServiceName, path: string, ids: number, freshForSeconds: number): void {
    this.transports[service].reused(this.scope, path, ids, freshForSeconds);
  }

  /** This request's calls in flight, for its loaders' batch window (src/graphql/loader-batch-window.ts). */
  get inFlight(): InFlightCalls {
    return (this.calls ??= new InFlightCalls());
  }

  private counted(service: ServiceName): CountedCalls {
    return new CountedCalls(this.transports[service], this.inFlight);
  }

  private get anonymous(): RequestScope {
    if (!this.anonymousScope) {
      const { authorization: _credentials, ...anonymous } = this.scope;
      this.anonymousScope = anonymous;
    }
    return this.anonymousScope;
  }

  private get report(): InvalidItemReport | undefined {
    const { logger, scope } = this;
    if (!logger) return undefined;
    return (this.itemReport ??= (item) => logger.warn({ reqId: scope.requestId, ...item }, 'backend sent an item outside the contract: only its fields fail'));
  }
}
