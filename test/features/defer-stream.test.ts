import { HttpLink, execute, gql, type ApolloLink } from '@apollo/client/core';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { createClient } from 'graphql-sse';
import { meros } from 'meros/browser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTracing, type Tracing } from '../../src/observability/tracing.js';
import { parseExposition } from '../observability/prometheus.js';
import { waitFor } from '../helpers/mock-control.js';
import { startStack, type Stack } from '../helpers/stack.js';

/**
 * @defer and @stream against a BFF on a real socket, read by real clients' incremental
 * parsers: Apollo Client's HttpLink (multipart/mixed), graphql-sse's client (text/event-stream)
 * and meros. A slow backend (the mocks' latency fault) shows the first part arriving while the
 * deferred field's backend call is still in flight.
 */
const SLOW_MS = 1500;
const DEFERRED = `query DeferredProduct {
  product(id: "42") { id name price { amount currency } ... @defer(label: "stock") { stock { available inStock } } }
}`;

const exporter = new InMemorySpanExporter();
let tracing: Tracing | undefined;
let stack: Stack;
beforeAll(async () => {
  tracing = await startTracing({ serviceName: 'defer-test', exporter });
  // The edge's own cost limit (the shared helper relaxes it), and a deadline above the slow backend.
  stack = await startStack({ http: true, env: { MAX_COST: '', BACKEND_TIMEOUT_MS: '10000' } });
});
afterAll(async () => {
  await stack?.close();
  await tracing?.shutdown();
});
beforeEach(async () => {
  await stack.reset();
  exporter.reset();
});

interface Arrival<T = any> {
  /** ms since the request was sent */
  at: number;
  value: T;
}

/**
 * Started when the first part arrives: waits until the inventory mock has the deferred field's
 * call in flight, then says how many parts had arrived by then. 1 proves the first part came
 * while the slow call was still running (the call starts as the first part is sent, since the
 * deferred stock needs the product first; hence a wait, not a single look).
 */
function partsWhileInventoryBusy(arrivals: Arrival[]): Promise<number> {
  return waitFor('the deferred call to be in flight', async () => (await stack.backend.inventory.stats()).inFlight === 1, SLOW_MS).then(() => arrivals.length);
}

/** Every payload Apollo's HttpLink parses from the multipart answer, as it arrives. */
function throughApollo(query: string): Promise<{ arrivals: Arrival[]; partsWhileInventoryBusy: Promise<number> }> {
  const link: ApolloLink = new HttpLink({ uri: `${stack.http!.url}/graphql` });
  const arrivals: Arrival[] = [];
  let busy: Promise<number> | undefined;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execute(link, { query: gql(query) }).subscribe({
      next: (value) => {
        arrivals.push({ at: performance.now() - started, value });
        busy ??= partsWhileInventoryBusy(arrivals).catch(() => -1);
      },
      error: reject,
      complete: () => resolve({ arrivals, partsWhileInventoryBusy: busy! }),
    });
  });
}

async function metrics() {
  return parseExposition(await (await fetch(`${stack.http!.url}/metrics`)).text());
}

describe('@defer with Apollo Client (multipart/mixed)', () => {
  it('the first part arrives while the slow field is still loading; the deferred part follows with it', async () => {
    await stack.backend.inventory.setFaults({ latencyMs: SLOW_MS });
    const before = await metrics();
    const { arrivals, partsWhileInventoryBusy: busy } = await throughApollo(DEFERRED);

    expect(arrivals).toHaveLength(2);
    const [first, last] = arrivals as [Arrival, Arrival];
    expect(first.value).toEqual({
      data: { product: { id: '42', name: expect.any(String), price: { amount: expect.any(String), currency: 'EUR' } } },
      hasNext: true,
    });
    // The inventory call was still in flight after the first part came: it did not wait for it.
    expect(await busy).toBe(1);
    expect(last.value).toEqual({
      incremental: [{ data: { stock: { available: expect.any(Number), inStock: expect.any(Boolean) } }, path: ['product'], label: 'stock' }],
      hasNext: false,
    });
    expect(last.at - first.at).toBeGreaterThan(SLOW_MS * 0.5);

    // Metrics judge the whole answer: counted once, ok, timed to its last part.
    const after = await metrics();
    const match = { operation: 'DeferredProduct', type: 'query' };
    expect(
      after.sum('bff_graphql_operations_total', { ...match, outcome: 'ok' }) - before.sum('bff_graphql_operations_total', { ...match, outcome: 'ok' }),
    ).toBe(1);
    const seconds = after.sum('bff_graphql_operation_duration_seconds_sum', match) - before.sum('bff_graphql_operation_duration_seconds_sum', match);
    expect(seconds).toBeGreaterThanOrEqual(SLOW_MS / 1000);

    // Tracing too: the operation's span lasts until the last part, over the deferred call.
    const spans = exporter.getFinishedSpans();
    const operation = spans.find((s) => s.name === 'query DeferredProduct')!;
    const call = spans.find((s) => s.name === 'inventory GET /stock')!;
    expect(call.parentSpanContext?.spanId).toBe(operation.spanContext().spanId);
    const endOf = (s: typeof call) => s.endTime[0] * 1e3 + s.endTime[1] / 1e6;
    expect(endOf(operation)).toBeGreaterThanOrEqual(endOf(call));
  });

  it('a failing deferred field is null with its own, masked error, in its own part', async () => {
    await stack.backend.inventory.setFaults({ errorRate: 1, errorStatus: 500 });
    const before = await metrics();
    const { arrivals } = await throughApollo(DEFERRED);
    expect(arrivals.map((a) => a.value)).toEqual([
      { data: { product: { id: '42', name: expect.any(String), price: expect.any(Object) } }, hasNext: true },
      {
        incremental: [
          {
            data: { stock: null },
            path: ['product'],
            label: 'stock',
            errors: [
              {
                message: 'The inventory service is unavailable.',
                locations: [expect.any(Object)],
                path: ['product', 'stock'],
                extensions: { code: 'BACKEND_UNAVAILABLE', service: 'inventory' },
              },
            ],
          },
        ],
        hasNext: false,
      },
    ]);
    const after = await metrics();
    const delta = (name: string, labels: Record<string, string>) => after.sum(name, labels) - before.sum(name, labels);
    expect(delta('bff_graphql_operations_total', { operation: 'DeferredProduct', outcome: 'partial' })).toBe(1);
    expect(delta('bff_graphql_errors_total', { operation: 'DeferredProduct', code: 'BACKEND_UNAVAILABLE' })).toBe(1);
    expect(exporter.getFinishedSpans().find((s) => s.name === 'query DeferredProduct')!.attributes['graphql.error.count']).toBe(1);
  });
});

