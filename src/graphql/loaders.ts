import DataLoader from 'dataloader';
import { groupedIndex, uniqueIndex, type AnswerIndex } from './answer-index.js';
import { LoaderBatchWindow, type BatchSchedule } from './loader-batch-window.js';
import type { BackendClients } from '../backends/index.js';
import type { BulkAnswer } from '../backends/bulk-answer.js';
import type { Config, ServiceName } from '../config.js';
import type { ProductDto } from '../backends/catalog/client.js';
import type { StockDto } from '../backends/inventory/client.js';
import type { OrderDto } from '../backends/orders/client.js';
import { MAX_REVIEWS_PER_PRODUCT, type ReviewDto } from '../backends/reviews/client.js';
import type { UserDto } from '../backends/users/client.js';

/**
 * Builds a loader over a bulk endpoint. The batch function maps results by key, never by
 * position (backends answer in any order and leave unknown ids out), so an unknown id is
 * `null`, and a batch larger than the backend's limit is split by `maxBatchSize`. An item that
 * broke the contract fails its own key with a BackendError (DataLoader takes an Error per key),
 * so only the fields resolved from it fail; one whose key could not be read fails the keys the
 * answer left out, since it may be any of them.
 */
function bulkLoader<V, K extends string = string>(
  options: LoaderOptions,
  fetchMany: (keys: readonly K[]) => Promise<BulkAnswer<V>>,
  index: AnswerIndex<V, V>,
  onBatch?: (size: number) => void,
): DataLoader<K, V | null> {
  const { freezeShared, ...loaderOptions } = options;
  return new DataLoader(async (keys) => {
    onBatch?.(keys.length);
    const { items, failures } = await fetchMany(keys);
    const byKey = index(items, freezeShared);
    if (failures.length === 0) return keys.map((key) => byKey.get(key) ?? null);
    const { failed, unattributed } = failuresByKey(failures);
    return keys.map((key) => failed.get(key) ?? byKey.get(key) ?? unattributed ?? null);
  }, loaderOptions);
}

/**
 * Like bulkLoader, for endpoints that return many values per key (reviews of a product). A bad
 * item fails its key's whole list, which would otherwise be silently short; one whose key could
 * not be read fails every list of the batch, as any of them may be short. The lists are shared
 * with other requests given the same answer (see groupedIndex): read-only, frozen in development and tests.
 */
function groupedLoader<V>(
  options: LoaderOptions,
  fetchMany: (keys: readonly string[]) => Promise<BulkAnswer<V>>,
  index: AnswerIndex<V, V[]>,
  onBatch?: (size: number) => void,
): DataLoader<string, V[]> {
  const { freezeShared, ...loaderOptions } = options;
  return new DataLoader(async (keys) => {
    onBatch?.(keys.length);
    const { items, failures } = await fetchMany(keys);
    const groups = index(items, freezeShared);
    if (failures.length === 0) return keys.map((key) => groups.get(key) ?? []);
    const { failed, unattributed } = failuresByKey(failures);
    return keys.map((key) => failed.get(key) ?? unattributed ?? groups.get(key) ?? []);
  }, loaderOptions);
}

function failuresByKey(failures: BulkAnswer<unknown>['failures']) {
  const failed = new Map<string, Error>();
  let unattributed: Error | undefined;
  for (const { key, error } of failures) {
    if (key === undefined) unattributed ??= error;
    else failed.set(key, error);
  }
  return { failed, unattributed };
}

/** A bulk endpoint's id limit, and when batches are sent (DataLoader's default when unset). */
interface LoaderOptions {
  readonly maxBatchSize: number;
  readonly batchScheduleFn?: BatchSchedule;
  /** Freeze what answers share between requests (development and tests), as the HTTP cache does. */
  readonly freezeShared: boolean;
}

// The answers' indexes by key, made once per answer (see answer-index.ts), never per request.
const usersById = uniqueIndex((dto: UserDto) => dto.id);
const productsById = uniqueIndex((dto: ProductDto) => dto.id);
const stockByProduct = uniqueIndex((dto: StockDto) => dto.productId);
const reviewsByProduct = groupedIndex((dto: ReviewDto) => dto.productId);
const reviewsByAuthor = groupedIndex((dto: ReviewDto) => dto.authorId);
const ordersByUser = groupedIndex((dto: OrderDto) => dto.userId);

