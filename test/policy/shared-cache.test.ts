import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import { createServer, type BffServer } from '../../src/server/server.js';
import { waitFor } from '../helpers/mock-control.js';
import { startStack, type Stack } from '../helpers/stack.js';

/**
 * The HTTP cache shared by every instance through Redis (CI starts one and sets
 * REDIS_TEST_URL): two BFF instances on the same mocks and Redis; what one fetched, the other
 * answers with no backend call (counted at the mocks). Redis down or slow is memory only,
 * never an error nor a wait.
 */
const redisUrl = process.env.REDIS_TEST_URL;
if (!redisUrl) {
  console.warn(
    'test/policy/shared-cache.test.ts: REDIS_TEST_URL is not set, so the tests of the HTTP cache shared through Redis are SKIPPED ' +
      "(the Redis-down test still runs). Run `redis-server --port 6390 --save '' --appendonly no --daemonize yes` and set REDIS_TEST_URL=redis://127.0.0.1:6390 to run them.",
  );
}

const LISTING = (first: number) => `{ products(first: ${first}) { nodes { id name price { amount currency } } } }`;
const query = async (bff: BffServer, text: string) => {
  const response = await bff.yoga.fetch('http://bff.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: text }),
  });
  return (await response.json()) as { data?: any; errors?: unknown[] };
};

describe.skipIf(!redisUrl)('the HTTP cache shared through Redis (REDIS_TEST_URL)', () => {
  const prefix = `test-http-cache-${process.pid}-${Date.now().toString(36)}`;
  let stack: Stack;
  let second: BffServer;
  let redis: Redis;
  const keys = () => redis.keys(`${prefix}:http-cache:*`);
  /** Until `bff`'s connection to Redis is up: a listing of a size nobody asked yet is fetched and shows up in Redis. */
  let warmups = 50;
  const whenSharing = (bff: BffServer) =>
    waitFor(
      'the instance to share its cache through Redis',
      async () => {
        const before = (await keys()).length;
        await query(bff, LISTING(warmups++));
        return waitFor('the write', async () => (await keys()).length > before, 300).then(
          () => true,
          () => false,
        );
      },
      10_000,
    );

  beforeAll(async () => {
    redis = new Redis(redisUrl!);
    stack = await startStack({ env: { BACKEND_CACHE: 'on', REDIS_URL: redisUrl!, DELIVERY_PREFIX: prefix } });
    second = createServer({ config: stack.config, logger: createLogger(stack.config) });
    await whenSharing(stack.bff);
    await whenSharing(second);
  });
  afterAll(async () => {
    await second?.close(true);
    await stack?.close();
    if (redis) {
      // Leave the shared Redis as we found it: the cache's keys and the writes' (same prefix).
      const stored = await redis.keys(`${prefix}:*`);
      if (stored.length > 0) await redis.del(...stored);
      redis.disconnect();
    }
  });

  it('a listing one instance fetched, the other answers with no backend call', async () => {
    await stack.reset();
    const first = await query(stack.bff, LISTING(20));
    expect(first.errors).toBeUndefined();
    expect(first.data.products.nodes).toHaveLength(20);
    expect(await stack.backend.catalog.calls()).toBe(1);
    await waitFor('the listing in Redis', async () => (await keys()).some((key) => key.endsWith('/products?limit=20')));

    const other = await query(second, LISTING(20));
    expect(other).toEqual(first);
    expect(await stack.backend.catalog.calls()).toBe(1); // no second call: the other instance's answer
    // Checked once there, then from its own memory.
    expect(await query(second, LISTING(20))).toEqual(first);
    expect(await stack.backend.catalog.calls()).toBe(1);
  });

  it('never shares what the backend marks private: each instance asks for its own /me', async () => {
    await stack.reset();
    const viewer = async (bff: BffServer) =>
      (
        await bff.yoga.fetch('http://bff.test/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer token-5' },
          body: JSON.stringify({ query: '{ viewer { id } }' }),
        })
      ).json();
    expect(await viewer(stack.bff)).toEqual({ data: { viewer: { id: '5' } } });
    expect(await viewer(second)).toEqual({ data: { viewer: { id: '5' } } });
    expect(await stack.backend.users.calls('GET /me')).toBe(2);
    expect((await keys()).some((key) => key.includes('/me'))).toBe(false);
  });

  it('Redis slow: a read waits at most its time box, then the call goes to the backend', async () => {
    const allowed = await redis.call('DEBUG', 'SLEEP', '0').then(
      () => true,
      () => false,
    );
    if (!allowed) {
      console.warn('test/policy/shared-cache.test.ts: this Redis refuses DEBUG SLEEP (enable-debug-command), so the slow-Redis case is not exercised');
      return;
    }
    await stack.reset();
    await query(stack.bff, LISTING(21));
    await waitFor('the listing in Redis', async () => (await keys()).some((key) => key.endsWith('/products?limit=21')));
    const sleeper = new Redis(redisUrl!);
    const asleep = sleeper.call('DEBUG', 'SLEEP', '1');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    const answer = await query(second, LISTING(21));
    const ms = performance.now() - started;
    await asleep;
    sleeper.disconnect();
    expect(answer.errors).toBeUndefined();
    expect(ms).toBeLessThan(700); // not the second Redis slept
    expect(await stack.backend.catalog.calls()).toBe(2); // it asked the backend instead
  });
});

describe('the HTTP cache with Redis down', () => {
  it('is this instance\u2019s memory: answers are right, quick, and cached', async () => {
    const stack = await startStack({ env: { BACKEND_CACHE: 'on', REDIS_URL: 'redis://127.0.0.1:1' } });
    try {
      const started = performance.now();
      const first = await query(stack.bff, LISTING(20));
      const second = await query(stack.bff, LISTING(20));
      expect(first.errors).toBeUndefined();
      expect(second).toEqual(first);
      expect(performance.now() - started).toBeLessThan(2000);
      expect(await stack.backend.catalog.calls()).toBe(1);
    } finally {
      await stack.close();
    }
  });
});
