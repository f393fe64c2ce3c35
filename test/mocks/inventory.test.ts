import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockBackends } from '../../mocks/index.js';
import { getDataset } from '../../mocks/data/seed.js';
import { idRange, post, request, startEphemeral } from './helpers.js';

let mocks: MockBackends;
let inventory: string;
beforeAll(async () => {
  mocks = await startEphemeral({ services: ['inventory'] });
  inventory = mocks.urls.inventory;
});
afterAll(() => mocks.close());

const data = getDataset();
// Each test takes its own products so tests cannot disturb each other's stock.
const withStock = [...data.stock.entries()].filter(([, units]) => units >= 3 && units <= 50).map(([id]) => id);
const soldOut = [...data.stock.entries()].find(([, units]) => units === 0)![0];

async function available(productId: string): Promise<number> {
  const res = await request<{ items: Array<{ productId: string; available: number }> }>(`${inventory}/stock?productIds=${productId}`);
  return res.body.items[0].available;
}

describe('inventory mock', () => {
  it('serves stock in bulk with both id syntaxes; unknown ids absent; ≤ 100', async () => {
    const comma = await request(`${inventory}/stock?productIds=1,2,3,99999`);
    const repeated = await request(`${inventory}/stock?productIds=1&productIds=2&productIds=3&productIds=99999`);
    for (const res of [comma, repeated]) {
      expect(res.status).toBe(200);
      expect([...res.body.items].sort((a: any, b: any) => a.productId.localeCompare(b.productId))).toEqual(
        ['1', '2', '3'].map((productId) => ({ productId, available: data.stock.get(productId) })),
      );
    }
    expect(comma.body.items.map((s: { productId: string }) => s.productId)).not.toEqual(['1', '2', '3']);
    expect((await request(`${inventory}/stock?productIds=${idRange(1, 101).join(',')}`)).status).toBe(400);
    expect([...data.stock.values()].some((units) => units === 0)).toBe(true);
  });

  it('holds stock, refuses with 409 when short, and releases on DELETE exactly once', async () => {
    const productId = withStock[0];
    const before = await available(productId);

    const held = await post(`${inventory}/reservations`, { orderId: 'o-1', items: [{ productId, quantity: 2 }] });
    expect(held.status).toBe(201);
    expect(held.body).toEqual({ id: expect.any(String), orderId: 'o-1', status: 'held' });
    expect(await available(productId)).toBe(before - 2);

    const short = await post(`${inventory}/reservations`, { orderId: 'o-2', items: [{ productId, quantity: before }] });
    expect(short.status).toBe(409);
    expect(short.body).toMatchObject({ error: 'insufficient stock', productId, available: before - 2, requested: before });
    expect(await available(productId)).toBe(before - 2);

    expect((await fetch(`${inventory}/reservations/${held.body.id}`, { method: 'DELETE' })).status).toBe(204);
    expect(await available(productId)).toBe(before);
    // A retried compensation must not hand the units back twice.
    expect((await fetch(`${inventory}/reservations/${held.body.id}`, { method: 'DELETE' })).status).toBe(204);
    expect(await available(productId)).toBe(before);
    expect((await fetch(`${inventory}/reservations/rsv-nope`, { method: 'DELETE' })).status).toBe(404);
  });

  it('is all or nothing: one short line holds none of the others', async () => {
    const productId = withStock[1];
    const before = await available(productId);
    const res = await post(`${inventory}/reservations`, {
      orderId: 'o-3',
      items: [
        { productId, quantity: 1 },
        { productId: soldOut, quantity: 1 },
      ],
    });
    expect(res.status).toBe(409);
    expect(res.body.productId).toBe(soldOut);
    expect(await available(productId)).toBe(before);
  });

  it('sums repeated lines for one product before checking', async () => {
    const productId = withStock[2];
    const before = await available(productId);
    const half = Math.ceil((before + 1) / 2);
    const res = await post(`${inventory}/reservations`, {
      orderId: 'o-4',
      items: [
        { productId, quantity: half },
        { productId, quantity: half },
      ],
    });
    expect(res.status).toBe(409);
    expect(await available(productId)).toBe(before);
  });

  it('honours idempotency-key: a repeated key replays the first answer and holds nothing twice', async () => {
    const productId = withStock[3];
    const before = await available(productId);
    const body = { orderId: 'o-5', items: [{ productId, quantity: 1 }] };
    const first = await post(`${inventory}/reservations`, body, { 'idempotency-key': 'reserve-o-5' });
    const second = await post(`${inventory}/reservations`, body, { 'idempotency-key': 'reserve-o-5' });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await available(productId)).toBe(before - 1);

    // Without a key (or with another one) it is a new reservation.
    const third = await post(`${inventory}/reservations`, body, { 'idempotency-key': 'reserve-o-5-again' });
    expect(third.body.id).not.toBe(first.body.id);
    expect(await available(productId)).toBe(before - 2);
  });

  it('replays a 409 for its key too, even after stock came back', async () => {
    const productId = withStock[4];
    const before = await available(productId);
    const body = { orderId: 'o-6', items: [{ productId, quantity: before + 1 }] };
    const first = await post(`${inventory}/reservations`, body, { 'idempotency-key': 'k-409' });
    const again = await post(`${inventory}/reservations`, body, { 'idempotency-key': 'k-409' });
    expect(first.status).toBe(409);
    expect(again.status).toBe(409);
    expect(again.body).toEqual(first.body);
  });

  it('rejects malformed reservations with 400 and the contract in the message', async () => {
    const cases: unknown[] = [
      {},
      { orderId: 'o', items: [] },
      { orderId: 'o', items: [{ productId: 1, quantity: 1 }] },
      { orderId: 'o', items: [{ productId: '1', quantity: 0 }] },
      { orderId: 'o', items: [{ productId: '99999', quantity: 1 }] },
      [1, 2],
    ];
    for (const body of cases) {
      const res = await post(`${inventory}/reservations`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(typeof res.body.error).toBe('string');
    }
    const notJson = await request(`${inventory}/reservations`, { method: 'POST', body: '{"orderId":' });
    expect(notJson.status).toBe(400);
    expect(notJson.body.error).toMatch(/body must be JSON/);
  });
});
