import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack.js';
import { waitFor } from '../helpers/mock-control.js';

const codes = (body: any) => (body.errors ?? []).map((e: any) => e.extensions?.code);

describe('circuit breaker', () => {
  let stack: Stack;
  beforeAll(async () => {
    // Dedupe and cross-request batching off: each query must be its own call, to count probes.
    stack = await startStack({
      env: { USERS_BREAKER_THRESHOLD: '5', BACKEND_BREAKER_HALF_OPEN_MS: '400', BACKEND_RETRIES: '0', BACKEND_DEDUPE: 'off' },
    });
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.reset());

  it('opens after its threshold, fails fast with no call, half-opens with exactly one probe, then closes', async () => {
    await stack.backend.users.setFaults({ errorRate: 1, errorStatus: 503 });
    for (let i = 0; i < 5; i++) {
      expect(codes((await stack.query(`{ user(id: "${i + 1}") { name } }`)).body)).toEqual(['BACKEND_UNAVAILABLE']);
    }
    expect(await stack.backend.users.calls()).toBe(5);

    // Open: every call fails fast, and nothing reaches the backend.
    await stack.backend.users.resetStats();
    const open = await Promise.all([1, 2, 3].map((i) => stack.query(`{ user(id: "${i}") { name } product(id: "${i}") { name } }`)));
    for (const { body } of open) {
      expect(codes(body)).toEqual(['BACKEND_CIRCUIT_OPEN']);
      expect(body.data.product.name).toEqual(expect.any(String)); // other backends unaffected
    }
    expect(await stack.backend.users.calls()).toBe(0);

    // Half-open after the pause: of five concurrent calls, one probe goes through.
    await new Promise((resolve) => setTimeout(resolve, 450));
    const probes = await Promise.all([1, 2, 3, 4, 5].map((i) => stack.query(`{ user(id: "${i}") { name } }`)));
    expect(await stack.backend.users.calls()).toBe(1);
    expect(probes.flatMap(({ body }) => codes(body)).sort()).toEqual([
      'BACKEND_CIRCUIT_OPEN',
      'BACKEND_CIRCUIT_OPEN',
      'BACKEND_CIRCUIT_OPEN',
      'BACKEND_CIRCUIT_OPEN',
      'BACKEND_UNAVAILABLE',
    ]);

    // The backend recovers: the next probe succeeds and the circuit closes.
    await stack.backend.users.clearFaults();
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect((await stack.query('{ user(id: "1") { name } }')).body.errors).toBeUndefined();
    expect((await stack.query('{ user(id: "2") { name } }')).body.errors).toBeUndefined();
    expect(stack.bff.transports.users.state.breaker).toBe(0); // CircuitState.Closed
  });
});

describe('retry budget', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      env: { BACKEND_BREAKER_THRESHOLD: '100000', BACKEND_DEDUPE: 'off', BACKEND_RETRIES: '3', BACKEND_RETRY_BASE_MS: '10' },
    });
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.reset());

  it('a backend failing everything gets retries only within 20% of live calls (min 3), not a storm', async () => {
    await stack.backend.users.setFaults({ errorRate: 1, errorStatus: 503, latencyMs: 30 });
    const requests = 50;
    const answers = await Promise.all(Array.from({ length: requests }, (_, i) => stack.query(`{ user(id: "${i + 1}") { name } }`)));
    expect(answers.every(({ body }) => codes(body)[0] === 'BACKEND_UNAVAILABLE')).toBe(true);
    const calls = await stack.backend.users.calls();
    // Without a budget: 50 × (1 + 3) = 200. With it: at most 10 retries at once while 50 are in
    // flight, and fewer as calls finish.
    expect(calls).toBeGreaterThan(requests); // some retries did happen
    expect(calls - requests).toBeLessThanOrEqual(Math.ceil(requests * 0.2) * 3);
    await waitFor('the budget to be free again', async () => stack.bff.transports.users.state.retries === 0);
  });
});

describe('breaker and the request budget', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { INVENTORY_BREAKER_THRESHOLD: '2', INVENTORY_TIMEOUT_MS: '300', BACKEND_RETRIES: '0', BACKEND_DEDUPE: 'off' } });
  });
  afterAll(() => stack.close());

  it('timeouts cut short by a request’s own small budget do not open the circuit; the backend’s own timeouts do', async () => {
    await stack.reset();
    await stack.backend.inventory.setFaults({ hang: true });
    const query = (i: number, headers?: Record<string, string>) => stack.query(`{ product(id: "${i}") { stock { available } } }`, { headers });
    for (let i = 1; i <= 4; i++) expect(codes((await query(i, { 'x-request-timeout-ms': '150' })).body)).toEqual(['BACKEND_TIMEOUT']);
    expect(stack.bff.transports.inventory.state.breaker).toBe(0); // still closed: the requests were late, not inventory
    for (let i = 5; i <= 6; i++) expect(codes((await query(i)).body)).toEqual(['BACKEND_TIMEOUT']);
    expect(stack.bff.transports.inventory.state.breaker).toBe(1); // open: inventory missed its own 300 ms twice
  });
});
