import { describe, expect, it } from 'vitest';
import { Coalescer } from '../../../src/backends/resilience/coalescer.js';
import type { Call } from '../../../src/backends/pipeline.js';
import { coalescing } from '../../../src/backends/steps/coalescing.js';
import { answer, makeCall, recordingNext } from './helpers.js';

const bulk = (ids: string[]): Call => ({ ...makeCall({ path: '/stock', query: { productIds: ids, limit: 5 } }), bulk: { param: 'productIds' } });
const itemsFor = (call: Call) => answer({ items: (call.request.query!.productIds as string[]).map((productId) => ({ productId })) });

describe('coalescing step', () => {
  it('bulk lookups asked in the same turn merge into chunks of at most maxBatchSize', async () => {
    const { calls, next } = recordingNext(itemsFor);
    const step = coalescing(new Coalescer(0, 3))(next);
    const [a, b] = await Promise.all([step(bulk(['1', '2'])), step(bulk(['2', '3', '4']))]);
    // Every request gets one call per chunk that holds one of its ids; identical chunk calls are
    // what dedupe (the next step) makes one.
    expect(calls.map((c) => c.request.query!.productIds)).toEqual([['1', '2', '3'], ['1', '2', '3'], ['4']]);
    expect(calls.every((c) => c.bulk === undefined && c.request.query!.limit === 5)).toBe(true);
    expect(a.value).toEqual({ items: [{ productId: '1' }, { productId: '2' }, { productId: '3' }] });
    expect(b.value).toEqual({ items: [{ productId: '1' }, { productId: '2' }, { productId: '3' }, { productId: '4' }] });
  });

  it('lookups of other endpoints, or other query parameters, are not merged', async () => {
    const { calls, next } = recordingNext(itemsFor);
    const step = coalescing(new Coalescer(0, 100))(next);
    const other = { ...bulk(['2']), request: { path: '/stock', query: { productIds: ['2'], limit: 9 } } };
    await Promise.all([step(bulk(['1'])), step(other)]);
    expect(calls.map((c) => c.request.query!.productIds)).toEqual([['1'], ['2']]);
  });

  it('a call that is not a bulk lookup passes through untouched', async () => {
    const { calls, next } = recordingNext();
    const call = makeCall({ path: '/products/1' });
    await coalescing(new Coalescer(0, 100))(next)(call);
    expect(calls).toEqual([call]);
  });
});
