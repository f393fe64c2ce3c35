import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack.js';

/**
 * Lookups of one level merge into one call per backend even when the answers that ask them
 * arrive at different times (LOADER_BATCH_WINDOW_MS). Proven by what the mocks counted.
 */

/** Products reached by two lists of one level: the viewer's reviews and their orders' lines. */
const TWO_LISTS = /* GraphQL */ `
  {
    viewer {
      reviews {
        product {
          id
          stock {
            available
          }
        }
      }
      orders {
        items {
          product {
            id
            stock {
              available
            }
          }
        }
      }
    }
  }
`;
const AS_USER_3 = { authorization: 'Bearer token-3' };
/** The orders service answers this much later than reviews, so the two lists arrive apart. */
const ORDERS_LATENCY_MS = 200;

/** The bench's `deep` query, with ids to count what it needed. */
const DEEP = /* GraphQL */ `
  {
    products(first: 10) {
      nodes {
        id
        reviews(first: 3) {
          author {
            id
            reviews {
              product {
                id
                stock {
                  available
                }
              }
            }
          }
        }
      }
    }
  }
`;

const distinct = (ids: string[]) => new Set(ids).size;
const bulkCalls = (ids: number) => Math.ceil(ids / 100);

async function twoListsWithSlowOrders(stack: Stack) {
  await stack.reset();
  await stack.backend.orders.setFaults({ latencyMs: ORDERS_LATENCY_MS });
  const { body } = await stack.query(TWO_LISTS, { headers: AS_USER_3 });
  expect(body.errors).toBeUndefined();
  const viewer = body.data.viewer;
  const fromReviews: string[] = viewer.reviews.map((r: any) => r.product.id);
  const fromOrders: string[] = viewer.orders.flatMap((o: any) => o.items.map((i: any) => i.product.id));
  // The case is only a case if the orders bring products the reviews did not.
  expect(fromOrders.filter((id) => !fromReviews.includes(id)).length).toBeGreaterThan(0);
  return { data: body.data, calls: await stack.calls() };
}

describe('without a window (LOADER_BATCH_WINDOW_MS=0): each list asks on its own', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { LOADER_BATCH_WINDOW_MS: '0' } });
  });
  afterAll(() => stack.close());

  it('two lists of one level arriving apart ask catalog and inventory twice', async () => {
    const { calls } = await twoListsWithSlowOrders(stack);
    expect(calls).toEqual({ users: 1, reviews: 1, orders: 1, catalog: 2, inventory: 2, notifications: 0 });
  });
});

describe('a window longer than the gap', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { LOADER_BATCH_WINDOW_MS: String(ORDERS_LATENCY_MS * 5), MAX_COST: '100000' } });
  });
  afterAll(() => stack.close());

  it('merges the two lists: one call to catalog, one to inventory, the same answer', async () => {
    const { data, calls } = await twoListsWithSlowOrders(stack);
    expect(calls).toEqual({ users: 1, reviews: 1, orders: 1, catalog: 1, inventory: 1, notifications: 0 });
    const reference = await startStack({ env: { LOADER_BATCH_WINDOW_MS: '0' } });
    try {
      expect((await reference.query(TWO_LISTS, { headers: AS_USER_3 })).body).toEqual({ data });
    } finally {
      await reference.close();
    }
  });

  it('deep: the stock of every chunk of a split product lookup goes in the fewest calls', async () => {
    await stack.reset();
    const { body } = await stack.query(DEEP);
    expect(body.errors).toBeUndefined();
    const listed: string[] = body.data.products.nodes.map((n: any) => n.id);
    const inner: string[] = body.data.products.nodes.flatMap((n: any) => n.reviews.flatMap((r: any) => r.author.reviews.map((ar: any) => ar.product.id)));
    const looked = distinct(inner.filter((id) => !listed.includes(id)));
    // Over 100 ids: the product lookup is split into chunks, each arriving on its own.
    expect(looked).toBeGreaterThan(100);
    expect(await stack.calls()).toEqual({
      catalog: 1 + bulkCalls(looked), // the listing, then the bulk lookup split at 100
      reviews: 2, // by product, then by author
      users: 1,
      inventory: bulkCalls(distinct(inner)),
      orders: 0,
      notifications: 0,
    });
  });
});

describe('a window shorter than the gap', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { LOADER_BATCH_WINDOW_MS: '10' } });
  });
  afterAll(() => stack.close());

  it('bounds the wait: the first list does not wait for the second one', async () => {
    const { calls } = await twoListsWithSlowOrders(stack);
    expect(calls).toEqual({ users: 1, reviews: 1, orders: 1, catalog: 2, inventory: 2, notifications: 0 });
  });
});
