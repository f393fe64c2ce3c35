import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack.js';

/** The reference query: four backends, four calls. */
const PRODUCT_PAGE = /* GraphQL */ `
  query ProductPage {
    products(first: 20) {
      nodes {
        id
        name
        price {
          amount
          currency
        }
        stock {
          available
          inStock
        }
        reviews(first: 3) {
          rating
          author {
            id
            name
          }
        }
      }
      pageInfo {
        endCursor
        hasNextPage
      }
    }
  }
`;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());
beforeEach(() => stack.reset());

describe('reads', () => {
  it('answers the product page with exactly one call each to catalog, inventory, reviews and users', async () => {
    const { status, body } = await stack.query(PRODUCT_PAGE);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const nodes = body.data.products.nodes;
    expect(nodes).toHaveLength(20);
    expect(body.data.products.pageInfo.hasNextPage).toBe(true);
    expect(nodes.some((n: any) => n.reviews.length > 0)).toBe(true);
    expect(await stack.calls()).toEqual({ users: 1, catalog: 1, reviews: 1, inventory: 1, orders: 0, notifications: 0 });
  });

  it('maps bulk answers by key, not by position (the mocks shuffle them)', async () => {
    const { body } = await stack.query('{ products(first: 30) { nodes { id stock { available } reviews(first: 100) { id author { id } } } } }');
    const nodes = body.data.products.nodes as any[];
    const ids = nodes.map((n) => n.id).join(',');
    const stock = (await (await fetch(`${stack.mocks.urls.inventory}/stock?productIds=${ids}`)).json()).items as any[];
    const reviews = (await (await fetch(`${stack.mocks.urls.reviews}/reviews?productIds=${ids}&limitPerProduct=100`)).json()).items as any[];
    for (const node of nodes) {
      expect(node.stock.available).toBe(stock.find((s) => s.productId === node.id).available);
      const expected = reviews
        .filter((r) => r.productId === node.id)
        .map((r) => r.id)
        .sort();
      expect(node.reviews.map((r: any) => r.id).sort()).toEqual(expected);
    }
  });

  it('splits a batch at the backend limit of 100 ids', async () => {
    const { body } = await stack.query('{ products(first: 100) { nodes { reviews(first: 100) { author { id } } } } }');
    expect(body.errors).toBeUndefined();
    const authors = new Set((body.data.products.nodes as any[]).flatMap((n) => n.reviews.map((r: any) => r.author.id)));
    expect(authors.size).toBeGreaterThan(100);
    expect(await stack.backend.users.calls('GET /users')).toBe(Math.ceil(authors.size / 100));
  });

  it('shares one reviews call between reviews(first: n) and averageRating', async () => {
    const { body } = await stack.query('{ products(first: 10) { nodes { averageRating a: reviews(first: 1) { rating } b: reviews(first: 4) { rating } } } }');
    expect(body.errors).toBeUndefined();
    for (const node of body.data.products.nodes) {
      expect(node.a.length).toBeLessThanOrEqual(1);
      expect(node.b.slice(0, node.a.length)).toEqual(node.a);
    }
    expect(await stack.backend.reviews.calls()).toBe(1);
  });

  it('returns null for an unknown id, without an error', async () => {
    const { body } = await stack.query('{ product(id: "no-such-product") { id } user(id: "424242") { id } }');
    expect(body).toEqual({ data: { product: null, user: null } });
  });

  it('pages through the catalog with cursors and filters by category', async () => {
    const first = await stack.query('{ products(first: 3, category: "books") { nodes { id category } pageInfo { endCursor hasNextPage } } }');
    const page1 = first.body.data.products;
    expect(page1.nodes.every((n: any) => n.category === 'books')).toBe(true);
    const second = await stack.query('query($after: String) { products(first: 3, after: $after, category: "books") { nodes { id } } }', {
      variables: { after: page1.pageInfo.endCursor },
    });
    const page2Ids = second.body.data.products.nodes.map((n: any) => n.id);
    expect(page2Ids).toHaveLength(3);
    expect(page2Ids.filter((id: string) => page1.nodes.some((n: any) => n.id === id))).toEqual([]);
  });

  it('refuses an out-of-range `first` before calling any backend', async () => {
    const { body } = await stack.query('{ products(first: 1000) { nodes { id } } }');
    expect(body.data).toBeNull();
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await stack.calls()).toEqual({ users: 0, catalog: 0, reviews: 0, inventory: 0, orders: 0, notifications: 0 });
  });

  it('resolves a review back to its product and author', async () => {
    const { body } = await stack.query('{ product(id: "7") { id reviews(first: 2) { product { id } author { name } } } }');
    expect(body.errors).toBeUndefined();
    for (const review of body.data.product.reviews) expect(review.product.id).toBe('7');
  });
});

