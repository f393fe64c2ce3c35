import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack.js';
import { waitFor } from '../helpers/mock-control.js';
import { notificationsOf, orderOf, placeOrder, productsInStock, stockOf } from './helpers.js';

/**
 * placeOrder against the real mocks, with the embedded (in-process) delivery queue. Each test
 * uses its own user and products: the mocks keep their writes for the whole file.
 */
let stack: Stack;
let products: string[];
beforeAll(async () => {
  stack = await startStack({
    env: {
      // Fast retries for the queue; the breaker out of the way (tests here are about the saga).
      DELIVERY_BACKOFF_MS: '20',
      DELIVERY_BACKOFF_MAX_MS: '100',
      BACKEND_RETRY_BASE_MS: '5',
      BACKEND_BREAKER_THRESHOLD: '1000',
    },
  });
  products = await productsInStock(stack, 20);
});
afterAll(() => stack.close());
beforeEach(() => stack.reset());

describe('placeOrder: the happy path', () => {
  it('creates the order and holds the stock, answers at once, and sends the confirmation afterwards', async () => {
    const [p1, p2] = [products[0]!, products[1]!];
    const before = [await stockOf(stack, p1), await stockOf(stack, p2)];
    const { status, body } = await placeOrder(
      stack,
      '101',
      [
        { productId: p1, quantity: 2 },
        { productId: p2, quantity: 1 },
      ],
      'happy-1',
    );
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const result = body.data.placeOrder;
    expect(result).toMatchObject({
      order: {
        id: expect.any(String),
        status: 'placed',
        items: [
          { quantity: 2, product: { id: p1 } },
          { quantity: 1, product: { id: p2 } },
        ],
      },
      error: null,
      steps: [
        { call: 'CREATE_ORDER', status: 'SUCCEEDED', id: result.order.id },
        { call: 'RESERVE_STOCK', status: 'SUCCEEDED', id: expect.stringMatching(/^rsv-/) },
      ],
      replayed: false,
    });
    expect([await stockOf(stack, p1), await stockOf(stack, p2)]).toEqual([before[0]! - 2, before[1]! - 1]);
    await waitFor('the order confirmation', async () => (await notificationsOf(stack, '101')).length === 1);
    const [notification] = await notificationsOf(stack, '101');
    expect(notification).toMatchObject({ kind: 'order-placed', payload: { orderId: result.order.id, total: result.order.total } });
  });

  it('makes both critical calls at the same time (both in flight at once at the mocks)', async () => {
    await stack.backend.orders.setFaults({ latencyMs: 300, routes: ['POST /orders'] });
    await stack.backend.inventory.setFaults({ latencyMs: 300, routes: ['POST /reservations'] });
    const pending = placeOrder(stack, '102', [{ productId: products[2]!, quantity: 1 }], 'parallel-1');
    // A sequential saga could never have both backends busy at the same moment.
    await waitFor('both critical calls in flight at once', async () => {
      const [orders, inventory] = await Promise.all([stack.backend.orders.stats(), stack.backend.inventory.stats()]);
      return orders.inFlight === 1 && inventory.inFlight === 1;
    });
    const { body } = await pending;
    expect(body.data.placeOrder.error).toBeNull();
    expect(await stack.backend.orders.calls('POST /orders')).toBe(1);
    expect(await stack.backend.inventory.calls('POST /reservations')).toBe(1);
  });

  it('without a token: UNAUTHENTICATED, and nothing is written anywhere', async () => {
    const { body } = await placeOrder(stack, undefined, [{ productId: products[3]!, quantity: 1 }], 'anon-1');
    expect(body.data).toBeNull();
    expect(body.errors).toEqual([expect.objectContaining({ path: ['placeOrder'], extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }) })]);
    expect(await stack.backend.orders.calls()).toBe(0);
    expect(await stack.backend.inventory.calls()).toBe(0);
  });

  it('users down (the viewer cannot be identified): TEMPORARILY_UNAVAILABLE as data, nothing written', async () => {
    await stack.backend.users.setFaults({ errorRate: 1, errorStatus: 503, routes: ['GET /me'] });
    const { body } = await placeOrder(stack, '115', [{ productId: products[3]!, quantity: 1 }], 'users-down-1');
    expect(body).toEqual({
      data: {
        placeOrder: expect.objectContaining({ order: null, error: expect.objectContaining({ code: 'TEMPORARILY_UNAVAILABLE' }), steps: [], replayed: false }),
      },
    });
    expect(await stack.backend.orders.calls()).toBe(0);
    expect(await stack.backend.inventory.calls()).toBe(0);
  });

  it('a malformed input is the client’s bug: BAD_USER_INPUT naming the field, nothing called', async () => {
    const { body } = await placeOrder(stack, '103', [{ productId: products[3]!, quantity: 0 }], 'bad input with spaces');
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(body.errors?.[0]?.message).toContain('items[0].quantity must be an integer from 1 to 1000, got 0');
    expect(body.errors?.[0]?.message).toContain('idempotencyKey must be 1 to 128 visible ASCII characters');
    expect(await stack.calls()).toEqual({ users: 0, catalog: 0, reviews: 0, inventory: 0, orders: 0, notifications: 0 });
  });
});

