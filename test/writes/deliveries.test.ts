import { spawn } from 'node:child_process';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack.js';
import { waitFor } from '../helpers/mock-control.js';
import { ADMIN_TOKEN, admin, inProcess, notificationsOf, placeOrder, productsInStock } from './helpers.js';

/**
 * The non-critical side of placeOrder, with the embedded (in-process) queue: the order does
 * not wait for its confirmation; a confirmation that cannot be delivered is retried with
 * backoff, then dead-lettered, where an operator can replay or drop it.
 */
const ENV = {
  DELIVERY_ATTEMPTS: '4',
  DELIVERY_BACKOFF_MS: '30',
  DELIVERY_BACKOFF_MAX_MS: '100',
  BACKEND_RETRY_BASE_MS: '5',
  BACKEND_BREAKER_THRESHOLD: '1000',
  ADMIN_TOKEN,
};

let stack: Stack;
let products: string[];
const adminCall = (method: string, path = '', token?: string) => admin(stack.bff, method, path, token);

beforeAll(async () => {
  stack = await startStack({ env: ENV });
  products = await productsInStock(stack, 10, 5, 200);
});
afterAll(() => stack.close());
beforeEach(() => stack.reset());

describe('the order confirmation', () => {
  it('notifications down for a while: the order succeeds at once; the confirmation arrives after it recovers', async () => {
    await stack.backend.notifications.setFaults({ errorCount: 6, errorStatus: 503, routes: ['POST /notifications'] });
    const started = performance.now();
    const { body } = await placeOrder(stack, '201', [{ productId: products[0]!, quantity: 1 }], 'notify-late-1');
    expect(body.data.placeOrder.error).toBeNull();
    // The answer did not wait for the notifications service, nor its retries.
    expect(performance.now() - started).toBeLessThan(1000);
    // Three transport attempts per delivery attempt: the first two delivery attempts fail.
    await waitFor('the confirmation after the recovery', async () => (await notificationsOf(stack, '201')).length === 1);
    expect(await stack.backend.notifications.calls('POST /notifications')).toBe(7);
    const { totals } = await stack.bff.writes.queue.stats();
    expect(totals.retried).toBeGreaterThanOrEqual(2);
    expect(totals.deadLettered).toBe(0);
  });

  it('after too many failures it is dead-lettered, listed for operators, and can be replayed', async () => {
    await stack.backend.notifications.setFaults({ errorRate: 1, errorStatus: 503, routes: ['POST /notifications'] });
    const { body } = await placeOrder(stack, '202', [{ productId: products[1]!, quantity: 1 }], 'notify-dead-1');
    const orderId = body.data.placeOrder.order.id;
    await waitFor('the dead letter', async () => (await stack.bff.writes.queue.stats()).deadLettered === 1);
    // DELIVERY_ATTEMPTS (4) × the transport's 3 tries.
    expect(await stack.backend.notifications.calls('POST /notifications')).toBe(12);

    const listed = await adminCall('GET');
    expect(listed.status).toBe(200);
    expect(listed.body.stats).toMatchObject({ store: 'memory', deadLettered: 1 });
    expect(listed.body.deadLetters).toEqual([
      expect.objectContaining({
        id: expect.stringMatching(/^notification\./),
        kind: 'notification',
        attempts: 4,
        error: expect.stringContaining('503'),
        data: expect.objectContaining({ notification: expect.objectContaining({ userId: '202', payload: expect.objectContaining({ orderId }) }) }),
      }),
    ]);
    expect(await notificationsOf(stack, '202')).toEqual([]);

    await stack.backend.notifications.clearFaults();
    const id = listed.body.deadLetters[0].id as string;
    expect(await adminCall('POST', `/${encodeURIComponent(id)}/retry`)).toEqual({ status: 200, body: { id, retried: true } });
    await waitFor('the replayed confirmation', async () => (await notificationsOf(stack, '202')).length === 1);
    const after = await adminCall('GET');
    expect(after.body.deadLetters).toEqual([]);
    expect(after.body.stats.totals).toMatchObject({ replayed: 1 });
    // Replaying something that is not (or no longer) a dead letter is a 404.
    expect((await adminCall('POST', `/${encodeURIComponent(id)}/retry`)).status).toBe(404);
  });

  it('a dead letter can be dropped for good', async () => {
    await stack.backend.notifications.setFaults({ errorStatus: 400, errorRate: 1, routes: ['POST /notifications'] });
    await placeOrder(stack, '203', [{ productId: products[2]!, quantity: 1 }], 'notify-drop-1');
    // A 400 is a refusal: retrying the same content cannot help, so it is dead-lettered at once.
    await waitFor('the dead letter', async () => (await stack.bff.writes.queue.stats()).deadLettered === 1);
    expect(await stack.backend.notifications.calls('POST /notifications')).toBe(1);
    const [letter] = (await adminCall('GET')).body.deadLetters;
    expect(letter).toMatchObject({ kind: 'notification', attempts: 1 });
    expect(await adminCall('DELETE', `/${encodeURIComponent(letter.id)}`)).toEqual({ status: 204, body: undefined });
    expect((await adminCall('GET')).body).toMatchObject({ deadLetters: [], stats: { deadLettered: 0, totals: { dropped: 1 } } });
    expect((await adminCall('DELETE', `/${encodeURIComponent(letter.id)}`)).status).toBe(404);
  });

  it('the audit event is delivered through the queue too', async () => {
    const before = (await stack.bff.writes.queue.stats()).totals.delivered;
    await placeOrder(stack, '204', [{ productId: products[3]!, quantity: 1 }], 'audit-1');
    // The confirmation and the audit event.
    await waitFor('both deliveries', async () => (await stack.bff.writes.queue.stats()).totals.delivered === before + 2);
  });
});

