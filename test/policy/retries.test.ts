import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack.js';

const USER = '{ user(id: "1") { name } }';

let stack: Stack;
beforeAll(async () => {
  // Breaker out of the way: these tests are about retries alone.
  stack = await startStack({ env: { BACKEND_BREAKER_THRESHOLD: '1000', BACKEND_RETRY_BASE_MS: '20' } });
});
afterAll(() => stack.close());
beforeEach(() => stack.reset());

describe('retries', () => {
  it('503 then success: exactly one retry, and the client sees only the success', async () => {
    await stack.backend.users.setFaults({ errorCount: 1, errorStatus: 503 });
    const { body } = await stack.query(USER);
    expect(body).toEqual({ data: { user: { name: expect.any(String) } } });
    expect(await stack.backend.users.calls('GET /users')).toBe(2);
  });

  it('500 is not retried (not a transient status)', async () => {
    await stack.backend.users.setFaults({ errorCount: 1, errorStatus: 500 });
    const { body } = await stack.query(USER);
    expect(body.errors?.[0]?.extensions).toEqual({ code: 'BACKEND_UNAVAILABLE', service: 'users' });
    expect(await stack.backend.users.calls()).toBe(1);
  });

  it('gives up after the configured retries, with the last failure', async () => {
    await stack.backend.users.setFaults({ errorRate: 1, errorStatus: 502 });
    const { body } = await stack.query(USER);
    expect(body.errors?.[0]?.extensions).toEqual({ code: 'BACKEND_UNAVAILABLE', service: 'users' });
    expect(await stack.backend.users.calls()).toBe(3); // 1 + BACKEND_RETRIES (2)
  });

  it('429 with Retry-After: 1 waits at least a second before retrying', async () => {
    await stack.backend.users.setFaults({ errorCount: 1, errorStatus: 429, retryAfterS: 1 });
    const started = performance.now();
    const { body } = await stack.query(USER);
    expect(performance.now() - started).toBeGreaterThanOrEqual(1000);
    expect(body.errors).toBeUndefined();
    expect(await stack.backend.users.calls()).toBe(2);
  });

  it('429 with Retry-After beyond the request budget: no retry, BACKEND_RATE_LIMITED at once', async () => {
    await stack.backend.users.setFaults({ errorCount: 1, errorStatus: 429, retryAfterS: 1 });
    const started = performance.now();
    const { body } = await stack.query(USER, { headers: { 'x-request-timeout-ms': '500' } });
    expect(performance.now() - started).toBeLessThan(900);
    expect(body.errors?.[0]?.extensions).toEqual({ code: 'BACKEND_RATE_LIMITED', service: 'users' });
    expect(await stack.backend.users.calls()).toBe(1);
  });

  it('a connection refused is retried, then reported as BACKEND_UNAVAILABLE', async () => {
    const refused = await startStack({ env: { USERS_URL: 'http://127.0.0.1:1', BACKEND_RETRY_BASE_MS: '1' } });
    try {
      const { body } = await refused.query(USER, { variables: {} });
      expect(body.errors?.[0]?.extensions).toEqual({ code: 'BACKEND_UNAVAILABLE', service: 'users' });
    } finally {
      await refused.close();
    }
  });
});

describe('writes', () => {
  const scope = () => ({ signal: new AbortController().signal, deadline: performance.now() + 5000, requestId: 'test' });
  const order = { userId: '1', items: [{ productId: '1', quantity: 1 }] };
  const accept = (body: unknown) => body;

  it('a POST without an idempotency key is never retried', async () => {
    await stack.backend.orders.setFaults({ errorCount: 1, errorStatus: 503 });
    const orders = stack.bff.transports.orders;
    await expect(orders.json(scope(), { method: 'POST', path: '/orders', body: order }, accept)).rejects.toMatchObject({ code: 'BACKEND_UNAVAILABLE' });
    expect(await stack.backend.orders.calls('POST /orders')).toBe(1);
  });

  it('a POST with an idempotency key is retried, and the backend does the write once', async () => {
    await stack.backend.orders.setFaults({ errorCount: 1, errorStatus: 503 });
    const orders = stack.bff.transports.orders;
    const created = await orders.json(scope(), { method: 'POST', path: '/orders', body: order, headers: { 'idempotency-key': 'k-1' } }, accept);
    expect(created).toMatchObject({ userId: '1', status: 'placed' });
    expect(await stack.backend.orders.calls('POST /orders')).toBe(2);
  });
});