/** A loader's batch-size recorder (bff_dataloader_batch_size), by loader name. */
export type BatchSizes = (loader: string) => (size: number) => void;

/**
 * Every DataLoader of one GraphQL request. Made per request, never shared: their caches hold
 * what this request's credentials were allowed to see. `batchSizes` records each batch's size.
 */
export function createLoaders(backends: BackendClients, config: Config, batchSizes?: BatchSizes): Loaders {
  return new Loaders(backends, config, batchSizes);
}

/**
 * One request's loaders, each made on its first use: a request pays only for the lookups it
 * makes (`{ __typename }` makes none, a product page four of the six).
 */
export class Loaders {
  private userLoader: DataLoader<string, UserDto | null> | undefined = undefined;
  private productLoader: DataLoader<string, ProductDto | null> | undefined = undefined;
  private stockLoader: DataLoader<string, StockDto | null> | undefined = undefined;
  private reviewsByProductLoader: DataLoader<string, ReviewDto[]> | undefined = undefined;
  private reviewsByAuthorLoader: DataLoader<string, ReviewDto[]> | undefined = undefined;
  private ordersByUserLoader: DataLoader<string, OrderDto[]> | undefined = undefined;
  private viewerPromise: Promise<UserDto | null> | undefined = undefined;
  /** The request's batch window, shared by its loaders; null when there is none (0 ms). */
  private schedule: BatchSchedule | null | undefined = undefined;

  constructor(
    private readonly backends: BackendClients,
    private readonly config: Config,
    private readonly batchSizes?: BatchSizes,
  ) {}

  get user(): DataLoader<string, UserDto | null> {
    return (this.userLoader ??= bulkLoader(this.options('users'), (ids) => this.backends.users.getUsers(ids), usersById, this.batchSizes?.('user')));
  }

  get product(): DataLoader<string, ProductDto | null> {
    return (this.productLoader ??= bulkLoader(
      this.options('catalog'),
      (ids) => this.backends.catalog.getProducts(ids),
      productsById,
      this.batchSizes?.('product'),
    ));
  }

  get stock(): DataLoader<string, StockDto | null> {
    return (this.stockLoader ??= bulkLoader(
      this.options('inventory'),
      (ids) => this.backends.inventory.getStock(ids),
      stockByProduct,
      this.batchSizes?.('stock'),
    ));
  }

  /**
   * Always asks for the most reviews per product the service gives, and lets the resolver
   * slice: `reviews(first: 3)`, `reviews(first: 10)` and `averageRating` then share one call.
   */
  get reviewsByProduct(): DataLoader<string, ReviewDto[]> {
    return (this.reviewsByProductLoader ??= groupedLoader(
      this.options('reviews'),
      (ids) => this.backends.reviews.getByProducts(ids, MAX_REVIEWS_PER_PRODUCT),
      reviewsByProduct,
      this.batchSizes?.('reviewsByProduct'),
    ));
  }

  get reviewsByAuthor(): DataLoader<string, ReviewDto[]> {
    return (this.reviewsByAuthorLoader ??= groupedLoader(
      this.options('reviews'),
      (ids) => this.backends.reviews.getByAuthors(ids),
      reviewsByAuthor,
      this.batchSizes?.('reviewsByAuthor'),
    ));
  }

  get ordersByUser(): DataLoader<string, OrderDto[]> {
    return (this.ordersByUserLoader ??= groupedLoader(
      this.options('orders'),
      (ids) => this.backends.orders.getByUsers(ids),
      ordersByUser,
      this.batchSizes?.('ordersByUser'),
    ));
  }

  /** The caller, asked of the users service at most once per request. */
  viewer(): Promise<UserDto | null> {
    return (this.viewerPromise ??= this.backends.users.getMe());
  }

  private options(service: ServiceName): LoaderOptions {
    // One window for all of the request's loaders (see LoaderBatchWindow); 0: DataLoader's tick.
    if (this.schedule === undefined) {
      const windowMs = this.config.loaderBatchWindowMs;
      this.schedule = windowMs > 0 ? new LoaderBatchWindow(this.backends.inFlight, windowMs).schedule : null;
    }
    return {
      maxBatchSize: this.config.backends[service].maxBatchSize,
      batchScheduleFn: this.schedule ?? undefined,
      freezeShared: this.config.env !== 'production',
    };
  }
}