describe('the admin endpoint', () => {
  it('refuses a missing or wrong token with 401, without saying more', async () => {
    expect(await adminCall('GET', '', '')).toMatchObject({ status: 401, body: { error: expect.stringContaining('ADMIN_TOKEN') } });
    expect((await adminCall('GET', '', 'not-the-admin-token-at-all')).status).toBe(401);
    // A customer's token is not an admin's.
    expect((await adminCall('GET', '', 'token-1')).status).toBe(401);
  });

  it('does not exist without ADMIN_TOKEN', async () => {
    const plain = await startStack({ env: { ...ENV, ADMIN_TOKEN: '' } });
    try {
      const response = await inProcess(plain.bff)('http://bff.test/admin/deliveries', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      expect(response.status).toBe(404);
    } finally {
      await plain.close();
    }
  });

  it('answers 400 for a bad limit, 405 for a wrong method', async () => {
    expect((await adminCall('GET', '?limit=0')).status).toBe(400);
    expect((await adminCall('POST')).status).toBe(405);
    expect((await adminCall('GET', '/some-id/retry')).status).toBe(405);
  });
});

describe('shutdown with the in-process queue', () => {
  it('a graceful close makes a last attempt at what is still queued, instead of dropping it', async () => {
    // Long backoff: without the last attempt, the retry would come after the process is gone.
    const own = await startStack({ env: { ...ENV, DELIVERY_BACKOFF_MS: '60000', DELIVERY_BACKOFF_MAX_MS: '60000' } });
    try {
      const [p] = await productsInStock(own, 1, 5, 400);
      await own.backend.notifications.setFaults({ errorCount: 3, errorStatus: 503, routes: ['POST /notifications'] });
      const { body } = await placeOrder(own, '205', [{ productId: p!, quantity: 1 }], 'shutdown-1');
      expect(body.data.placeOrder.error).toBeNull();
      await waitFor('the first attempt to fail', async () => (await own.bff.writes.queue.stats()).totals.retried === 1);
      expect(await notificationsOf(own, '205')).toEqual([]);
      await own.bff.writes.close();
      expect(await notificationsOf(own, '205')).toHaveLength(1);
    } finally {
      await own.close();
    }
  });
});

describe('npm run deliveries (the CLI over the admin endpoint)', () => {
  const cli = (args: string[], env: Record<string, string>) =>
    new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/deliveries.ts', ...args], {
        env: { PATH: process.env.PATH, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (chunk) => (out += chunk));
      child.stderr.on('data', (chunk) => (out += chunk));
      child.on('exit', (code) => resolve({ code, out }));
    });

  it('lists, retries and drops dead letters', async () => {
    const own = await startStack({ http: true, env: { ...ENV, DELIVERY_ATTEMPTS: '1' } });
    try {
      const env = { ADMIN_TOKEN, BFF_URL: own.http!.url };
      const [p1, p2] = await productsInStock(own, 2, 5, 450);
      await own.backend.notifications.setFaults({ errorRate: 1, errorStatus: 400, routes: ['POST /notifications'] });
      await placeOrder(own, '206', [{ productId: p1!, quantity: 1 }], 'cli-1');
      await placeOrder(own, '207', [{ productId: p2!, quantity: 1 }], 'cli-2');
      await waitFor('two dead letters', async () => (await own.bff.writes.queue.stats()).deadLettered === 2);
      await own.backend.notifications.clearFaults();

      const listed = await cli(['list'], env);
      expect(listed.code).toBe(0);
      const { stats, deadLetters } = JSON.parse(listed.out);
      expect(stats).toMatchObject({ deadLettered: 2 });
      const [first, second] = deadLetters.map((d: { id: string }) => d.id);

      expect(await cli(['retry', first], env)).toMatchObject({ code: 0 });
      expect(await cli(['drop', second], env)).toEqual({ code: 0, out: `dropped ${second}\n` });
      await waitFor('the replayed confirmation', async () => (await notificationsOf(own, '206')).length === 1);
      expect(await notificationsOf(own, '207')).toEqual([]);
      expect(await cli(['drop', second], env)).toMatchObject({ code: 1, out: expect.stringContaining('no dead-lettered delivery') });
      expect(await cli(['list'], { BFF_URL: own.http!.url })).toMatchObject({ code: 2, out: expect.stringContaining('ADMIN_TOKEN is not set') });
    } finally {
      await own.close();
    }
  });
});
