import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SERVICE_NAMES, type ServiceName } from '../../src/config.js';
import { routeTemplate } from '../../src/observability/backend-observer.js';
import { BoundedLabel } from '../../src/observability/metrics.js';
import { activeTracer } from '../../src/observability/tracing.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { parseExposition, type Exposition } from './prometheus.js';

/**
 * /metrics read as Prometheus would, its counters checked against what the real mocks counted
 * (their /__stats). Tracing is off in this file, as in a BFF without an OTLP endpoint.
 */
const PRODUCT_PAGE = 'query ProductPage { products(first: 3) { nodes { id name stock { available } reviews(first: 2) { rating author { name } } } } }';
const token = { authorization: 'Bearer token-3' };

async function scrape(stack: Stack): Promise<Exposition> {
  const response = await stack.bff.yoga.fetch('http://bff.test/metrics');
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseExposition(await response.text());
}

/** What changed between two scrapes, for the samples named `name` matching `match`. */
const delta = (before: Exposition, after: Exposition, name: string, match?: Record<string, string>) => after.sum(name, match) - before.sum(name, match);

describe('/metrics against what the backends saw', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { INVENTORY_TIMEOUT_MS: '300', BACKEND_BREAKER_THRESHOLD: '1000' } });
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.reset());

  it('counts every request each backend received, by route template and outcome code', async () => {
    const before = await scrape(stack);
    for (let i = 0; i < 3; i++) expect((await stack.query(PRODUCT_PAGE)).body.errors).toBeUndefined();
    await stack.backend.inventory.setFaults({ errorRate: 1, errorStatus: 503 });
    for (let i = 0; i < 2; i++) expect((await stack.query(PRODUCT_PAGE)).body.errors).toHaveLength(3);
    await stack.backend.inventory.clearFaults();
    await stack.query('query Mine { viewer { name orders { id } } }', { headers: token });
    await stack.query('query OneOrder { order(id: "98765") { id } }', { headers: token });
    const after = await scrape(stack);

    const seen = await stack.calls();
    for (const service of SERVICE_NAMES) {
      expect(delta(before, after, 'bff_backend_requests_total', { service }), service).toBe(seen[service]);
    }
    // 5 stock calls; the 2 failing ones tried 3 times each (2 retries), all answered 503.
    expect(delta(before, after, 'bff_backend_requests_total', { service: 'inventory', route: 'GET /stock', code: '200' })).toBe(3);
    expect(delta(before, after, 'bff_backend_requests_total', { service: 'inventory', route: 'GET /stock', code: '503' })).toBe(6);
    expect(delta(before, after, 'bff_backend_retries_total', { service: 'inventory' })).toBe(4);
    expect(delta(before, after, 'bff_backend_calls_total', { service: 'inventory', outcome: 'BACKEND_UNAVAILABLE' })).toBe(2);
    expect(delta(before, after, 'bff_backend_calls_total', { service: 'inventory', outcome: 'ok' })).toBe(3);
    expect(delta(before, after, 'bff_backend_request_duration_seconds_count', { service: 'inventory' })).toBe(9);
    expect(delta(before, after, 'bff_backend_call_duration_seconds_count', { service: 'inventory' })).toBe(5);

    // Routes are templates: the order's id is not a label value.
    expect(delta(before, after, 'bff_backend_requests_total', { service: 'orders', route: 'GET /orders/:id' })).toBe(1);
    const routes = new Set(after.samples.map((s) => s.labels.route).filter((r) => r !== undefined));
    for (const route of routes) expect(route).toMatch(/^(GET|POST|PUT|DELETE)( |\/[a-z]+|\/:id)+$/);

    // Operations, their outcomes and their errors' codes.
    expect(delta(before, after, 'bff_graphql_operations_total', { operation: 'ProductPage', type: 'query', outcome: 'ok' })).toBe(3);
    expect(delta(before, after, 'bff_graphql_operations_total', { operation: 'ProductPage', type: 'query', outcome: 'partial' })).toBe(2);
    expect(delta(before, after, 'bff_graphql_errors_total', { operation: 'ProductPage', code: 'BACKEND_UNAVAILABLE' })).toBe(6);
    expect(delta(before, after, 'bff_graphql_operation_duration_seconds_count', { operation: 'Mine' })).toBe(1);
    expect(delta(before, after, 'bff_http_requests_total', { status: '200' })).toBe(7);

    // DataLoader: one stock batch of 3 ids per product page.
    expect(delta(before, after, 'bff_dataloader_batch_size_count', { loader: 'stock' })).toBe(5);
    expect(delta(before, after, 'bff_dataloader_batch_size_sum', { loader: 'stock' })).toBe(15);
    expect(delta(before, after, 'bff_dataloader_batch_size_bucket', { loader: 'stock', le: '2' })).toBe(0);
    expect(delta(before, after, 'bff_dataloader_batch_size_bucket', { loader: 'stock', le: '5' })).toBe(5);
  });

  it('counts a deduped call as a call, not as a request: requests still equal what the backend saw', async () => {
    await stack.backend.catalog.setFaults({ latencyMs: 80 });
    const before = await scrape(stack);
    const answers = await Promise.all(Array.from({ length: 10 }, () => stack.query('{ products(first: 5) { nodes { id } } }')));
    expect(answers.every(({ body }) => body.data.products.nodes.length === 5)).toBe(true);
    const after = await scrape(stack);
    const catalog = { service: 'catalog', route: 'GET /products' };
    expect(delta(before, after, 'bff_backend_requests_total', catalog)).toBe(await stack.backend.catalog.calls());
    const network = delta(before, after, 'bff_backend_calls_total', { ...catalog, source: 'network' });
    const deduped = delta(before, after, 'bff_backend_calls_total', { ...catalog, source: 'deduped' });
    expect(network).toBe(await stack.backend.catalog.calls());
    expect(deduped).toBeGreaterThan(0);
    expect(network + deduped).toBe(10);
  });

  it('is Prometheus text with process memory, event-loop lag and the transports’ gauges', async () => {
    const metrics = await scrape(stack);
    for (const name of ['process_resident_memory_bytes', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_eventloop_lag_p99_seconds']) {
      expect(metrics.find(name), name).not.toEqual([]);
    }
    expect(metrics.types.get('bff_backend_requests_total')).toBe('counter');
    expect(metrics.types.get('bff_backend_request_duration_seconds')).toBe('histogram');
    expect(metrics.types.get('bff_backend_requests_in_flight')).toBe('gauge');
    for (const service of SERVICE_NAMES) {
      expect(metrics.sum('bff_backend_requests_in_flight', { service }), service).toBe(0);
      expect(metrics.sum('bff_backend_bulkhead_queued', { service }), service).toBe(0);
      expect(
        metrics
          .find('bff_backend_circuit_state', { service })
          .filter((s) => s.value === 1)
          .map((s) => s.labels.state),
        service,
      ).toEqual(['closed']);
    }
    // Buckets for ms-scale calls: 1 ms to 5 s.
    const les = metrics.find('bff_backend_request_duration_seconds_bucket', { service: 'catalog', route: 'GET /products' }).map((s) => s.labels.le);
    expect(les).toEqual(['0.001', '0.0025', '0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '+Inf']);
  });

  it('answers only GET (and HEAD) at /metrics, and is not rate limited as a client', async () => {
    expect((await stack.bff.yoga.fetch('http://bff.test/metrics', { method: 'POST' })).status).toBe(405);
    expect((await stack.bff.yoga.fetch('http://bff.test/metrics', { method: 'HEAD' })).status).toBe(200);
  });

  it('with tracing off, no span is made and no traceparent reaches a backend', async () => {
    expect(activeTracer()).toBeUndefined();
    await stack.query('{ product(id: "5") { name stock { available } } }');
    for (const service of ['catalog', 'inventory'] as ServiceName[]) {
      const stats = (await stack.backend[service].stats()) as unknown as { traces: object; lastHeaders: Record<string, string> };
      expect(stats.traces, service).toEqual({});
      expect(stats.lastHeaders.traceparent, service).toBeUndefined();
    }
  });
});

describe('breaker and cache metrics', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { INVENTORY_BREAKER_THRESHOLD: '2', INVENTORY_RETRIES: '0', BACKEND_BREAKER_HALF_OPEN_MS: '60000', CATALOG_CACHE: 'on' } });
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.reset());

  it('shows the circuit opening, and calls failing fast without a request', async () => {
    await stack.backend.inventory.setFaults({ errorRate: 1, errorStatus: 503 });
    for (let i = 0; i < 3; i++) await stack.query('{ product(id: "8") { stock { available } } }');
    const metrics = await scrape(stack);
    expect(
      metrics
        .find('bff_backend_circuit_state', { service: 'inventory' })
        .filter((s) => s.value === 1)
        .map((s) => s.labels.state),
    ).toEqual(['open']);
    expect(metrics.sum('bff_backend_circuit_transitions_total', { service: 'inventory', state: 'open' })).toBe(1);
    expect(metrics.sum('bff_backend_calls_total', { service: 'inventory', outcome: 'BACKEND_CIRCUIT_OPEN' })).toBe(1);
    expect(metrics.sum('bff_backend_requests_total', { service: 'inventory' })).toBe(await stack.backend.inventory.calls());
    expect(await stack.backend.inventory.calls()).toBe(2);
  });

  it('counts an HTTP cache hit as a cached call, not as a request', async () => {
    const before = await scrape(stack);
    for (let i = 0; i < 3; i++) await stack.query('{ product(id: "12") { name } }');
    const after = await scrape(stack);
    const catalog = { service: 'catalog', route: 'GET /products' };
    expect(await stack.backend.catalog.calls()).toBe(1);
    expect(delta(before, after, 'bff_backend_requests_total', catalog)).toBe(1);
    expect(delta(before, after, 'bff_backend_calls_total', { ...catalog, source: 'cached' })).toBe(2);
  });
});