describe('placeOrder: all or nothing', () => {
  it('inventory 409 → the order is cancelled, OUT_OF_STOCK, nothing held', async () => {
    const p = products[4]!;
    const available = await stockOf(stack, p);
    const { body } = await placeOrder(stack, '104', [{ productId: p, quantity: available + 1 }], 'short-1');
    const result = body.data.placeOrder;
    expect(result).toMatchObject({
      order: null,
      error: { code: 'OUT_OF_STOCK', message: expect.stringContaining('Nothing was ordered') },
      steps: [
        { call: 'CREATE_ORDER', status: 'COMPENSATED', id: expect.any(String) },
        { call: 'RESERVE_STOCK', status: 'FAILED', id: null },
      ],
    });
    expect(await orderOf(stack, '104', result.steps[0].id)).toMatchObject({ status: 'cancelled' });
    expect(await stack.backend.orders.calls('POST /orders/:id/cancel')).toBe(1);
    expect(await stockOf(stack, p)).toBe(available);
  });

  it('orders 500 → the reservation is released, TEMPORARILY_UNAVAILABLE, stock unchanged', async () => {
    const p = products[5]!;
    const available = await stockOf(stack, p);
    await stack.backend.orders.setFaults({ errorCount: 1, errorStatus: 500, routes: ['POST /orders'] });
    const { body } = await placeOrder(stack, '105', [{ productId: p, quantity: 2 }], 'orders-down-1');
    expect(body.data.placeOrder).toMatchObject({
      order: null,
      error: { code: 'TEMPORARILY_UNAVAILABLE' },
      steps: [
        { call: 'CREATE_ORDER', status: 'FAILED', id: null },
        { call: 'RESERVE_STOCK', status: 'COMPENSATED', id: expect.stringMatching(/^rsv-/) },
      ],
    });
    expect(await stack.backend.inventory.calls('DELETE /reservations/:id')).toBe(1);
    expect(await stockOf(stack, p)).toBe(available);
    // Nothing was placed, so nobody is told it was.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await notificationsOf(stack, '105')).toEqual([]);
  });

  it('orders 400 (unknown product) → ORDER_REJECTED; both calls refused, nothing to undo', async () => {
    const { body } = await placeOrder(stack, '106', [{ productId: '999999', quantity: 1 }], 'unknown-1');
    expect(body.data.placeOrder).toMatchObject({
      error: { code: 'ORDER_REJECTED' },
      steps: [
        { call: 'CREATE_ORDER', status: 'FAILED' },
        { call: 'RESERVE_STOCK', status: 'FAILED' },
      ],
    });
    expect(await stack.backend.orders.calls('POST /orders/:id/cancel')).toBe(0);
    expect(await stack.backend.inventory.calls('DELETE /reservations/:id')).toBe(0);
  });

  it('a compensation that fails is retried from the queue until it succeeds', async () => {
    const p = products[6]!;
    const available = await stockOf(stack, p);
    await stack.backend.orders.setFaults({ errorCount: 1, errorStatus: 500, routes: ['POST /orders'] });
    // The release fails inline (with the transport's retries) and from the queue for a while.
    await stack.backend.inventory.setFaults({ errorCount: 8, errorStatus: 503, routes: ['DELETE /reservations/:id'] });
    // A short request budget: the queued copy waits out the request's deadline before it runs.
    const { body } = await placeOrder(stack, '107', [{ productId: p, quantity: 3 }], 'release-retried-1', { 'x-request-timeout-ms': '1000' });
    expect(body.data.placeOrder.steps).toEqual([
      { call: 'CREATE_ORDER', status: 'FAILED', id: null },
      { call: 'RESERVE_STOCK', status: 'COMPENSATING', id: expect.stringMatching(/^rsv-/) },
    ]);
    expect(await stockOf(stack, p)).toBe(available - 3);
    // Queued with a delay past the request's deadline, then retried with backoff.
    await waitFor('the queued release to succeed', async () => (await stockOf(stack, p)) === available, 10_000);
    expect(await stack.backend.inventory.calls('DELETE /reservations/:id')).toBe(9);
    expect((await stack.bff.writes.queue.stats()).totals.retried).toBeGreaterThan(0);
  });

  it('a reservation that got no answer is settled by asking again with its key, then released', async () => {
    const p = products[7]!;
    const available = await stockOf(stack, p);
    await stack.backend.orders.setFaults({ errorCount: 1, errorStatus: 500, routes: ['POST /orders'] });
    // Slower than the request's budget: the BFF gives up on it and cannot know whether it was made.
    await stack.backend.inventory.setFaults({ latencyMs: 1500, routes: ['POST /reservations'] });
    const pending = placeOrder(stack, '108', [{ productId: p, quantity: 1 }], 'no-answer-1', { 'x-request-timeout-ms': '500' });
    await waitFor('the reservation to be in flight', async () => (await stack.backend.inventory.stats()).inFlight === 1);
    await stack.backend.inventory.clearFaults();
    const { body } = await pending;
    expect(body.data.placeOrder).toMatchObject({
      error: { code: 'TEMPORARILY_UNAVAILABLE' },
      // No time left to settle it inline: the queue does, after the request's deadline.
      steps: [
        { call: 'CREATE_ORDER', status: 'FAILED', id: null },
        { call: 'RESERVE_STOCK', status: 'COMPENSATING', id: null },
      ],
    });
    // The same key again: a replay if the first had arrived, a new reservation if not; either way, released.
    await waitFor('the reservation settled and released', async () => (await stack.backend.inventory.calls('DELETE /reservations/:id')) === 1, 10_000);
    expect(await stack.backend.inventory.calls('POST /reservations')).toBe(2);
    expect(await stockOf(stack, p)).toBe(available);
  });
});

