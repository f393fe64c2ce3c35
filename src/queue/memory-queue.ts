import type { Logger } from 'pino';
import { backoffMs } from './backoff.js';
import {
  PermanentDeliveryError,
  describeFailure,
  emptyTotals,
  type DeadLetter,
  type Delivery,
  type DeliveryHandlers,
  type DeliveryQueue,
  type DeliveryStats,
  type EnqueueOptions,
} from './types.js';

export interface MemoryQueueOptions {
  handlers: DeliveryHandlers;
  logger: Logger;
  /** Attempts before a delivery is dead-lettered (unless `untilDone`). */
  attempts: number;
  backoffMs: number;
  backoffMaxMs: number;
  concurrency: number;
  attemptTimeoutMs: number;
  /** How long a finished delivery's id is remembered, so the same work enqueued again is ignored. */
  keepDoneMs: number;
  /** How long a graceful close may spend on its last attempts. */
  drainMs: number;
}

interface Entry {
  readonly delivery: Delivery;
  readonly untilDone: boolean;
  state: 'queued' | 'active' | 'done' | 'dead';
  /** Attempts made so far. */
  attempts: number;
  timer?: NodeJS.Timeout;
  lastError?: string;
  /** Date.now() of the last state change that matters: done (for forgetting), dead (for the DLQ). */
  at: number;
}

/** More remembered finished deliveries than this, and the oldest are forgotten early. */
const MAX_REMEMBERED = 10_000;

/**
 * The embedded delivery queue: timers and a Map in this process. Everything the Redis queue
 * does (retries with backoff, dead letters, de-duplication by id, counts), except surviving
 * the process: what is still queued when it dies is lost, which the server says at start.
 * A graceful close makes one last attempt at everything queued and logs what it could not
 * deliver, with its data, so nothing disappears without a trace.
 */
export class MemoryDeliveryQueue implements DeliveryQueue {
  readonly durable = false;
  private readonly entries = new Map<string, Entry>();
  /** Due now, waiting for a free slot. */
  private readonly ready: Entry[] = [];
  private running = 0;
  private closed = false;
  /** Set while closing gracefully: failures are then final (logged as undelivered). */
  private draining = false;
  private readonly abort = new AbortController();
  private readonly totals = emptyTotals();
  private idle: (() => void) | undefined;
  private enqueues = 0;

  constructor(private readonly options: MemoryQueueOptions) {}

  async enqueue(delivery: Delivery, options: EnqueueOptions = {}): Promise<void> {
    if (this.closed) throw new Error(`delivery queue is closed: ${delivery.kind} ${delivery.id} not queued`);
    if (!this.options.handlers[delivery.kind]) throw new Error(`no handler for deliveries of kind ${JSON.stringify(delivery.kind)}`);
    const existing = this.entries.get(delivery.id);
    if (existing && !(existing.state === 'done' && Date.now() - existing.at > this.options.keepDoneMs)) return;
    const entry: Entry = { delivery, untilDone: options.untilDone ?? false, state: 'queued', attempts: 0, at: Date.now() };
    this.entries.delete(delivery.id);
    this.entries.set(delivery.id, entry);
    this.schedule(entry, options.delayMs ?? 0);
    this.forgetOldDone();
  }

  async cancel(id: string): Promise<boolean> {
    const entry = this.entries.get(id);
    if (!entry || entry.state !== 'queued') return false;
    clearTimeout(entry.timer);
    // Forgotten, not done: if it is already in `ready`, pump() skips it (no longer in the map).
    this.entries.delete(id);
    return true;
  }

  async stats(): Promise<DeliveryStats> {
    let queued = 0;
    let active = 0;
    let deadLettered = 0;
    for (const entry of this.entries.values()) {
      if (entry.state === 'queued') queued++;
      else if (entry.state === 'active') active++;
      else if (entry.state === 'dead') deadLettered++;
    }
    return { store: 'memory', queued, active, deadLettered, totals: { ...this.totals } };
  }

  async deadLetters(limit = 100): Promise<DeadLetter[]> {
    const dead = [...this.entries.values()].filter((e) => e.state === 'dead').sort((a, b) => a.at - b.at);
    return dead.slice(0, limit).map((e) => ({
      id: e.delivery.id,
      kind: e.delivery.kind,
      data: e.delivery.data,
      attempts: e.attempts,
      error: e.lastError ?? '',
      failedAt: new Date(e.at).toISOString(),
    }));
  }

  async retryDeadLetter(id: string): Promise<boolean> {
    const entry = this.entries.get(id);
    if (!entry || entry.state !== 'dead' || this.closed) return false;
    entry.attempts = 0;
    this.totals.replayed++;
    this.schedule(entry, 0);
    return true;
  }

