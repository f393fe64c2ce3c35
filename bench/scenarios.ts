/**
 * What the benchmark asks the BFF. Each scenario states its `levels`: the number of backend
 * round trips that must happen one after the other (each needs ids from the one before), read
 * off the schema and the resolvers (src/schema/resolvers, src/graphql/loaders.ts). Calls within a level
 * go out together (DataLoader batches them, unrelated fields run in parallel), so the fastest
 * possible answer is levels × the mocks' latency: the floor the overhead is measured against.
 */

export interface Scenario {
  readonly name: string;
  readonly levels: number;
  /** The chain of backend calls, for the report. */
  readonly chain: string;
  readonly body: string;
  /** Returns what is wrong with a sampled response's `data`, or undefined when it looks right. */
  check(data: unknown): string | undefined;
}

const graphql = (query: string) => JSON.stringify({ query });

// Loose accessors: a sample is checked for plausibility, not re-validated against the schema.
type Json = Record<string, unknown> | undefined;
const obj = (v: unknown): Json => (v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'product-page',
    // products → catalog; stock → inventory and reviews → reviews, both keyed by the listed
    // products, in parallel; author → users, keyed by the reviews' authorIds.
    levels: 3,
    chain: 'catalog → inventory ‖ reviews → users',
    body: graphql(
      'query ProductPage { products(first: 20) { nodes { id name price { amount currency } stock { available inStock } reviews(first: 3) { rating author { name } } } } }',
    ),
    check(data) {
      const nodes = list(obj(obj(data)?.products)?.nodes);
      if (nodes.length !== 20) return `expected 20 products, got ${nodes.length}`;
      if (nodes.some((n) => obj(obj(n)?.stock) === undefined)) return 'a product has no stock';
      const authors = nodes.flatMap((n) => list(obj(n)?.reviews)).map((r) => obj(obj(r)?.author)?.name);
      if (authors.length === 0) return 'no reviews at all';
      if (authors.some((name) => typeof name !== 'string')) return 'a review has no author name';
      return undefined;
    },
  },
  {
    name: 'deep',
    // products → catalog (list; primes the product loader with these 10); reviews → reviews by
    // product; author → users; author.reviews → reviews by author (all of them, ~20 each);
    // review.product → catalog bulk (those products were not in the list, so not primed; over
    // 100 ids the loader splits the batch, calls in parallel); product.stock → inventory.
    // Six levels: the query's nesting (5 fields deep) plus the root list, not four.
    levels: 6,
    chain: 'catalog → reviews → users → reviews(by author) → catalog(bulk) → inventory',
    body: graphql(
      'query Deep { products(first: 10) { nodes { name reviews(first: 3) { author { name reviews { rating product { name stock { available } } } } } } } }',
    ),
    check(data) {
      const nodes = list(obj(obj(data)?.products)?.nodes);
      if (nodes.length !== 10) return `expected 10 products, got ${nodes.length}`;
      const innerProducts = nodes
        .flatMap((n) => list(obj(n)?.reviews))
        .flatMap((r) => list(obj(obj(r)?.author)?.reviews))
        .map((r) => obj(obj(r)?.product));
      if (innerProducts.length === 0) return 'no reviews by the authors at all';
      if (innerProducts.some((p) => p === undefined || obj(p.stock) === undefined)) return 'an inner product or its stock is missing';
      return undefined;
    },
  },
  {
    name: 'single',
    // product(id) → the product loader → catalog bulk `GET /products?ids=42`.
    levels: 1,
    chain: 'catalog',
    body: graphql('{ product(id: "42") { name price { amount } } }'),
    check(data) {
      const product = obj(obj(data)?.product);
      if (typeof product?.name !== 'string') return 'product 42 has no name';
      if (typeof obj(product.price)?.amount !== 'string') return 'product 42 has no price';
      return undefined;
    },
  },
];
