import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FetchPlanEntry } from '../../src/backends/fetch-plan.js';
import type { ServiceName } from '../../src/config.js';
import { startStack, type Stack } from '../helpers/stack.js';

/**
 * Keys answered from fresh bulk answers already held (src/graphql/fresh-items.ts), end to end
 * against the real mocks, which mark their answers `public, max-age=…` (reviews 10 s, users
 * 60 s, inventory 1 s) and orders `private, no-store`. What reaches the backends is counted by
 * the mocks and read from the fetch plan (the ids each call carried).
 */
const listing = (first: number) => `{ products(first: ${first}) { nodes { id reviews(first: 2) { rating author { id name } } } } }`;

function plan(body: { extensions?: Record<string, any> }, service: ServiceName): FetchPlanEntry[] {
  return (body.extensions?.fetchPlan as FetchPlanEntry[]).filter((entry) => entry.service === service);
}

describe('with the HTTP cache on', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { BACKEND_CACHE: 'on', FETCH_PLAN: 'on' } });
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.reset());

  it('a key a fresh answer already gave is answered without a call, whichever listing asks for it', async () => {
    const three = await stack.query(listing(3));
    expect(plan(three.body, 'reviews')).toMatchObject([{ call: 'GET /reviews', ids: 3, source: 'network' }]);

    // Products 1–3 were answered by the reviews service 10 s fresh: only 4–6 are asked.
    const six = await stack.query(listing(6));
    expect(six.body.errors).toBeUndefined();
    expect(plan(six.body, 'reviews')).toEqual(
      expect.arrayContaining([expect.objectContaining({ ids: 3, source: 'network' }), expect.objectContaining({ ids: 3, source: 'cached', attempts: 0 })]),
    );
    expect((await stack.calls()).reviews).toBe(2);

    // All six held now: no call, the same answer, reported as one cached call with six ids.
    const again = await stack.query(listing(6));
    expect(again.body.data).toEqual(six.body.data);
    expect(plan(again.body, 'reviews')).toMatchObject([{ call: 'GET /reviews', ids: 6, source: 'cached', attempts: 0 }]);
    expect((await stack.calls()).reviews).toBe(2);
    // The authors, too (users: 60 s): every one of them was given by an earlier answer.
    expect(plan(again.body, 'users').every((entry) => entry.source === 'cached')).toBe(true);
  });

  it('what a reused key gets is what the backend answered for it', async () => {
    const query = '{ products(first: 4) { nodes { id name reviews(first: 3) { rating author { id name } } } } }';
    const fromBackends = await stack.query(query);
    const reused = await stack.query(query);
    expect(plan(reused.body, 'reviews').map((entry) => entry.source)).toEqual(['cached']);
    expect(reused.body.data).toEqual(fromBackends.body.data);
    expect(fromBackends.body.data.products.nodes.flatMap((node: any) => node.reviews).length).toBeGreaterThan(0);
  });

  it('an answer gone stale is asked again (inventory: fresh 1 s)', async () => {
    const query = '{ products(first: 2) { nodes { id stock { available } } } }';
    await stack.query(query);
    const held = await stack.query(query);
    expect(plan(held.body, 'inventory').map((entry) => entry.source)).toEqual(['cached']);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const later = await stack.query(query);
    // A call again: the HTTP cache revalidates its stale entry (the mock's ETag, a 304), so the
    // plan says `cached` with an attempt; a reuse makes none.
    expect(plan(held.body, 'inventory')).toMatchObject([{ ids: 2, attempts: 0 }]);
    expect(plan(later.body, 'inventory')).toMatchObject([{ ids: 2, attempts: 1 }]);
    expect((await stack.calls()).inventory).toBe(2);
  });

  it('never a private answer: a customer’s orders are asked each time', async () => {
    const query = '{ viewer { id orders { id } } }';
    const headers = { authorization: 'Bearer token-1' };
    const first = await stack.query(query, { headers });
    const second = await stack.query(query, { headers });
    expect(first.body.data.viewer.orders.length).toBeGreaterThan(0);
    expect(second.body.data).toEqual(first.body.data);
    expect((await stack.calls()).orders).toBe(2);
  });

  it('/metrics counts a reuse as a cached call of the backend', async () => {
    const count = async () => {
      const text = await (await stack.bff.yoga.fetch('http://bff.test/metrics')).text();
      const line = text.split('\n').find((l) => l.startsWith('bff_backend_calls_total{') && l.includes('service="reviews"') && l.includes('source="cached"'));
      return line ? Number(line.split(' ').at(-1)) : 0;
    };
    await stack.query(listing(5));
    const before = await count();
    await stack.query(listing(5));
    expect(await count()).toBe(before + 1);
  });
});

describe('with the HTTP cache off', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { BACKEND_CACHE: 'off', FETCH_PLAN: 'on' } });
  });
  afterAll(() => stack.close());

  it('nothing is reused: each request asks the backends', async () => {
    await stack.query(listing(3));
    const second = await stack.query(listing(3));
    expect(plan(second.body, 'reviews')).toMatchObject([{ ids: 3, source: 'network' }]);
    expect((await stack.calls()).reviews).toBe(2);
  });
});
