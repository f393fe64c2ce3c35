import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { BackendTransports } from '../backends/index.js';
import type { Config } from '../config.js';
import { createDeliveryQueue, type DeliveryQueue } from '../queue/index.js';
import { connectRedis } from '../redis.js';
import { auditLogger, checkoutHandlers } from './follow-up-jobs.js';
import { MemoryLedger, RedisLedger, type CheckoutLedger } from './ledger.js';
import type { PlaceOrderResult } from './outcome.js';
import { Checkout, type CheckoutRequest } from './place-order.js';
import type { PlaceOrderRequest } from './validate.js';

export type { PlaceOrderResult } from './outcome.js';
export type { CheckoutRequest } from './place-order.js';
export type { PlaceOrderRequest } from './validate.js';

/** The write side of the BFF: the mutations, and the delivery queue behind them. */
export interface Writes {
  readonly queue: DeliveryQueue;
  readonly ledger: CheckoutLedger;
  /** The Redis connection of the records and the durable queue, when there is one: the instance is not ready without it (src/server/readiness.ts). */
  readonly redis: Redis | undefined;
  placeOrder(request: CheckoutRequest, input: PlaceOrderRequest): Promise<PlaceOrderResult>;
  /** Closes the queue (see DeliveryQueue.close), then Redis. Call before the backend pools close: deliveries in progress need them. */
  close(force?: boolean): Promise<void>;
}

/**
 * Wires the writes once per server: with `REDIS_URL`, one Redis connection for the checkout
 * records and the durable queue (plus the worker's own); without, both in memory. The queue's
 * worker starts here, so every instance delivers what any instance queued.
 */
export function createWrites(config: Config, transports: BackendTransports, logger: Logger): Writes {
  const { delivery } = config;
  const redis = delivery.redisUrl
    ? connectRedis(delivery.redisUrl, logger.child({ component: 'writes' }), {
        user: 'writes',
        whileDown: 'checkouts answer TEMPORARILY_UNAVAILABLE until it is back',
      })
    : undefined;
  const queue = createDeliveryQueue({
    config: delivery,
    handlers: checkoutHandlers(transports, auditLogger(logger)),
    logger,
    redis,
    drainMs: config.shutdownGraceMs,
  });
  const ledger: CheckoutLedger = redis ? new RedisLedger(redis, delivery.prefix) : new MemoryLedger();
  const checkout = new Checkout({ config, queue, ledger, logger });
  let closing: Promise<void> | undefined;
  return {
    queue,
    ledger,
    redis,
    placeOrder: (request, input) => checkout.place(request, input),
    close: (force = false) =>
      (closing ??= (async () => {
        await queue.close(force);
        await redis?.quit().catch(() => redis.disconnect());
      })()),
  };
}
