import { SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import type { GraphQLResolveInfo } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { endSlowFieldSpans, slowCalls } from '../../src/observability/slow-fields.js';
import { activeTracer, startTracing, type Tracing } from '../../src/observability/tracing.js';

/**
 * The slow-field recorder alone, with fake resolvers and the SDK's in-memory exporter: which
 * calls count as slow, how one field's calls become one span, and that a resolver's own
 * promise (and its rejection) reach the executor untouched.
 */
const exporter = new InMemorySpanExporter();
let tracing: Tracing | undefined;
beforeAll(async () => {
  tracing = await startTracing({ serviceName: 'slow-fields-test', exporter });
});
afterAll(() => tracing?.shutdown());
beforeEach(() => exporter.reset());

const infoAt = (index: number, field = 'stock'): GraphQLResolveInfo =>
  ({
    fieldName: field,
    parentType: { name: 'Product' },
    path: { prev: { prev: { prev: undefined, key: 'products', typename: 'Query' }, key: index, typename: undefined }, key: field, typename: 'Product' },
  }) as unknown as GraphQLResolveInfo;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const waitingResolver =
  (ms: number, fail = false) =>
  async () => {
    await sleep(ms);
    if (fail) throw new Error('backend down');
    return { available: 1 };
  };
/** The slow-field spans of an operation once it ends. */
function endOperation(ctx: object) {
  const operation = activeTracer()!.startSpan('graphql');
  endSlowFieldSpans(ctx, operation);
  operation.end();
  return exporter.getFinishedSpans().filter((s) => s.name.startsWith('resolve '));
}

describe('slow calls of a field, one span per field and operation', () => {
  it("a list's calls made in one run: one span, from their shared start to the last end, with their count and the first call's path", async () => {
    const resolve = slowCalls(waitingResolver(40), 'Product.stock', 30);
    const ctx = {};
    const before = performance.now();
    const results = [0, 1, 2].map((i) => resolve({}, {}, ctx, infoAt(i)) as Promise<unknown>);
    await Promise.all(results);
    const [span, ...others] = endOperation(ctx);
    expect(others).toEqual([]);
    expect(span!.name).toBe('resolve Product.stock');
    expect(span!.attributes).toMatchObject({ 'bff.resolver.calls': 3, 'graphql.field.path': 'products.0.stock', 'bff.resolver.slow': true });
    const ms = (span!.duration[0] * 1e9 + span!.duration[1]) / 1e6;
    expect(ms).toBeGreaterThanOrEqual(38);
    const startMs = span!.startTime[0] * 1e3 + span!.startTime[1] / 1e6;
    expect(startMs).toBeGreaterThanOrEqual(performance.timeOrigin + before - 1);
  });

  it('calls under the threshold are not recorded; the operation gets no span', async () => {
    const resolve = slowCalls(waitingResolver(5), 'Product.stock', 200);
    const ctx = {};
    await Promise.all([0, 1].map((i) => resolve({}, {}, ctx, infoAt(i))));
    expect(endOperation(ctx)).toEqual([]);
  });

  it('a later run of the same field starts its own clock: it joins the span only if it was slow itself', async () => {
    const ctx = {};
    const slow = slowCalls(waitingResolver(40), 'Product.stock', 30);
    await slow({}, {}, ctx, infoAt(0));
    // A new run, after the first settled: 5 ms from its own start, so not slow, though 40 ms after the first run began.
    const fast = slowCalls(waitingResolver(5), 'Product.stock', 30);
    await fast({}, {}, ctx, infoAt(1));
    const [span] = endOperation(ctx);
    expect(span!.attributes['bff.resolver.calls']).toBe(1);
  });

  it('failed calls: the executor still gets each rejection from the resolver itself, and the span counts them', async () => {
    const resolve = slowCalls(waitingResolver(40, true), 'Product.stock', 30);
    const ctx = {};
    const outcomes = await Promise.allSettled([0, 1].map((i) => resolve({}, {}, ctx, infoAt(i)) as Promise<unknown>));
    expect(outcomes.map((o) => o.status === 'rejected' && (o.reason as Error).message)).toEqual(['backend down', 'backend down']);
    const [span] = endOperation(ctx);
    expect(span!.status).toEqual({ code: SpanStatusCode.ERROR, message: '2 of 2 calls failed' });
  });

  it('a value at hand costs nothing unless it was slow; a slow synchronous resolver or a throw is recorded too', () => {
    const ctx = {};
    const instant = slowCalls(() => 'x', 'Product.name', 1);
    expect(instant({}, {}, ctx, infoAt(0, 'name'))).toBe('x');
    const busy = slowCalls(
      () => {
        const until = performance.now() + 5;
        while (performance.now() < until);
        return 'y';
      },
      'Product.label',
      3,
    );
    expect(busy({}, {}, ctx, infoAt(0, 'label'))).toBe('y');
    const throwing = slowCalls(
      () => {
        const until = performance.now() + 5;
        while (performance.now() < until);
        throw new Error('bad');
      },
      'Product.broken',
      3,
    );
    expect(() => throwing({}, {}, ctx, infoAt(0, 'broken'))).toThrow('bad');
    const spans = endOperation(ctx);
    expect(spans.map((s) => s.name).sort()).toEqual(['resolve Product.broken', 'resolve Product.label']);
    expect(spans.find((s) => s.name === 'resolve Product.broken')!.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('the spans are children of the operation, and are made once', async () => {
    const resolve = slowCalls(waitingResolver(40), 'Product.stock', 30);
    const ctx = {};
    await resolve({}, {}, ctx, infoAt(0));
    const operation = activeTracer()!.startSpan('graphql');
    endSlowFieldSpans(ctx, operation);
    endSlowFieldSpans(ctx, operation);
    operation.end();
    const resolvers = exporter.getFinishedSpans().filter((s) => s.name.startsWith('resolve '));
    expect(resolvers).toHaveLength(1);
    expect(resolvers[0]!.parentSpanContext?.spanId).toBe(operation.spanContext().spanId);
  });
});