describe('METRICS=off', () => {
  it('serves no /metrics', async () => {
    const stack = await startStack({ env: { METRICS: 'off' } });
    try {
      expect((await stack.bff.yoga.fetch('http://bff.test/metrics')).status).toBe(404);
      expect((await stack.query('{ product(id: "1") { name } }')).body.data.product.name).toEqual(expect.any(String));
    } finally {
      await stack.close();
    }
  });
});

describe('bounded labels', () => {
  it('route templates never carry ids', () => {
    expect(routeTemplate('/products')).toBe('/products');
    expect(routeTemplate('/orders/42')).toBe('/orders/:id');
    expect(routeTemplate('/orders/42/cancel')).toBe('/orders/:id/cancel');
    expect(routeTemplate('/reservations/abc%2F1')).toBe('/reservations/:id');
    expect(routeTemplate('/')).toBe('/');
  });

  it('operation names beyond the cap become "other"; none is "anonymous"', () => {
    const names = new BoundedLabel(3, 10);
    expect(['A', 'B', 'C', 'D', 'A'].map((n) => names.of(n))).toEqual(['A', 'B', 'C', 'other', 'A']);
    expect(names.of(undefined)).toBe('anonymous');
    expect(new BoundedLabel(3, 10).of('ALongerNameThanTen')).toBe('other');
  });
});
