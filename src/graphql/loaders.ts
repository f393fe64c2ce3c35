import { groupedIndex, uniqueIndex, type AnswerIndex } from './answer-index.js';
import { FreshItems } from './fresh-items.js';
import { LoaderBatchWindow, type BatchSchedule } from './loader-batch-window.js';
import { ReusingLoader, type BatchLoad, type Batching, type ReuseReport } from './reusing-loader.js';
import type { BackendClients } from '../backends/index.js';
import type { BulkAnswer } from '../backends/bulk-answer.js';
import type { Config, ServiceName } from '../config.js';
import type { ProductDto } from '../backends/catalog/client.js';
import type { StockDto } from '../backends/inventory/client.js';
import type { OrderDto } from '../backends/orders/client.js';
import { MAX_REVIEWS_PER_PRODUCT, type ReviewDto } from '../backends/reviews/client.js';
import type { UserDto } from '../backends/users/client.js';

/**
 * A bulk endpoint's batches, one value per key. Results are mapped by key, never by position
 * (backends answer in any order and leave unknown ids out), so an unknown id is `null`, and a
 * batch larger than the backend's limit is split by `maxBatchSize`. An item that broke the
 * contract fails its own key with a BackendError (DataLoader takes an Error per key), so only
 * the fields resolved from it fail; one whose key could not be read fails the keys the answer
 * left out, since it may be any of them.
 */
function bulkBatches<V>(
  fetchMany: (keys: readonly string[]) => Promise<BulkAnswer<V>>,
  index: AnswerIndex<V, V>,
  freezeShared: boolean,
  onBatch?: (size: number) => void,
): BatchLoad<V | null> {
  return async (keys) => {
    onBatch?.(keys.length);
    const answer = await fetchMany(keys);
    const byKey = index(answer.items, freezeShared);
    if (answer.failures.length === 0) return { answer, values: keys.map((key) => byKey.get(key) ?? null) };
    const { failed, unattributed } = failuresByKey(answer.failures);
    return { answer, values: keys.map((key) => failed.get(key) ?? byKey.get(key) ?? unattributed ?? null) };
  };
}

/**
 * Like bulkBatches, for endpoints that return many values per key (reviews of a product). A bad
 * item fails its key's whole list, which would otherwise be silently short; one whose key could
 * not be read fails every list of the batch, as any of them may be short. The lists are shared
 * with other requests given the same answer (see groupedIndex): read-only, frozen in development and tests.
 */
