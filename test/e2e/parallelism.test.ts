import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack.js';
import { waitFor, type MockControl } from '../helpers/mock-control.js';

/**
 * Parallelism proven at the backends, not with timers: the mocks hang, so a sequential BFF
 * could never have two of them busy at once. Both in flight at the same time proves the
 * calls were made concurrently; then the client hangs up and both calls must be cancelled.
 */
async function expectConcurrent(stack: Stack, query: string, hung: MockControl[]) {
  for (const mock of hung) await mock.setFaults({ hang: true });
  const client = new AbortController();
  const pending = fetch(`${stack.http!.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
    signal: client.signal,
  }).catch((error: Error) => error);

  await waitFor('every hung backend to be in flight at once', async () => {
    const inFlight = await Promise.all(hung.map(async (mock) => (await mock.stats()).inFlight));
    return inFlight.every((n) => n === 1);
  });
  client.abort();
  expect(await pending).toBeInstanceOf(Error);
  // The client hung up: the BFF must cancel its backend calls (deadline is 30 s, so only the abort explains it).
  await waitFor('the cancelled calls to close', async () => {
    const stats = await Promise.all(hung.map((mock) => mock.stats()));
    return stats.every((s) => s.inFlight === 0 && s.aborted === 1);
  });
}

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ http: true, env: { BACKEND_TIMEOUT_MS: '30000' } });
});
afterAll(() => stack.close());
beforeEach(() => stack.reset());

describe('parallel fan-out over real HTTP', () => {
  it('root fields from different backends are fetched at the same time', async () => {
    await expectConcurrent(stack, '{ product(id: "1") { name } user(id: "1") { name } }', [stack.backend.catalog, stack.backend.users]);
  });

  it('sibling fields one level down (stock, reviews) are fetched at the same time', async () => {
    await expectConcurrent(stack, '{ products(first: 5) { nodes { stock { available } reviews { rating } } } }', [
      stack.backend.inventory,
      stack.backend.reviews,
    ]);
  });

  it('a level makes one call per backend, however many parents it has', async () => {
    const { body } = await stack.query('{ products(first: 20) { nodes { stock { available } reviews(first: 3) { author { name } } } } }');
    expect(body.errors).toBeUndefined();
    expect(await stack.calls()).toEqual({ users: 1, catalog: 1, reviews: 1, inventory: 1, orders: 0, notifications: 0 });
    // One call per backend per query: nothing else was in flight at any moment.
    for (const service of ['users', 'catalog', 'reviews', 'inventory'] as const) {
      expect((await stack.backend[service].stats()).peakInFlight, service).toBe(1);
    }
  });
});
