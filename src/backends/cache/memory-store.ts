import { LRUCache } from 'lru-cache';
import type { CacheStore } from './store.js';

export interface MemoryStoreOptions<V> {
  /** Most entries kept; the least recently used go first. */
  readonly maxEntries: number;
  /** Most bytes kept, by `sizeOf`; the least recently used go first. */
  readonly maxBytes: number;
  /** An entry's size in bytes (at least 1). */
  readonly sizeOf: (value: V) => number;
}

/** A bounded in-process store (lru-cache: entries by count and size, each with its own TTL). */
// lru-cache's own bound: a value may be anything but null or undefined (it uses undefined for a miss).
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export class MemoryStore<V extends {}> implements CacheStore<V> {
  private readonly lru: LRUCache<string, V>;

  constructor({ maxEntries, maxBytes, sizeOf }: MemoryStoreOptions<V>) {
    this.lru = new LRUCache<string, V>({ max: maxEntries, maxSize: maxBytes, sizeCalculation: (value) => Math.max(1, sizeOf(value)) });
  }

  get(key: string): V | undefined {
    return this.lru.get(key);
  }

  set(key: string, value: V, ttlMs: number): void {
    if (ttlMs > 0) this.lru.set(key, value, { ttl: Math.ceil(ttlMs) });
  }

  delete(key: string): void {
    this.lru.delete(key);
  }

  get size(): number {
    return this.lru.size;
  }
}
