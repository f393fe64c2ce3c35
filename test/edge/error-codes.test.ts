import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_CODES, type PublicCode } from '../../src/errors/public-errors.js';
import type { Stack } from '../helpers/stack.js';
import { scanEveryResponse, send, startEdgeStack, type SendOptions } from './helpers.js';

/**
 * The codes yoga raises are not built by our factories, so the catalog's word for them (the
 * code, the HTTP status) is checked here against what a client really gets. The codes we build
 * take their status from the catalog, and the edge tests check them case by case.
 */
const statusOf = (code: PublicCode) => PUBLIC_CODES.find(([c]) => c === code)![1].status;
const json = (body: object): SendOptions => ({ body });
const hash = 'a'.repeat(64);

const cases: Array<[string, PublicCode, SendOptions, number?]> = [
  ['a body that is not JSON', 'BAD_REQUEST', { body: '{', headers: { 'content-type': 'application/json' } }],
  ['no query', 'BAD_REQUEST', json({})],
  [
    'a batch while batching is off',
    'BAD_REQUEST',
    { body: '[{"query":"{ __typename }"},{"query":"{ __typename }"}]', headers: { 'content-type': 'application/json' } },
  ],
  [
    'a mutation over GET',
    'BAD_REQUEST',
    {
      method: 'GET',
      path: `/graphql?query=${encodeURIComponent('mutation { placeOrder(input: { items: [], idempotencyKey: "k" }) { replayed } }')}`,
      headers: { 'x-graphql-client-name': 't' },
    },
    405,
  ],
  ['a body over MAX_BODY_BYTES', 'REQUEST_ENTITY_TOO_LARGE', json({ query: `{ __typename }#${'x'.repeat(110_000)}` })],
  ['an unknown APQ hash', 'PERSISTED_QUERY_NOT_FOUND', json({ extensions: { persistedQuery: { version: 1, sha256Hash: hash } } })],
  [
    'an APQ hash that is not the query’s',
    'PERSISTED_QUERY_MISMATCH',
    json({ query: '{ __typename }', extensions: { persistedQuery: { version: 1, sha256Hash: hash } } }),
  ],
  ['a syntax error', 'GRAPHQL_PARSE_FAILED', json({ query: '{ product(' })],
  ['an unknown field', 'GRAPHQL_VALIDATION_FAILED', json({ query: '{ nope }' })],
  ['an operationName the document lacks', 'OPERATION_RESOLUTION_FAILURE', json({ query: 'query A { __typename }', operationName: 'B' })],
];

describe('codes raised by yoga, as the catalog describes them', () => {
  let stack: Stack;
  const seen = new Set<PublicCode>();
  beforeAll(async () => {
    stack = await startEdgeStack();
  });
  afterAll(() => stack.close());

  for (const [what, code, request, status] of cases) {
    it(`${what}: ${code}, ${status ?? statusOf(code)}`, async () => {
      const response = await send(stack, request);
      expect(response.json?.errors?.[0]?.extensions).toEqual({ code });
      expect(response.status).toBe(status ?? statusOf(code));
      seen.add(code);
    });
  }

  it('every code the catalog says yoga raises is provoked above (INTERNAL_SERVER_ERROR: error-hygiene.test.ts)', () => {
    const yogas = PUBLIC_CODES.filter(([code, { raisedBy }]) => raisedBy !== 'bff' && code !== 'INTERNAL_SERVER_ERROR').map(([code]) => code);
    expect(yogas.filter((code) => !seen.has(code))).toEqual([]);
  });
});

scanEveryResponse();
