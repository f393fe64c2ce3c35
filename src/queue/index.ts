import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { DeliveryConfig } from '../config.js';
import { BullDeliveryQueue } from './bullmq-queue.js';
import { MemoryDeliveryQueue } from './memory-queue.js';
import type { DeliveryHandlers, DeliveryQueue, DeliveryStats } from './types.js';

export { PermanentDeliveryError } from './types.js';
export type { DeadLetter, Delivery, DeliveryAttempt, DeliveryHandler, DeliveryHandlers, DeliveryQueue, DeliveryStats } from './types.js';

export interface DeliveryQueueOptions {
  config: DeliveryConfig;
  handlers: DeliveryHandlers;
  logger: Logger;
  /** Set when `config.redisUrl` is: the durable queue then uses it. */
  redis?: Redis;
  /** How long a graceful close of the in-process queue may spend on last attempts. */
  drainMs: number;
}

/** The queue of this process, for deliveryStats(). */
let current: DeliveryQueue | undefined;

/**
 * The queue `config.queue` chose at start (src/config.ts refuses production without a durable
 * one unless `DELIVERY_QUEUE=memory` says so): BullMQ on Redis, or the in-process queue, which
 * says at start, once, that it is not durable: a restart loses what it holds.
 */
export function createDeliveryQueue({ config, handlers, logger, redis, drainMs }: DeliveryQueueOptions): DeliveryQueue {
  const log = logger.child({ component: 'delivery' });
  const common = {
    handlers,
    logger: log,
    attempts: config.attempts,
    backoffMs: config.backoffMs,
    backoffMaxMs: config.backoffMaxMs,
    concurrency: config.concurrency,
    attemptTimeoutMs: config.attemptTimeoutMs,
  };
  let queue: DeliveryQueue;
  if (redis) {
    queue = new BullDeliveryQueue({ ...common, redis, prefix: config.prefix, lockMs: config.lockMs, keepDoneS: config.idempotencyTtlS });
    log.info({ prefix: config.prefix }, 'delivery queue: BullMQ on Redis (durable, shared by every instance)');
  } else {
    queue = new MemoryDeliveryQueue({ ...common, keepDoneMs: config.idempotencyTtlS * 1000, drainMs });
    log.warn(
      { queue: config.queue },
      'delivery queue: in-process, NOT durable: order confirmations, audit events and compensations still queued when this process stops are lost. Set REDIS_URL (DELIVERY_QUEUE=redis) for the durable queue.',
    );
  }
  current = queue;
  const close = queue.close.bind(queue);
  queue.close = async (force) => {
    if (current === queue) current = undefined;
    await close(force);
  };
  return queue;
}

/**
 * Counts of this process's delivery queue (queued, active, dead-lettered now; delivered,
 * retried, dead-lettered, replayed, dropped in total), for metrics; undefined when no queue
 * runs. With Redis the counts are the whole deployment's, since every instance shares the queue.
 */
export function deliveryStats(): Promise<DeliveryStats | undefined> {
  return current ? current.stats() : Promise.resolve(undefined);
}
