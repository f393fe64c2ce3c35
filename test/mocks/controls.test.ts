import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startMockBackends, type MockBackends } from '../../mocks/index.js';
import { getDataset } from '../../mocks/data/seed.js';
import { clearFaults, eventually, post, request, resetStats, setFaults, startEphemeral, stats } from './helpers.js';

let mocks: MockBackends;
let users: string;
let inventory: string;
beforeAll(async () => {
  mocks = await startEphemeral({ services: ['users', 'inventory'] });
  ({ users, inventory } = mocks.urls);
});
afterAll(() => mocks.close());
afterEach(async () => {
  await Promise.all([clearFaults(users), clearFaults(inventory)]);
  await Promise.all([resetStats(users), resetStats(inventory)]);
});

describe('GET /health', () => {
  it('answers ok, even while every route hangs or fails', async () => {
    await setFaults(users, { hang: true, errorRate: 1 });
    const res = await request(`${users}/health`, { signal: AbortSignal.timeout(1_000) });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });
});

describe('/__stats', () => {
  it('counts requests per route template, keeps the last headers, and resets', async () => {
    await request(`${users}/users/1`);
    await request(`${users}/users/2`);
    await request(`${users}/users?ids=1,2`, { headers: { 'x-request-id': 'req-123', authorization: 'Bearer token-1' } });
    await request(`${users}/health`); // not counted: a control

    const snapshot = await stats(users);
    expect(snapshot.requests).toEqual({ 'GET /users/:id': 2, 'GET /users': 1 });
    expect(snapshot.lastHeaders).toMatchObject({ 'x-request-id': 'req-123', authorization: 'Bearer token-1' });
    expect(snapshot).toMatchObject({ inFlight: 0, peakInFlight: 1, aborted: 0 });

    const reset = await fetch(`${users}/__stats/reset`, { method: 'POST' });
    expect(reset.status).toBe(204);
    expect(await stats(users)).toEqual({ requests: {}, inFlight: 0, peakInFlight: 0, lastHeaders: {}, aborted: 0, traces: {} });
  });

  it('uses route keys that MockBackends.routeKeys lists', () => {
    expect(mocks.routeKeys.users).toEqual(['GET /users', 'GET /users/:id', 'GET /me']);
    expect(mocks.routeKeys.inventory).toEqual(['GET /stock', 'POST /reservations', 'DELETE /reservations/:id']);
  });

  it('answers unknown routes with 404 JSON and counts them under the raw path', async () => {
    const res = await request(`${users}/user/1`);
    expect(res.status).toBe(404);
    expect(res.body.error).toMatch(/no route GET \/user\/1.*GET \/users\/:id/);
    const wrongMethod = await request(`${users}/users/1`, { method: 'DELETE' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET');
    expect((await stats(users)).requests).toEqual({ 'GET /user/1 (no route)': 1, 'DELETE /users/1 (no route)': 1 });
  });

  it('records peakInFlight for concurrent slow requests, and inFlight returns to 0', async () => {
    // Long enough that all five arrive before the first is answered, even on a busy machine.
    await setFaults(users, { latencyMs: 300 });
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => request(`${users}/users/${i + 1}`)));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(await stats(users)).toMatchObject({ inFlight: 0, peakInFlight: 5, aborted: 0, requests: { 'GET /users/:id': 5 } });
  });
});

