import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/**
 * The Redis connection of the writes (the delivery queue and the checkout records). A command
 * fails after one reconnect attempt instead of waiting for Redis indefinitely: a checkout then
 * answers TEMPORARILY_UNAVAILABLE rather than hanging. Outages are logged once, and the return.
 */
export function connectRedis(url: string, logger: Logger): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 2000 });
  let healthy = true;
  redis.on('error', (error: Error) => {
    if (!healthy) return;
    healthy = false;
    logger.warn({ err: error }, 'writes: Redis unreachable; checkouts answer TEMPORARILY_UNAVAILABLE until it is back');
  });
  redis.on('ready', () => {
    if (healthy) return;
    healthy = true;
    logger.info('writes: Redis is back');
  });
  return redis;
}
