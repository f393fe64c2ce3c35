import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockBackends, type MockBackends } from '../../mocks/index.js';
import { SERVICE_NAMES, type ServiceName } from '../../src/config.js';
import { createLogger } from '../../src/observability/logger.js';
import { createServer } from '../../src/server/server.js';
import { MockControl, waitFor } from '../helpers/mock-control.js';
import { startStack } from '../helpers/stack.js';
import { ADMIN_TOKEN, admin, inProcess, notificationsOf, placeOrder, productsInStock, stockOf } from './helpers.js';

/**
 * The durable queue, against a real Redis (CI starts one and sets REDIS_TEST_URL). Every test
 * has its own key prefix, so test files sharing the Redis never see each other's jobs.
 */
const redisUrl = process.env.REDIS_TEST_URL;
if (!redisUrl) {
  console.warn(
    'test/writes/redis.test.ts: REDIS_TEST_URL is not set, so the durable delivery queue (BullMQ on Redis) tests are SKIPPED. ' +
      "Run `redis-server --port 6390 --save '' --appendonly no --daemonize yes` and set REDIS_TEST_URL=redis://127.0.0.1:6390 to run them.",
  );
}

const runId = `test-writes-${process.pid}-${Date.now().toString(36)}`;
let prefixes = 0;
const newPrefix = () => `${runId}-${++prefixes}`;

const FAST = {
  DELIVERY_BACKOFF_MS: '50',
  DELIVERY_BACKOFF_MAX_MS: '200',
  BACKEND_RETRY_BASE_MS: '5',
  BACKEND_BREAKER_THRESHOLD: '1000',
};

afterAll(async () => {
  if (!redisUrl) return;
  // Leave the shared Redis as we found it: every key this file's tests made.
  const redis = new Redis(redisUrl);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${runId}-*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
});

describe.skipIf(!redisUrl)('the durable queue (BullMQ on REDIS_TEST_URL)', () => {
  it('two instances sharing Redis, the same key at once on both → one order, one reservation, one notification', async () => {
    const stack = await startStack({ env: { ...FAST, REDIS_URL: redisUrl!, DELIVERY_PREFIX: newPrefix() } });
    // A second BFF instance: same configuration, same Redis, same backends.
    const other = createServer({ config: stack.config, logger: createLogger(stack.config) });
    try {
      const [p] = await productsInStock(stack, 1);
      const available = await stockOf(stack, p!);
      await stack.backend.orders.setFaults({ latencyMs: 100, routes: ['POST /orders'] });
      const viaOther = queryOver('http://bff.test', inProcess(other));
      const items = [{ productId: p!, quantity: 1 }];
      const results = await Promise.all([
        ...Array.from({ length: 3 }, () => placeOrder(stack, '301', items, 'two-instances-1')),
        ...Array.from({ length: 3 }, () => placeOrder({ query: viaOther }, '301', items, 'two-instances-1')),
      ]);
      const payloads = results.map((r) => r.body.data.placeOrder);
      expect(new Set(payloads.map((r) => r.order?.id)).size).toBe(1);
      expect(payloads[0].order?.id).toEqual(expect.any(String));
      expect(payloads.filter((r) => !r.replayed)).toHaveLength(1);
      expect(await stack.backend.orders.calls('POST /orders')).toBe(1);
      expect(await stack.backend.inventory.calls('POST /reservations')).toBe(1);
      expect(await stockOf(stack, p!)).toBe(available - 1);
      await waitFor('the confirmation', async () => (await notificationsOf(stack, '301')).length === 1);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await notificationsOf(stack, '301')).toHaveLength(1);
      expect(await stack.backend.notifications.calls('POST /notifications')).toBe(1);
    } finally {
      await other.close();
      await stack.close();
    }
  });

  it('dead letters are kept in Redis: listed by any instance, replayed, counted', async () => {
    const stack = await startStack({ env: { ...FAST, REDIS_URL: redisUrl!, DELIVERY_PREFIX: newPrefix(), DELIVERY_ATTEMPTS: '2', ADMIN_TOKEN } });
    try {
      const adminCall = (method: string, path = '') => admin(stack.bff, method, path);
      const [p] = await productsInStock(stack, 1, 5, 300);
      await stack.backend.notifications.setFaults({ errorRate: 1, errorStatus: 503, routes: ['POST /notifications'] });
      const { body } = await placeOrder(stack, '302', [{ productId: p!, quantity: 1 }], 'redis-dlq-1');
      expect(body.data.placeOrder.error).toBeNull();
      await waitFor('the dead letter', async () => (await adminCall('GET')).body.stats.deadLettered === 1);
      const { body: listed } = await adminCall('GET');
      expect(listed.stats).toMatchObject({ store: 'redis', deadLettered: 1, totals: { retried: 1, deadLettered: 1 } });
      expect(listed.deadLetters).toEqual([expect.objectContaining({ kind: 'notification', attempts: 2, error: expect.stringContaining('503') })]);

      await stack.backend.notifications.clearFaults();
      expect((await adminCall('POST', `/${listed.deadLetters[0].id}/retry`)).status).toBe(200);
      await waitFor('the replayed confirmation', async () => (await notificationsOf(stack, '302')).length === 1);
      expect((await adminCall('GET')).body).toMatchObject({ deadLetters: [], stats: { deadLettered: 0, totals: { replayed: 1 } } });
    } finally {
      await stack.close();
    }
  });

  it('a compensation that keeps failing is retried from Redis until it succeeds', async () => {
    const stack = await startStack({ env: { ...FAST, REDIS_URL: redisUrl!, DELIVERY_PREFIX: newPrefix(), DELIVERY_ATTEMPTS: '2' } });
    try {
      const [p] = await productsInStock(stack, 1, 5, 350);
      const available = await stockOf(stack, p!);
      const items = [{ productId: p!, quantity: available + 1 }];
      // Out of stock, and the order's cancel fails many times: more than DELIVERY_ATTEMPTS,
      // which does not apply to compensations.
      await stack.backend.orders.setFaults({ errorCount: 15, errorStatus: 503, routes: ['POST /orders/:id/cancel'] });
      const { body } = await placeOrder(stack, '303', items, 'redis-compensation-1', { 'x-request-timeout-ms': '1000' });
      expect(body.data.placeOrder).toMatchObject({
        error: { code: 'OUT_OF_STOCK' },
        steps: [{ call: 'CREATE_ORDER', status: 'COMPENSATING' }, { status: 'FAILED' }],
      });
      const orderId = body.data.placeOrder.steps[0].id;
      await waitFor(
        'the order cancelled',
        async () =>
          (await (await fetch(`${stack.mocks.urls.orders}/orders/${orderId}`, { headers: { authorization: 'Bearer token-303' } })).json()).status ===
          'cancelled',
        15_000,
      );
      expect((await stack.bff.writes.queue.stats()).deadLettered).toBe(0);
    } finally {
      await stack.close();
    }
  }, 25_000);
});

