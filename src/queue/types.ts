/**
 * The delivery queue's contract, shared by its two implementations: in this process's memory
 * (the embedded default, not durable) and BullMQ on Redis (durable, shared by every instance).
 *
 * A delivery is one piece of work for a backend that must happen but that nobody waits for: an
 * order confirmation, an audit event, a compensation. It is delivered at least once; handlers
 * make that effectively once by sending an idempotency key, so a redelivery is a replay.
 */

/** One piece of work, carried until it succeeds or is dead-lettered. */
export interface Delivery<D = unknown> {
  /**
   * Deterministic (derived from what caused it, e.g. the checkout's key), so enqueueing the
   * same work twice, from two requests or two instances, queues it once. Letters, digits,
   * `.`, `_`, `-` (BullMQ refuses `:` in ids).
   */
  readonly id: string;
  /** Which handler delivers it, e.g. `notification`. */
  readonly kind: string;
  /** JSON for the handler. Never a credential: with Redis, it is stored there. */
  readonly data: D;
}

export interface EnqueueOptions {
  /** Wait before the first attempt, in ms. @default 0 */
  delayMs?: number;
  /**
   * Retry until it succeeds instead of dead-lettering after `attempts`: for compensations,
   * which must never be given up. A handler's PermanentDeliveryError still dead-letters it.
   * @default false
   */
  untilDone?: boolean;
}

/** What a handler gets besides the data. */
export interface DeliveryAttempt {
  readonly id: string;
  readonly kind: string;
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** When this attempt must be over (`performance.now()` clock): its backend calls' deadline. */
  readonly deadline: number;
  /** Aborted when the queue is closed by force. */
  readonly signal: AbortSignal;
}

/** Delivers one piece of work, or throws: the queue retries it later (or dead-letters it). */
// Each handler names its own payload type; `unknown` here would reject them (parameters are contravariant).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type DeliveryHandler = (data: any, attempt: DeliveryAttempt) => Promise<void>;
export type DeliveryHandlers = Readonly<Record<string, DeliveryHandler>>;

/**
 * Thrown by a handler when trying again cannot help (the backend refused what we sent, e.g. a
 * 400): the delivery goes to the dead-letter queue at once, where an operator can see it.
 */
export class PermanentDeliveryError extends Error {
  override name = 'PermanentDeliveryError';
}

/** A delivery that failed for good, kept until an operator retries or drops it. */
export interface DeadLetter {
  readonly id: string;
  readonly kind: string;
  readonly data: unknown;
  /** Attempts made. */
  readonly attempts: number;
  /** The last failure's message (ours: never a backend's body). */
  readonly error: string;
  /** ISO 8601. */
  readonly failedAt: string;
}

export interface DeliveryStats {
  /** `memory`: lost on restart; `redis`: durable, shared by every instance. */
  readonly store: 'memory' | 'redis';
  /** Waiting for their first attempt or for a retry, now. */
  readonly queued: number;
  /** Being delivered now. */
  readonly active: number;
  /** In the dead-letter queue now. */
  readonly deadLettered: number;
  /** Counters since this process started (memory), or since the Redis keys were made (redis, all instances). */
  readonly totals: {
    readonly delivered: number;
    /** Failed attempts that were scheduled for a retry. */
    readonly retried: number;
    readonly deadLettered: number;
    /** Dead letters put back in the queue by an operator. */
    readonly replayed: number;
    /** Dead letters an operator dropped. */
    readonly dropped: number;
  };
}

export type DeliveryTotals = { -readonly [K in keyof DeliveryStats['totals']]: number };

export interface DeliveryQueue {
  /** False for the in-process queue: what is queued when the process dies is lost. */
  readonly durable: boolean;
  /** Queues a delivery; a no-op when one with the same id is queued, active, done recently or dead-lettered. */
  enqueue(delivery: Delivery, options?: EnqueueOptions): Promise<void>;
  /** Removes a delivery that has not started yet; false when there is none (or it has started). */
  cancel(id: string): Promise<boolean>;
  stats(): Promise<DeliveryStats>;
  /** Oldest first, at most `limit`. */
  deadLetters(limit?: number): Promise<DeadLetter[]>;
  /** Puts a dead letter back in the queue with a fresh count of attempts; false when there is no such dead letter. */
  retryDeadLetter(id: string): Promise<boolean>;
  /** Deletes a dead letter for good; false when there is no such dead letter. */
  dropDeadLetter(id: string): Promise<boolean>;
  /**
   * Stops taking work. Gracefully, deliveries in progress finish first (the memory queue also
   * makes one last attempt at everything still queued); `force` aborts them.
   */
  close(force?: boolean): Promise<void>;
}

export const emptyTotals = (): DeliveryTotals => ({ delivered: 0, retried: 0, deadLettered: 0, replayed: 0, dropped: 0 });

/** A failure's message for logs and the dead-letter queue. */
export function describeFailure(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
