import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Stack } from '../helpers/stack.js';
import { expectNoBackendCalls, gql, scanEveryResponse, send, startEdgeStack } from './helpers.js';

/** What comes in as headers, and what goes out to the backends, as the mocks recorded it. */
const EVERYTHING = '{ viewer { name orders { id items { product { name stock { available } reviews(first: 1) { rating } } } } } }';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const CALLED = ['users', 'orders', 'catalog', 'inventory', 'reviews'] as const;

describe('forwarded headers', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startEdgeStack();
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.reset());

  it('sends each backend only its allowlist: authorization to users and orders, never cookies or hop-by-hop headers', async () => {
    // In-process, so that headers fetch() would refuse to send (connection, upgrade…) arrive too.
    const response = await send(stack, {
      body: { query: EVERYTHING },
      headers: {
        authorization: 'Bearer token-3',
        cookie: 'session=secret-session',
        connection: 'upgrade, x-custom',
        'keep-alive': 'timeout=999',
        te: 'trailers',
        trailer: 'x-checksum',
        upgrade: 'websocket',
        'proxy-authorization': 'Basic c2VjcmV0',
        'transfer-encoding': 'chunked',
        'x-forwarded-for': '203.0.113.9',
        'x-custom': 'anything',
        'x-request-id': 'checkout-42',
      },
    });
    expect(response.status).toBe(200);
    expect(response.json.errors).toBeUndefined();
    for (const service of CALLED) {
      const { lastHeaders } = await stack.backend[service].stats();
      const expected = ['accept', 'connection', 'host', 'x-request-id', ...(service === 'users' || service === 'orders' ? ['authorization'] : [])];
      expect(Object.keys(lastHeaders).sort(), service).toEqual(expected.sort());
      // The connection header is undici's own, for its pool: not the client's.
      expect(lastHeaders.connection, service).toBe('keep-alive');
      expect(lastHeaders['x-request-id'], service).toBe('checkout-42');
      if (expected.includes('authorization')) expect(lastHeaders.authorization, service).toBe('Bearer token-3');
    }
    expect(await stack.backend.notifications.calls()).toBe(0);
  });
});

describe('request id', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startEdgeStack({ http: true });
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.reset());

  it('is generated when absent, returned to the client and sent to every backend', async () => {
    const response = await gql(stack, EVERYTHING, { headers: { authorization: 'Bearer token-3' } });
    const id = response.headers.get('x-request-id');
    expect(id).toMatch(UUID);
    for (const service of CALLED) expect((await stack.backend[service].stats()).lastHeaders['x-request-id'], service).toBe(id);
  });

  it('keeps a safe id from the client, and replaces one that could forge log lines', async () => {
    expect((await gql(stack, '{ product(id: "1") { name } }', { headers: { 'x-request-id': 'web-7f3a.1:2' } })).headers.get('x-request-id')).toBe(
      'web-7f3a.1:2',
    );
    for (const unsafe of ['a b', 'x'.repeat(200), '"}{"level":60']) {
      const response = await gql(stack, '{ product(id: "1") { name } }', { headers: { 'x-request-id': unsafe } });
      expect(response.headers.get('x-request-id')).toMatch(UUID);
      expect((await stack.backend.catalog.stats()).lastHeaders['x-request-id']).toBe(response.headers.get('x-request-id'));
    }
  });

  it('is on refusals too, so a refused client can quote it', async () => {
    const limit = await gql(stack, `{ ${Array.from({ length: 11 }, (_, i) => `p${i}: product(id: "${i}") { name }`).join(' ')} }`);
    expect(limit.status).toBe(400);
    expect(limit.headers.get('x-request-id')).toMatch(UUID);
    const csrf = await send(stack, { method: 'GET', path: '/graphql?query={__typename}' });
    expect(csrf.status).toBe(403);
    expect(csrf.headers.get('x-request-id')).toMatch(UUID);
    await expectNoBackendCalls(stack);
  });
});

describe('CSRF prevention', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startEdgeStack({ http: true });
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.reset());

  const get = (query: string, headers: Record<string, string> = {}) =>
    send(stack, { method: 'GET', path: `/graphql?query=${encodeURIComponent(query)}`, headers });

  it('refuses a GET without one of the required headers (an <img> or a link could send it)', async () => {
    const response = await get('{ product(id: "1") { name } }');
    expect(response.status).toBe(403);
    expect(response.json.errors).toEqual([
      {
        message:
          'This request needs one of the headers x-graphql-client-name, apollo-require-preflight, x-graphql-yoga-csrf (CSRF prevention: a GET or a form post without it could come from another site).',
        extensions: { code: 'CSRF_HEADER_REQUIRED' },
      },
    ]);
    await expectNoBackendCalls(stack);
  });

  it('refuses form posts and text/plain posts without the header (no preflight for those either)', async () => {
    const bodies: [string, string][] = [
      ['application/x-www-form-urlencoded', `query=${encodeURIComponent('{ product(id: "1") { name } }')}`],
      ['text/plain', JSON.stringify({ query: '{ product(id: "1") { name } }' })],
      ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="query"\r\n\r\n{ product(id: "1") { name } }\r\n--x--\r\n'],
    ];
    for (const [type, body] of bodies) {
      const response = await send(stack, { body, headers: { 'content-type': type } });
      expect(response.status, type).toBe(403);
      expect(response.json.errors[0].extensions.code, type).toBe('CSRF_HEADER_REQUIRED');
    }
    await expectNoBackendCalls(stack);
  });

  it('lets through a GET with a required header, and JSON posts (a browser preflights those)', async () => {
    expect((await get('{ product(id: "1") { name } }', { 'x-graphql-client-name': 'web' })).json.data.product.name).toEqual(expect.any(String));
    expect((await get('{ product(id: "1") { name } }', { 'apollo-require-preflight': 'true' })).status).toBe(200);
    expect((await gql(stack, '{ product(id: "1") { name } }')).status).toBe(200);
  });
});