describe('with REDIS_URL unreachable', () => {
  it('placeOrder answers TEMPORARILY_UNAVAILABLE promptly, and writes nothing anywhere', async () => {
    const stack = await startStack({ env: { ...FAST, REDIS_URL: 'redis://127.0.0.1:1', DELIVERY_PREFIX: newPrefix() } });
    try {
      const started = performance.now();
      const { body } = await placeOrder(stack, '306', [{ productId: '1', quantity: 1 }], 'no-redis-1');
      expect(body.data.placeOrder).toMatchObject({ order: null, error: { code: 'TEMPORARILY_UNAVAILABLE' }, steps: [] });
      expect(performance.now() - started).toBeLessThan(3000);
      expect(await stack.backend.orders.calls()).toBe(0);
      expect(await stack.backend.inventory.calls()).toBe(0);
    } finally {
      await stack.close();
    }
  });
});

/** The BFF as operators run it: its own process, configured by the environment. */
function startBffProcess(env: Record<string, string>): { child: ChildProcess; output: () => string; url: () => Promise<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { PATH: process.env.PATH, NODE_ENV: 'production', LOG_LEVEL: 'info', RATE_LIMIT_POINTS: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const url = async () => {
    await waitFor('the BFF to listen', async () => /"url":"http:\/\/[^"]+\/graphql"/.test(output), 15_000);
    return /"url":"(http:\/\/[^"]+)\/graphql"/.exec(output)![1]!;
  };
  return { child, output: () => output, url };
}

/** Stack.query's shape, over any fetch: a process's real HTTP, or another in-process instance. */
function queryOver(url: string, fetchFn: (url: string, init: RequestInit) => Promise<Response> = fetch) {
  return async (query: string, options: { variables?: Record<string, unknown>; headers?: Record<string, string> } = {}) => {
    const response = await fetchFn(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...options.headers },
      body: JSON.stringify({ query, variables: options.variables }),
    });
    return { status: response.status, headers: response.headers, body: await response.json() };
  };
}