describe('@defer over SSE (graphql-sse client)', () => {
  it('the same parts, as server-sent events', async () => {
    await stack.backend.inventory.setFaults({ latencyMs: SLOW_MS });
    const client = createClient({ url: `${stack.http!.url}/graphql`, singleConnection: false, retryAttempts: 0 });
    const arrivals: Arrival[] = [];
    let busy: Promise<number> | undefined;
    const started = performance.now();
    try {
      for await (const value of client.iterate({ query: DEFERRED })) {
        arrivals.push({ at: performance.now() - started, value });
        busy ??= partsWhileInventoryBusy(arrivals);
      }
    } finally {
      client.dispose();
    }
    expect(arrivals.map((a) => a.value)).toEqual([
      { data: { product: expect.objectContaining({ id: '42' }) }, hasNext: true },
      { incremental: [{ data: { stock: expect.any(Object) }, path: ['product'], label: 'stock' }], hasNext: false },
    ]);
    expect(await busy).toBe(1);
  });
});

describe('@stream (meros reading the multipart answer)', () => {
  it('the first items come at once, the rest in parts of their own', async () => {
    const response = await fetch(`${stack.http!.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'multipart/mixed' },
      body: JSON.stringify({ query: '{ products(first: 3) { nodes @stream(initialCount: 1) { id } } }' }),
    });
    expect(response.headers.get('content-type')).toBe('multipart/mixed; boundary="-"');
    const parts = await meros<{ data?: any; incremental?: any[]; hasNext: boolean }>(response);
    if (!(Symbol.asyncIterator in parts)) throw new Error('not a multipart answer');
    const bodies: unknown[] = [];
    for await (const part of parts) bodies.push(part.body);
    expect(bodies[0]).toEqual({ data: { products: { nodes: [{ id: expect.any(String) }] } }, hasNext: true });
    const streamed = bodies
      .slice(1)
      .flatMap((b: any) => b.incremental ?? [])
      .flatMap((i: any) => i.items);
    expect(streamed).toHaveLength(2);
    expect((bodies.at(-1) as { hasNext: boolean }).hasNext).toBe(false);
  });
});

describe('the edge sees deferred parts', () => {
  const post = async (query: string) => {
    const response = await fetch(`${stack.http!.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'multipart/mixed, application/graphql-response+json' },
      body: JSON.stringify({ query }),
    });
    return { status: response.status, text: await response.text() };
  };

  it('the cost check counts what is deferred', async () => {
    const refused = await post('{ products(first: 100) { nodes { name ... @defer { reviews(first: 100) { author { name } } } } } }');
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.text).errors[0].extensions.code).toBe('COST_ESTIMATED_TOO_EXPENSIVE');
  });

  it('the depth limit counts what is deferred', async () => {
    const bomb =
      '{ product(id: "1") { name ... @defer { reviews { author { reviews { author { reviews { author { reviews { author { reviews { author { name } } } } } } } } } } } } }';
    const refused = await post(bomb);
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.text).errors[0].extensions.code).toBe('MAX_DEPTH_LIMIT');
    expect(await stack.calls()).toMatchObject({ catalog: 0, reviews: 0, users: 0 });
  });

  it('@stream on a field that is not a list is refused by validation', async () => {
    const refused = await post('{ product(id: "1") @stream { name } }');
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.text).errors[0].message).toMatch(/list/i);
  });

  it('two deferred parts with the same label are refused by validation, before any backend call', async () => {
    const refused = await post('{ product(id: "1") { ... @defer(label: "a") { name } ... @defer(label: "a") { id } } }');
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.text).errors[0].message).toMatch(/label/i);
    expect(await stack.calls()).toMatchObject({ catalog: 0 });
  });
});