  async dropDeadLetter(id: string): Promise<boolean> {
    const entry = this.entries.get(id);
    if (!entry || entry.state !== 'dead') return false;
    this.entries.delete(id);
    this.totals.dropped++;
    this.options.logger.warn({ delivery: describe(entry) }, 'dead-lettered delivery dropped by an operator');
    return true;
  }

  async close(force = false): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const pending = () => [...this.entries.values()].filter((e) => e.state === 'queued' || e.state === 'active');
    if (!force && pending().length > 0) {
      // Not durable: this is the last chance. Everything queued is tried once more, now, even
      // those waiting out a backoff; whatever fails is then logged, not retried.
      this.draining = true;
      for (const entry of pending()) {
        if (entry.state === 'queued' && entry.timer) {
          clearTimeout(entry.timer);
          entry.timer = undefined;
          this.ready.push(entry);
        }
      }
      const drained = new Promise<void>((resolve) => (this.idle = resolve));
      this.pump();
      if (this.running > 0 || this.ready.length > 0) {
        await Promise.race([drained, new Promise((resolve) => setTimeout(resolve, this.options.drainMs).unref())]);
      }
    }
    this.abort.abort(new Error('delivery queue closed'));
    for (const entry of this.entries.values()) clearTimeout(entry.timer);
    const lost = pending();
    if (lost.length > 0) {
      // The data is in the log line so an operator can replay them by hand.
      this.options.logger.error(
        { deliveries: lost.map(describe) },
        `${lost.length} deliveries not delivered at shutdown: the in-process queue is not durable (set REDIS_URL)`,
      );
    }
    const dead = [...this.entries.values()].filter((e) => e.state === 'dead');
    if (dead.length > 0)
      this.options.logger.error(
        { deliveries: dead.map(describe) },
        `${dead.length} dead-lettered deliveries dropped at shutdown: the in-process queue is not durable`,
      );
  }

  private schedule(entry: Entry, delayMs: number): void {
    entry.state = 'queued';
    entry.at = Date.now();
    if (delayMs <= 0) {
      this.ready.push(entry);
      this.pump();
      return;
    }
    // unref: a pending retry must not keep a process alive that has nothing else to do.
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      this.ready.push(entry);
      this.pump();
    }, delayMs).unref();
  }

  private pump(): void {
    while (this.running < this.options.concurrency && this.ready.length > 0) {
      const entry = this.ready.shift()!;
      // Cancelled, dropped or already running: skip.
      if (entry.state !== 'queued' || this.entries.get(entry.delivery.id) !== entry) continue;
      void this.run(entry);
    }
    if (this.running === 0 && this.ready.length === 0) this.idle?.();
  }

  private async run(entry: Entry): Promise<void> {
    const { delivery } = entry;
    entry.state = 'active';
    entry.attempts++;
    this.running++;
    try {
      await this.options.handlers[delivery.kind]!(delivery.data, {
        id: delivery.id,
        kind: delivery.kind,
        attempt: entry.attempts,
        deadline: performance.now() + this.options.attemptTimeoutMs,
        signal: this.abort.signal,
      });
      entry.state = 'done';
      entry.at = Date.now();
      this.totals.delivered++;
    } catch (error) {
      this.failed(entry, error);
    } finally {
      this.running--;
      this.pump();
    }
  }

  private failed(entry: Entry, error: unknown): void {
    entry.lastError = describeFailure(error);
    const log = { delivery: describe(entry), err: error };
    if (this.draining || this.abort.signal.aborted) {
      // close() logs it with the others still pending.
      entry.state = 'queued';
      return;
    }
    const exhausted = !entry.untilDone && entry.attempts >= this.options.attempts;
    if (error instanceof PermanentDeliveryError || exhausted) {
      entry.state = 'dead';
      entry.at = Date.now();
      this.totals.deadLettered++;
      this.options.logger.error(log, 'delivery dead-lettered');
      return;
    }
    const delayMs = backoffMs(entry.attempts, this.options.backoffMs, this.options.backoffMaxMs);
    this.totals.retried++;
    this.options.logger.warn({ ...log, retryInMs: delayMs }, 'delivery failed: will retry');
    this.schedule(entry, delayMs);
  }

  /** Finished deliveries are remembered for de-duplication, but not for ever. */
  private forgetOldDone(): void {
    // A sweep costs a walk over the map: every 100 enqueues is often enough.
    if (++this.enqueues % 100 !== 0 && this.entries.size < MAX_REMEMBERED) return;
    const now = Date.now();
    let excess = this.entries.size - MAX_REMEMBERED;
    // Insertion order is enqueue order: the oldest come first.
    for (const [id, entry] of this.entries) {
      if (entry.state !== 'done') continue;
      if (now - entry.at > this.options.keepDoneMs || excess > 0) {
        this.entries.delete(id);
        excess--;
      }
    }
  }
}

function describe(entry: Entry) {
  return { id: entry.delivery.id, kind: entry.delivery.kind, attempts: entry.attempts, error: entry.lastError, data: entry.delivery.data };
}
