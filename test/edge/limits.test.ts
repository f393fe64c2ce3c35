import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Stack } from '../helpers/stack.js';
import { expectNoBackendCalls, gql, scanEveryResponse, startEdgeStack } from './helpers.js';

/**
 * Hostile documents, with the defaults a storefront ships: each is a 400 with a stable code and
 * a message stating the limit, and no backend hears of it.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startEdgeStack();
});
afterAll(() => stack.close());
beforeEach(() => stack.reset());

const repeat = (n: number, item: (i: number) => string) => Array.from({ length: n }, (_, i) => item(i)).join(' ');

/** Asserts a refused request: status 400, one error with `code`, a message matching `message`. */
async function expectRefused(response: Awaited<ReturnType<typeof gql>>, code: string, message: RegExp) {
  expect(response.status).toBe(400);
  expect(response.json.errors).toHaveLength(1);
  expect(response.json.errors[0].extensions.code).toBe(code);
  expect(response.json.errors[0].message).toMatch(message);
  await expectNoBackendCalls(stack);
}

describe('shape limits (cached with the document)', () => {
  it('refuses a depth bomb: reviews → author → reviews → … 12 levels', async () => {
    const bomb =
      '{ product(id: "1") { reviews { author { reviews { author { reviews { author { reviews { author { reviews { author { name } } } } } } } } } } } }';
    const response = await gql(stack, bomb);
    await expectRefused(response, 'MAX_DEPTH_LIMIT', /^Query depth limit of 10 exceeded, found 12\.$/);
    expect(response.json.data).toBeUndefined();
  });

  it('counts fragments as the fields they hold: a depth bomb split into fragments is still one', async () => {
    const bomb = `
      query { product(id: "1") { ...A } }
      fragment A on Product { reviews { author { ...B } } }
      fragment B on User { reviews { author { reviews { author { reviews { author { reviews { author { name } } } } } } } } }`;
    await expectRefused(await gql(stack, bomb), 'MAX_DEPTH_LIMIT', /depth limit of 10 exceeded, found 12/);
  });

  it('refuses an alias bomb: one product name asked 50 times', async () => {
    const bomb = `{ product(id: "1") { ${repeat(50, (i) => `n${i}: name`)} } }`;
    await expectRefused(await gql(stack, bomb), 'MAX_ALIASES_LIMIT', /^Aliases limit of 15 exceeded, found 50\.$/);
  });

  it('refuses a 1000-alias query while parsing it: the token limit stops it before an AST exists', async () => {
    const bomb = `{ ${repeat(1000, (i) => `p${i}: product(id: "${i}") { name }`)} }`;
    const started = performance.now();
    const response = await gql(stack, bomb);
    await expectRefused(response, 'MAX_TOKENS_LIMIT', /^Token limit of 2000 exceeded\.$/);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('the same 1000 aliases with a higher token limit are refused by the alias and root-field limits', async () => {
    const lenient = await startEdgeStack({ env: { MAX_TOKENS: '100000' } });
    try {
      const bomb = `{ ${repeat(1000, (i) => `p${i}: product(id: "${i}") { name }`)} }`;
      const response = await gql(lenient, bomb);
      expect(response.status).toBe(400);
      expect(response.json.errors.map((e: any) => [e.extensions.code, e.message])).toEqual([
        ['MAX_ALIASES_LIMIT', 'Aliases limit of 15 exceeded, found 1000.'],
        ['MAX_ROOT_FIELDS_LIMIT', 'Root field limit of 10 exceeded, found 1000.'],
      ]);
      expect(await lenient.calls()).toEqual({ users: 0, catalog: 0, reviews: 0, inventory: 0, orders: 0, notifications: 0 });
    } finally {
      await lenient.close();
    }
  });

  it('refuses too many root fields, also when they come through fragments', async () => {
    const query = `query { ...Roots } fragment Roots on Query { ${repeat(6, (i) => `a${i}: product(id: "${i}") { name }`)} b: viewer { name } ${repeat(4, (i) => `c${i}: user(id: "${i + 1}") { name }`)} }`;
    await expectRefused(await gql(stack, query), 'MAX_ROOT_FIELDS_LIMIT', /^Root field limit of 10 exceeded, found 11\.$/);
  });

  it('refuses a directive flood', async () => {
    const flood = `{ product(id: "1") { ${repeat(25, () => 'name @include(if: true)')} } }`;
    await expectRefused(await gql(stack, flood), 'MAX_DIRECTIVES_LIMIT', /^Directives limit of 20 exceeded, found 25\.$/);
  });
});

describe('list sizes and cost (checked with the variables, before any resolver)', () => {
  it('refuses a huge literal `first` with the resolvers’ contract, before any root field starts', async () => {
    // `product` alone would call catalog; the refusal comes before either field runs.
    const response = await gql(stack, '{ product(id: "1") { name } products(first: 1000000) { nodes { id } } }');
    expect(response.status).toBe(400);
    expect(response.json).toEqual({
      data: null,
      errors: [
        {
          message: '`first` must be from 0 to 100, got 1000000.',
          locations: [{ line: 1, column: 29 }],
          extensions: { code: 'BAD_USER_INPUT', argument: 'first' },
        },
      ],
    });
    await expectNoBackendCalls(stack);
  });

  it('refuses a huge `first` passed as a variable, or as a variable’s default', async () => {
    const byVariable = await gql(stack, 'query Page($n: Int) { products(first: $n) { nodes { id } } }', { variables: { n: 5000 } });
    await expectRefused(byVariable, 'BAD_USER_INPUT', /^`first` must be from 0 to 100, got 5000\.$/);
    const byDefault = await gql(stack, 'query Page($n: Int = 500) { products(first: 3) { nodes { reviews(first: $n) { id } } } }');
    await expectRefused(byDefault, 'BAD_USER_INPUT', /^`first` must be from 0 to 100, got 500\.$/);
  });

  it('refuses an expensive query whose every `first` is allowed: 100 products × 100 reviews × author', async () => {
    // 1 page of 100 + 1 bulk call of 100 products' reviews + 10,000 authors in 100 bulk calls of
    // 100: 102 calls × 10 + 10,200 ids = 11,220.
    const response = await gql(stack, '{ products(first: 100) { nodes { reviews(first: 100) { author { name } } } } }');
    await expectRefused(response, 'COST_ESTIMATED_TOO_EXPENSIVE', /^Query cost limit of 5000 exceeded, found 11220: ask for fewer items/);
    expect(response.json.errors[0].extensions).toMatchObject({ cost: 11220, maxCost: 5000 });
  });

  it('estimates the cost with the variables’ values: the same query through variables is refused too', async () => {
    const query = 'query Page($p: Int!, $r: Int!) { products(first: $p) { nodes { reviews(first: $r) { author { name } } } } }';
    await expectRefused(await gql(stack, query, { variables: { p: 100, r: 100 } }), 'COST_ESTIMATED_TOO_EXPENSIVE', /found 11220/);
    // …and the same document with small values runs (its verdict is per combination of sizes).
    const small = await gql(stack, query, { variables: { p: 5, r: 2 } });
    expect(small.status).toBe(200);
    expect(small.json.errors).toBeUndefined();
    expect(small.json.data.products.nodes).toHaveLength(5);
  });

  it('counts the schema’s default sizes: `reviews` without `first` is 5 reviews, not 1', async () => {
    // 100 products × the default 5 reviews × author × their ~20 reviews' products: 10,000
    // product ids in 100 bulk calls (12,320), refused; at 1 review, 2,000 ids (2,640), allowed.
    const response = await gql(stack, '{ products(first: 100) { nodes { reviews { author { name reviews { product { name } } } } } } }');
    await expectRefused(response, 'COST_ESTIMATED_TOO_EXPENSIVE', /found 12320/);
    const one = await gql(stack, '{ products(first: 100) { nodes { reviews(first: 1) { author { name reviews { product { name } } } } } } }');
    expect(one.status).toBe(200);
    expect(one.json.errors).toBeUndefined();
  });

  it('refuses what would flood the backends, nested lists multiplying into thousands of calls, before any call', async () => {
    // 100 × 100 reviews → 10,000 authors → ~200,000 of their reviews' products → their 100 reviews each → authors.
    const hostile = '{ products(first: 100) { nodes { reviews(first: 100) { author { reviews { product { reviews(first: 100) { author { name } } } } } } } } }';
    const response = await gql(stack, hostile);
    await expectRefused(response, 'COST_ESTIMATED_TOO_EXPENSIVE', /^Query cost limit of 5000 exceeded, found 22462220:/);
  });
});

describe('what the storefront sends passes', () => {
  it('a page of 100 products with price, stock and three reviews with their authors passes the defaults, answered with six backend calls', async () => {
    // Estimated: 1 page + 1 stock + 1 reviews + 3 × 100 authors = 6 calls, 600 ids: 660 (graphql-armor's estimate was 10,625).
    const page = await gql(
      stack,
      '{ products(first: 100) { nodes { id name price { amount currency } stock { available inStock } reviews(first: 3) { rating author { id name } } } } }',
    );
    expect(page.status).toBe(200);
    expect(page.json.errors).toBeUndefined();
    expect(page.json.data.products.nodes).toHaveLength(100);
    expect(await stack.calls()).toEqual({ users: 3, catalog: 1, reviews: 1, inventory: 1, orders: 0, notifications: 0 });
  });

  it('the product page, the deep benchmark query and introspection (in development) run under the defaults', async () => {
    const page = await gql(
      stack,
      'query ProductPage { products(first: 20) { nodes { id name price { amount currency } stock { available inStock } reviews(first: 3) { rating author { name } } } } }',
    );
    expect(page.status).toBe(200);
    expect(page.json.errors).toBeUndefined();
    const deep = await gql(
      stack,
      'query Deep { products(first: 10) { nodes { name reviews(first: 3) { author { name reviews { rating product { name stock { available } } } } } } } }',
    );
    expect(deep.status).toBe(200);
    expect(deep.json.errors).toBeUndefined();
    // GraphiQL's introspection query is deep (ofType chains); depth and cost ignore `__schema`.
    const introspection = await gql(
      stack,
      '{ __schema { types { name fields { name type { name kind ofType { name kind ofType { name kind ofType { name kind ofType { name } } } } } } } } }',
    );
    expect(introspection.status).toBe(200);
    expect(introspection.json.errors).toBeUndefined();
  });

  it('every limit is configurable: MAX_DEPTH=3 refuses what passed above', async () => {
    const strict = await startEdgeStack({ env: { MAX_DEPTH: '3', MAX_COST: '50', MAX_LIST_SIZE: '10' } });
    try {
      const deep = await gql(strict, '{ products(first: 5) { nodes { reviews(first: 1) { rating } } } }');
      expect(deep.json.errors[0].extensions.code).toBe('MAX_DEPTH_LIMIT');
      const many = await gql(strict, '{ products(first: 11) { nodes { id } } }');
      expect(many.json.errors[0].message).toBe('`first` must be from 0 to 10, got 11.');
      // Three pages of 10: 3 calls × 10 + 30 items = 60.
      const costly = await gql(
        strict,
        '{ a: products(first: 10) { nodes { id } } b: products(first: 10) { nodes { id } } c: products(first: 10) { nodes { id } } }',
      );
      expect(costly.json.errors[0]).toMatchObject({
        message: expect.stringMatching(/^Query cost limit of 50 exceeded/),
        extensions: { code: 'COST_ESTIMATED_TOO_EXPENSIVE' },
      });
    } finally {
      await strict.close();
    }
  });
});

scanEveryResponse();
