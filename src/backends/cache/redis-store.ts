import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import { connectRedis } from '../../redis.js';
import type { SharedEntry } from './http-cache.js';
import type { CacheStore } from './store.js';

export interface RedisCacheOptions {
  /** Key prefix, e.g. `bff` → `bff:http-cache:<origin><path?query>`; one per deployment. */
  readonly prefix: string;
  /** Longest wait for a read: past it, the call goes to the backend as if nothing was stored. @default 25 */
  readonly readTimeoutMs?: number;
  /** After a failed or slow read, how long Redis is left alone (memory only). @default 5000 */
  readonly pauseMs?: number;
}

const TIMED_OUT = Symbol('timed out');

/**
 * The HTTP cache's store shared by every instance. Redis being down or slow must never cost
 * more than having no shared cache: a read waits at most `readTimeoutMs`, a failed or late one
 * pauses the store for `pauseMs` (reads and writes skipped: this instance's memory only), and
 * writes are never awaited by a call. What it holds is public (answers to credentialed
 * requests are never shared) and checked again by each instance that reads it.
 */
export class RedisCacheStore implements CacheStore<SharedEntry> {
  private readonly readTimeoutMs: number;
  private readonly pauseMs: number;
  private pausedUntil = 0;

  constructor(
    private readonly redis: Redis,
    private readonly options: RedisCacheOptions,
  ) {
    this.readTimeoutMs = options.readTimeoutMs ?? 25;
    this.pauseMs = options.pauseMs ?? 5000;
  }

  async get(key: string): Promise<SharedEntry | undefined> {
    if (!this.usable()) return undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      const read = await Promise.race([
        this.redis.get(this.key(key)),
        new Promise<typeof TIMED_OUT>((resolve) => (timer = setTimeout(resolve, this.readTimeoutMs, TIMED_OUT))),
      ]);
      if (read === TIMED_OUT) return this.pause();
      return read === null ? undefined : parseEntry(read);
    } catch {
      return this.pause();
    } finally {
      clearTimeout(timer);
    }
  }

  async set(key: string, value: SharedEntry, ttlMs: number): Promise<void> {
    if (!this.usable() || ttlMs <= 0) return;
    await this.redis.set(this.key(key), JSON.stringify(value), 'PX', Math.ceil(ttlMs)).catch(() => this.pause());
  }

  async delete(key: string): Promise<void> {
    if (!this.usable()) return;
    await this.redis.del(this.key(key)).catch(() => this.pause());
  }

  /** Whether reads are being skipped after a failure (for tests and logs). */
  paused(): boolean {
    return performance.now() < this.pausedUntil;
  }

  /** Connected (still connecting, or reconnecting after an outage: not yet) and not paused. */
  private usable(): boolean {
    return this.redis.status === 'ready' && !this.paused();
  }

  private pause(): undefined {
    this.pausedUntil = performance.now() + this.pauseMs;
    return undefined;
  }

  private key(key: string): string {
    return `${this.options.prefix}:http-cache:${key}`;
  }
}

/** Another instance wrote it, maybe another version of the BFF: used only if it has the shape of an entry. */
function parseEntry(text: string): SharedEntry | undefined {
  try {
    const entry = JSON.parse(text) as Partial<SharedEntry>;
    if (entry && typeof entry.policy === 'object' && entry.policy !== null && typeof entry.status === 'number' && typeof entry.body === 'string')
      return entry as SharedEntry;
  } catch {
    // not ours
  }
  return undefined;
}

export interface SharedCache {
  readonly store: RedisCacheStore;
  close(): Promise<void>;
}

/**
 * The shared cache's own Redis connection (commands fail fast while it is down), when Redis is
 * configured (`REDIS_URL`) and some backend's cache is on and may be shared.
 */
export function createSharedCache(config: Config, logger: Logger): SharedCache | undefined {
  const redisUrl = config.edge.redisUrl;
  if (!redisUrl || !Object.values(config.backends).some((backend) => backend.cache && backend.cacheShared !== false)) return undefined;
  const redis = connectRedis(redisUrl, logger.child({ component: 'http-cache' }), {
    user: 'HTTP cache',
    whileDown: 'each instance caches in its own memory until it is back',
    failFastOffline: true,
  });
  return {
    // One prefix per deployment sharing a Redis: the writes' (DELIVERY_PREFIX).
    store: new RedisCacheStore(redis, { prefix: config.delivery.prefix }),
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
