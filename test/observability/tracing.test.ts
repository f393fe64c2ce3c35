import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMockBackends, type MockBackends } from '../../mocks/index.js';
import { SERVICE_NAMES, loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/observability/logger.js';
import { startTracing, type Tracing } from '../../src/observability/tracing.js';
import { createServer, type BffServer } from '../../src/server/server.js';
import { MockControl } from '../helpers/mock-control.js';
import { EDGE_RELAXED, startStack, type Stack } from '../helpers/stack.js';

/**
 * Tracing in-process, with the SDK's in-memory exporter instead of OTLP: the spans the BFF
 * makes, and the `traceparent` the real mocks receive (their /__stats count trace ids).
 */
const PRODUCT_PAGE = 'query ProductPage { products(first: 3) { nodes { id name stock { available } reviews(first: 2) { rating author { name } } } } }';

type Traces = Record<string, number>;
const tracesOf = async (control: MockControl) => ((await control.stats()) as unknown as { traces: Traces }).traces;

const exporter = new InMemorySpanExporter();
let tracing: Tracing | undefined;
beforeAll(async () => {
  tracing = await startTracing({ serviceName: 'storefront-bff-test', exporter });
});
afterAll(() => tracing?.shutdown());

const spans = () => exporter.getFinishedSpans();
const childrenOf = (parent: ReadableSpan) => spans().filter((s) => s.parentSpanContext?.spanId === parent.spanContext().spanId);
/** The call spans (one per backend call a resolver made). */
const isCall = (s: ReadableSpan) => s.attributes['bff.backend.service'] !== undefined;
const operation = (name: string) => {
  const found = spans().filter((s) => s.name === name);
  expect(found, `one "${name}" span`).toHaveLength(1);
  return found[0]!;
};

describe('traces across the fan-out', () => {
  let stack: Stack;
  beforeAll(async () => {
    // No resolver spans here: the tree is operation → backend calls → attempts.
    stack = await startStack({ env: { TRACE_RESOLVER_MS: '-1', BACKEND_BREAKER_THRESHOLD: '1000' } });
  });
  afterAll(() => stack.close());
  beforeEach(async () => {
    await stack.reset();
    exporter.reset();
  });

  it('a batched, partially failing query: operation → four backend calls, the failed one an error with its attempts', async () => {
    await stack.backend.inventory.setFaults({ errorRate: 1, errorStatus: 503 });
    const { body } = await stack.query(PRODUCT_PAGE);
    expect(body.data.products.nodes.map((n: any) => n.stock)).toEqual([null, null, null]);

    const op = operation('query ProductPage');
    expect(op.kind).toBe(SpanKind.SERVER);
    expect(op.parentSpanContext).toBeUndefined();
    expect(op.attributes).toMatchObject({
      'graphql.operation.type': 'query',
      'graphql.operation.name': 'ProductPage',
      'graphql.document.hash': createHash('sha256').update(PRODUCT_PAGE).digest('hex'),
      'graphql.error.count': 3,
    });
    // Partial data is the design working: the operation itself is not failed.
    expect(op.status.code).not.toBe(SpanStatusCode.ERROR);

    const calls = childrenOf(op).filter(isCall);
    expect(childrenOf(op)).toHaveLength(calls.length);
    expect(calls.map((s) => s.name).sort()).toEqual(['catalog GET /products', 'inventory GET /stock', 'reviews GET /reviews', 'users GET /users']);
    const byService: Record<string, ReadableSpan> = Object.fromEntries(calls.map((s) => [String(s.attributes['bff.backend.service']), s]));

    // Batched: one call per backend carried every id of its level.
    expect(byService.inventory!.attributes['bff.backend.ids']).toBe(3);
    expect(byService.reviews!.attributes['bff.backend.ids']).toBe(3);
    for (const service of ['catalog', 'reviews', 'users']) {
      const span = byService[service]!;
      expect(span.status.code, service).not.toBe(SpanStatusCode.ERROR);
      expect(span.attributes).toMatchObject({ 'bff.backend.source': 'network', 'bff.backend.attempts': 1, 'bff.backend.outcome': 'ok' });
      const [attempt, ...more] = childrenOf(span);
      expect(more).toEqual([]);
      expect(attempt!.kind).toBe(SpanKind.CLIENT);
      expect(attempt!.attributes).toMatchObject({ 'http.request.method': 'GET', 'peer.service': service, 'http.response.status_code': 200 });
    }

    // The failed call: an error, with the code the client saw, and one CLIENT span per attempt.
    const failed = byService.inventory!;
    expect(failed.status.code).toBe(SpanStatusCode.ERROR);
    expect(failed.attributes).toMatchObject({ 'bff.backend.outcome': 'BACKEND_UNAVAILABLE', 'error.type': 'BACKEND_UNAVAILABLE', 'bff.backend.attempts': 3 });
    expect(failed.events.filter((e) => e.name === 'retry')).toHaveLength(2);
    const attempts = childrenOf(failed).sort(
      (a, b) => Number(a.attributes['http.request.resend_count'] ?? 0) - Number(b.attributes['http.request.resend_count'] ?? 0),
    );
    expect(attempts.map((a) => [a.name, a.attributes['http.request.resend_count'], a.attributes['http.response.status_code'], a.status.code])).toEqual([
      ['GET /stock', undefined, 503, SpanStatusCode.ERROR],
      ['GET /stock', 1, 503, SpanStatusCode.ERROR],
      ['GET /stock', 2, 503, SpanStatusCode.ERROR],
    ]);
    expect(new Set(spans().map((s) => s.spanContext().traceId))).toEqual(new Set([op.spanContext().traceId]));
  });

  it('every backend received the same trace id, each request naming its attempt span as parent', async () => {
    await stack.query(PRODUCT_PAGE);
    const traceId = operation('query ProductPage').spanContext().traceId;
    const called = ['catalog', 'inventory', 'reviews', 'users'] as const;
    for (const service of called) {
      expect(await tracesOf(stack.backend[service]), service).toEqual({ [traceId]: 1 });
      const attempt = spans().find((s) => s.kind === SpanKind.CLIENT && s.attributes['peer.service'] === service)!;
      expect((await stack.backend[service].stats()).lastHeaders.traceparent).toBe(`00-${traceId}-${attempt.spanContext().spanId}-01`);
    }
    for (const service of SERVICE_NAMES.filter((s) => !(called as readonly string[]).includes(s)))
      expect(await tracesOf(stack.backend[service]), service).toEqual({});
  });

  it("joins the caller's trace when it sends a W3C traceparent (and never forwards its baggage)", async () => {
    const callerTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    await stack.query('{ product(id: "7") { name } }', { headers: { traceparent: `00-${callerTrace}-00f067aa0ba902b7-01`, baggage: 'user=alice' } });
    const op = operation('query');
    expect(op.spanContext().traceId).toBe(callerTrace);
    expect(op.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(await tracesOf(stack.backend.catalog)).toEqual({ [callerTrace]: 1 });
    expect((await stack.backend.catalog.stats()).lastHeaders.baggage).toBeUndefined();
  });

  it('a deduped call gets its own span in its own trace, marked deduped and linked to the call it joined', async () => {
    await stack.backend.catalog.setFaults({ latencyMs: 100 });
    const query = (name: string) => stack.query(`query ${name} { product(id: "21") { name } }`);
    const [first, second] = await Promise.all([query('First'), query('Second')]);
    expect(first.body.data).toEqual(second.body.data);
    expect(await stack.backend.catalog.calls()).toBe(1);

    const calls = spans().filter(isCall);
    expect(calls).toHaveLength(2);
    const leader = calls.find((s) => s.attributes['bff.backend.source'] === 'network')!;
    const joiner = calls.find((s) => s.attributes['bff.backend.source'] === 'deduped')!;
    expect(childrenOf(leader).map((s) => s.kind)).toEqual([SpanKind.CLIENT]);
    expect(childrenOf(joiner)).toEqual([]);
    expect(joiner.attributes['bff.backend.attempts']).toBe(0);
    expect(joiner.links.map((l) => l.context.spanId)).toEqual([leader.spanContext().spanId]);
    // Each call is a child of its own request's operation, in its own trace.
    const ops = [operation('query First'), operation('query Second')];
    expect(new Set([leader, joiner].map((s) => s.parentSpanContext?.spanId))).toEqual(new Set(ops.map((o) => o.spanContext().spanId)));
    expect(leader.spanContext().traceId).not.toBe(joiner.spanContext().traceId);
  });

  it('marks an operation that produced no data as an error, and a request rejected by validation', async () => {
    const invalid = await stack.query('query Broken { nope }');
    expect(invalid.status).toBe(400);
    const rejected = operation('graphql');
    expect(rejected.status.code).toBe(SpanStatusCode.ERROR);
    expect(rejected.attributes['error.type']).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('resolver spans', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { TRACE_RESOLVER_MS: '0' } });
  });
  afterAll(() => stack.close());
  beforeEach(() => exporter.reset());

  it('TRACE_RESOLVER_MS=0: every call of every resolver with code gets a span, beside the backend calls', async () => {
    await stack.query('query Two { products(first: 2) { nodes { name stock { available } } } }');
    const op = operation('query Two');
    const children = childrenOf(op);
    expect(
      children
        .filter((s) => s.name.startsWith('resolve '))
        .map((s) => s.attributes['graphql.field.path'])
        .sort(),
    ).toEqual(['products', 'products.nodes', 'products.nodes.0.stock', 'products.nodes.1.stock']);
    const stock = children.find((s) => s.attributes['graphql.field.path'] === 'products.nodes.0.stock')!;
    expect(stock.attributes).toMatchObject({ 'graphql.field.name': 'stock', 'graphql.field.type': 'Product' });
    // One batched call for both products' stock: a child of the operation, not of either resolver.
    expect(
      children
        .filter(isCall)
        .map((s) => s.name)
        .sort(),
    ).toEqual(['catalog GET /products', 'inventory GET /stock']);
    // Default property reads have no code of their own: no span for `name`.
    expect(spans().some((s) => s.name === 'resolve Product.name')).toBe(false);
  });
});

describe('resolver spans only when slow (the default threshold, 100 ms)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());
  beforeEach(async () => {
    await stack.reset();
    exporter.reset();
  });

  it('a field whose resolvers waited 150 ms on their backend gets one span for the list, covering the wait; fast ones none', async () => {
    await stack.backend.inventory.setFaults({ latencyMs: 150 });
    await stack.query('query Slow { products(first: 3) { nodes { name stock { available } } } }');
    const resolvers = spans().filter((s) => s.name.startsWith('resolve '));
    expect(resolvers.map((s) => s.name)).toEqual(['resolve Product.stock']);
    const [slow] = resolvers;
    expect(slow!.attributes).toMatchObject({ 'bff.resolver.slow': true, 'bff.resolver.calls': 3, 'graphql.field.path': 'products.nodes.0.stock' });
    expect(slow!.parentSpanContext?.spanId).toBe(operation('query Slow').spanContext().spanId);
    const ms = (slow!.duration[0] * 1e9 + slow!.duration[1]) / 1e6;
    expect(ms).toBeGreaterThanOrEqual(140);
  });

  it('a slow field whose calls failed: its span says how many, and the answer still has each failure (the span only watches the resolver)', async () => {
    await stack.backend.inventory.setFaults({ latencyMs: 150, errorRate: 1, errorStatus: 503 });
    const { body } = await stack.query('query SlowFailing { products(first: 3) { nodes { name stock { available } } } }');
    const answer = body as { data?: { products: { nodes: Array<{ name: string; stock: unknown }> } }; errors?: Array<{ path?: unknown[] }> };
    expect(answer.data?.products.nodes.map((n) => n.stock)).toEqual([null, null, null]);
    expect(answer.errors?.map((e) => e.path)).toEqual([0, 1, 2].map((i) => ['products', 'nodes', i, 'stock']));
    const [slow, ...others] = spans().filter((s) => s.name.startsWith('resolve '));
    expect(others).toEqual([]);
    expect(slow!.name).toBe('resolve Product.stock');
    expect(slow!.attributes['bff.resolver.calls']).toBe(3);
    expect(slow!.status).toEqual({ code: SpanStatusCode.ERROR, message: '3 of 3 calls failed' });
  });
});

