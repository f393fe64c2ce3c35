import { describe, expect, it } from 'vitest';
import { HttpCache, type LocalEntry } from '../../../src/backends/cache/http-cache.js';
import { MemoryStore } from '../../../src/backends/cache/memory-store.js';
import type { Answer, Call } from '../../../src/backends/pipeline.js';
import { Coalescer } from '../../../src/backends/resilience/coalescer.js';
import { coalescing } from '../../../src/backends/steps/coalescing.js';
import { freshHits } from '../../../src/backends/steps/fresh-hits.js';
import { answer, makeCall, recordingNext } from './helpers.js';

const cacheable = (value: unknown, maxAge = 60): Answer => ({
  value,
  cached: false,
  status: 200,
  headers: { 'cache-control': `public, max-age=${maxAge}`, date: new Date().toUTCString() },
  text: JSON.stringify(value),
});

function cacheWith(call: Call, stored: Answer): HttpCache {
  const cache = new HttpCache({
    service: 'inventory',
    origin: 'http://inventory',
    local: new MemoryStore<LocalEntry>({ maxEntries: 10, maxBytes: 1e6, sizeOf: (e) => e.size }),
    freeze: false,
  });
  cache.fill(call, cache.policyRequest(call), stored);
  return cache;
}

const stock = (ids: string[]): Call => ({ ...makeCall({ path: '/stock', query: { productIds: ids } }), bulk: { param: 'productIds' } });

describe('freshHits step', () => {
  it('a fresh entry answers with its stored value, and nothing below runs', async () => {
    const call = makeCall({ path: '/stock', query: { productIds: ['1'] } });
    const { calls, next } = recordingNext();
    const got = await freshHits(cacheWith(call, cacheable({ items: [{ productId: '1', available: 3 }] })))(next)(call);
    expect(got).toEqual({
      value: { items: [{ productId: '1', available: 3 }] },
      cached: true,
      status: 200,
      freshForSeconds: expect.any(Number),
      reusableUntil: expect.any(Number),
    });
    expect(calls).toEqual([]);
  });

  it('a stale entry, another URL, another check, or a write goes down the line', async () => {
    const call = makeCall({ path: '/stock', query: { productIds: ['1'] } });
    const { calls, next } = recordingNext();
    await freshHits(cacheWith(call, cacheable({ items: [] }, 0)))(next)(call);
    const cache = cacheWith(call, cacheable({ items: [] }));
    const step = freshHits(cache)(next);
    await step(makeCall({ path: '/stock', query: { productIds: ['2'] } }));
    await step({ ...call, check: (body) => body });
    await step({ ...call, request: { ...call.request, method: 'POST' } });
    expect(calls).toHaveLength(4);
  });
});

describe('coalescing step with the HTTP cache', () => {
  it('a lookup answered fresh as it is goes on alone; the others of its window still merge', async () => {
    const hit = stock(['1', '2']);
    const { calls, next } = recordingNext(() => answer({ items: [] }));
    const step = coalescing(new Coalescer(0, 100), cacheWith(hit, cacheable({ items: [] })))(next);
    await Promise.all([step(hit), step(stock(['2', '3'])), step(stock(['4']))]);
    expect(calls.map((c) => c.request.query!.productIds)).toEqual([
      ['1', '2'],
      ['2', '3', '4'],
      ['2', '3', '4'],
    ]);
  });
});
