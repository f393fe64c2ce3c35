import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTracing, type Tracing } from '../../src/observability/tracing.js';
import { waitFor } from '../helpers/mock-control.js';
import { startStack, type Stack } from '../helpers/stack.js';

/**
 * What wraps the executor must still work when graphql-jit runs the document: resolver spans
 * (use-tracing.ts wraps the schema's resolvers, which jit compiles in) and a client's hang-up
 * (useExecutionCancellation hands the executor a signal jit ignores; the backend calls carry
 * the request's signal themselves).
 */
const exporter = new InMemorySpanExporter();
let tracing: Tracing | undefined;
beforeAll(async () => {
  tracing = await startTracing({ serviceName: 'jit-test', exporter });
});
afterAll(() => tracing?.shutdown());

const QUERY = 'query Two { products(first: 2) { nodes { name stock { available } reviews(first: 2) { author { name } } } } }';

/** The spans of one operation as names and field paths, which must not depend on the executor. */
function shape(spans: ReadableSpan[]) {
  const op = spans.find((s) => s.name === 'query Two')!;
  const children = spans.filter((s) => s.parentSpanContext?.spanId === op.spanContext().spanId);
  return {
    resolvers: children
      .filter((s) => s.name.startsWith('resolve '))
      .map((s) => `${s.name} ${s.attributes['graphql.field.path']}`)
      .sort(),
    calls: children
      .filter((s) => s.attributes['bff.backend.service'] !== undefined)
      .map((s) => s.name)
      .sort(),
  };
}

describe.each(['default', 'jit'])('EXECUTOR=%s', (executor) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ http: true, env: { EXECUTOR: executor, TRACE_RESOLVER_MS: '0', BACKEND_TIMEOUT_MS: '30000' } });
  });
  afterAll(() => stack.close());
  beforeEach(async () => {
    await stack.reset();
    exporter.reset();
  });

  it('every resolver call gets its span, beside the batched backend calls', async () => {
    const { body } = await stack.query(QUERY);
    expect(body.errors).toBeUndefined();
    const { resolvers, calls } = shape(exporter.getFinishedSpans());
    // One span per resolver call, derived from what the answer holds: a review per author call.
    const nodes = body.data.products.nodes as Array<{ reviews: unknown[] }>;
    expect(nodes.flatMap((n) => n.reviews).length).toBeGreaterThan(1);
    expect(resolvers).toEqual(
      [
        'resolve Query.products products',
        'resolve ProductConnection.nodes products.nodes',
        ...nodes.flatMap((node, i) => [
          `resolve Product.stock products.nodes.${i}.stock`,
          `resolve Product.reviews products.nodes.${i}.reviews`,
          ...node.reviews.map((_, j) => `resolve Review.author products.nodes.${i}.reviews.${j}.author`),
        ]),
      ].sort(),
    );
    expect(calls).toEqual(['catalog GET /products', 'inventory GET /stock', 'reviews GET /reviews', 'users GET /users']);
  });

  it('a client that hangs up cancels its backend calls, and no later level is called', async () => {
    await stack.backend.reviews.setFaults({ hang: true });
    const client = new AbortController();
    const pending = fetch(`${stack.http!.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: QUERY }),
      signal: client.signal,
    }).catch((error: Error) => error);
    await waitFor('the reviews call to be in flight', async () => (await stack.backend.reviews.stats()).inFlight === 1);
    client.abort();
    expect(await pending).toBeInstanceOf(Error);
    await waitFor('the reviews call to be aborted', async () => {
      const stats = await stack.backend.reviews.stats();
      return stats.inFlight === 0 && stats.aborted === 1;
    });
    // The authors would have been the next level: nobody asked for them.
    await stack.backend.reviews.clearFaults();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await stack.backend.users.calls()).toBe(0);
  });
});
