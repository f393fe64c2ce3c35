import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTracing, type Tracing } from '../../src/observability/tracing.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { placeOrder, productsInStock } from '../writes/helpers.js';

/**
 * The checkout's backend calls are made with a scope of their own (they must outlive a client
 * that hangs up), built by the same createRequestScope as the reads': so they belong to the
 * mutation's trace, like every read, instead of starting traces of their own.
 */
const exporter = new InMemorySpanExporter();
let tracing: Tracing | undefined;
let stack: Stack;
beforeAll(async () => {
  tracing = await startTracing({ serviceName: 'checkout-trace-test', exporter });
  stack = await startStack({ env: { TRACE_RESOLVER_MS: '-1' } });
});
afterAll(async () => {
  await stack.close();
  await tracing?.shutdown();
});

describe('placeOrder and the request\u2019s trace', () => {
  it('the order and the reservation are calls of the mutation\u2019s trace, and the backends receive that trace', async () => {
    const [productId] = await productsInStock(stack, 1);
    await stack.reset();
    exporter.reset();
    const { body } = await placeOrder(stack, '42', [{ productId: productId!, quantity: 1 }], 'trace-1');
    expect(body.data.placeOrder.error).toBeNull();

    const spans = exporter.getFinishedSpans();
    const mutation = spans.filter((s) => s.name === 'mutation PlaceOrder');
    expect(mutation).toHaveLength(1);
    const traceId = mutation[0]!.spanContext().traceId;
    const calls = spans.filter((s) => s.attributes['bff.backend.service'] !== undefined);
    const writes = calls.filter((s) => s.name === 'orders POST /orders' || s.name === 'inventory POST /reservations');
    expect(writes.map((s) => s.name).sort()).toEqual(['inventory POST /reservations', 'orders POST /orders']);
    for (const span of writes) {
      expect(span.spanContext().traceId, span.name).toBe(traceId);
      expect(span.parentSpanContext?.spanId, span.name).toBe(mutation[0]!.spanContext().spanId);
    }
    // What the backends saw: the mutation's trace id, and no other.
    for (const service of ['orders', 'inventory'] as const) {
      const { traces } = (await stack.backend[service].stats()) as unknown as { traces: Record<string, number> };
      expect(Object.keys(traces), service).toEqual([traceId]);
    }
  });
});
