import { bulkhead as cockatielBulkhead } from 'cockatiel';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Answer } from '../../../src/backends/pipeline.js';
import { DeadlineExceeded } from '../../../src/backends/resilience/deadline.js';
import { bulkhead } from '../../../src/backends/steps/bulkhead.js';
import { answer, deferred, makeCall, recordingNext, settle } from './helpers.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('bulkhead step', () => {
  it('runs `concurrency` calls at once, queues `queue` more, refuses the rest at once', async () => {
    const held = deferred<Answer>();
    const { calls, next } = recordingNext(() => held.promise);
    const step = bulkhead('inventory', cockatielBulkhead(2, 1), { concurrency: 2, queue: 1 })(next);
    const results = [1, 2, 3, 4].map(() => settle(step(makeCall())));
    expect((await results[3]!).error).toMatchObject({ code: 'BACKEND_OVERLOADED', service: 'inventory' });
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(2);
    held.resolve(answer('ok'));
    expect((await Promise.all(results.slice(0, 3))).map((r) => r.value)).toEqual([answer('ok'), answer('ok'), answer('ok')]);
    expect(calls).toHaveLength(3);
  });

  it('waiting in the queue counts against the deadline; a call that stopped waiting never runs', async () => {
    const held = deferred<Answer>();
    const { calls, next } = recordingNext(() => held.promise);
    const step = bulkhead('inventory', cockatielBulkhead(1, 5), { concurrency: 1, queue: 5 })(next);
    const first = settle(step(makeCall(undefined, { budgetMs: 1000 })));
    const queued = settle(step(makeCall(undefined, { budgetMs: 50 })));
    await vi.advanceTimersByTimeAsync(50);
    expect((await queued).error).toBeInstanceOf(DeadlineExceeded);
    held.resolve(answer('ok'));
    await first;
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(1);
  });
});
