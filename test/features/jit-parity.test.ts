import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Faults } from '../../mocks/index.js';
import type { ServiceName } from '../../src/config.js';
import { createLogger } from '../../src/observability/logger.js';
import { createServer, type BffServer } from '../../src/server/server.js';
import { SCENARIOS } from '../../bench/scenarios.js';
import { startStack, type Stack } from '../helpers/stack.js';

/**
 * graphql-jit must not change a single answer. Every reference query (the benchmark's, and
 * the shapes the schema allows: fragments, aliases, variables, @include, errors of every kind)
 * runs through two BFFs over the same mocks, one per executor, with the same faults set before
 * each run (the mocks' fault dice are re-seeded by every PUT, so both fail the same calls);
 * status, `data` and `errors` must be equal. The jit BFF's debug log shows it really compiled
 * them.
 */

interface Case {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
  headers?: Record<string, string>;
  faults?: Partial<Record<ServiceName, Faults>>;
  /** What the answer must show, so a case cannot pass by both BFFs failing the same dull way. */
  expect: 'data' | 'partial' | 'error';
  /** `false` when the edge refuses it before any executor runs. @default true */
  executes?: boolean;
}

const fromBench: Case[] = SCENARIOS.map((s) => ({ name: `bench: ${s.name}`, query: (JSON.parse(s.body) as { query: string }).query, expect: 'data' as const }));

const PAGE = fromBench[0]!.query;
const CASES: Case[] = [
  ...fromBench,
  { name: 'product page, inventory down', query: PAGE, faults: { inventory: { errorRate: 1, errorStatus: 500 } }, expect: 'partial' },
  { name: 'product page, users down', query: PAGE, faults: { users: { errorRate: 1, errorStatus: 500 } }, expect: 'partial' },
  { name: 'product page, reviews answer garbage', query: PAGE, faults: { reviews: { malformedBody: true } }, expect: 'partial' },
  {
    name: 'deep, users down: errors at every depth of nested lists',
    query: fromBench[1]!.query,
    faults: { users: { errorRate: 1, errorStatus: 500 } },
    expect: 'partial',
  },
  { name: 'catalog down: non-null list root', query: PAGE, faults: { catalog: { errorRate: 1, errorStatus: 500 } }, expect: 'error' },
  {
    name: 'catalog slow past the deadline',
    query: '{ product(id: "7") { name stock { available } } }',
    headers: { 'x-request-timeout-ms': '150' },
    faults: { catalog: { latencyMs: 400 } },
    expect: 'partial',
  },
  {
    name: 'fragments, aliases, typename, @include/@skip with variables',
    query: `query Page($n: Int!, $withReviews: Boolean!, $noStock: Boolean = false) {
      a: product(id: "1") { ...Card }
      b: product(id: "99999") { ...Card }
      list: products(first: $n, category: "books") { nodes { ...Card reviews(first: 2) @include(if: $withReviews) { rating body author { __typename id } } } pageInfo { hasNextPage endCursor } }
    }
    fragment Card on Product { __typename id name category price { amount currency } averageRating stock @skip(if: $noStock) { available inStock } }`,
    variables: { n: 5, withReviews: true },
    expect: 'data',
  },
  {
    name: 'viewer with a token',
    query: '{ viewer { id name orders { id status total { amount } items { quantity product { name } } } } }',
    headers: { authorization: 'Bearer token-3' },
    expect: 'data',
  },
  { name: 'viewer without a token', query: '{ viewer { id } }', expect: 'data' },
  { name: "another user's order", query: '{ order(id: "1") { id } }', headers: { authorization: 'Bearer token-999' }, expect: 'partial' },
  // Refused by the cost check before execution: neither executor sees it.
  {
    name: 'first out of range',
    query: 'query($n: Int) { product(id: "1") { reviews(first: $n) { rating } } }',
    variables: { n: -1 },
    expect: 'error',
    executes: false,
  },
  { name: 'wrong variable type', query: 'query($id: ID!) { product(id: $id) { name } }', variables: { id: { $gt: '' } }, expect: 'error' },
  { name: 'missing required variable', query: 'query($id: ID!) { product(id: $id) { name } }', variables: {}, expect: 'error' },
  {
    name: 'two operations, the second chosen',
    query: 'query A { product(id: "1") { name } } query B { product(id: "2") { name } }',
    operationName: 'B',
    expect: 'data',
  },
  { name: 'an operation name the document lacks', query: 'query A { product(id: "1") { name } }', operationName: 'Nope', expect: 'error' },
  {
    name: 'checkout without a token',
    query: 'mutation { placeOrder(input: { items: [{ productId: "1", quantity: 1 }], idempotencyKey: "k" }) { replayed } }',
    expect: 'error',
  },
];

