import { Writable } from 'node:stream';
import { createSchema, createYoga } from 'graphql-yoga';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMockBackends, type MockBackends } from '../../mocks/index.js';
import { loadConfig, SERVICE_NAMES, type ServiceName } from '../../src/config.js';
import { maskErrorForClients } from '../../src/edge/mask-error.js';
import { useErrorLog } from '../../src/observability/use-error-log.js';
import { useRequestId } from '../../src/observability/use-request-id.js';
import { createServer, type BffServer } from '../../src/server/server.js';
import { MockControl } from '../helpers/mock-control.js';
import type { Stack } from '../helpers/stack.js';
import { expectNoBackendCalls, leaksIn, record, scanEveryResponse, send, startEdgeStack, watchBackendHosts, type SendOptions } from './helpers.js';

/**
 * Errors masked everywhere: the client gets a code and a fixed message; the log gets the whole
 * error with the request id the client got.
 */

/** A pino logger writing JSON lines into an array. */
function capturingLogger() {
  const lines: any[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

async function fetchAndRecord(
  bff: { fetch: (url: string, init: RequestInit) => Promise<Response> | Response },
  query: string,
  headers: Record<string, string> = {},
) {
  const response = await bff.fetch('http://bff.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
    body: JSON.stringify({ query }),
  });
  const text = await response.text();
  record({ label: query, status: response.status, headers: response.headers, text });
  return { status: response.status, id: response.headers.get('x-request-id')!, text, json: JSON.parse(text) };
}

describe('the leak scan itself', () => {
  it('recognises a stack, a file path, an originalError and a backend host', () => {
    expect(leaksIn(new Error('x').stack!)).toContain('a stack frame');
    expect(leaksIn('at handler (file:///srv/app/dist/server.js:10:5)')).toContain('a stack frame');
    expect(leaksIn('at /work/main/src/server.ts:1:1')).toEqual(expect.arrayContaining(['a stack frame', 'a file path (/work/)', 'a source file (.ts:)']));
    expect(leaksIn('{"extensions":{"originalError":{}}}')).toEqual(['originalError']);
    expect(leaksIn('{"data":{"product":{"name":"Vintage Power Bank"}}}')).toEqual([]);
  });
});

describe('backend failures', () => {
  let mocks: MockBackends;
  let bff: BffServer;
  let lines: any[];
  const backend = {} as Record<ServiceName, MockControl>;

  beforeAll(async () => {
    mocks = await startMockBackends({ ports: Object.fromEntries(SERVICE_NAMES.map((s) => [s, 0])) });
    for (const s of SERVICE_NAMES) backend[s] = new MockControl(mocks.urls[s]);
    const urls = Object.fromEntries(SERVICE_NAMES.map((s) => [`${s.toUpperCase()}_URL`, mocks.urls[s]]));
    const config = loadConfig({
      NODE_ENV: 'production',
      DELIVERY_QUEUE: 'memory',
      CATALOG_TIMEOUT_MS: '200',
      BACKEND_CACHE: 'off',
      RATE_LIMIT_POINTS: '0',
      ...urls,
    });
    const captured = capturingLogger();
    lines = captured.lines;
    bff = createServer({ config, logger: captured.logger });
    watchBackendHosts(mocks.urls);
  });
  afterAll(async () => {
    await bff.close(true);
    await mocks.close();
  });
  beforeEach(async () => {
    lines.length = 0;
    await Promise.all(SERVICE_NAMES.map((s) => backend[s].clearFaults()));
  });

  const cases: [string, Parameters<MockControl['setFaults']>[0], string, RegExp][] = [
    ['a 500', { errorRate: 1, errorStatus: 500 }, 'BACKEND_UNAVAILABLE', /answered 500/],
    ['a truncated JSON body', { malformedBody: true }, 'BACKEND_BAD_RESPONSE', /invalid JSON/],
    ['no answer in time', { hang: true }, 'BACKEND_TIMEOUT', /no answer within 200 ms/],
  ];
  for (const [what, faults, code, logged] of cases) {
    it(`${what}: the client sees ${code} and a fixed message; the log has the detail and the request id`, async () => {
      await backend.catalog.setFaults(faults);
      const response = await fetchAndRecord(bff.yoga, '{ product(id: "1") { name } }');
      expect(response.json.errors).toEqual([expect.objectContaining({ path: ['product'], extensions: { code, service: 'catalog' } })]);
      expect(leaksIn(response.text)).toEqual([]);
      expect(response.text).not.toContain(new URL(mocks.urls.catalog).host);
      const line = lines.find((l) => l.msg === 'backend call failed');
      expect(line).toMatchObject({ reqId: response.id, service: 'catalog', code });
      expect(JSON.stringify(line.err)).toMatch(logged);
    });
  }
});

describe('odd requests', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startEdgeStack({ http: true, env: { NODE_ENV: 'production', LOG_PRETTY: 'false' } });
  });
  afterAll(() => stack.close());

  it('are answered with a 4xx, never a 500, and reach no backend', async () => {
    const json = { 'content-type': 'application/json' };
    const cases: [string, SendOptions][] = [
      ['PUT', { method: 'PUT', body: { query: '{ __typename }' } }],
      ['unknown path', { method: 'GET', path: '/nope' }],
      ['XML', { body: '<query/>', headers: { 'content-type': 'application/xml', 'x-graphql-client-name': 'web' } }],
      ['variables not JSON', { method: 'GET', path: `/graphql?query={__typename}&variables={bad`, headers: { 'x-graphql-client-name': 'web' } }],
      ['query not a string', { body: { query: 42 } }],
      ['no query', { body: { variables: {} } }],
      ['body is null', { body: 'null', headers: json }],
      ['body is an array of nonsense', { body: '[1,2]', headers: json }],
      ['unknown parameter', { body: { query: '{ __typename }', documentId: 'x' } }],
      ['wrong variable type', { body: { query: 'query($id: ID!) { product(id: $id) { name } }', variables: { id: { $gt: '' } } } }],
      ['syntax error', { body: { query: '{ product(id: "1") { name }' } }],
      ['two operations, none named', { body: { query: 'query A { __typename } query B { __typename }' } }],
    ];
    for (const [what, options] of cases) {
      const response = await send(stack, options);
      expect(response.status, what).toBeGreaterThanOrEqual(400);
      expect(response.status, what).toBeLessThan(500);
    }
    // Variables nobody uses are ignored, however deep: parsed, not walked.
    const deep = await send(stack, { body: `{"query":"{ __typename }","variables":{"a":${'['.repeat(5000)}${']'.repeat(5000)}}}`, headers: json });
    expect(deep.json).toEqual({ data: { __typename: 'Query' } });
    const wrongJson = await send(stack, { method: 'GET', path: `/graphql?query={__typename}&variables={bad`, headers: { 'x-graphql-client-name': 'web' } });
    expect(wrongJson.json.errors).toEqual([{ message: 'The `variables` or `extensions` parameter is not valid JSON.', extensions: { code: 'BAD_REQUEST' } }]);
    await expectNoBackendCalls(stack);
  });

  it('health and readiness answers name services, never their addresses', async () => {
    expect((await send(stack, { method: 'GET', path: '/health' })).status).toBe(200);
    const ready = await send(stack, { method: 'GET', path: '/ready?verbose' });
    expect(ready.json.status).toBe('ready');
    expect(Object.keys(ready.json.backends)).toEqual(['users', 'catalog', 'reviews', 'inventory', 'orders', 'notifications']);
  });
});

describe('an unexpected error outside execution', () => {
  it('is "Unexpected error." for the client, and logged in full with the request id', async () => {
    const { logger, lines } = capturingLogger();
    const yoga = createYoga({
      schema: createSchema({ typeDefs: 'type Query { ok: Boolean }' }),
      maskedErrors: { maskError: maskErrorForClients },
      logging: false,
      plugins: [
        useRequestId(),
        {
          onParams() {
            throw new Error('connection to 10.0.0.5:6379 lost at /work/main/src/secret.ts:12:3');
          },
        },
        useErrorLog(logger),
      ],
    });
    const response = await fetchAndRecord(yoga, '{ ok }');
    expect(response.status).toBe(500);
    expect(response.json).toEqual({ errors: [{ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
    expect(leaksIn(response.text)).toEqual([]);
    const line = lines.find((l) => l.msg === 'unexpected error, masked for the client');
    expect(line.reqId).toBe(response.id);
    expect(line.err.message).toContain('connection to 10.0.0.5:6379 lost');
    expect(line.err.stack).toMatch(/\n\s+at /);
  });
});

scanEveryResponse();
