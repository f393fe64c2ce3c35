import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockBackends } from '../../mocks/index.js';
import { getDataset } from '../../mocks/data/seed.js';
import { idRange, request, startEphemeral } from './helpers.js';

let mocks: MockBackends;
let users: string;
beforeAll(async () => {
  mocks = await startEphemeral({ services: ['users'] });
  users = mocks.urls.users;
});
afterAll(() => mocks.close());

const data = getDataset();

describe('users mock', () => {
  it('serves one user by id, and 404 with a JSON error for an unknown one', async () => {
    const found = await request(`${users}/users/42`);
    expect(found.status).toBe(200);
    expect(found.headers.get('content-type')).toMatch(/^application\/json/);
    expect(found.body).toEqual(data.usersById.get('42'));
    expect(Object.keys(found.body).sort()).toEqual(['createdAt', 'email', 'id', 'name']);
    expect(new Date(found.body.createdAt).toISOString()).toBe(found.body.createdAt);

    const missing = await request(`${users}/users/99999`);
    expect(missing.status).toBe(404);
    expect(missing.body.error).toContain('99999');
  });

  it('takes bulk ids comma-separated, repeated or mixed; unknown ids are absent; order is not the request order', async () => {
    const comma = await request(`${users}/users?ids=1,2,3,99999`);
    const repeated = await request(`${users}/users?ids=1&ids=2&ids=3&ids=99999`);
    const mixed = await request(`${users}/users?ids=1,2&ids=3&ids=99999`);
    for (const res of [comma, repeated, mixed]) {
      expect(res.status).toBe(200);
      expect(res.body.items.map((u: { id: string }) => u.id).sort()).toEqual(['1', '2', '3']);
    }
    // A BFF that maps by position would get this wrong: the order differs from the request.
    expect(comma.body.items.map((u: { id: string }) => u.id)).not.toEqual(['1', '2', '3']);
    expect(comma.body.items.find((u: { id: string }) => u.id === '2')).toEqual(data.usersById.get('2'));
  });

  it('answers duplicates once', async () => {
    const res = await request(`${users}/users?ids=5,5&ids=5`);
    expect(res.body.items).toEqual([data.usersById.get('5')]);
  });

  it('accepts 100 ids and rejects 101 with 400 stating the limit', async () => {
    const hundred = await request(`${users}/users?ids=${idRange(1, 100).join(',')}`);
    expect(hundred.status).toBe(200);
    expect(hundred.body.items).toHaveLength(100);

    const tooMany = await request(`${users}/users?ids=${idRange(1, 101).join(',')}`);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toMatchObject({ limit: 100, received: 101 });
    expect(tooMany.body.error).toMatch(/at most 100 ids.*got 101/);

    // Repeated syntax counts the same way.
    const repeated = await request(
      `${users}/users?${idRange(1, 101)
        .map((id) => `ids=${id}`)
        .join('&')}`,
    );
    expect(repeated.status).toBe(400);
  });

  it('rejects a bulk call without ids', async () => {
    const res = await request(`${users}/users`);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/ids is required/);
  });

  it('GET /me answers the token owner, 401 otherwise', async () => {
    const me = await request(`${users}/me`, { headers: { authorization: 'Bearer token-7' } });
    expect(me.status).toBe(200);
    expect(me.body).toEqual(data.usersById.get('7'));

    for (const authorization of [undefined, 'Bearer token-99999', 'Bearer nonsense', 'Basic dG9rZW4tNw==']) {
      const res = await request(`${users}/me`, { headers: authorization ? { authorization } : {} });
      expect(res.status, String(authorization)).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect(res.body.error).toMatch(/Bearer token-<userId>/);
    }
  });
});
