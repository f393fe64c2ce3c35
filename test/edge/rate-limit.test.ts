import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Stack } from '../helpers/stack.js';
import { expectNoBackendCalls, gql, scanEveryResponse, send, startEdgeStack } from './helpers.js';

/**
 * Per-client rate limiting: by bearer token, else by address; 429 with Retry-After; counted in
 * memory by one instance, or in Redis shared by all of them.
 */
const QUERY = '{ product(id: "1") { name } }';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Sends `n` requests one after the other and returns their statuses. */
async function statuses(stack: Stack, n: number, headers: Record<string, string> = {}) {
  const result: number[] = [];
  for (let i = 0; i < n; i++) result.push((await gql(stack, QUERY, { headers })).status);
  return result;
}

describe('in memory (one instance)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startEdgeStack({ http: true, env: { RATE_LIMIT_POINTS: '3', RATE_LIMIT_WINDOW_S: '60' } });
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.reset());

  it('answers 429 with Retry-After once a client has used its budget, without calling a backend', async () => {
    expect(await statuses(stack, 3, bearer('token-1'))).toEqual([200, 200, 200]);
    await stack.reset();
    const refused = await gql(stack, QUERY, { headers: bearer('token-1') });
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.json).toEqual({
      errors: [{ message: `Too many requests: at most 3 every 60 s per client. Retry in ${retryAfter} s.`, extensions: { code: 'RATE_LIMITED' } }],
    });
    expect(refused.headers.get('x-request-id')).toBeTruthy();
    await expectNoBackendCalls(stack);
  });

  it('counts each token on its own: another user is not affected', async () => {
    expect(await statuses(stack, 4, bearer('token-2'))).toEqual([200, 200, 200, 429]);
    expect(await statuses(stack, 1, bearer('token-3'))).toEqual([200]);
  });

  it('counts anonymous clients by address, and ignores X-Forwarded-For unless a proxy is trusted', async () => {
    // Anonymous requests from this test share 127.0.0.1; a forged X-Forwarded-For does not help.
    const spoofed = await Promise.all(
      Array.from({ length: 4 }, (_, i) => send(stack, { body: { query: QUERY }, headers: { 'x-forwarded-for': `10.0.0.${i}` } })),
    );
    expect(spoofed.map((r) => r.status).sort()).toEqual([200, 200, 200, 429]);
  });

  it('does not count health checks or CORS preflights', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await send(stack, { method: 'GET', path: '/health' })).status).toBe(200);
      const preflight = await send(stack, { method: 'OPTIONS', headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' } });
      expect(preflight.status).toBe(204);
    }
    expect(await statuses(stack, 1, bearer('token-4'))).toEqual([200]);
  });
});

describe('behind a trusted proxy (TRUST_PROXY=1)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startEdgeStack({ http: true, env: { RATE_LIMIT_POINTS: '2', TRUST_PROXY: '1' } });
  });
  afterAll(() => stack.close());

  it('counts by the address the proxy appended to X-Forwarded-For', async () => {
    // The proxy appends the address it saw: the client's forged entries before it do not count.
    const from = (client: string) => ({ 'x-forwarded-for': `6.6.6.6, ${client}` });
    expect(await statuses(stack, 3, from('203.0.113.7'))).toEqual([200, 200, 429]);
    expect(await statuses(stack, 1, from('203.0.113.8'))).toEqual([200]);
    // IPv6 clients count per /64: another address in the same /64 is the same client.
    expect(await statuses(stack, 2, from('2001:db8:1:2::1'))).toEqual([200, 200]);
    expect(await statuses(stack, 1, from('2001:db8:1:2:ffff::9'))).toEqual([429]);
  });
});

describe('batches', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startEdgeStack({ http: true, env: { RATE_LIMIT_POINTS: '4', BATCH_LIMIT: '5' } });
  });
  afterAll(() => stack.close());

  it('count one request per operation', async () => {
    const batch = (n: number) => send(stack, { body: Array.from({ length: n }, () => ({ query: QUERY })), headers: bearer('token-batch') });
    expect((await batch(3)).status).toBe(200);
    const refused = await batch(2);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});

describe('when Redis is unreachable', () => {
  let stack: Stack;
  beforeAll(async () => {
    // Nothing listens on port 1: the limiter must fall back to memory, not fail requests.
    stack = await startEdgeStack({ http: true, env: { RATE_LIMIT_POINTS: '2', REDIS_URL: 'redis://127.0.0.1:1' } });
  });
  afterAll(() => stack.close());

  it('keeps answering, and keeps limiting, in memory', async () => {
    expect(await statuses(stack, 3, bearer('token-outage'))).toEqual([200, 200, 429]);
  });
});

const redisUrl = process.env.REDIS_TEST_URL;
if (!redisUrl)
  console.warn(
    'test/edge/rate-limit.test.ts: REDIS_TEST_URL is not set, so the shared (Redis) rate-limit tests are SKIPPED. Start `redis-server --port 6390` and set REDIS_TEST_URL=redis://127.0.0.1:6390 to run them.',
  );

describe.skipIf(!redisUrl)('shared through Redis (REDIS_TEST_URL)', () => {
  let a: Stack;
  let b: Stack;
  beforeAll(async () => {
    const env = { RATE_LIMIT_POINTS: '4', RATE_LIMIT_WINDOW_S: '60', REDIS_URL: redisUrl! };
    [a, b] = await Promise.all([startEdgeStack({ http: true, env }), startEdgeStack({ http: true, env })]);
  });
  afterAll(() => Promise.all([a?.close(), b?.close()]));

  it('two instances share one budget per client', async () => {
    // A fresh token per run: keys from an earlier run may still be in this Redis.
    const token = bearer(`token-${randomUUID()}`);
    expect(await statuses(a, 2, token)).toEqual([200, 200]);
    expect(await statuses(b, 2, token)).toEqual([200, 200]);
    const refusedByA = await gql(a, QUERY, { headers: token });
    const refusedByB = await gql(b, QUERY, { headers: token });
    expect([refusedByA.status, refusedByB.status]).toEqual([429, 429]);
    expect(Number(refusedByB.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refusedByB.json.errors[0].extensions.code).toBe('RATE_LIMITED');
  });

  it('another client still has its own budget', async () => {
    expect(await statuses(b, 1, bearer(`token-${randomUUID()}`))).toEqual([200]);
  });
});

scanEveryResponse();
