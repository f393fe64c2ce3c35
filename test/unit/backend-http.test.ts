import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackendError } from '../../src/backends/errors.js';
import type { BackendConfig } from '../../src/config.js';
import { plainBackendConfig } from '../helpers/backend-config.js';
import { BackendHttp, type RequestScope } from '../../src/backends/http.js';
import { checkWith } from '../../src/backends/shape.js';

/**
 * The HTTP client against a tiny server that misbehaves on purpose, for the failures the mocks'
 * knobs do not cover: wrong shapes, resets, unexpected statuses.
 */
const routes: Record<string, (res: import('node:http').ServerResponse) => void> = {
  '/ok': (res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"1","name":"x"}'),
  '/wrong-shape': (res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":1}'),
  '/not-json': (res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>secret backend page</html>'),
  '/missing': (res) => res.writeHead(404).end('{"error":"no such thing"}'),
  '/boom': (res) => res.writeHead(500).end('{"error":"stack trace with secrets"}'),
  '/bad-request': (res) => res.writeHead(400).end('{"error":"you sent garbage"}'),
  '/reset': (res) => res.socket?.destroy(),
};

let server: Server;
let http: BackendHttp;
const scope: RequestScope = { signal: new AbortController().signal, deadline: performance.now() + 600_000, requestId: 'test' };
const check = checkWith(z.object({ id: z.string(), name: z.string() }));
/** One attempt, no policy in the way: these tests are about the transport's error mapping. */
const backendConfig = (url: string): BackendConfig => plainBackendConfig(url);

beforeAll(async () => {
  server = createServer((req, res) => routes[req.url!.split('?')[0]!]?.(res) ?? res.writeHead(404).end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  http = new BackendHttp('catalog', backendConfig(`http://127.0.0.1:${port}`), pino({ level: 'silent' }));
});
afterAll(async () => {
  await http.destroy();
  server.close();
});

async function failure(path: string, nullOn?: number[]): Promise<BackendError> {
  const error = await http.json(scope, { path, nullOn }, check).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BackendError);
  return error as BackendError;
}

describe('BackendHttp', () => {
  it('returns the checked body', async () => {
    expect(await http.json(scope, { path: '/ok' }, check)).toEqual({ id: '1', name: 'x' });
  });

  it('a wrong shape is BACKEND_BAD_RESPONSE naming the field', async () => {
    const error = await failure('/wrong-shape');
    expect(error).toMatchObject({ code: 'BACKEND_BAD_RESPONSE', service: 'catalog', status: 200 });
    expect(error.message).toContain('id');
  });

  it('a body that is not JSON is BACKEND_BAD_RESPONSE, and its content stays out of the public message', async () => {
    const error = await failure('/not-json');
    expect(error.code).toBe('BACKEND_BAD_RESPONSE');
    expect(error.publicMessage).not.toContain('secret');
  });

  it('a nullOn status resolves to null', async () => {
    expect(await http.json(scope, { path: '/missing', nullOn: [404] }, check)).toBeNull();
  });

  it('maps statuses to stable codes', async () => {
    expect(await failure('/boom')).toMatchObject({ code: 'BACKEND_UNAVAILABLE', status: 500 });
    expect(await failure('/bad-request')).toMatchObject({ code: 'BACKEND_BAD_RESPONSE', status: 400 });
    expect(await failure('/missing')).toMatchObject({ code: 'BACKEND_BAD_RESPONSE', status: 404 });
  });

  it('a reset connection is BACKEND_UNAVAILABLE', async () => {
    expect(await failure('/reset')).toMatchObject({ code: 'BACKEND_UNAVAILABLE', status: undefined });
  });

  it('a refused connection is BACKEND_UNAVAILABLE', async () => {
    const nowhere = new BackendHttp('users', backendConfig('http://127.0.0.1:1'), pino({ level: 'silent' }));
    const error = await nowhere.json(scope, { path: '/users' }, check).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'BACKEND_UNAVAILABLE', service: 'users' });
    await nowhere.destroy();
  });

  it('joins array query values with commas and encodes them', async () => {
    let seen = '';
    const echo = createServer((req, res) => {
      seen = req.url!;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"1","name":"x"}');
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    const client = new BackendHttp('users', backendConfig(`http://127.0.0.1:${(echo.address() as AddressInfo).port}`), pino({ level: 'silent' }));
    await client.json(scope, { path: '/users', query: { ids: ['1', 'a&b'], skip: undefined, limit: 5 } }, check);
    expect(seen).toBe('/users?ids=1,a%26b&limit=5');
    await client.destroy();
    echo.close();
  });
});