describe('auth', () => {
  const token = (userId: string) => ({ authorization: `Bearer token-${userId}` });

  it('viewer is the token’s user, and null without a token (no call made)', async () => {
    const withToken = await stack.query('{ viewer { id name } }', { headers: token('5') });
    expect(withToken.body).toEqual({ data: { viewer: { id: '5', name: expect.any(String) } } });
    await stack.reset();
    const anonymous = await stack.query('{ viewer { id } }');
    expect(anonymous.body).toEqual({ data: { viewer: null } });
    expect(await stack.backend.users.calls()).toBe(0);
  });

  it('forwards the token to users and orders only', async () => {
    const viewer = await stack.query('{ viewer { id orders { id items { product { name } } } } }', { headers: token('3') });
    expect(viewer.body.errors).toBeUndefined();
    const orderId = viewer.body.data.viewer.orders[0].id;
    expect((await stack.backend.orders.stats()).lastHeaders.authorization).toBe('Bearer token-3');

    const { body } = await stack.query(`{ order(id: "${orderId}") { id customer { name } items { product { name stock { available } reviews { id } } } } }`, {
      headers: token('3'),
    });
    expect(body.errors).toBeUndefined();
    expect(body.data.order.id).toBe(orderId);
    expect((await stack.backend.orders.stats()).lastHeaders.authorization).toBe('Bearer token-3');
    for (const service of ['catalog', 'inventory', 'reviews', 'users'] as const) {
      const { lastHeaders } = await stack.backend[service].stats();
      expect(lastHeaders['x-request-id'], service).toBeTruthy();
      expect(lastHeaders.authorization, service).toBeUndefined();
    }
  });

  it('keeps orders private: someone else’s order is FORBIDDEN, no token is UNAUTHENTICATED without a call', async () => {
    const mine = await stack.query('{ viewer { orders { id } } }', { headers: token('3') });
    const orderId = mine.body.data.viewer.orders[0].id;

    const other = await stack.query(`{ order(id: "${orderId}") { id } }`, { headers: token('4') });
    expect(other.body.data).toEqual({ order: null });
    expect(other.body.errors).toEqual([expect.objectContaining({ path: ['order'], extensions: { code: 'FORBIDDEN', service: 'orders' } })]);

    await stack.reset();
    const anonymous = await stack.query(`{ order(id: "${orderId}") { id } user(id: "3") { name orders { id } } }`);
    expect(anonymous.body.data).toEqual({ order: null, user: { name: expect.any(String), orders: null } });
    expect(anonymous.body.errors?.map((e) => [e.path, e.extensions?.code])).toEqual(
      expect.arrayContaining([
        [['order'], 'UNAUTHENTICATED'],
        [['user', 'orders'], 'UNAUTHENTICATED'],
      ]),
    );
    expect(await stack.backend.orders.calls()).toBe(0);
  });

  it('a missing order is null without an error', async () => {
    const { body } = await stack.query('{ order(id: "no-such-order") { id } }', { headers: token('3') });
    expect(body).toEqual({ data: { order: null } });
  });
});
