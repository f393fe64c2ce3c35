import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack.js';

/**
 * The CDN rule end to end: a GET answer's Cache-Control follows from what the real mock backends
 * said of their own answers (catalog `public, max-age=30`, inventory `public, max-age=1`,
 * orders `private, no-store`), reported by the transport for every call, cache hit or not.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ env: { BACKEND_CACHE: 'on', CDN_MAX_AGE_S: '60' } });
});
afterAll(() => stack.close());
beforeEach(() => stack.reset());

const get = (query: string, headers: Record<string, string> = {}) =>
  stack.bff.yoga.fetch(`http://bff.test/graphql?query=${encodeURIComponent(query)}`, {
    headers: { accept: 'application/json', 'x-graphql-client-name': 'cdn-test', ...headers },
  });

describe('Cache-Control of a GET answer, decided by the backends', () => {
  it('catalog alone: as fresh as catalog said (30 s), from the network and again from the HTTP cache', async () => {
    const query = '{ products(first: 2) { nodes { id name } } }';
    const first = await get(query);
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toMatch(/^max-age=(29|30)$/);
    const again = await get(query);
    expect((await stack.calls()).catalog).toBe(1); // the second answer came from the HTTP cache
    expect(Number(again.headers.get('cache-control')!.split('=')[1])).toBeLessThanOrEqual(30);
    expect(again.headers.get('cache-control')).toMatch(/^max-age=\d+$/);
  });

  it('catalog and inventory: the least fresh part decides (inventory, 1 s)', async () => {
    const answer = await get('{ products(first: 2) { nodes { id stock { available } } } }');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('max-age=1');
  });

  it('a failing backend: no-store, even though catalog answered cacheably', async () => {
    await stack.backend.inventory.setFaults({ errorRate: 1, errorStatus: 500 });
    // Products 3 to 5 are new here: their stock is not held fresh from the answers above.
    const answer = await get('{ products(first: 5) { nodes { id stock { available } } } }');
    expect(answer.status).toBe(200);
    const body = await answer.json();
    expect(body.data.products.nodes[4].stock).toBeNull();
    expect(body.errors?.length).toBeGreaterThan(0);
    expect(answer.headers.get('cache-control')).toBe('no-store');
  });

  it('with credentials: private, whatever the backends said', async () => {
    const answer = await get('{ products(first: 2) { nodes { id } } }', { authorization: 'Bearer token-1' });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('private, no-store');
  });
});