describe('mutations over GET', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startEdgeStack({ http: true });
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.reset());

  const PLACE_ORDER = 'mutation { placeOrder(input: { items: [{ productId: "1", quantity: 1 }], idempotencyKey: "edge-get-1" }) { order { id } } }';
  const getMutation = (query: string) =>
    send(stack, {
      method: 'GET',
      path: `/graphql?query=${encodeURIComponent(query)}`,
      headers: { 'x-graphql-client-name': 'web', authorization: 'Bearer token-3' },
    });

  it('are refused with 405 and Allow: POST, and no order is placed', async () => {
    // A link or an <img> must never place an order: yoga checks the operation type right after
    // parsing, before validation and execution (the CSRF header is sent here to get past that check).
    for (const query of [PLACE_ORDER, 'mutation { __typename }']) {
      const response = await getMutation(query);
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('POST');
      expect(response.json.errors).toEqual([{ message: 'Can only perform a mutation operation from a POST request.', extensions: { code: 'BAD_REQUEST' } }]);
    }
    await expectNoBackendCalls(stack);
  });

  it('are refused in a document that also holds a query, when the mutation is the one asked for', async () => {
    const response = await send(stack, {
      method: 'GET',
      path: `/graphql?operationName=Place&query=${encodeURIComponent(`query Read { __typename } ${PLACE_ORDER.replace('mutation', 'mutation Place')}`)}`,
      headers: { 'x-graphql-client-name': 'web', authorization: 'Bearer token-3' },
    });
    expect(response.status).toBe(405);
    await expectNoBackendCalls(stack);
  });
});

describe('CORS', () => {
  const preflight = (stack: Stack, origin: string) =>
    send(stack, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization' },
    });
  const post = (stack: Stack, origin: string) => gql(stack, '{ product(id: "1") { name } }', { headers: { origin } });

  describe('production with CORS_ORIGINS', () => {
    let stack: Stack;
    beforeAll(async () => {
      stack = await startEdgeStack({
        http: true,
        env: { NODE_ENV: 'production', LOG_PRETTY: 'false', CORS_ORIGINS: 'https://shop.example, https://m.shop.example' },
      });
    });
    afterAll(() => stack.close());

    it('answers the frontends’ preflights with their own origin, the allowed methods and headers', async () => {
      for (const origin of ['https://shop.example', 'https://m.shop.example']) {
        const response = await preflight(stack, origin);
        expect(response.status).toBe(204);
        expect(response.headers.get('access-control-allow-origin')).toBe(origin);
        expect(response.headers.get('access-control-allow-methods')).toBe('GET, POST');
        expect(response.headers.get('access-control-allow-headers')).toBe(
          'content-type, authorization, x-request-id, x-request-timeout-ms, x-graphql-client-name, apollo-require-preflight, x-graphql-yoga-csrf',
        );
        expect(response.headers.get('access-control-max-age')).toBe('600');
        expect(response.headers.get('access-control-allow-credentials')).toBeNull();
        expect((await post(stack, origin)).headers.get('access-control-allow-origin')).toBe(origin);
      }
    });

    it('gives any other origin, and the sandboxed `null` origin, no CORS headers at all', async () => {
      for (const origin of ['https://evil.example', 'null', 'https://shop.example.evil.example', 'http://shop.example']) {
        for (const response of [await preflight(stack, origin), await post(stack, origin)]) {
          expect(response.headers.get('access-control-allow-origin'), origin).toBeNull();
          expect(response.headers.get('vary'), origin).toContain('Origin');
        }
      }
    });
  });

  describe('production without CORS_ORIGINS', () => {
    let stack: Stack;
    beforeAll(async () => {
      stack = await startEdgeStack({ http: true, env: { NODE_ENV: 'production', LOG_PRETTY: 'false' } });
    });
    afterAll(() => stack.close());

    it('allows no other origin: same-origin pages only', async () => {
      expect((await preflight(stack, 'https://shop.example')).headers.get('access-control-allow-origin')).toBeNull();
      expect((await post(stack, 'https://shop.example')).headers.get('access-control-allow-origin')).toBeNull();
    });
  });

  describe('development', () => {
    let stack: Stack;
    beforeAll(async () => {
      stack = await startEdgeStack({ http: true, env: { NODE_ENV: 'development', LOG_PRETTY: 'false' } });
    });
    afterAll(() => stack.close());

    it('allows any origin (echoed, never `*` with credentials)', async () => {
      const response = await preflight(stack, 'http://localhost:5173');
      expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    });
  });
});

scanEveryResponse();
