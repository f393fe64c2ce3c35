import { describe, expect, it } from 'vitest';
import { HttpCache, type LocalEntry, type SharedEntry } from '../../../src/backends/cache/http-cache.js';
import { MemoryStore } from '../../../src/backends/cache/memory-store.js';
import type { CacheStore } from '../../../src/backends/cache/store.js';
import type { Answer } from '../../../src/backends/pipeline.js';
import { httpCache } from '../../../src/backends/steps/http-cache.js';
import { makeCall, recordingNext } from './helpers.js';

const fresh = (value: unknown): Answer => ({
  value,
  cached: false,
  status: 200,
  headers: { 'cache-control': 'public, max-age=60', date: new Date().toUTCString() },
  text: JSON.stringify(value),
});
const local = () => new MemoryStore<LocalEntry>({ maxEntries: 100, maxBytes: 1e6, sizeOf: (e) => e.size });

/** A shared store kept in a Map, answering asynchronously as Redis would. */
class MapStore implements CacheStore<SharedEntry> {
  readonly map = new Map<string, SharedEntry>();
  async get(key: string) {
    return this.map.get(key);
  }
  async set(key: string, value: SharedEntry) {
    this.map.set(key, value);
  }
  async delete(key: string) {
    this.map.delete(key);
  }
}

describe('httpCache step', () => {
  it('answers a stored fresh entry without going down the line', async () => {
    const { calls, next } = recordingNext(() => fresh({ n: 1 }));
    const step = httpCache(new HttpCache({ service: 'catalog', origin: 'http://catalog', local: local(), freeze: false }))(next);
    const call = makeCall({ path: '/products', query: { ids: ['1'] } });
    const first = await step(call);
    const second = await step(call);
    expect(first).toMatchObject({ cached: false });
    expect(second).toEqual({ value: { n: 1 }, cached: true, status: 200, freshForSeconds: expect.any(Number), reusableUntil: expect.any(Number) });
    expect(calls).toHaveLength(1);
    // Both the stored answer and its hits say until when the same value would be given again: its max-age.
    const inAMinute = Date.now() + 60_000;
    for (const answer of [first, second]) expect(answer.reusableUntil! - inAMinute).toBeGreaterThan(-2000);
    expect(second.reusableUntil! - inAMinute).toBeLessThanOrEqual(0);
  });

  it('writes go by, and are not stored', async () => {
    const { calls, next } = recordingNext(() => fresh({ id: 'o1' }));
    const step = httpCache(new HttpCache({ service: 'orders', origin: 'http://orders', local: local(), freeze: false }))(next);
    const write = makeCall({ method: 'POST', path: '/orders', body: {} });
    await step(write);
    await step(write);
    expect(calls).toHaveLength(2);
  });

  it('with a shared store: what another instance stored is checked once here, then served from memory', async () => {
    const shared = new MapStore();
    const writer = httpCache(new HttpCache({ service: 'catalog', origin: 'http://catalog', local: local(), shared, freeze: false }))(
      recordingNext(() => fresh({ n: 7 })).next,
    );
    const call = makeCall({ path: '/products', query: { limit: 20 } });
    await writer(call);
    await new Promise((resolve) => setImmediate(resolve)); // the shared write is not awaited by the call
    expect([...shared.map.keys()]).toEqual(['http://catalog/products?limit=20']);

    const { calls, next } = recordingNext(() => fresh({ n: 0 }));
    let checks = 0;
    const reader = httpCache(new HttpCache({ service: 'catalog', origin: 'http://catalog', local: local(), shared, freeze: true }))(next);
    const counted = { ...call, check: (body: unknown) => (checks++, body) };
    const hits = [await reader(counted), await reader(counted)];
    for (const hit of hits)
      expect(hit).toEqual({ value: { n: 7 }, cached: true, status: 200, freshForSeconds: expect.any(Number), reusableUntil: expect.any(Number) });
    // Fresh for a minute, but kept in this instance's memory only 5 s (localTtlMs), so other
    // instances' refreshes are seen: what the memory answers is reusable only that long.
    expect(hits[1]!.freshForSeconds).toBeGreaterThan(50);
    expect(hits[1]!.reusableUntil! - Date.now()).toBeLessThanOrEqual(5000);
    expect(calls).toHaveLength(0);
    expect(checks).toBe(1);
  });

  it('never shares an answer to a request with credentials, even a public one', async () => {
    const shared = new MapStore();
    const step = httpCache(new HttpCache({ service: 'users', origin: 'http://users', local: local(), shared, freeze: false }))(
      recordingNext(() => fresh({ id: '1' })).next,
    );
    await step(makeCall({ path: '/users', query: { ids: ['1'] }, headers: { authorization: 'Bearer t' } }));
    await new Promise((resolve) => setImmediate(resolve));
    expect(shared.map.size).toBe(0);
  });
});

describe('MemoryStore', () => {
  it('is bounded: past its entries or bytes, the least recently used go', () => {
    const store = new MemoryStore<{ size: number }>({ maxEntries: 2, maxBytes: 100, sizeOf: (v) => v.size });
    store.set('a', { size: 10 }, 60_000);
    store.set('b', { size: 10 }, 60_000);
    store.get('a');
    store.set('c', { size: 10 }, 60_000);
    expect([store.get('a'), store.get('b'), store.get('c')].map(Boolean)).toEqual([true, false, true]);
    store.set('big', { size: 95 }, 60_000);
    expect(store.size).toBe(1);
  });
});
