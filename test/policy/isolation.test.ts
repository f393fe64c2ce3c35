import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack.js';
import { waitFor } from '../helpers/mock-control.js';

/**
 * One slow backend must not take the others down: a bulkhead caps its calls in flight and
 * queue, the rest fail fast, and the other backends (own pools) answer as usual.
 */
describe('bulkhead', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      env: {
        INVENTORY_CONCURRENCY: '10',
        INVENTORY_QUEUE: '20',
        INVENTORY_TIMEOUT_MS: '3000',
        REQUEST_TIMEOUT_MS: '3000',
        BACKEND_DEDUPE: 'off', // every request its own inventory call
        BACKEND_BREAKER_THRESHOLD: '100000',
      },
    });
  });
  afterAll(() => stack.close());

  it('200 concurrent requests against a 2 s inventory: at most 10 in flight, the rest queued or refused, catalog unaffected', async () => {
    await stack.reset();
    await stack.backend.inventory.setFaults({ latencyMs: 2000 });
    const storm = Promise.all(Array.from({ length: 200 }, (_, i) => stack.query(`{ product(id: "${i + 1}") { name stock { available } } }`)));

    // While the storm is on, a catalog-only query answers at once: it comes back while the
    // slow inventory calls are all still in flight, so it was not held behind them.
    await waitFor('the slow inventory calls to be in flight', async () => (await stack.backend.inventory.stats()).inFlight === 10);
    const quick = await stack.query('{ product(id: "4999") { name } }');
    expect(quick.body.errors).toBeUndefined();
    expect((await stack.backend.inventory.stats()).inFlight).toBe(10);

    const answers = await storm;
    const stats = await stack.backend.inventory.stats();
    expect(stats.peakInFlight).toBeLessThanOrEqual(10);
    expect(answers.every(({ body }) => typeof body.data.product.name === 'string')).toBe(true);
    const outcome = (body: any) => body.errors?.[0]?.extensions?.code ?? 'ok';
    const counts = answers.reduce<Record<string, number>>((acc, { body }) => ({ ...acc, [outcome(body)]: (acc[outcome(body)] ?? 0) + 1 }), {});
    // 10 in flight finish (2 s); up to 20 queue behind them, but their budget (3 s) runs out
    // before a second 2 s call could end; the rest are refused at once, without waiting.
    // (On a badly overloaded machine a first-wave call can itself run out of budget: at most 10 ok.)
    expect(Object.keys(counts).sort()).toEqual(['BACKEND_OVERLOADED', 'BACKEND_TIMEOUT', 'ok']);
    expect(counts.ok).toBeGreaterThanOrEqual(1);
    expect(counts.ok).toBeLessThanOrEqual(10);
    expect(counts.BACKEND_OVERLOADED).toBeGreaterThanOrEqual(170);
    expect(stats.requests['GET /stock']).toBeLessThanOrEqual(30);
  }, 20_000);
});

describe('request budget', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { BACKEND_BREAKER_THRESHOLD: '100000' } });
  });
  afterAll(() => stack.close());

  it('a client may ask for less time: the slow field fails at its budget, the rest is intact', async () => {
    await stack.reset();
    await stack.backend.inventory.setFaults({ hang: true });
    const started = performance.now();
    const { body } = await stack.query('{ product(id: "1") { name stock { available } } }', { headers: { 'x-request-timeout-ms': '300' } });
    const elapsed = performance.now() - started;
    expect(body.data.product).toEqual({ name: expect.any(String), stock: null });
    expect(body.errors?.[0]?.extensions).toEqual({ code: 'BACKEND_TIMEOUT', service: 'inventory' });
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(300 + 400);
  });

  it('a call that cannot finish in time is not started', async () => {
    await stack.reset();
    const expired = { signal: new AbortController().signal, deadline: performance.now() - 1, requestId: 'late' };
    await expect(stack.bff.transports.catalog.json(expired, { path: '/products/1' }, (b) => b)).rejects.toMatchObject({ code: 'BACKEND_TIMEOUT' });
    expect(await stack.backend.catalog.calls()).toBe(0);
  });
});