describe('logs that correlate', () => {
  let mocks: MockBackends;
  let bff: BffServer;
  const lines: any[] = [];
  beforeAll(async () => {
    mocks = await startMockBackends({ ports: Object.fromEntries(SERVICE_NAMES.map((s) => [s, 0])) });
    const urls = Object.fromEntries(SERVICE_NAMES.map((s) => [`${s.toUpperCase()}_URL`, mocks.urls[s]]));
    const config = loadConfig({
      NODE_ENV: 'production',
      DELIVERY_QUEUE: 'memory',
      CORS_ORIGINS: 'https://shop.example',
      LOG_LEVEL: 'info',
      BACKEND_CACHE: 'off',
      ...EDGE_RELAXED,
      ...urls,
    });
    const stream = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line));
        done();
      },
    });
    bff = createServer({ config, logger: createLogger(config, stream) });
  });
  afterAll(async () => {
    await bff.close(true);
    await mocks.close();
  });

  it('one JSON line per request: request id, trace id, operation, duration, calls per backend; backend failures carry the trace id', async () => {
    exporter.reset();
    await new MockControl(mocks.urls.inventory).setFaults({ errorRate: 1, errorStatus: 500 });
    const response = await bff.yoga.fetch('http://bff.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'req-42' },
      body: JSON.stringify({ query: PRODUCT_PAGE }),
    });
    expect(response.status).toBe(200);
    const traceId = operation('query ProductPage').spanContext().traceId;

    const requests = lines.filter((l) => l.msg === 'request');
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      level: 30,
      reqId: 'req-42',
      trace_id: traceId,
      operation: 'ProductPage',
      status: 200,
      ms: expect.any(Number),
      backends: { catalog: 1, inventory: 1, reviews: 1, users: 1 },
    });
    const failure = lines.find((l) => l.msg === 'backend call failed');
    expect(failure).toMatchObject({
      reqId: 'req-42',
      trace_id: traceId,
      code: 'BACKEND_UNAVAILABLE',
      err: { message: expect.stringContaining('answered 500') },
    });
    const call = spans().find((s) => s.spanContext().spanId === failure.span_id)!;
    expect(call.name).toBe('inventory GET /stock');
  });
});
