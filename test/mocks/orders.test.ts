import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockBackends } from '../../mocks/index.js';
import { getDataset } from '../../mocks/data/seed.js';
import type { Order } from '../../mocks/data/types.js';
import { idRange, post, request, startEphemeral } from './helpers.js';

let mocks: MockBackends;
let orders: string;
beforeAll(async () => {
  mocks = await startEphemeral({ services: ['orders'] });
  orders = mocks.urls.orders;
});
afterAll(() => mocks.close());

const data = getDataset();
const toCents = (amount: string): number => {
  const [units, cents] = amount.split('.');
  return Number(units) * 100 + Number(cents);
};
const auth = (userId: string) => ({ authorization: `Bearer token-${userId}` });

describe('orders mock', () => {
  it('has about three orders per user, each total the exact sum of its lines', () => {
    expect(data.orders.length).toBeGreaterThan(2_500);
    expect(data.orders.length).toBeLessThan(3_500);
    const wrong = data.orders.filter((order) => {
      const sum = order.items.reduce((total, item) => total + toCents(item.unitPrice.amount) * item.quantity, 0);
      return toCents(order.total.amount) !== sum || !/^\d+\.\d{2}$/.test(order.total.amount);
    });
    expect(wrong).toEqual([]);
    // Every line's price is the catalog price of its product.
    expect(data.orders.every((o) => o.items.every((i) => i.unitPrice.amount === data.productsById.get(i.productId)!.price.amount))).toBe(true);
  });

  it('serves orders in bulk by customer, ≤ 100 ids', async () => {
    const res = await request<{ items: Order[] }>(`${orders}/orders?userIds=1&userIds=2,99999`);
    expect(res.status).toBe(200);
    const expected = [...(data.ordersByUserId.get('1') ?? []), ...(data.ordersByUserId.get('2') ?? [])];
    expect(res.body.items.map((o) => o.id).sort()).toEqual(expected.map((o) => o.id).sort());
    expect(res.body.items[0].userId).toBe('2'); // not the request order: map by userId
    expect((await request(`${orders}/orders?userIds=${idRange(1, 101).join(',')}`)).status).toBe(400);
  });

  it('GET /orders/:id needs the customer’s token: 401 without, 403 with another user’s', async () => {
    const order = data.orders[0];
    const other = order.userId === '1' ? '2' : '1';

    const anonymous = await request(`${orders}/orders/${order.id}`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error).toMatch(/Bearer token-<userId>/);

    const stranger = await request(`${orders}/orders/${order.id}`, { headers: auth(other) });
    expect(stranger.status).toBe(403);
    expect(stranger.body.error).toMatch(/another customer/);

    const owner = await request(`${orders}/orders/${order.id}`, { headers: auth(order.userId) });
    expect(owner.status).toBe(200);
    expect(owner.body).toEqual(order);

    expect((await request(`${orders}/orders/999999`, { headers: auth('1') })).status).toBe(404);
    expect((await request(`${orders}/orders/${order.id}`, { headers: { authorization: 'Bearer token-99999' } })).status).toBe(401);
  });

  it('POST /orders places an order with catalog prices and an exact total (201)', async () => {
    const items = [
      { productId: '10', quantity: 3 },
      { productId: '20', quantity: 1 },
    ];
    const res = await post<Order>(`${orders}/orders`, { userId: '5', items, total: { amount: '0.01', currency: 'EUR' } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ userId: '5', status: 'placed' });
    expect(res.body.items).toEqual(items.map((i) => ({ ...i, unitPrice: data.productsById.get(i.productId)!.price })));
    const expected = items.reduce((sum, i) => sum + toCents(data.productsById.get(i.productId)!.price.amount) * i.quantity, 0);
    expect(toCents(res.body.total.amount)).toBe(expected);

    const fetched = await request(`${orders}/orders/${res.body.id}`, { headers: auth('5') });
    expect(fetched.body).toEqual(res.body);
    const mine = await request<{ items: Order[] }>(`${orders}/orders?userIds=5`);
    expect(mine.body.items.map((o) => o.id)).toContain(res.body.id);
  });

  it('honours idempotency-key: a retried POST /orders creates one order', async () => {
    const userId = '6';
    const countBefore = (await request<{ items: Order[] }>(`${orders}/orders?userIds=${userId}`)).body.items.length;
    const body = { userId, items: [{ productId: '1', quantity: 1 }] };
    const first = await post<Order>(`${orders}/orders`, body, { 'idempotency-key': 'checkout-6' });
    const second = await post<Order>(`${orders}/orders`, body, { 'idempotency-key': 'checkout-6' });
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    const countAfter = (await request<{ items: Order[] }>(`${orders}/orders?userIds=${userId}`)).body.items.length;
    expect(countAfter).toBe(countBefore + 1);
  });

  it('cancels an order (200, status cancelled), and cancelling again answers the same', async () => {
    const placed = await post<Order>(`${orders}/orders`, { userId: '8', items: [{ productId: '2', quantity: 2 }] });
    const cancelled = await post<Order>(`${orders}/orders/${placed.body.id}/cancel`, undefined);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toEqual({ ...placed.body, status: 'cancelled' });
    const again = await post<Order>(`${orders}/orders/${placed.body.id}/cancel`, undefined);
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('cancelled');
    const fetched = await request<Order>(`${orders}/orders/${placed.body.id}`, { headers: auth('8') });
    expect(fetched.body.status).toBe('cancelled');
    expect((await post(`${orders}/orders/999999/cancel`, undefined)).status).toBe(404);
  });

  it('rejects bad orders with 400', async () => {
    for (const body of [
      { items: [{ productId: '1', quantity: 1 }] },
      { userId: '99999', items: [{ productId: '1', quantity: 1 }] },
      { userId: '1', items: [{ productId: '99999', quantity: 1 }] },
      { userId: '1', items: [{ productId: '1', quantity: 2.5 }] },
      { userId: 1, items: [{ productId: '1', quantity: 1 }] },
    ]) {
      const res = await post(`${orders}/orders`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(typeof res.body.error).toBe('string');
    }
  });
});
