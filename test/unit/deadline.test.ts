import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AttemptTimer, Deadline, DeadlineExceeded } from '../../src/backends/resilience/deadline.js';
import { deferred, settle } from './steps/helpers.js';

/** Fake timers and a fake `performance.now()`: deadlines are tested to the millisecond. */
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

/** A client signal that counts the listeners added to it. */
function clientSignal() {
  const controller = new AbortController();
  const added = vi.spyOn(controller.signal, 'addEventListener');
  return { controller, signal: controller.signal, listeners: () => added.mock.calls.length };
}

describe('Deadline', () => {
  it('a wait ends at the deadline with DeadlineExceeded, not before', async () => {
    const deadline = new Deadline(performance.now() + 100);
    const wait = settle(deadline.race(new Promise(() => {})));
    await vi.advanceTimersByTimeAsync(99);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect((await wait).error).toBeInstanceOf(DeadlineExceeded);
  });

  it('a wait settles with its work, and the timer goes with the last wait', async () => {
    const deadline = new Deadline(performance.now() + 100);
    const work = deferred<string>();
    const waits = [deadline.race(work.promise), deadline.race(work.promise)];
    expect(vi.getTimerCount()).toBe(1); // one timer for the request, however many wait
    work.resolve('done');
    expect(await Promise.all(waits)).toEqual(['done', 'done']);
    expect(vi.getTimerCount()).toBe(0); // nothing left armed once nobody waits
  });

  it('listens to the client once, however many calls wait or attempt, and only when one does', async () => {
    const client = clientSignal();
    const deadline = new Deadline(performance.now() + 1000, client.signal);
    expect(client.listeners()).toBe(0);
    const work = deferred<void>();
    const waits = [1, 2, 3].map(() => settle(deadline.race(work.promise)));
    const unlinks = [1, 2].map(() => deadline.onAbandon(() => {}));
    expect(client.listeners()).toBe(1);
    client.controller.abort(new Error('hung up'));
    for (const wait of waits) expect(((await wait).error as Error).message).toBe('hung up');
    expect(deadline.abandoned).toBe(true);
    unlinks.forEach((unlink) => unlink());
  });

  it('a hang-up ends every linked attempt with the client\u2019s reason', () => {
    const client = clientSignal();
    const deadline = new Deadline(performance.now() + 1000, client.signal);
    const stopped: unknown[] = [];
    deadline.onAbandon((reason) => stopped.push(reason));
    const unlink = deadline.onAbandon((reason) => stopped.push(reason));
    unlink();
    const reason = new Error('gone');
    client.controller.abort(reason);
    expect(stopped).toEqual([reason]);
    // Linking after the hang-up stops at once.
    deadline.onAbandon((r) => stopped.push(r));
    expect(stopped).toEqual([reason, reason]);
  });

  it('extend() moves the deadline later, never earlier; an armed wait follows it', async () => {
    const deadline = new Deadline(performance.now() + 100);
    const wait = settle(deadline.race(new Promise(() => {})));
    deadline.extend(performance.now() + 50);
    expect(deadline.remainingMs()).toBe(100);
    deadline.extend(performance.now() + 300);
    await vi.advanceTimersByTimeAsync(299);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect((await wait).error).toBeInstanceOf(DeadlineExceeded);
  });

  it('a wait that starts past the deadline, or abandoned, fails at once and swallows its work\u2019s failure', async () => {
    const late = new Deadline(performance.now() - 1);
    const failing = Promise.reject(new Error('nobody listens'));
    expect((await settle(late.race(failing))).error).toBeInstanceOf(DeadlineExceeded);
    const left = new Deadline(performance.now() + 100);
    left.abandon('bye');
    expect((await settle(left.race(new Promise(() => {})))).error).toBe('bye');
  });

  it('sleep() waits, or rejects when abandoned', async () => {
    const deadline = new Deadline(performance.now() + 1000);
    const slept = settle(deadline.sleep(20));
    await vi.advanceTimersByTimeAsync(20);
    expect(await slept).toEqual({ value: undefined });
    const cut = settle(deadline.sleep(500));
    deadline.abandon('left');
    expect((await cut).error).toBe('left');
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('AttemptTimer', () => {
  it('fires at the backend\u2019s own timeout when that comes first: cause "timeout"', async () => {
    const timer = new AttemptTimer(new Deadline(performance.now() + 1000), 200);
    await vi.advanceTimersByTimeAsync(199);
    expect(timer.signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(timer.signal.aborted).toBe(true);
    expect(timer.cause).toBe('timeout');
    expect(timer.cutShortByBudget).toBe(false);
  });

  it('fires at the deadline when that comes first: cause "budget"', async () => {
    const timer = new AttemptTimer(new Deadline(performance.now() + 50), 200);
    await vi.advanceTimersByTimeAsync(50);
    expect(timer.cause).toBe('budget');
    expect(timer.cutShortByBudget).toBe(true);
  });

  it('follows a deadline extended while it runs (a later participant of a shared call)', async () => {
    const deadline = new Deadline(performance.now() + 30);
    const timer = new AttemptTimer(deadline, 2000);
    deadline.extend(performance.now() + 500);
    await vi.advanceTimersByTimeAsync(499);
    expect(timer.signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(timer.cause).toBe('budget');
  });

  it('a hang-up aborts it with the client\u2019s reason; done() clears its timer and link', async () => {
    const client = new AbortController();
    const deadline = new Deadline(performance.now() + 1000, client.signal);
    const left = new AttemptTimer(deadline, 200);
    const finished = new AttemptTimer(deadline, 200);
    finished.done();
    expect(vi.getTimerCount()).toBe(1);
    client.abort('hung up');
    expect(left.cause).toBe('abandoned');
    expect(left.signal.reason).toBe('hung up');
    expect(finished.signal.aborted).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });
});