const lines: Array<{ msg: string; reason?: string; level: number }> = [];
const logSink = new Writable({
  write(chunk, _encoding, done) {
    for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line));
    done();
  },
});

let stack: Stack;
let jit: BffServer;
let plain: BffServer;
beforeAll(async () => {
  stack = await startStack();
  const base = { ...stack.config, logLevel: 'debug', logPretty: false };
  jit = createServer({ config: { ...base, executor: 'jit' }, logger: createLogger(base, logSink) });
  plain = createServer({ config: { ...base, executor: 'default', logLevel: 'silent' }, logger: createLogger({ ...base, logLevel: 'silent' }) });
});
afterAll(async () => {
  await Promise.all([jit?.close(true), plain?.close(true)]);
  await stack?.close();
});

async function run(server: BffServer, c: Case) {
  await stack.reset();
  for (const [service, faults] of Object.entries(c.faults ?? {})) await stack.backend[service as ServiceName].setFaults(faults);
  const response = await server.yoga.fetch('http://bff.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...c.headers },
    body: JSON.stringify({ query: c.query, variables: c.variables, operationName: c.operationName }),
  });
  return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: unknown[] } };
}

describe('graphql-jit and the default executor give the same answers', () => {
  it.each(CASES)('$name', async (c) => {
    const expected = await run(plain, c);
    const actual = await run(jit, c);
    expect(actual).toEqual(expected);
    const { data, errors } = expected.body;
    if (c.expect === 'data') expect(errors, 'no errors').toBeUndefined();
    if (c.expect === 'partial') expect([data !== null && data !== undefined, (errors?.length ?? 0) > 0]).toEqual([true, true]);
    if (c.expect === 'error') expect([data ?? null, (errors?.length ?? 0) > 0]).toEqual([null, true]);
  });

  it('compiled every single-operation document, and said once, at debug, why the others run on the default executor', async () => {
    const compiled = lines.filter((l) => l.msg === 'graphql-jit: compiled');
    const fallbacks = lines.filter((l) => l.msg === 'graphql-jit: this document runs on the default executor');
    // Distinct documents executed with an operation they have: all compile but the two-operation one.
    const documents = new Set(CASES.filter((c) => c.executes !== false && c.name !== 'an operation name the document lacks').map((c) => c.query));
    expect(compiled).toHaveLength(documents.size - 1);
    expect(fallbacks).toEqual([expect.objectContaining({ level: 20, reason: 'several operations in one document' })]);
    // Asked again, a document is neither compiled nor explained again.
    await run(
      jit,
      CASES.find((c) => c.operationName === 'B')!,
    );
    await run(jit, CASES[0]!);
    expect(lines.filter((l) => l.msg.startsWith('graphql-jit'))).toHaveLength(documents.size);
  });
});

describe('documents with @defer or @stream', () => {
  it('run on the default executor (jit has no incremental delivery), said once at debug, and still answer in parts', async () => {
    const seenBefore = lines.length;
    const query = '{ product(id: "5") { name ... @defer { stock { available } } } }';
    for (let i = 0; i < 2; i++) {
      const response = await jit.yoga.fetch('http://bff.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'multipart/mixed' },
        body: JSON.stringify({ query }),
      });
      expect(response.headers.get('content-type')).toMatch(/^multipart\/mixed/);
      const text = await response.text();
      expect(text).toContain('"hasNext":true');
      expect(text).toContain('"incremental":[{"data":{"stock":{"available":');
    }
    expect(lines.slice(seenBefore).filter((l) => l.msg.startsWith('graphql-jit'))).toEqual([
      expect.objectContaining({
        level: 20,
        msg: 'graphql-jit: this document runs on the default executor',
        reason: '@defer/@stream: graphql-jit has no incremental delivery',
      }),
    ]);
  });
});
