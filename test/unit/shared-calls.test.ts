import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Deadline, DeadlineExceeded } from '../../src/backends/resilience/deadline.js';
import { SharedCalls } from '../../src/backends/resilience/shared-calls.js';
import { deferred, settle } from './steps/helpers.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

const at = (ms: number, hangUp?: AbortSignal) => new Deadline(performance.now() + ms, hangUp);

describe('SharedCalls', () => {
  it('the first starts the call, the others join it; one start, one answer for all', async () => {
    const shared = new SharedCalls<string>();
    const work = deferred<string>();
    const start = vi.fn(() => work.promise);
    const a = shared.run('k', at(100), start);
    const b = shared.run('k', at(100), start);
    expect([a.joined, b.joined]).toEqual([false, true]);
    work.resolve('answer');
    expect(await Promise.all([a.promise, b.promise])).toEqual(['answer', 'answer']);
    expect(start).toHaveBeenCalledTimes(1);
    expect(shared.size).toBe(0);
  });

  it('lives as long as the latest deadline among those waiting: a later joiner extends it', () => {
    const shared = new SharedCalls<string>();
    let lifetime: Deadline | undefined;
    shared.run('k', at(30), (l) => ((lifetime = l), new Promise(() => {})));
    expect(lifetime!.remainingMs()).toBe(30);
    vi.advanceTimersByTime(3);
    shared.run('k', at(5000), () => Promise.reject(new Error('never started')));
    expect(lifetime!.remainingMs()).toBe(5000);
  });

  it('each participant stops at its own deadline; the call goes on for the others, not abandoned', async () => {
    const shared = new SharedCalls<string>();
    const work = deferred<string>();
    let lifetime: Deadline | undefined;
    const short = shared.run('k', at(30), (l) => ((lifetime = l), work.promise));
    const long = shared.run('k', at(5000), () => work.promise);
    const shortResult = settle(short.promise);
    await vi.advanceTimersByTimeAsync(30);
    expect((await shortResult).error).toBeInstanceOf(DeadlineExceeded);
    expect(lifetime!.abandoned).toBe(false);
    await vi.advanceTimersByTimeAsync(10);
    work.resolve('late answer');
    expect(await long.promise).toBe('late answer');
  });

  it('a hang-up leaves the call to the others; when the last one leaves, the call is abandoned with its reason', async () => {
    const shared = new SharedCalls<string>();
    let lifetime: Deadline | undefined;
    const [first, second] = [new AbortController(), new AbortController()];
    const a = settle(shared.run('k', at(1000, first.signal), (l) => ((lifetime = l), new Promise(() => {}))).promise);
    const b = settle(shared.run('k', at(1000, second.signal), () => new Promise(() => {})).promise);
    first.abort('first left');
    expect((await a).error).toBe('first left');
    expect(lifetime!.abandoned).toBe(false);
    second.abort('second left');
    expect((await b).error).toBe('second left');
    expect(lifetime!.abandoned).toBe(true);
    expect(lifetime!.abandonReason).toBe('second left');
    expect(shared.size).toBe(0); // a new ask starts afresh
  });

  it('a failure of the call reaches everyone waiting, and the call is not abandoned', async () => {
    const shared = new SharedCalls<string>();
    let lifetime: Deadline | undefined;
    const failure = new Error('backend down');
    const work = deferred<string>();
    const a = settle(shared.run('k', at(100), (l) => ((lifetime = l), work.promise)).promise);
    const b = settle(shared.run('k', at(100), () => work.promise).promise);
    work.reject(failure);
    expect([(await a).error, (await b).error]).toEqual([failure, failure]);
    expect(lifetime!.abandoned).toBe(false);
  });
});
