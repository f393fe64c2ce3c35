import { createHash } from 'node:crypto';
import { createServer as createNetServer } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createPersistedQueryStore } from '../../src/edge/persisted-query-store.js';
import { createLogger } from '../../src/observability/logger.js';
import { createServer, type BffServer } from '../../src/server/server.js';
import { startStack, type Stack } from '../helpers/stack.js';

/**
 * Persisted documents shared by every instance through Redis (CI starts one and sets
 * REDIS_TEST_URL), and what a Redis outage costs: nothing but a retry with the document.
 */
const redisUrl = process.env.REDIS_TEST_URL;
if (!redisUrl) {
  console.warn(
    'test/features/persisted-queries-redis.test.ts: REDIS_TEST_URL is not set, so the tests of persisted queries shared through Redis are SKIPPED. ' +
      "Run `redis-server --port 6390 --save '' --appendonly no --daemonize yes` and set REDIS_TEST_URL=redis://127.0.0.1:6390 to run them.",
  );
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const prefix = `test-apq-${process.pid}-${Date.now().toString(36)}`;
const silent = createLogger({ logLevel: 'silent', logPretty: false });

async function post(server: BffServer, body: object) {
  const response = await server.yoga.fetch('http://bff.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: Array<{ extensions?: { code?: string } }> } };
}

describe.skipIf(!redisUrl)('two instances, one Redis', () => {
  let stack: Stack;
  let first: BffServer;
  let second: BffServer;
  beforeAll(async () => {
    stack = await startStack();
    const config = { ...stack.config, frontend: { ...stack.config.frontend, redisUrl }, delivery: { ...stack.config.delivery, prefix } };
    first = createServer({ config, logger: silent });
    second = createServer({ config, logger: silent });
  });
  afterAll(async () => {
    await Promise.all([first?.close(true), second?.close(true)]);
    await stack?.close();
    const redis = new Redis(redisUrl!);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('a document registered through one instance runs by its hash alone on the other', async () => {
    const query = '{ product(id: "21") { id name } }';
    const extensions = { persistedQuery: { version: 1, sha256Hash: sha256(query) } };
    expect((await post(second, { extensions })).body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const registered = await post(first, { query, extensions });
    expect(registered.body.data.product.id).toBe('21');
    // Registration is not awaited by the answer: wait until Redis has it.
    const redis = new Redis(redisUrl!);
    for (let i = 0; i < 50 && !(await redis.exists(`${prefix}:apq:${sha256(query)}`)); i++) await new Promise((r) => setTimeout(r, 20));
    expect(await redis.ttl(`${prefix}:apq:${sha256(query)}`)).toBeGreaterThan(86_000);
    await redis.quit();
    const byHash = await post(second, { extensions });
    expect(byHash).toEqual({ status: 200, body: registered.body });
  });
});

describe('Redis down', () => {
  let deadUrl: string;
  beforeAll(async () => {
    // A port that was just free: nothing listens there.
    const probe = createNetServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as { port: number };
    await new Promise((resolve) => probe.close(resolve));
    deadUrl = `redis://127.0.0.1:${port}`;
  });

  it('a lookup is a quick miss and a registration is kept in memory: no error, no wait', async () => {
    const store = createPersistedQueryStore({ redisUrl: deadUrl, logger: silent, redisTimeoutMs: 250 });
    try {
      const started = performance.now();
      expect(await store.get(sha256('{ a }'))).toBeNull();
      await store.set(sha256('{ b }'), '{ b }');
      expect(await store.get(sha256('{ b }'))).toBe('{ b }');
      expect(performance.now() - started).toBeLessThan(1000);
    } finally {
      await store.close();
    }
  });

  it('the config accepts REDIS_URL for the store', () => {
    expect(loadConfig({ REDIS_URL: deadUrl }).frontend.redisUrl).toBe(deadUrl);
  });
});

describe('the memory store', () => {
  it('is bounded by count and by bytes, least recently used first out', async () => {
    const store = createPersistedQueryStore({ logger: silent, maxDocuments: 2, maxBytes: 1000 });
    await store.set('a', '{ a }');
    await store.set('b', '{ b }');
    await store.get('a');
    await store.set('c', '{ c }');
    expect([await store.get('a'), await store.get('b'), await store.get('c')]).toEqual(['{ a }', null, '{ c }']);
    await store.set('big', `{ big } # ${'x'.repeat(990)}`);
    expect([await store.get('a'), await store.get('c'), await store.get('big')]).toEqual([null, null, expect.stringContaining('{ big }')]);
  });
});
