import DataLoader from 'dataloader';
import { loaderBatchWindow, type BatchSchedule } from './loader-batch-window.js';
import type { BackendClients } from './backends/index.js';
import type { BulkAnswer } from './backends/bulk-answer.js';
import type { Config } from './config.js';
import type { ProductDto } from './backends/catalog/client.js';
import type { StockDto } from './backends/inventory/client.js';
import type { OrderDto } from './backends/orders/client.js';
import { MAX_REVIEWS_PER_PRODUCT, type ReviewDto } from './backends/reviews/client.js';
import type { UserDto } from './backends/users/client.js';

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
  keyOf: (value: V) => K,
  onBatch?: (size: number) => void,
): DataLoader<K, V | null> {
  return new DataLoader(async (keys) => {
    onBatch?.(keys.length);
    const { items, failures } = await fetchMany(keys);
    const byKey = new Map(items.map((value) => [keyOf(value), value]));
    if (failures.length === 0) return keys.map((key) => byKey.get(key) ?? null);
    const { failed, unattributed } = failuresByKey(failures);
    return keys.map((key) => failed.get(key) ?? byKey.get(key) ?? unattributed ?? null);
  }, options);
}

/**
 * Like bulkLoader, for endpoints that return many values per key (reviews of a product). A bad
 * item fails its key's whole list, which would otherwise be silently short; one whose key could
 * not be read fails every list of the batch, as any of them may be short.
 */
function groupedLoader<V>(
  options: LoaderOptions,
  fetchMany: (keys: readonly string[]) => Promise<BulkAnswer<V>>,
  keyOf: (value: V) => string,
  onBatch?: (size: number) => void,
): DataLoader<string, V[]> {
  return new DataLoader(async (keys) => {
    onBatch?.(keys.length);
    const { items, failures } = await fetchMany(keys);
    const groups = new Map<string, V[]>(keys.map((key) => [key, []]));
    for (const value of items) groups.get(keyOf(value))?.push(value);
    if (failures.length === 0) return keys.map((key) => groups.get(key)!);
    const { failed, unattributed } = failuresByKey(failures);
    return keys.map((key) => failed.get(key) ?? unattributed ?? groups.get(key)!);
  }, options);
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
}

/** A loader's batch-size recorder (bff_dataloader_batch_size), by loader name. */
export type BatchSizes = (loader: string) => (size: number) => void;

/**
 * Every DataLoader of one GraphQL request. Made per request, never shared: their caches hold
 * what this request's credentials were allowed to see. `batchSizes` records each batch's size.
 */
export function createLoaders(backends: BackendClients, config: Config, batchSizes?: BatchSizes) {
  // One window for all of the request's loaders (see loaderBatchWindow); 0: DataLoader's tick.
  const batchScheduleFn = config.loaderBatchWindowMs > 0 ? loaderBatchWindow(backends.inFlight, config.loaderBatchWindowMs) : undefined;
  const limit = (name: keyof Config['backends']): LoaderOptions => ({ maxBatchSize: config.backends[name].maxBatchSize, batchScheduleFn });
  let viewer: Promise<UserDto | null> | undefined;
  return {
    user: bulkLoader<UserDto>(limit('users'), (ids) => backends.users.getUsers(ids), (u) => u.id, batchSizes?.('user')),
    product: bulkLoader<ProductDto>(limit('catalog'), (ids) => backends.catalog.getProducts(ids), (p) => p.id, batchSizes?.('product')),
    stock: bulkLoader<StockDto>(limit('inventory'), (ids) => backends.inventory.getStock(ids), (s) => s.productId, batchSizes?.('stock')),
    /**
     * Always asks for the most reviews per product the service gives, and lets the resolver
     * slice: `reviews(first: 3)`, `reviews(first: 10)` and `averageRating` then share one call.
     */
    reviewsByProduct: groupedLoader<ReviewDto>(
      limit('reviews'),
      (ids) => backends.reviews.getByProducts(ids, MAX_REVIEWS_PER_PRODUCT),
      (r) => r.productId,
      batchSizes?.('reviewsByProduct'),
    ),
    reviewsByAuthor: groupedLoader<ReviewDto>(limit('reviews'), (ids) => backends.reviews.getByAuthors(ids), (r) => r.authorId, batchSizes?.('reviewsByAuthor')),
    ordersByUser: groupedLoader<OrderDto>(limit('orders'), (ids) => backends.orders.getByUsers(ids), (o) => o.userId, batchSizes?.('ordersByUser')),
    /** The caller, asked of the users service at most once per request. */
    viewer: (): Promise<UserDto | null> => (viewer ??= backends.users.getMe()),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
