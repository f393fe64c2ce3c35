import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { backoffMs } from '../../src/queue/backoff.js';
import { MemoryDeliveryQueue } from '../../src/queue/memory-queue.js';
import { PermanentDeliveryError, type DeliveryHandler } from '../../src/queue/types.js';
import { waitFor } from '../helpers/mock-control.js';

/** The queue's rules on their own, with the in-process implementation and handlers that record calls. */
function queueWith(handler: DeliveryHandler, options: { attempts?: number; drainMs?: number } = {}) {
  return new MemoryDeliveryQueue({
    handlers: { test: handler },
    logger: pino({ level: 'silent' }),
    attempts: options.attempts ?? 3,
    backoffMs: 5,
    backoffMaxMs: 20,
    concurrency: 4,
    attemptTimeoutMs: 1000,
    keepDoneMs: 60_000,
    drainMs: options.drainMs ?? 1000,
  });
}

/** A handler that fails its first `failures` calls, recording each attempt number. */
function flaky(failures: number, error: () => Error = () => new Error('down')) {
  const calls: number[] = [];
  const handler: DeliveryHandler = async (_data, attempt) => {
    calls.push(attempt.attempt);
    if (calls.length <= failures) throw error();
  };
  return { calls, handler };
}

describe('backoff', () => {
  it('doubles from the base, within ±20%, and never passes the cap', () => {
    expect([1, 2, 3, 4].map((n) => backoffMs(n, 100, 10_000, () => 0.5))).toEqual([100, 200, 400, 800]);
    expect(backoffMs(1, 100, 10_000, () => 0)).toBe(80);
    expect(backoffMs(1, 100, 10_000, () => 1)).toBe(120);
    expect(backoffMs(30, 100, 10_000, () => 1)).toBe(10_000);
  });
});

describe('the in-process queue', () => {
  it('queues the same id once', async () => {
    const { calls, handler } = flaky(0);
    const queue = queueWith(handler);
    await Promise.all([queue.enqueue({ id: 'a', kind: 'test', data: {} }), queue.enqueue({ id: 'a', kind: 'test', data: {} })]);
    await waitFor('the delivery', async () => (await queue.stats()).totals.delivered === 1);
    await queue.enqueue({ id: 'a', kind: 'test', data: {} }); // done recently: still the same work
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(calls).toEqual([1]);
    await queue.close();
  });

  it('retries with backoff, then dead-letters after `attempts`', async () => {
    const { calls, handler } = flaky(10);
    const queue = queueWith(handler);
    await queue.enqueue({ id: 'b', kind: 'test', data: { n: 1 } });
    await waitFor('the dead letter', async () => (await queue.stats()).deadLettered === 1);
    expect(calls).toEqual([1, 2, 3]);
    expect(await queue.deadLetters()).toEqual([{ id: 'b', kind: 'test', data: { n: 1 }, attempts: 3, error: 'down', failedAt: expect.any(String) }]);
    expect((await queue.stats()).totals).toMatchObject({ retried: 2, deadLettered: 1 });
    await queue.close();
  });

  it('retries `untilDone` deliveries past `attempts`, until they succeed', async () => {
    const { calls, handler } = flaky(7);
    const queue = queueWith(handler);
    await queue.enqueue({ id: 'c', kind: 'test', data: {} }, { untilDone: true });
    await waitFor('the delivery', async () => (await queue.stats()).totals.delivered === 1);
    expect(calls).toHaveLength(8);
    expect((await queue.stats()).deadLettered).toBe(0);
    await queue.close();
  });

  it('dead-letters at once on PermanentDeliveryError, even `untilDone`', async () => {
    const { calls, handler } = flaky(10, () => new PermanentDeliveryError('refused'));
    const queue = queueWith(handler);
    await queue.enqueue({ id: 'd', kind: 'test', data: {} }, { untilDone: true });
    await waitFor('the dead letter', async () => (await queue.stats()).deadLettered === 1);
    expect(calls).toEqual([1]);
    await queue.close();
  });

  it('cancel() withdraws a delivery that has not started', async () => {
    const { calls, handler } = flaky(0);
    const queue = queueWith(handler);
    await queue.enqueue({ id: 'e', kind: 'test', data: {} }, { delayMs: 50 });
    expect(await queue.cancel('e')).toBe(true);
    expect(await queue.cancel('e')).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(calls).toEqual([]);
    await queue.close();
  });

  it('refuses a kind it has no handler for, at enqueue time', async () => {
    const queue = queueWith(flaky(0).handler);
    await expect(queue.enqueue({ id: 'f', kind: 'nope', data: {} })).rejects.toThrow(/no handler for deliveries of kind "nope"/);
    await queue.close();
  });

  it('on a graceful close, tries what waits out a backoff once more, now', async () => {
    const { calls, handler } = flaky(1);
    const queue = new MemoryDeliveryQueue({
      handlers: { test: handler },
      logger: pino({ level: 'silent' }),
      attempts: 5,
      backoffMs: 60_000,
      backoffMaxMs: 60_000,
      concurrency: 1,
      attemptTimeoutMs: 1000,
      keepDoneMs: 60_000,
      drainMs: 1000,
    });
    await queue.enqueue({ id: 'g', kind: 'test', data: {} });
    await waitFor('the first failure', async () => (await queue.stats()).totals.retried === 1);
    await queue.close();
    expect(calls).toEqual([1, 2]);
    expect((await queue.stats()).totals.delivered).toBe(1);
    await expect(queue.enqueue({ id: 'h', kind: 'test', data: {} })).rejects.toThrow(/closed/);
  });
});

describe('delivery configuration', () => {
  it('has defaults for production', () => {
    expect(loadConfig({}).delivery).toEqual({
      queue: 'memory',
      redisUrl: undefined,
      prefix: 'bff',
      attempts: 10,
      backoffMs: 1000,
      backoffMaxMs: 300_000,
      concurrency: 8,
      attemptTimeoutMs: 10_000,
      lockMs: 30_000,
      idempotencyTtlS: 86_400,
      adminToken: undefined,
    });
  });

  it('names every bad variable, and never repeats the admin token', () => {
    let problems = '';
    try {
      loadConfig({ DELIVERY_PREFIX: 'a:b', DELIVERY_ATTEMPTS: '0', DELIVERY_BACKOFF_MS: '500', DELIVERY_BACKOFF_MAX_MS: '100', ADMIN_TOKEN: 'short secret' });
    } catch (error) {
      problems = (error as Error).message;
    }
    expect(problems).toContain('DELIVERY_PREFIX must be 1 to 64 letters');
    expect(problems).toContain('DELIVERY_ATTEMPTS must be an integer from 1 to 1000, got "0"');
    expect(problems).toContain('DELIVERY_BACKOFF_MAX_MS (100) must not be less than DELIVERY_BACKOFF_MS (500)');
    expect(problems).toContain('ADMIN_TOKEN must be at least 16 characters without spaces, got 12 characters');
    expect(problems).not.toContain('short secret');
  });
});
