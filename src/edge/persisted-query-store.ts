import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import { connectRedis } from '../redis.js';

/** Where automatic persisted queries keep `sha256 → document`. */
export interface PersistedQueryStore {
  get(hash: string): Promise<string | null>;
  set(hash: string, document: string): Promise<void>;
  close(): Promise<void>;
}

export interface PersistedQueryStoreOptions {
  /** Shared by every instance when set; this instance's memory only when not. */
  redisUrl?: string;
  /** Key prefix in Redis: `<prefix>:apq:<hash>`. @default bff */
  prefix?: string;
  /** Documents kept in memory (in front of Redis, when there is one). @default 10000 */
  maxDocuments?: number;
  /**
   * Bytes of documents kept in memory: documents can be as large as a request body, and
   * `maxDocuments` of them must not add up to gigabytes. @default 16 MiB
   */
  maxBytes?: number;
  /** How long a document stays registered, in memory and in Redis. @default 86400 */
  ttlSeconds?: number;
  /** Longest wait for Redis on a lookup; after it, a miss (the client then sends the document). @default 250 */
  redisTimeoutMs?: number;
  logger: Logger;
}

/**
 * A document is named by its own hash, so a copy can never be stale: every instance keeps the
 * documents it has seen in a bounded LRU, and with Redis the instances share them (a document
 * registered through one is known to all). Redis trouble is never an error for the client: a
 * lookup that fails or is slow is a miss, the client answers it by sending the document, and
 * that request runs as usual.
 */
export function createPersistedQueryStore(options: PersistedQueryStoreOptions): PersistedQueryStore {
  const { redisUrl, prefix = 'bff', maxDocuments = 10_000, maxBytes = 16 * 1024 * 1024, ttlSeconds = 86_400, redisTimeoutMs = 250, logger } = options;
  const local = new LRUCache<string, string>({
    max: maxDocuments,
    maxSize: maxBytes,
    sizeCalculation: (document) => Math.max(1, document.length),
    ttl: ttlSeconds * 1000,
  });
  if (!redisUrl) {
    return {
      get: async (hash) => local.get(hash) ?? null,
      set: async (hash, document) => void local.set(hash, document),
      close: async () => undefined,
    };
  }
  // Commands wait for a connection (briefly: connectRedis gives up after one reconnect), so
  // documents registered right after a start still reach Redis; a lookup waits at most
  // `redisTimeoutMs` for it, and a registration is never awaited by an answer.
  const redis: Redis = connectRedis(redisUrl, logger, { user: 'persisted queries', whileDown: 'documents registered here are known to this instance only' });
  const key = (hash: string) => `${prefix}:apq:${hash}`;
  return {
    async get(hash) {
      const known = local.get(hash);
      if (known !== undefined) return known;
      let timer: NodeJS.Timeout | undefined;
      const slow = new Promise<null>((resolve) => (timer = setTimeout(resolve, redisTimeoutMs, null)));
      try {
        const document = await Promise.race([redis.get(key(hash)), slow]);
        if (document !== null) local.set(hash, document);
        return document;
      } catch {
        // connectRedis has logged the outage; a miss makes the client send the document.
        return null;
      } finally {
        clearTimeout(timer);
      }
    },
    async set(hash, document) {
      local.set(hash, document);
      await redis.set(key(hash), document, 'EX', ttlSeconds).catch((error: unknown) => {
        logger.debug({ err: error }, 'persisted queries: could not store a document in Redis');
      });
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
