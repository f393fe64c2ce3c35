import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { BackendError } from '../../src/backends/errors.js';
import { MemoryLedger } from '../../src/checkout/ledger.js';
import { Checkout, type CheckoutRequest } from '../../src/checkout/place-order.js';
import { loadConfig } from '../../src/config.js';
import type { Delivery, DeliveryQueue } from '../../src/queue/types.js';

/**
 * The checkout on its own: plain inputs (CheckoutRequest, PlaceOrderRequest), no GraphQL context,
 * no server. The backends and the queue are fakes that record what they were asked.
 */
const config = loadConfig({ NODE_ENV: 'test' });
const silent = pino({ level: 'silent' });

function fakes(options: { reserve?: 'ok' | 'out-of-stock' } = {}) {
  const calls: string[] = [];
  const queued: Delivery[] = [];
  const backends = {
    orders: {
      createOrder: async (input: { userId: string; items: { productId: string; quantity: number }[] }, key: string) => {
        calls.push(`orders.createOrder ${key}`);
        return { id: 'o-1', userId: input.userId, status: 'PLACED', createdAt: '2026-01-01T00:00:00Z', items: [], total: { amount: '1.00', currency: 'EUR' } };
      },
      cancelOrder: async (id: string, key: string) => {
        calls.push(`orders.cancelOrder ${id} ${key}`);
        return true;
      },
    },
    inventory: {
      reserve: async (_input: unknown, key: string) => {
        calls.push(`inventory.reserve ${key}`);
        if (options.reserve === 'out-of-stock') throw new BackendError('inventory', 'BACKEND_BAD_RESPONSE', 'inventory answered 409', { status: 409 });
        return { id: 'r-1' };
      },
    },
  } as unknown as CheckoutRequest['backends'];
  const queue = {
    enqueue: async (delivery: Delivery) => void queued.push(delivery),
    cancel: async () => true,
  } as unknown as DeliveryQueue;
  const checkout = new Checkout({ config, queue, ledger: new MemoryLedger(), logger: silent });
  const request = (viewer: { id: string } | null): CheckoutRequest => ({
    requestId: 'req-1',
    deadline: performance.now() + 5_000,
    logger: silent,
    viewer: async () => viewer,
    backends,
  });
  return { calls, queued, checkout, request };
}

const input = { idempotencyKey: 'key-1', items: [{ productId: '7', quantity: 2 }] };

describe('the checkout with plain inputs', () => {
  it('places the order: both critical calls, then the confirmation and the audit queued; a repeat is replayed without a call', async () => {
    const { calls, queued, checkout, request } = fakes();
    const outcome = await checkout.place(request({ id: '42' }), input);
    expect(outcome.error).toBeNull();
    expect(outcome.order?.id).toBe('o-1');
    expect(outcome.steps).toEqual([
      { call: 'CREATE_ORDER', status: 'SUCCEEDED', id: 'o-1' },
      { call: 'RESERVE_STOCK', status: 'SUCCEEDED', id: 'r-1' },
    ]);
    expect(calls.sort()).toEqual(['inventory.reserve 42:key-1:reservation', 'orders.createOrder 42:key-1:order']);
    expect(queued.map((d) => d.kind).sort()).toEqual(['audit', 'notification']);
    expect((queued.find((d) => d.kind === 'audit')!.data as { requestId: string }).requestId).toBe('req-1');

    const repeat = await checkout.place(request({ id: '42' }), input);
    expect(repeat.replayed).toBe(true);
    expect(calls).toHaveLength(2);
  });

  it('short stock: OUT_OF_STOCK, and the order made meanwhile is cancelled inline', async () => {
    const { calls, checkout, request } = fakes({ reserve: 'out-of-stock' });
    const outcome = await checkout.place(request({ id: '42' }), input);
    expect(outcome.error?.code).toBe('OUT_OF_STOCK');
    expect(outcome.steps).toEqual([
      { call: 'CREATE_ORDER', status: 'COMPENSATED', id: 'o-1' },
      { call: 'RESERVE_STOCK', status: 'FAILED', id: null },
    ]);
    expect(calls).toContain('orders.cancelOrder o-1 42:key-1:order-cancel');
  });

  it('without a signed-in viewer: UNAUTHENTICATED, and no backend is written to', async () => {
    const { calls, checkout, request } = fakes();
    await expect(checkout.place(request(null), input)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    expect(calls).toEqual([]);
  });
});
