import { Redis } from 'ioredis';
import type { Logger } from 'pino';

export interface RedisUse {
  /** Who uses this connection, for the log, e.g. `rate limiting`. */
  readonly user: string;
  /** What the BFF does while Redis is unreachable, for the log. */
  readonly whileDown: string;
  /**
   * Fail a command at once while disconnected instead of queueing it until Redis is back, for
   * callers with a fallback that must not wait. @default false
   */
  readonly failFastOffline?: boolean;
}

/**
 * A Redis connection for one feature. A command fails after one reconnect attempt rather than
 * waiting for Redis indefinitely, so a request never hangs on it; ioredis reports every failed
 * reconnect, so an outage is logged once when it starts and once when it ends.
 */
export function connectRedis(url: string, logger: Logger, use: RedisUse): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 2000, enableOfflineQueue: !use.failFastOffline });
  let healthy = true;
  redis.on('error', (error: Error) => {
    if (!healthy) return;
    healthy = false;
    logger.warn({ err: error }, `${use.user}: Redis unreachable; ${use.whileDown}`);
  });
  redis.on('ready', () => {
    if (healthy) return;
    healthy = true;
    logger.info(`${use.user}: Redis is back`);
  });
  return redis;
}
