import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
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
  type DeliveryTotals,
  type EnqueueOptions,
} from './types.js';

export interface BullQueueOptions {
  handlers: DeliveryHandlers;
  logger: Logger;
  /** Commands (adding, counting, the admin's operations); not blocking. Owned by the caller. */
  redis: Redis;
  /** Key prefix: the queue's keys are `<prefix>:deliveries:*`. */
  prefix: string;
  attempts: number;
  backoffMs: number;
  backoffMaxMs: number;
  concurrency: number;
  attemptTimeoutMs: number;
  /** BullMQ's lock: how long a job held by a dead instance waits before another takes it. */
  lockMs: number;
  /** How long a finished job (and so its id, for de-duplication) is kept. */
  keepDoneS: number;
  /** Run a worker in this process. Off for a process that only inspects the queue. @default true */
  work?: boolean;
}

const QUEUE_NAME = 'deliveries';
/** "Until it succeeds": at the longest backoff (5 min by default), years of attempts. */
const UNTIL_DONE_ATTEMPTS = 1_000_000;
/** Adding a job waits at most this long for Redis: a checkout must not hang on it. */
const ADD_TIMEOUT_MS = 3000;
/** A job that took an instance down this many times (the stalled check) is dead-lettered. */
const MAX_STALLED = 10;

/**
 * The durable delivery queue: BullMQ on Redis, shared by every instance. A job survives the
 * process that queued it and the one working on it:
 *
 * - queued, delayed (waiting out a backoff) and dead-lettered jobs live in Redis;
 * - a job whose worker died (SIGKILL, a crash, a lost network) keeps its lock for `lockMs`,
 *   then BullMQ's stalled check moves it back to the queue for any instance to take;
 * - the dead-letter queue is BullMQ's `failed` set: jobs that used their attempts or whose
 *   handler threw PermanentDeliveryError.
 *
 * Redelivery after a crash means at least once; the handlers' idempotency keys make the
 * backend answer a redelivery with a replay, so the effect happens once.
 */
export class BullDeliveryQueue implements DeliveryQueue {
  readonly durable = true;
  private readonly queue: Queue;
  private readonly worker: Worker | undefined;
  private readonly workerRedis: Redis | undefined;
  private readonly totalsKey: string;
  private readonly abort = new AbortController();

  constructor(private readonly options: BullQueueOptions) {
    const { redis, prefix, logger } = options;
    this.totalsKey = `${prefix}:delivery-totals`;
    this.queue = new Queue(QUEUE_NAME, { connection: redis, prefix });
    // BullMQ reports every failed reconnect: one line when Redis goes, one when it is back.
    let healthy = true;
    const onError = (error: Error) => {
      if (!healthy) return;
      healthy = false;
      logger.warn({ err: error }, 'delivery queue: Redis unreachable; nothing is delivered until it is back');
    };
    const onReady = () => {
      if (healthy) return;
      healthy = true;
      logger.info('delivery queue: Redis is back');
    };
    this.queue.on('error', onError);
    redis.on('ready', onReady);
    if (options.work ?? true) {
      // BullMQ's worker blocks on Redis waiting for jobs: it needs its own connection, which
      // must never give up on a command (maxRetriesPerRequest: null).
      this.workerRedis = redis.duplicate({ maxRetriesPerRequest: null, enableOfflineQueue: true });
      this.workerRedis.on('error', () => undefined); // reported through the worker's 'error'
      this.workerRedis.on('ready', onReady);
      this.worker = new Worker(QUEUE_NAME, (job) => this.process(job), {
        connection: this.workerRedis,
        prefix,
        concurrency: options.concurrency,
        lockDuration: options.lockMs,
        stalledInterval: options.lockMs,
        maxStalledCount: MAX_STALLED,
        settings: { backoffStrategy: (failures: number) => backoffMs(failures, options.backoffMs, options.backoffMaxMs) },
      });
      this.worker.on('error', onError);
    }
  }

  async enqueue(delivery: Delivery, options: EnqueueOptions = {}): Promise<void> {
    if (!this.options.handlers[delivery.kind]) throw new Error(`no handler for deliveries of kind ${JSON.stringify(delivery.kind)}`);
    // A job id that exists (queued, active, finished within keepDoneS, dead-lettered) makes
    // this a no-op: the same work enqueued by two requests or two instances is queued once.
    const adding = this.queue.add(delivery.kind, delivery.data, {
      jobId: delivery.id,
      attempts: options.untilDone ? UNTIL_DONE_ATTEMPTS : this.options.attempts,
      backoff: { type: 'delivery' },
      delay: options.delayMs ?? 0,
      removeOnComplete: { age: this.options.keepDoneS },
      removeOnFail: false,
    });
    await withTimeout(adding, ADD_TIMEOUT_MS, `queueing ${delivery.kind} ${delivery.id}: Redis did not answer within ${ADD_TIMEOUT_MS} ms`);
  }

