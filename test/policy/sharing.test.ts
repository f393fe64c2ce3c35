import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack.js';

const PRODUCT_PAGE = '{ products(first: 20) { nodes { id stock { available } reviews(first: 3) { author { name } } } } }';
const token = (userId: string) => ({ authorization: `Bearer token-${userId}` });

describe('dedupe and cross-request batching (cache off: only sharing in flight counts)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());
  beforeEach(async () => {
    await stack.reset();
    // Slow enough that the 100 requests overlap in flight.
    for (const service of ['catalog', 'inventory', 'reviews', 'users'] as const) await stack.backend[service].setFaults({ latencyMs: 50 });
  });

  it('100 concurrent identical queries: a handful of backend calls, not 100 per backend', async () => {
    const answers = await Promise.all(Array.from({ length: 100 }, () => stack.query(PRODUCT_PAGE)));
    expect(answers.every(({ body }) => !body.errors && body.data.products.nodes.length === 20)).toBe(true);
    expect(new Set(answers.map(({ body }) => JSON.stringify(body.data))).size).toBe(1);
    const calls = await stack.calls();
    for (const service of ['catalog', 'inventory', 'reviews', 'users'] as const) expect(calls[service], service).toBeLessThanOrEqual(5);
  });

  it('concurrent queries for different products join one bulk call', async () => {
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => stack.query(`{ product(id: "${i + 1}") { id stock { available } } }`)));
    expect(answers.map(({ body }) => body.data.product.id)).toEqual(Array.from({ length: 30 }, (_, i) => `${i + 1}`));
    expect(answers.every(({ body }) => typeof body.data.product.stock.available === 'number')).toBe(true);
    // 30 requests, 30 ids: one or two bulk calls each to catalog and inventory.
    expect(await stack.backend.catalog.calls('GET /products')).toBeLessThanOrEqual(2);
    expect(await stack.backend.inventory.calls('GET /stock')).toBeLessThanOrEqual(2);
  });

  it('two users’ concurrent requests never share a credential-bearing call', async () => {
    const query = '{ viewer { id orders { id } } }';
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => stack.query(query, { headers: token(i % 2 === 0 ? '3' : '4') })));
    answers.forEach(({ body }, i) => expect(body.data.viewer.id).toBe(i % 2 === 0 ? '3' : '4'));
    const mine = await stack.query('{ viewer { orders { id } } }', { headers: token('3') });
    const theirs = await stack.query('{ viewer { orders { id } } }', { headers: token('4') });
    const ids = (body: any) => body.data.viewer.orders.map((o: any) => o.id).sort();
    answers.forEach(({ body }, i) => expect(ids(body)).toEqual(ids(i % 2 === 0 ? mine.body : theirs.body)));
    // Shared only among the same user's calls: at least one call per user, per backend.
    expect(await stack.backend.users.calls('GET /me')).toBeGreaterThanOrEqual(2);
    expect(await stack.backend.orders.calls('GET /orders')).toBeGreaterThanOrEqual(2);
  });

  it('a client that hangs up does not fail the others sharing its call', async () => {
    await stack.backend.catalog.setFaults({ latencyMs: 300 });
    const quitter = new AbortController();
    const init = (signal?: AbortSignal) => ({
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ product(id: "9") { name } }' }),
      signal,
    });
    const first = stack.bff.yoga.fetch('http://bff.test/graphql', init(quitter.signal));
    const second = stack.bff.yoga.fetch('http://bff.test/graphql', init());
    setTimeout(() => quitter.abort(), 50);
    await Promise.resolve(first).catch(() => undefined);
    const { data, errors } = await (await second).json();
    expect(errors).toBeUndefined();
    expect(data.product.name).toEqual(expect.any(String));
    expect(await stack.backend.catalog.calls()).toBe(1);
  });
});

describe('HTTP cache', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { BACKEND_CACHE: 'on', FETCH_PLAN: 'on' } });
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.reset());

  it('serves a public, fresh answer from cache: no second call, and the fetch plan says so', async () => {
    const first = await stack.query('{ product(id: "11") { name } }');
    const second = await stack.query('{ product(id: "11") { name } }');
    expect(second.body.data).toEqual(first.body.data);
    expect(await stack.backend.catalog.calls()).toBe(1);
    expect(first.body.extensions?.fetchPlan).toEqual([
      expect.objectContaining({ service: 'catalog', call: 'GET /products', ids: 1, source: 'network', attempts: 1 }),
    ]);
    expect(second.body.extensions?.fetchPlan).toEqual([expect.objectContaining({ service: 'catalog', source: 'cached' })]);
  });

  it('never stores a private answer: each user’s /me goes to the backend, and nobody gets another’s', async () => {
    const a1 = await stack.query('{ viewer { id } }', { headers: token('7') });
    const b1 = await stack.query('{ viewer { id } }', { headers: token('8') });
    const a2 = await stack.query('{ viewer { id } }', { headers: token('7') });
    expect([a1, b1, a2].map(({ body }) => body.data.viewer.id)).toEqual(['7', '8', '7']);
    expect(await stack.backend.users.calls('GET /me')).toBe(3);
  });

  it('never stores orders (private, no-store)', async () => {
    await stack.query('{ viewer { orders { id } } }', { headers: token('7') });
    await stack.query('{ viewer { orders { id } } }', { headers: token('7') });
    expect(await stack.backend.orders.calls()).toBe(2);
  });
});