describe('placeOrder: safe to repeat', () => {
  it('the same key twice → the same order, one reservation, one notification; the repeat calls nothing', async () => {
    const p = products[8]!;
    const available = await stockOf(stack, p);
    const first = (await placeOrder(stack, '109', [{ productId: p, quantity: 1 }], 'twice-1')).body.data.placeOrder;
    const second = (await placeOrder(stack, '109', [{ productId: p, quantity: 1 }], 'twice-1')).body.data.placeOrder;
    expect(second).toEqual({ ...first, replayed: true });
    expect(await stack.backend.orders.calls('POST /orders')).toBe(1);
    expect(await stack.backend.inventory.calls('POST /reservations')).toBe(1);
    expect(await stockOf(stack, p)).toBe(available - 1);
    await waitFor('the confirmation', async () => (await notificationsOf(stack, '109')).length === 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await notificationsOf(stack, '109')).toHaveLength(1);
  });

  it('the same key five times at once → one order, one reservation, one notification', async () => {
    const p = products[9]!;
    const available = await stockOf(stack, p);
    await stack.backend.orders.setFaults({ latencyMs: 100, routes: ['POST /orders'] });
    const results = await Promise.all(Array.from({ length: 5 }, () => placeOrder(stack, '110', [{ productId: p, quantity: 1 }], 'double-click-1')));
    const payloads = results.map((r) => r.body.data.placeOrder);
    const orderIds = new Set(payloads.map((r) => r.order?.id));
    expect(orderIds.size).toBe(1);
    expect([...orderIds][0]).toEqual(expect.any(String));
    expect(payloads.filter((r) => !r.replayed)).toHaveLength(1);
    expect(await stack.backend.orders.calls('POST /orders')).toBe(1);
    expect(await stack.backend.inventory.calls('POST /reservations')).toBe(1);
    expect(await stockOf(stack, p)).toBe(available - 1);
    await waitFor('the confirmation', async () => (await notificationsOf(stack, '110')).length === 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await notificationsOf(stack, '110')).toHaveLength(1);
  });

  it('a failed checkout repeated with its key gets the same failure, and nothing is re-run', async () => {
    const p = products[10]!;
    await stack.backend.orders.setFaults({ errorCount: 1, errorStatus: 500, routes: ['POST /orders'] });
    const first = (await placeOrder(stack, '111', [{ productId: p, quantity: 1 }], 'failed-twice-1')).body.data.placeOrder;
    const second = (await placeOrder(stack, '111', [{ productId: p, quantity: 1 }], 'failed-twice-1')).body.data.placeOrder;
    expect(second).toEqual({ ...first, replayed: true });
    expect(await stack.backend.orders.calls('POST /orders')).toBe(1);
    // A new key is a new attempt, and now it works.
    const third = (await placeOrder(stack, '111', [{ productId: p, quantity: 1 }], 'failed-twice-2')).body.data.placeOrder;
    expect(third.error).toBeNull();
  });

  it('the same key with other items is refused (BAD_USER_INPUT), the first order untouched', async () => {
    const p = products[11]!;
    await placeOrder(stack, '112', [{ productId: p, quantity: 1 }], 'reused-1');
    const { body } = await placeOrder(stack, '112', [{ productId: p, quantity: 2 }], 'reused-1');
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await stack.backend.orders.calls('POST /orders')).toBe(1);
  });

  it('two users may use the same key: their checkouts are separate', async () => {
    const p = products[12]!;
    const a = (await placeOrder(stack, '113', [{ productId: p, quantity: 1 }], 'shared-key')).body.data.placeOrder;
    const b = (await placeOrder(stack, '114', [{ productId: p, quantity: 1 }], 'shared-key')).body.data.placeOrder;
    expect(a.order.id).not.toBe(b.order.id);
    expect(b.replayed).toBe(false);
  });
});