  async cancel(id: string): Promise<boolean> {
    const job = await this.queue.getJob(id);
    if (!job || !((await job.isDelayed()) || (await job.isWaiting()))) return false;
    try {
      await job.remove();
      return true;
    } catch {
      // Taken by a worker in the meantime (locked): it runs, which for the idempotent work
      // queued here is harmless.
      return false;
    }
  }

  async stats(): Promise<DeliveryStats> {
    const [counts, totals] = await Promise.all([
      this.queue.getJobCounts('waiting', 'delayed', 'prioritized', 'paused', 'waiting-children', 'active', 'failed'),
      this.options.redis.hgetall(this.totalsKey),
    ]);
    const n = (key: string) => counts[key] ?? 0;
    const total = emptyTotals();
    for (const key of Object.keys(total) as (keyof DeliveryTotals)[]) total[key] = Number(totals[key] ?? 0);
    return {
      store: 'redis',
      queued: n('waiting') + n('delayed') + n('prioritized') + n('paused') + n('waiting-children'),
      active: n('active'),
      deadLettered: n('failed'),
      totals: total,
    };
  }

  async deadLetters(limit = 100): Promise<DeadLetter[]> {
    // Oldest first, as an operator reads a queue.
    const jobs = await this.queue.getJobs(['failed'], 0, limit - 1, true);
    return jobs.map((job) => ({
      id: String(job.id),
      kind: job.name,
      data: job.data,
      attempts: job.attemptsMade,
      error: job.failedReason ?? '',
      failedAt: new Date(job.finishedOn ?? job.timestamp).toISOString(),
    }));
  }

  async retryDeadLetter(id: string): Promise<boolean> {
    const job = await this.queue.getJob(id);
    if (!job || !(await job.isFailed())) return false;
    await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    await this.count('replayed');
    this.options.logger.info({ delivery: { id, kind: job.name } }, 'dead-lettered delivery put back in the queue by an operator');
    return true;
  }

  async dropDeadLetter(id: string): Promise<boolean> {
    const job = await this.queue.getJob(id);
    if (!job || !(await job.isFailed())) return false;
    await job.remove();
    await this.count('dropped');
    this.options.logger.warn({ delivery: { id, kind: job.name, data: job.data } }, 'dead-lettered delivery dropped by an operator');
    return true;
  }

  /**
   * Gracefully, the worker finishes the jobs it holds; everything else stays in Redis for the
   * next instance. By force, the jobs it holds are abandoned: their locks expire and another
   * instance takes them over, so nothing is lost either way.
   */
  async close(force = false): Promise<void> {
    if (force) this.abort.abort(new Error('delivery queue closed'));
    await this.worker?.close(force).catch((error: unknown) => this.options.logger.warn({ err: error }, 'delivery worker did not close cleanly'));
    await this.queue.close().catch(() => undefined);
    await this.workerRedis?.quit().catch(() => this.workerRedis?.disconnect());
  }

  private async process(job: Job): Promise<void> {
    const handler = this.options.handlers[job.name];
    if (!handler) throw new UnrecoverableError(`no handler for deliveries of kind ${JSON.stringify(job.name)}`);
    const attempt = job.attemptsMade + 1;
    const log = { delivery: { id: job.id, kind: job.name, attempt } };
    try {
      await handler(job.data, {
        id: String(job.id),
        kind: job.name,
        attempt,
        deadline: performance.now() + this.options.attemptTimeoutMs,
        signal: this.abort.signal,
      });
    } catch (error) {
      const permanent = error instanceof PermanentDeliveryError;
      const last = permanent || attempt >= (job.opts.attempts ?? 1);
      await this.count(last ? 'deadLettered' : 'retried');
      if (last) this.options.logger.error({ ...log, data: job.data, err: error }, 'delivery dead-lettered');
      else this.options.logger.warn({ ...log, err: error }, 'delivery failed: will retry');
      // UnrecoverableError tells BullMQ to skip the remaining attempts.
      throw permanent ? new UnrecoverableError(describeFailure(error)) : error;
    }
    await this.count('delivered');
  }

  private async count(field: keyof DeliveryTotals): Promise<void> {
    // Counters are for operators: losing one to a Redis blip must not fail a delivery.
    await this.options.redis.hincrby(this.totalsKey, field, 1).catch(() => undefined);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
