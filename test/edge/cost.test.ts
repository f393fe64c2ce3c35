import { buildSchema, parse, print, validate } from 'graphql';
import { createSchema } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../bench/scenarios.js';
import { estimateCost } from '../../src/edge/use-cost-limit.js';
import { typeDefs } from '../../src/schema/typeDefs.generated.js';

/**
 * The cost model (src/edge/use-cost-limit.ts): calls × 10 + ids × 1, batched lookups per
 * bulk call of 100. Each expectation is worked out by hand in its comment, from the schema and
 * the loaders, so a change to the model or the table shows up here as a figure that moved.
 */
const schema = createSchema({ typeDefs });
const estimate = (query: string, variables?: Record<string, unknown>) => estimateCost(schema, parse(query), { variables });

describe('the reference queries (their figures are in the README)', () => {
  const byName = Object.fromEntries(SCENARIOS.map((s) => [s.name, JSON.parse(s.body).query as string]));

  it('bench product-page: page of 20, stock of 20, reviews of 20, 60 authors in one call', () => {
    expect(estimate(byName['product-page'])).toEqual({ calls: 4, items: 120, cost: 160 });
  });

  it('bench deep: 10 → 10 reviews keys → 30 authors → 30 authors’ reviews → 600 products (6 calls) → 600 stock (6 calls)', () => {
    expect(estimate(byName.deep)).toEqual({ calls: 16, items: 1280, cost: 1440 });
  });

  it('bench single: one product by id', () => {
    expect(estimate(byName.single)).toEqual({ calls: 1, items: 1, cost: 11 });
  });

  it('the storefront’s 100-product listing: 6 calls, 600 ids', () => {
    const listing =
      '{ products(first: 100) { nodes { id name price { amount currency } stock { available inStock } reviews(first: 3) { rating author { id name } } } } }';
    expect(estimate(listing)).toEqual({ calls: 6, items: 600, cost: 660 });
  });
});

describe('what is counted', () => {
  it('plain fields of loaded objects cost nothing: asking every field of the product adds no cost', () => {
    const lean = estimate('{ products(first: 50) { nodes { id } } }');
    const full = estimate('{ products(first: 50) { nodes { id name description category price { amount currency } } pageInfo { endCursor hasNextPage } } }');
    expect(full).toEqual(lean);
    expect(lean).toEqual({ calls: 1, items: 50, cost: 60 });
  });

  it('batched lookups cost per bulk call: 100 stock ids are one call, 101 products’ authors are two', () => {
    expect(estimate('{ products(first: 100) { nodes { stock { available } } } }')).toEqual({ calls: 2, items: 200, cost: 220 });
    // 100 products × 2 reviews = 200 authors: two bulk calls of 100.
    expect(estimate('{ products(first: 100) { nodes { reviews(first: 2) { author { name } } } } }')).toEqual({ calls: 4, items: 400, cost: 440 });
  });

  it('fields sharing a loader on the same objects ask the same ids once (reviews and averageRating, two aliases)', () => {
    const once = estimate('{ products(first: 10) { nodes { reviews(first: 3) { rating } } } }');
    expect(estimate('{ products(first: 10) { nodes { a: reviews(first: 3) { rating } b: reviews(first: 3) { body } averageRating } } }')).toEqual(once);
  });

  it('lookups keyed by an argument add one id per occurrence, batched together', () => {
    // Three products by id: one bulk call with three ids.
    expect(estimate('{ a: product(id: "1") { name } b: product(id: "2") { name } c: product(id: "3") { name } }')).toEqual({ calls: 1, items: 3, cost: 13 });
  });

  it('the viewer is asked once per request, also when User.orders checks it', () => {
    // viewer (1) + orders of 1 user (1) + 5 orders × 5 lines of products in one call (25).
    expect(estimate('{ viewer { name orders { items { product { name } } } } }')).toEqual({ calls: 3, items: 27, cost: 57 });
  });

  it('variables and schema defaults give the sizes: `reviews` without `first` is the schema’s 5', () => {
    const query = 'query ($n: Int!) { products(first: $n) { nodes { reviews { author { name } } } } }';
    // 10 products, 10 review keys, 50 authors.
    expect(estimate(query, { n: 10 })).toEqual({ calls: 3, items: 70, cost: 100 });
  });

  it('first: 0 asks nothing of the catalog', () => {
    expect(estimate('{ products(first: 0) { nodes { stock { available } } } }')).toEqual({ calls: 0, items: 0, cost: 0 });
  });
});

describe('fragments, @defer and @stream', () => {
  // The schema as the defer-stream plugin makes it: graphql 16 does not declare these itself.
  const withIncremental = buildSchema(`${print(typeDefs)}
    directive @defer(if: Boolean, label: String) on FRAGMENT_SPREAD | INLINE_FRAGMENT
    directive @stream(if: Boolean, label: String, initialCount: Int = 0) on FIELD`);
  const plain = '{ products(first: 100) { nodes { id stock { available } reviews(first: 3) { author { name } } } } }';

  it('counts deferred inline fragments, deferred spreads and streamed lists like the same fields written out', () => {
    const expected = estimateCost(withIncremental, parse(plain));
    expect(expected).toEqual({ calls: 6, items: 600, cost: 660 });
    const deferred = [
      '{ products(first: 100) { nodes { id ... @defer { stock { available } reviews(first: 3) { author { name } } } } } }',
      '{ products(first: 100) { nodes { id ...Slow @defer(label: "slow") } } } fragment Slow on Product { stock { available } ... @defer { reviews(first: 3) { author { name } } } }',
      '{ products(first: 100) { nodes @stream(initialCount: 10) { id stock { available } reviews(first: 3) @stream { author { name } } } } }',
      '{ products(first: 100) { nodes { id ... on Product @defer { stock { available } } ...R } } } fragment R on Product { reviews(first: 3) { author { name } } }',
    ];
    for (const query of deferred) {
      const document = parse(query);
      expect(validate(withIncremental, document), query).toEqual([]);
      expect(estimateCost(withIncremental, document), query).toEqual(expected);
    }
  });
});