describe('/__faults', () => {
  it('latencyMs (+ jitterMs) delays the answer', async () => {
    await setFaults(users, { latencyMs: 150, jitterMs: 50 });
    const started = Date.now();
    const res = await request(`${users}/users/1`);
    const elapsed = Date.now() - started;
    expect(res.status).toBe(200);
    expect(elapsed).toBeGreaterThanOrEqual(145);
    expect(elapsed).toBeLessThan(2_000); // a sanity bound only: shared CI machines are slow
  });

  it('errorRate 1 answers errorStatus with a JSON body and Retry-After', async () => {
    await setFaults(users, { errorRate: 1, errorStatus: 502, retryAfterS: 3 });
    const res = await request(`${users}/users/1`);
    expect(res.status).toBe(502);
    expect(res.headers.get('retry-after')).toBe('3');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body).toEqual({ error: 'injected fault: 502 on GET /users/:id', injected: true });

    await setFaults(users, { errorRate: 1 });
    const plain = await request(`${users}/users/1`);
    expect(plain.status).toBe(503);
    expect(plain.headers.get('retry-after')).toBeNull();
  });

  it('errorRate between 0 and 1 fails some requests, the same ones on every run', async () => {
    const run = async (): Promise<number[]> => {
      await setFaults(users, { errorRate: 0.5 }); // re-seeds the fault dice
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) statuses.push((await fetch(`${users}/users/1`)).status);
      return statuses;
    };
    const first = await run();
    expect(first).toContain(200);
    expect(first).toContain(503);
    expect(await run()).toEqual(first);
  });

  it('malformedBody answers 200 application/json that does not parse', async () => {
    await setFaults(users, { malformedBody: true });
    const res = await fetch(`${users}/users/1`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    await expect(res.json()).rejects.toThrow(SyntaxError);
  });

  it('hang never answers; when the client gives up, inFlight drops to 0 and the abort is counted', async () => {
    await setFaults(users, { hang: true });
    await expect(fetch(`${users}/users/1`, { signal: AbortSignal.timeout(150) })).rejects.toThrow();
    await eventually(async () => {
      expect(await stats(users)).toMatchObject({ inFlight: 0, peakInFlight: 1, aborted: 1, requests: { 'GET /users/:id': 1 } });
    });
  });

  it('a client that leaves during latency clears the timer: the write never happens', async () => {
    const productId = [...getDataset().stock.entries()].find(([, units]) => units > 5)![0];
    const stockOf = async (): Promise<number> => (await request(`${inventory}/stock?productIds=${productId}`)).body.items[0].available;
    const before = await stockOf();
    await setFaults(inventory, { latencyMs: 300, routes: ['POST /reservations'] });
    await expect(
      fetch(`${inventory}/reservations`, {
        method: 'POST',
        body: JSON.stringify({ orderId: 'o', items: [{ productId, quantity: 1 }] }),
        signal: AbortSignal.timeout(100),
      }),
    ).rejects.toThrow();
    await eventually(async () => expect((await stats(inventory)).inFlight).toBe(0));
    await new Promise((r) => setTimeout(r, 300)); // past the latency: had the timer survived, it would have fired
    expect(await stockOf()).toBe(before);
    expect((await stats(inventory)).aborted).toBe(1);
  });

  it('routes limits a fault to the named route keys', async () => {
    await setFaults(users, { errorRate: 1, routes: ['GET /users/:id'] });
    expect((await request(`${users}/users/1`)).status).toBe(503);
    expect((await request(`${users}/users?ids=1`)).status).toBe(200);
    expect((await request(`${users}/me`, { headers: { authorization: 'Bearer token-1' } })).status).toBe(200);
  });

  it('faults are per backend', async () => {
    await setFaults(users, { errorRate: 1 });
    expect((await request(`${inventory}/stock?productIds=1`)).status).toBe(200);
  });

  it('GET shows the active faults and DELETE clears them', async () => {
    await setFaults(users, { errorRate: 1, routes: ['GET /users'] });
    expect((await request(`${users}/__faults`)).body).toEqual({ errorRate: 1, routes: ['GET /users'] });
    expect((await fetch(`${users}/__faults`, { method: 'DELETE' })).status).toBe(204);
    expect((await request(`${users}/__faults`)).body).toEqual({});
    expect((await request(`${users}/users?ids=1`)).status).toBe(200);
  });

  it('rejects invalid faults with 400 naming the problem', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ latency: 100 }, /unknown key "latency"/],
      [{ errorRate: 2 }, /errorRate must be a number between 0 and 1, got 2/],
      [{ errorStatus: 200 }, /errorStatus must be an integer between 400 and 599/],
      [{ hang: 'yes' }, /hang must be true or false/],
      [{ routes: 'GET /users' }, /routes must be an array of route keys/],
      [{ routes: ['/users'] }, /routes must be an array of route keys/],
      [[], /must be a JSON object/],
    ];
    for (const [body, message] of cases) {
      const res = await request(`${users}/__faults`, { method: 'PUT', body: JSON.stringify(body) });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error).toMatch(message);
    }
    expect((await request(`${users}/__faults`)).body).toEqual({});
  });
});

