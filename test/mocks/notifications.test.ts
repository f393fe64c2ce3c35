import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockBackends } from '../../mocks/index.js';
import { post, request, startEphemeral } from './helpers.js';

let mocks: MockBackends;
let notifications: string;
beforeAll(async () => {
  mocks = await startEphemeral({ services: ['notifications'] });
  notifications = mocks.urls.notifications;
});
afterAll(() => mocks.close());

describe('notifications mock', () => {
  it('accepts with 202 { id } and lists what it accepted per user', async () => {
    const res = await post(`${notifications}/notifications`, { userId: '3', kind: 'order-placed', payload: { orderId: '42' } });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ id: expect.any(String) });
    const listed = await request(`${notifications}/notifications?userId=3`);
    expect(listed.body.items).toEqual([{ id: res.body.id, userId: '3', kind: 'order-placed', payload: { orderId: '42' }, createdAt: expect.any(String) }]);
    expect((await request(`${notifications}/notifications?userId=4`)).body.items).toEqual([]);
  });

  it('honours idempotency-key: one notification however often it is retried', async () => {
    const body = { userId: '11', kind: 'order-placed', payload: { orderId: '7' } };
    const first = await post(`${notifications}/notifications`, body, { 'idempotency-key': 'notify-7' });
    const second = await post(`${notifications}/notifications`, body, { 'idempotency-key': 'notify-7' });
    expect(second.status).toBe(202);
    expect(second.body).toEqual(first.body);
    expect((await request(`${notifications}/notifications?userId=11`)).body.items).toHaveLength(1);
  });

  it('rejects a notification without userId or kind, and a listing without userId', async () => {
    expect((await post(`${notifications}/notifications`, { kind: 'x' })).status).toBe(400);
    expect((await post(`${notifications}/notifications`, { userId: '1' })).status).toBe(400);
    expect((await request(`${notifications}/notifications`)).status).toBe(400);
  });
});
