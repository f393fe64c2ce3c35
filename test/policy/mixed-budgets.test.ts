import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/mock-control.js';
import { startStack, type Stack } from '../helpers/stack.js';

/**
 * A shared call (dedupe, and the coalesced chunks that go through it) lives as long as the
 * latest deadline among those waiting on it: a client with a short `x-request-timeout-ms` gets
 * its own BACKEND_TIMEOUT, and the others sharing its call still get their answer. A breaker
 * that opens on the first failure proves that a call cut short for one participant is not a
 * failure of the backend.
 */
const PRODUCT = (id: string) => `{ product(id: "${id}") { name } }`;
const codes = (body: any): string[] => (body.errors ?? []).map((e: any) => e.extensions?.code);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ env: { CATALOG_BREAKER_THRESHOLD: '1', BACKEND_RETRIES: '0', FETCH_PLAN: 'on' } });
  // Warm (the document parsed and validated once, connections open), as the server was:
  // a cold first request can spend a 30 ms budget before its call even starts.
  for (let i = 0; i < 3; i++) await stack.query(PRODUCT('1'));
});
afterAll(() => stack.close());
beforeEach(() => stack.reset());

describe('shared calls and mixed budgets', () => {
  it('the issue\u2019s case: 30 ms, then a plain request 3 ms later, 40 ms backend: the second is answered from the one call', async () => {
    await stack.backend.catalog.setFaults({ latencyMs: 40 });
    const short = stack.query(PRODUCT('9'), { headers: { 'x-request-timeout-ms': '30' } });
    await pause(3);
    const plain = stack.query(PRODUCT('9'));
    const [a, b] = await Promise.all([short, plain]);
    expect(codes(a.body)).toEqual(['BACKEND_TIMEOUT']);
    expect(b.body.errors).toBeUndefined();
    expect(b.body.data.product.name).toEqual(expect.any(String));
    // Normally one made the call and the other joined it; on a starved machine the short one
    // can spend its 30 ms before its call starts (then it sends nothing): one call either way.
    const plans = [a, b].flatMap(({ body }) => body.extensions?.fetchPlan ?? []);
    expect(plans.filter((entry: any) => entry.attempts > 0)).toHaveLength(1);
    expect(await stack.backend.catalog.calls('GET /products')).toBe(1);
    expect(stack.bff.transports.catalog.state.breaker).toBe(0); // closed: the short one's timeout was its own
  });

  it('each participant stops at its own deadline, while the call goes on for the one with time left', async () => {
    await stack.backend.catalog.setFaults({ latencyMs: 400 });
    const started = performance.now();
    const short = stack.query(PRODUCT('10'), { headers: { 'x-request-timeout-ms': '100' } }).then((r) => ({ ...r, ms: performance.now() - started }));
    await pause(20);
    const plain = stack.query(PRODUCT('10')).then((r) => ({ ...r, ms: performance.now() - started }));
    const [a, b] = await Promise.all([short, plain]);
    expect(codes(a.body)).toEqual(['BACKEND_TIMEOUT']);
    expect(a.ms).toBeGreaterThanOrEqual(95);
    expect(a.ms).toBeLessThan(390); // it did not wait for the backend's answer
    expect(b.body.errors).toBeUndefined();
    expect(b.ms).toBeGreaterThanOrEqual(395);
    expect(await stack.backend.catalog.calls('GET /products')).toBe(1);
    expect((await stack.backend.catalog.stats()).aborted).toBe(0); // the call was never cut
  });

  it('under concurrency: a short request starts the call, 20 others with mixed budgets join it; each gets its own outcome, one call in all', async () => {
    await stack.backend.catalog.setFaults({ latencyMs: 800 });
    const short = { headers: { 'x-request-timeout-ms': '300' } };
    const started = performance.now();
    const leader = stack.query(PRODUCT('21'), short);
    await waitFor('the leader’s call to reach catalog', async () => (await stack.backend.catalog.stats()).inFlight === 1);
    const joined = performance.now() - started;
    const joiners = await Promise.all(
      Array.from({ length: 20 }, (_, i) => stack.query(PRODUCT('21'), i % 2 === 0 ? short : {}).then(({ body }) => ({ short: i % 2 === 0, body }))),
    );
    const { body: leaderBody } = await leader;

    expect(codes(leaderBody)).toEqual(['BACKEND_TIMEOUT']);
    const plain = joiners.filter((j) => !j.short);
    expect(plain.map(({ body }) => codes(body))).toEqual(plain.map(() => []));
    expect(plain.every(({ body }) => typeof body.data.product.name === 'string')).toBe(true);
    // A short joiner gets its own BACKEND_TIMEOUT: it joined well before 500 ms, so 300 ms later the call is still running.
    expect(joined).toBeLessThan(500);
    for (const { body } of joiners.filter((j) => j.short)) expect(codes(body)).toEqual(['BACKEND_TIMEOUT']);
    expect(await stack.backend.catalog.calls('GET /products')).toBe(1);
    expect((await stack.backend.catalog.stats()).aborted).toBe(0);
    expect(stack.bff.transports.catalog.state.breaker).toBe(0);
  });

  it('when everyone waiting has run out of time, the call is abandoned: counted as a budget cut, not against the circuit', async () => {
    await stack.backend.catalog.setFaults({ latencyMs: 300 });
    const [a, b] = await Promise.all([
      stack.query(PRODUCT('30'), { headers: { 'x-request-timeout-ms': '50' } }),
      pause(5).then(() => stack.query(PRODUCT('30'), { headers: { 'x-request-timeout-ms': '80' } })),
    ]);
    expect([codes(a.body), codes(b.body)]).toEqual([['BACKEND_TIMEOUT'], ['BACKEND_TIMEOUT']]);
    expect(await stack.backend.catalog.calls('GET /products')).toBe(1);
    expect(stack.bff.transports.catalog.state.breaker).toBe(0);
    // And the backend is asked again afterwards, the circuit being closed.
    await stack.backend.catalog.clearFaults();
    expect((await stack.query(PRODUCT('30'))).body.errors).toBeUndefined();
  });
});
