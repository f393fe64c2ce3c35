import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Stack } from '../helpers/stack.js';
import { expectNoBackendCalls, gql, scanEveryResponse, send, startEdgeStack } from './helpers.js';

/**
 * NODE_ENV=production: no introspection, no "Did you mean …", no GraphiQL, unless enabled one
 * by one; errors masked, malformed JSON included.
 */
describe('production defaults', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startEdgeStack({ http: true, env: { NODE_ENV: 'production', LOG_PRETTY: 'false' } });
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.reset());

  it('refuses introspection (__schema and __type) with 400', async () => {
    for (const query of [
      '{ __schema { types { name } } }',
      '{ __type(name: "Product") { fields { name } } }',
      'query { ...F } fragment F on Query { __schema { queryType { name } } }',
    ]) {
      const response = await gql(stack, query);
      expect(response.status).toBe(400);
      expect(response.json.data).toBeUndefined();
      expect(response.json.errors[0]).toMatchObject({
        message: expect.stringMatching(/^GraphQL introspection has been disabled, but the requested query contained the field "__(schema|type)"\.$/),
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
      });
    }
    await expectNoBackendCalls(stack);
  });

  it('still answers __typename, which clients need for caching', async () => {
    const response = await gql(stack, '{ __typename product(id: "1") { __typename name } }');
    expect(response.json).toEqual({ data: { __typename: 'Query', product: { __typename: 'Product', name: expect.any(String) } } });
  });

  it('hides field, argument and type suggestions', async () => {
    const cases: [string, string][] = [
      ['{ product(id: "1") { nam } }', 'Cannot query field "nam" on type "Product".'],
      ['{ products(frist: 3) { nodes { id } } }', 'Unknown argument "frist" on field "Query.products".'],
      ['query($id: Id!) { product(id: $id) { name } }', 'Unknown type "Id".'],
    ];
    for (const [query, message] of cases) {
      const response = await gql(stack, query);
      expect(response.status).toBe(400);
      const messages = response.json.errors.map((e: any) => e.message);
      expect(messages).toContain(message);
      expect(messages.join('\n')).not.toMatch(/Did you mean|Suggestion/);
    }
    await expectNoBackendCalls(stack);
  });

  it('does not serve GraphiQL', async () => {
    const response = await send(stack, { method: 'GET', headers: { accept: 'text/html' } });
    expect(response.headers.get('content-type') ?? '').not.toContain('text/html');
    expect(response.text).not.toContain('GraphiQL');
  });

  it('answers a malformed JSON body with 400 and no originalError', async () => {
    const response = await send(stack, { body: '{"query": "{ product(id: \\"1\\") { name } }"', headers: { 'content-type': 'application/json' } });
    expect(response.status).toBe(400);
    expect(response.json).toEqual({ errors: [{ message: 'POST body sent invalid JSON.', extensions: { code: 'BAD_REQUEST' } }] });
    expect(response.text).not.toContain('originalError');
    expect(response.text).not.toContain('SyntaxError');
    await expectNoBackendCalls(stack);
  });

  it('masks a backend failure: a code and a fixed message, nothing of the backend', async () => {
    await stack.backend.catalog.setFaults({ errorRate: 1, errorStatus: 500 });
    const response = await gql(stack, '{ product(id: "1") { name } }');
    expect(response.json).toEqual({
      data: { product: null },
      errors: [
        {
          message: 'The catalog service is unavailable.',
          locations: [{ line: 1, column: 3 }],
          path: ['product'],
          extensions: { code: 'BACKEND_UNAVAILABLE', service: 'catalog' },
        },
      ],
    });
  });
});

describe('production with each feature enabled explicitly', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startEdgeStack({ env: { NODE_ENV: 'production', LOG_PRETTY: 'false', INTROSPECTION: 'true', FIELD_SUGGESTIONS: 'true', GRAPHIQL: 'true' } });
  });
  afterAll(() => stack.close());

  it('answers introspection, suggests fields and serves GraphiQL', async () => {
    expect((await gql(stack, '{ __schema { queryType { name } } }')).json).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
    expect((await gql(stack, '{ product(id: "1") { nam } }')).json.errors[0].message).toBe('Cannot query field "nam" on type "Product". Did you mean "name"?');
    const page = await send(stack, { method: 'GET', headers: { accept: 'text/html' } });
    expect(page.headers.get('content-type')).toContain('text/html');
  });
});

describe('development', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startEdgeStack({ env: { NODE_ENV: 'development', LOG_PRETTY: 'false' } });
  });
  afterAll(() => stack.close());

  it('answers malformed JSON without originalError too (yoga adds it in every mode)', async () => {
    const response = await send(stack, { body: '{"query":', headers: { 'content-type': 'application/json' } });
    expect(response.status).toBe(400);
    expect(response.json).toEqual({ errors: [{ message: 'POST body sent invalid JSON.', extensions: { code: 'BAD_REQUEST' } }] });
  });

  it('serves GraphiQL, whose requests carry the header the CSRF check asks for', async () => {
    const page = await send(stack, { method: 'GET', headers: { accept: 'text/html' } });
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.text).toContain('"additionalHeaders":{"x-graphql-client-name":"graphiql"}');
  });
});

scanEveryResponse();