function groupedBatches<V>(
  fetchMany: (keys: readonly string[]) => Promise<BulkAnswer<V>>,
  index: AnswerIndex<V, V[]>,
  freezeShared: boolean,
  onBatch?: (size: number) => void,
): BatchLoad<V[]> {
  return async (keys) => {
    onBatch?.(keys.length);
    const answer = await fetchMany(keys);
    const groups = index(answer.items, freezeShared);
    if (answer.failures.length === 0) return { answer, values: keys.map((key) => groups.get(key) ?? NO_VALUES) };
    const { failed, unattributed } = failuresByKey(answer.failures);
    return { answer, values: keys.map((key) => failed.get(key) ?? unattributed ?? groups.get(key) ?? NO_VALUES) };
  };
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

/** What a key of a grouped lookup gets when the answer has nothing for it: shared, so frozen. */
const NO_VALUES = Object.freeze([]) as unknown as never[];

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
 * What a server's requests reuse of each other's fresh bulk answers, one store per kind of
 * lookup (see FreshItems): made once per server, shared by its requests. Orders are private
 * (their answers are never reusable), so theirs stays empty.
 */
export class FreshItemStores {
  readonly user = new FreshItems<UserDto | null>();
  readonly product = new FreshItems<ProductDto | null>();
  readonly stock = new FreshItems<StockDto | null>();
  readonly reviewsByProduct = new FreshItems<ReviewDto[]>();
  readonly reviewsByAuthor = new FreshItems<ReviewDto[]>();
  readonly ordersByUser = new FreshItems<OrderDto[]>();
}

/**
 * Every loader of one GraphQL request. Made per request, never shared: their caches hold what
 * this request's credentials were allowed to see. What they take from `fresh` is only what a
 * public, fresh answer said (see FreshItems). `batchSizes` records each batch's size.
 */
export function createLoaders(backends: BackendClients, config: Config, fresh = new FreshItemStores(), batchSizes?: BatchSizes): Loaders {
  return new Loaders(backends, config, fresh, batchSizes);
}

/**
 * One request's loaders, each made on its first use: a request pays only for the lookups it
 * makes (`{ __typename }` makes none, a product page four of the six).
 */
export class Loaders {
  private userLoader: ReusingLoader<UserDto | null> | undefined = undefined;
  private productLoader: ReusingLoader<ProductDto | null> | undefined = undefined;
  private stockLoader: ReusingLoader<StockDto | null> | undefined = undefined;
  private reviewsByProductLoader: ReusingLoader<ReviewDto[]> | undefined = undefined;
  private reviewsByAuthorLoader: ReusingLoader<ReviewDto[]> | undefined = undefined;
  private ordersByUserLoader: ReusingLoader<OrderDto[]> | undefined = undefined;
  private viewerPromise: Promise<UserDto | null> | undefined = undefined;
  /** The request's batch window, shared by its loaders; null when there is none (0 ms). */
  private schedule: BatchSchedule | null | undefined = undefined;
  private readonly freezeShared: boolean;

  constructor(
    private readonly backends: BackendClients,
    private readonly config: Config,
    private readonly fresh: FreshItemStores,
    private readonly batchSizes?: BatchSizes,
  ) {
    this.freezeShared = config.env !== 'production';
  }

  get user(): ReusingLoader<UserDto | null> {
    return (this.userLoader ??= this.reusing('users', this.fresh.user, () =>
      bulkBatches((ids) => this.backends.users.getUsers(ids), usersById, this.freezeShared, this.batchSizes?.('user')),
    ));
  }

  get product(): ReusingLoader<ProductDto | null> {
    return (this.productLoader ??= this.reusing('catalog', this.fresh.product, () =>
      bulkBatches((ids) => this.backends.catalog.getProducts(ids), productsById, this.freezeShared, this.batchSizes?.('product')),
    ));
  }

  get stock(): ReusingLoader<StockDto | null> {
    return (this.stockLoader ??= this.reusing('inventory', this.fresh.stock, () =>
      bulkBatches((ids) => this.backends.inventory.getStock(ids), stockByProduct, this.freezeShared, this.batchSizes?.('stock')),
    ));
  }

  /**
   * Always asks for the most reviews per product the service gives, and lets the resolver
   * slice: `reviews(first: 3)`, `reviews(first: 10)` and `averageRating` then share one call.
   */
  get reviewsByProduct(): ReusingLoader<ReviewDto[]> {
    return (this.reviewsByProductLoader ??= this.reusing('reviews', this.fresh.reviewsByProduct, () =>
      groupedBatches(
        (ids) => this.backends.reviews.getByProducts(ids, MAX_REVIEWS_PER_PRODUCT),
        reviewsByProduct,
        this.freezeShared,
        this.batchSizes?.('reviewsByProduct'),
      ),
    ));
  }

  get reviewsByAuthor(): ReusingLoader<ReviewDto[]> {
    return (this.reviewsByAuthorLoader ??= this.reusing('reviews', this.fresh.reviewsByAuthor, () =>
      groupedBatches((ids) => this.backends.reviews.getByAuthors(ids), reviewsByAuthor, this.freezeShared, this.batchSizes?.('reviewsByAuthor')),
    ));
  }

  get ordersByUser(): ReusingLoader<OrderDto[]> {
    return (this.ordersByUserLoader ??= this.reusing('orders', this.fresh.ordersByUser, () =>
      groupedBatches((ids) => this.backends.orders.getByUsers(ids), ordersByUser, this.freezeShared, this.batchSizes?.('ordersByUser')),
    ));
  }

  /** The caller, asked of the users service at most once per request. */
  viewer(): Promise<UserDto | null> {
    return (this.viewerPromise ??= this.backends.users.getMe());
  }

  /** A loader whose batches (made only when a key is not reused) go to `service`. */
  private reusing<V>(service: ServiceName, fresh: FreshItems<V>, batches: () => BatchLoad<V>): ReusingLoader<V> {
    const batching = (): Batching<V> => ({
      batch: batches(),
      options: { maxBatchSize: this.config.backends[service].maxBatchSize, batchScheduleFn: this.batchSchedule() },
    });
    return new ReusingLoader(fresh, batching, this.reported);
  }

  /** One window for all of the request's loaders (see LoaderBatchWindow); undefined at 0 ms: DataLoader's tick. */
  private batchSchedule(): BatchSchedule | undefined {
    if (this.schedule === undefined) {
      const windowMs = this.config.loaderBatchWindowMs;
      this.schedule = windowMs > 0 ? new LoaderBatchWindow(this.backends.inFlight, windowMs).schedule : null;
    }
    return this.schedule ?? undefined;
  }

  private readonly reported: ReuseReport = (source, ids, freshForSeconds) => this.backends.reused(source.service, source.path, ids, freshForSeconds);
}
