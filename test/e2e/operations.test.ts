import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack.js';
import { waitFor } from '../helpers/mock-control.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ http: true });
});
afterAll(() => stack.close());
beforeEach(() => stack.reset());

describe('operations endpoints', () => {
  it('/health answers without touching a backend', async () => {
    const response = await fetch(`${stack.http!.url}/health`);
    expect(response.status).toBe(200);
    expect(await stack.calls()).toEqual({ users: 0, catalog: 0, reviews: 0, inventory: 0, orders: 0, notifications: 0 });
  });

  it('/ready is 200 when the instance serves; ?verbose shows every backend up', async () => {
    const response = await fetch(`${stack.http!.url}/ready`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ready' });
    const verbose = await (await fetch(`${stack.http!.url}/ready?verbose`)).json();
    expect(Object.values(verbose.backends).map((b: any) => b.up)).toEqual([true, true, true, true, true, true]);
  });

  // A backend down is down for every instance: readiness stays 200 (test/ops/readiness.test.ts).
  it('/ready stays 200 with a backend down, and ?verbose names it', async () => {
    const down = await startStack({ http: true, env: { CATALOG_URL: 'http://127.0.0.1:1' } });
    try {
      const response = await fetch(`${down.http!.url}/ready?verbose`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ status: 'ready', backends: { catalog: { up: false }, users: { up: true } } });
    } finally {
      await down.close();
    }
  });
});

describe('request ids', () => {
  it('returns a generated id and sends it to the backends', async () => {
    const response = await fetch(`${stack.http!.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ product(id: "1") { name } }' }),
    });
    const id = response.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await stack.backend.catalog.stats()).lastHeaders['x-request-id']).toBe(id);
  });

  it('keeps a safe incoming id, replaces an unsafe one', async () => {
    const send = (id: string) =>
      fetch(`${stack.http!.url}/graphql?query=${encodeURIComponent('{ product(id: "1") { id } }')}`, { headers: { 'x-request-id': id } });
    expect((await send('checkout-42')).headers.get('x-request-id')).toBe('checkout-42');
    for (const unsafe of ['two words "quoted"', 'x'.repeat(500)]) {
      expect((await send(unsafe)).headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});

describe('graceful shutdown', () => {
  it('finishes an in-flight request, then refuses new connections', async () => {
    const own = await startStack({ http: true, env: { SHUTDOWN_GRACE_MS: '5000' } });
    try {
      await own.backend.catalog.setFaults({ latencyMs: 400 });
      const inFlight = fetch(`${own.http!.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ product(id: "1") { name } }' }),
      });
      await waitFor('the request to reach the backend', async () => (await own.backend.catalog.stats()).inFlight === 1);
      const stopped = own.http!.shutdown();
      const response = await inFlight;
      expect(response.status).toBe(200);
      expect((await response.json()).data.product.name).toEqual(expect.any(String));
      await stopped;
      await expect(fetch(`${own.http!.url}/health`)).rejects.toThrow();
    } finally {
      await own.close();
    }
  });
});