describe('the BFF process', () => {
  let mocks: MockBackends;
  let control: Record<ServiceName, MockControl>;
  let urls: Record<string, string>;
  beforeAll(async () => {
    mocks = await startMockBackends({ ports: Object.fromEntries(SERVICE_NAMES.map((s) => [s, 0])) });
    control = Object.fromEntries(SERVICE_NAMES.map((s) => [s, new MockControl(mocks.urls[s])])) as Record<ServiceName, MockControl>;
    urls = Object.fromEntries(SERVICE_NAMES.map((s) => [`${s.toUpperCase()}_URL`, mocks.urls[s]]));
  });
  afterAll(() => mocks.close());

  it('with DELIVERY_QUEUE=memory, says at start that the embedded queue is not durable', async () => {
    // Production without REDIS_URL starts only with the in-process queue chosen explicitly (test/ops/delivery-queue.test.ts).
    const bff = startBffProcess({ PORT: '0', DELIVERY_QUEUE: 'memory', ...urls });
    try {
      await bff.url();
      const warning = bff
        .output()
        .split('\n')
        .filter((line) => line.includes('NOT durable'))
        .map((line) => JSON.parse(line));
      expect(warning).toEqual([expect.objectContaining({ level: 40, msg: expect.stringContaining('Set REDIS_URL') })]);
    } finally {
      bff.child.kill('SIGKILL');
    }
  });

  describe.skipIf(!redisUrl)('with Redis', () => {
    it('killed (SIGKILL) after answering but before delivering, then restarted → the confirmation is delivered exactly once', async () => {
      const env = {
        PORT: '0',
        ...urls,
        REDIS_URL: redisUrl!,
        DELIVERY_PREFIX: newPrefix(),
        // A dead instance's job is taken over after 1 s, not 30.
        DELIVERY_LOCK_MS: '1000',
        DELIVERY_BACKOFF_MS: '100',
        // The confirmation hangs until the process is killed (the deadline never fires first).
        NOTIFICATIONS_TIMEOUT_MS: '60000',
        DELIVERY_ATTEMPT_TIMEOUT_MS: '60000',
      };
      const target = { mocks };
      const [p] = await productsInStock(target, 1, 5, 500);
      const items = [{ productId: p!, quantity: 1 }];
      await control.notifications.setFaults({ hang: true, routes: ['POST /notifications'] });

      const first = startBffProcess(env);
      let second: ReturnType<typeof startBffProcess> | undefined;
      try {
        const { body } = await placeOrder({ query: queryOver(await first.url()) }, '304', items, 'killed-1');
        const orderId = body.data.placeOrder.order.id;
        expect(body.data.placeOrder.error).toBeNull();
        await waitFor('the confirmation to be in flight', async () => (await control.notifications.stats()).inFlight === 1);
        const exited = once(first.child, 'exit');
        first.child.kill('SIGKILL');
        await exited;
        await control.notifications.clearFaults();
        expect(await notificationsOf(target, '304')).toEqual([]);

        second = startBffProcess(env);
        await second.url();
        await waitFor('the confirmation, delivered by the new process', async () => (await notificationsOf(target, '304')).length === 1, 15_000);
        // Give a duplicate every chance to show up.
        await new Promise((resolve) => setTimeout(resolve, 2500));
        const delivered = await notificationsOf(target, '304');
        expect(delivered).toHaveLength(1);
        expect(delivered[0]!.payload).toMatchObject({ orderId });
        // One hung (killed with the process), one delivered.
        expect(await control.notifications.calls('POST /notifications')).toBe(2);

        // The client retries on the new process: the same answer, nothing made again.
        const again = await placeOrder({ query: queryOver(await second.url()) }, '304', items, 'killed-1');
        expect(again.body.data.placeOrder).toMatchObject({ order: { id: orderId }, replayed: true });
        expect(await control.orders.calls('POST /orders')).toBe(1);
        expect(await control.inventory.calls('POST /reservations')).toBe(1);
      } finally {
        first.child.kill('SIGKILL');
        second?.child.kill('SIGKILL');
        await control.notifications.clearFaults();
      }
    }, 40_000);

    it('on SIGTERM the delivery in progress is finished before the process exits', async () => {
      // A short drain (production's default is 5 s): this test is about the queue, draining is test/ops'.
      const env = { PORT: '0', ...urls, REDIS_URL: redisUrl!, DELIVERY_PREFIX: newPrefix(), SHUTDOWN_DRAIN_MS: '200' };
      await control.notifications.resetStats();
      await control.notifications.setFaults({ latencyMs: 800, routes: ['POST /notifications'] });
      const bff = startBffProcess(env);
      try {
        const [p] = await productsInStock({ mocks }, 1, 5, 600);
        const { body } = await placeOrder({ query: queryOver(await bff.url()) }, '305', [{ productId: p!, quantity: 1 }], 'sigterm-1');
        expect(body.data.placeOrder.error).toBeNull();
        await waitFor('the confirmation to be in flight', async () => (await control.notifications.stats()).inFlight === 1);
        const exited = once(bff.child, 'exit');
        bff.child.kill('SIGTERM');
        expect((await exited)[0]).toBe(0);
        expect(await notificationsOf({ mocks }, '305')).toHaveLength(1);
      } finally {
        bff.child.kill('SIGKILL');
        await control.notifications.clearFaults();
      }
    }, 30_000);
  });
});
