import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack.js';
import { waitFor } from '../helpers/mock-control.js';

const QUERY = '{ products(first: 3) { nodes { id name stock { available } reviews(first: 2) { rating } } } }';

/** Nothing about the backends' insides may reach a client. */
function expectNoLeaks(body: unknown, stack: Stack) {
  const text = JSON.stringify(body);
  for (const url of Object.values(stack.mocks.urls)) expect(text).not.toContain(new URL(url).host);
  expect(text).not.toMatch(/127\.0\.0\.1|localhost|\bat .*\.(ts|js):\d+|stack|originalError|ECONN|undici|Unexpected token/i);
}

let stack: Stack;
beforeAll(async () => {
  // Inventory gets a short deadline so timeouts are quick. The breaker is kept out of the way:
  // these tests are about one failure's reach, and its own tests are in test/policy.
  stack = await startStack({ env: { INVENTORY_TIMEOUT_MS: '300', BACKEND_BREAKER_THRESHOLD: '1000' } });
});
afterAll(() => stack.close());
beforeEach(() => stack.reset());

describe('a failing backend costs only its own fields', () => {
  it('inventory down: products come back with stock null and one error per failed field', async () => {
    await stack.backend.inventory.setFaults({ errorRate: 1, errorStatus: 503 });
    const { status, body } = await stack.query(QUERY);
    expect(status).toBe(200);
    expect(body.data.products.nodes).toEqual(
      [0, 1, 2].map(() => ({ id: expect.any(String), name: expect.any(String), stock: null, reviews: expect.any(Array) })),
    );
    expect(body.errors).toEqual(
      [0, 1, 2].map((i) => ({
        message: 'The inventory service is unavailable.',
        locations: expect.any(Array),
        path: ['products', 'nodes', i, 'stock'],
        extensions: { code: 'BACKEND_UNAVAILABLE', service: 'inventory' },
      })),
    );
    expectNoLeaks(body, stack);
  });

  it('a slow backend times out at its deadline with BACKEND_TIMEOUT', async () => {
    await stack.backend.inventory.setFaults({ latencyMs: 5000 });
    const started = Date.now();
    const { body } = await stack.query(QUERY);
    const elapsed = Date.now() - started;
    expect(body.data.products.nodes[0].stock).toBeNull();
    expect(body.data.products.nodes[0].reviews).toEqual(expect.any(Array));
    expect(new Set(body.errors?.map((e) => JSON.stringify(e.extensions)))).toEqual(
      new Set([JSON.stringify({ code: 'BACKEND_TIMEOUT', service: 'inventory' })]),
    );
    // The deadline is 300 ms; the latency 5 s. Only the deadline explains an early answer.
    expect(elapsed).toBeLessThan(2500);
    await waitFor('inventory to see its call cancelled', async () => (await stack.backend.inventory.stats()).inFlight === 0);
  });

  it('a hung backend times out, and its connection is closed, not left open', async () => {
    await stack.backend.inventory.setFaults({ hang: true });
    const { body } = await stack.query(QUERY);
    expect(body.data.products.nodes.map((n: any) => n.stock)).toEqual([null, null, null]);
    expect(body.errors?.[0]?.extensions).toEqual({ code: 'BACKEND_TIMEOUT', service: 'inventory' });
    await waitFor('the hung call to be closed', async () => {
      const stats = await stack.backend.inventory.stats();
      return stats.inFlight === 0 && stats.aborted === 1;
    });
  });

  it('a malformed body is BACKEND_BAD_RESPONSE, not a crash', async () => {
    await stack.backend.reviews.setFaults({ malformedBody: true });
    const { status, body } = await stack.query(QUERY);
    expect(status).toBe(200);
    expect(body.data.products.nodes.map((n: any) => n.reviews)).toEqual([null, null, null]);
    expect(body.data.products.nodes[0].stock).toEqual({ available: expect.any(Number) });
    expect(body.errors?.[0]).toMatchObject({ path: ['products', 'nodes', 0, 'reviews'], extensions: { code: 'BACKEND_BAD_RESPONSE', service: 'reviews' } });
    expectNoLeaks(body, stack);
  });

  it('a failure one level down nulls only that level', async () => {
    await stack.backend.users.setFaults({ errorRate: 1, errorStatus: 500 });
    const { body } = await stack.query('{ product(id: "1") { name reviews(first: 5) { rating author { name } } } }');
    expect(body.data.product.name).toEqual(expect.any(String));
    const reviews = body.data.product.reviews as any[];
    expect(reviews.length).toBeGreaterThan(0);
    expect(reviews.every((r) => typeof r.rating === 'number' && r.author === null)).toBe(true);
    expect(body.errors).toHaveLength(reviews.length);
    expect(body.errors?.every((e) => (e.extensions as any).service === 'users')).toBe(true);
    expectNoLeaks(body, stack);
  });
});
