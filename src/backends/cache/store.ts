/**
 * Where the HTTP cache keeps entries: get, set with a time to live, delete. Async-capable, so
 * a store shared by every instance (Redis) fits behind it, while the in-memory one answers
 * synchronously (a hit then costs no promise at all).
 */
export interface CacheStore<V> {
  get(key: string): V | undefined | Promise<V | undefined>;
  /** Keeps `value` for at most `ttlMs`; a store may drop it sooner (it is bounded). */
  set(key: string, value: V, ttlMs: number): void | Promise<void>;
  delete(key: string): void | Promise<void>;
}
