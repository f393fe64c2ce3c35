import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RateLimiter } from '../../../src/backends/resilience/rate-limiter.js';
import { rateLimit } from '../../../src/backends/steps/rate-limit.js';
import { makeCall, recordingNext, settle } from './helpers.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('rateLimit step', () => {
  it('10/s: the burst goes at once, the next call waits for its slot', async () => {
    const { calls, next } = recordingNext();
    const step = rateLimit('catalog', new RateLimiter(10, 1), 10)(next);
    await step(makeCall());
    const second = settle(step(makeCall()));
    await vi.advanceTimersByTimeAsync(99);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await second;
    expect(calls).toHaveLength(2);
  });

  it('a call whose slot comes after its deadline is refused at once: BACKEND_RATE_LIMITED', async () => {
    const { calls, next } = recordingNext();
    const step = rateLimit('catalog', new RateLimiter(1, 1), 1)(next);
    await step(makeCall());
    expect((await settle(step(makeCall(undefined, { budgetMs: 500 })))).error).toMatchObject({ code: 'BACKEND_RATE_LIMITED', service: 'catalog' });
    expect(calls).toHaveLength(1);
  });
});
