import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BackendConfig } from '../../src/config.js';
import { plainBackendConfig } from '../helpers/backend-config.js';
import { BackendHttp, type RequestScope } from '../../src/backends/http.js';

/**
 * The HTTP cache against a small server that answers with the Cache-Control, ETag and 304s we
 * choose, counting what it is asked, and a check that counts how often it runs: a hit costs a
 * lookup, not a parse and a zod run.
 */
const served: Array<{ url: string; ifNoneMatch?: string; authorization?: string }> = [];
const cacheControl: Record<string, string> = {
  '/public': 'public, max-age=60',
  '/private': 'private, max-age=60',
  '/no-store': 'no-store',
  '/plain': 'max-age=60',
  '/stale': 'max-age=0',
  '/second': 'public, max-age=1',
};

function handle(req: IncomingMessage, res: ServerResponse): void {
  const path = req.url!.split('?')[0]!;
  served.push({ url: req.url!, ifNoneMatch: req.headers['if-none-match'], authorization: req.headers.authorization });
  const etag = `"v1-${path}"`;
  const headers = { 'content-type': 'application/json', 'cache-control': cacheControl[path] ?? 'public, max-age=60', etag };
  if (req.headers['if-none-match'] === etag) return void res.writeHead(304, headers).end();
  res.writeHead(200, headers).end(JSON.stringify({ items: [{ id: '1', nested: { tags: ['a'] } }], path }));
}

let server: Server;
let url: string;
const scope: RequestScope = { deadline: performance.now() + 600_000, requestId: 'test' };
const config = (origin: string): BackendConfig => plainBackendConfig(origin, { cache: true });
/** A check that counts its runs (each one a zod parse in real clients). */
function countingCheck() {
  const check = (body: unknown) => {
    check.runs++;
    return body as { items: Array<{ id: string; nested: { tags: string[] } }>; path: string };
  };
  check.runs = 0;
  return check;
}

let http: BackendHttp;
beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
beforeEach(() => {
  served.length = 0;
  http = new BackendHttp('catalog', config(url), pino({ level: 'silent' }), { freezeCached: true });
});
afterAll(async () => {
  await http.destroy();
  server.close();
});

describe('HTTP cache', () => {
  it('a fresh public answer: the second call makes no request, runs no check, and gets the same frozen value', async () => {
    const check = countingCheck();
    const first = await http.json(scope, { path: '/public', query: { ids: ['1', '2'] } }, check);
    const second = await http.json(scope, { path: '/public', query: { ids: ['1', '2'] } }, check);
    expect(second).toBe(first);
    expect(served).toHaveLength(1);
    expect(check.runs).toBe(1);
    expect(Object.isFrozen(second) && Object.isFrozen(second!.items[0]!.nested.tags)).toBe(true);
    expect(() => second!.items.push({ id: 'x', nested: { tags: [] } })).toThrow(TypeError);
    // Another query string is another entry.
    await http.json(scope, { path: '/public', query: { ids: ['3'] } }, check);
    expect(served).toHaveLength(2);
  });

  it('never stores a private or no-store answer', async () => {
    for (const path of ['/private', '/no-store']) {
      await http.json(scope, { path }, countingCheck());
      await http.json(scope, { path }, countingCheck());
    }
    expect(served.map((s) => s.url)).toEqual(['/private', '/private', '/no-store', '/no-store']);
  });

  it('an answer to a request with credentials is stored only when the backend marks it public', async () => {
    const token = { authorization: 'Bearer token-1' };
    await http.json(scope, { path: '/plain', headers: token }, countingCheck());
    await http.json(scope, { path: '/plain', headers: token }, countingCheck());
    expect(served).toHaveLength(2);
    // The same path without credentials was never stored either: nothing leaks from the token's answers.
    await http.json(scope, { path: '/plain' }, countingCheck());
    expect(served).toHaveLength(3);
    const check = countingCheck();
    await http.json(scope, { path: '/public', headers: token }, check);
    await http.json(scope, { path: '/public', headers: token }, check);
    expect(served).toHaveLength(4);
  });

  it('a stale answer with an ETag is revalidated: a 304 keeps the stored value, checked once', async () => {
    const check = countingCheck();
    const first = await http.json(scope, { path: '/stale' }, check);
    const second = await http.json(scope, { path: '/stale' }, check);
    expect(second).toBe(first);
    expect(served.map((s) => s.ifNoneMatch)).toEqual([undefined, '"v1-/stale"']);
    expect(check.runs).toBe(1);
  });

  it('fresh for its max-age, then revalidated', async () => {
    const check = countingCheck();
    await http.json(scope, { path: '/second' }, check);
    await http.json(scope, { path: '/second' }, check);
    expect(served).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await http.json(scope, { path: '/second' }, check);
    expect(served.map((s) => s.ifNoneMatch)).toEqual([undefined, '"v1-/second"']);
    expect(check.runs).toBe(1);
  });

  it('a value is kept for the check that made it: another check of the same URL does not get it', async () => {
    const one = countingCheck();
    const other = countingCheck();
    await http.json(scope, { path: '/public' }, one);
    await http.json(scope, { path: '/public' }, other);
    expect(other.runs).toBe(1);
    expect(served).toHaveLength(2);
  });

  it('outside development and tests, values are not frozen (it would cost a walk over each)', async () => {
    const production = new BackendHttp('catalog', config(url), pino({ level: 'silent' }), { freezeCached: false });
    const value = await production.json(scope, { path: '/public' }, countingCheck());
    expect(Object.isFrozen(value)).toBe(false);
    await production.destroy();
  });
});