describe('options', () => {
  it('controls: false answers 404 on /__stats and /__faults but serves routes and /health', async () => {
    const closed = await startMockBackends({ ports: { users: 0 }, services: ['users'], controls: false });
    try {
      const base = closed.urls.users;
      expect(Object.keys(closed.urls)).toEqual(['users']);
      expect((await request(`${base}/__stats`)).status).toBe(404);
      expect((await request(`${base}/__stats/reset`, { method: 'POST' })).status).toBe(404);
      expect((await request(`${base}/__faults`, { method: 'PUT', body: '{"hang":true}' })).status).toBe(404);
      expect((await request(`${base}/__faults`, { method: 'DELETE' })).status).toBe(404);
      expect((await request(`${base}/health`)).status).toBe(200);
      expect((await request(`${base}/users/1`)).status).toBe(200);
    } finally {
      await closed.close();
    }
  });

  it('faults given at start apply from the first request, and bad ones fail the start', async () => {
    const flaky = await startMockBackends({ ports: { users: 0 }, services: ['users'], faults: { errorRate: 1, errorStatus: 500 } });
    try {
      expect((await request(`${flaky.urls.users}/users/1`)).status).toBe(500);
    } finally {
      await flaky.close();
    }
    await expect(startMockBackends({ ports: { users: 0 }, services: ['users'], faults: { errorRate: 7 } })).rejects.toThrow(/errorRate/);
  });

  it('close() returns promptly although a request hangs on a kept-alive socket', async () => {
    const hung = await startMockBackends({ ports: { users: 0 }, services: ['users'], faults: { hang: true } });
    const pending = fetch(`${hung.urls.users}/users/1`).catch((error: unknown) => error);
    await eventually(async () => expect((await stats(hung.urls.users)).inFlight).toBe(1));
    const started = Date.now();
    await hung.close();
    // Without closeAllConnections() this would wait for the hung request forever.
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await pending).toBeInstanceOf(Error);
  });

  it('a port already in use fails the start with a clear message and leaves nothing listening', async () => {
    const taken = new URL(users).port;
    await expect(startMockBackends({ ports: { catalog: 0, users: Number(taken) }, services: ['catalog', 'users'] })).rejects.toThrow(
      /mock users could not listen on 127\.0\.0\.1:\d+: EADDRINUSE/,
    );
  });
});

describe('robustness', () => {
  it('answers garbage on the wire with 400 and keeps serving', async () => {
    const { port } = new URL(users);
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(port), '127.0.0.1', () => socket.write('NOT HTTP AT ALL\r\n\r\n'));
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    expect((await request(`${users}/users/1`)).status).toBe(200);
  });

  it('answers a malformed percent-encoding with 400', async () => {
    const res = await request(`${users}/users/%E0%A4%A`);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/percent-encoded/);
  });

  it('sends keep-alive hints long enough for client pools', async () => {
    const res = await fetch(`${users}/users/1`);
    await res.text();
    expect(res.headers.get('keep-alive')).toBe('timeout=65');
  });

  it('POST with a write on a mock without idempotency still needs JSON', async () => {
    const res = await post(`${inventory}/reservations`, 'not an object');
    expect(res.status).toBe(400);
  });
});
