import { describe, expect, it } from 'vitest';
import { BackendError } from '../../../src/backends/errors.js';
import { RetryBudget } from '../../../src/backends/resilience/retry-budget.js';
import { retries } from '../../../src/backends/steps/retries.js';
import { RecordedEvents, answer, makeCall, recordingNext, settle, silent } from './helpers.js';

const unavailable = (status: number) => new BackendError('users', 'BACKEND_UNAVAILABLE', `answered ${status}`, { status });
const failingThen = (failures: number, status = 503) =>
  recordingNext((_call, n) => {
    if (n <= failures) throw unavailable(status);
    return answer('ok');
  });
const options = (budget = new RetryBudget(20, 3)) => ({ retries: 2, baseMs: 1, maxMs: 5, budget, logger: silent });

describe('retries step', () => {
  it('a GET that fails with 503 is tried again, and the retry is reported', async () => {
    const { calls, next } = failingThen(1);
    const events = new RecordedEvents();
    expect((await retries(options())(next)(makeCall(undefined, { events }))).value).toBe('ok');
    expect(calls).toHaveLength(2);
    expect(events.log).toEqual(['retry 1 after BACKEND_UNAVAILABLE']);
  });

  it('gives up after the configured retries with the last failure', async () => {
    const { calls, next } = failingThen(10);
    expect((await settle(retries(options())(next)(makeCall()))).error).toMatchObject({ status: 503 });
    expect(calls).toHaveLength(3);
  });

  it('a 500 is not retried; a POST without an idempotency key is not; one with a key is', async () => {
    const notTransient = failingThen(1, 500);
    await settle(retries(options())(notTransient.next)(makeCall()));
    expect(notTransient.calls).toHaveLength(1);
    const write = failingThen(1);
    await settle(retries(options())(write.next)(makeCall({ method: 'POST', path: '/orders' })));
    expect(write.calls).toHaveLength(1);
    const keyed = failingThen(1);
    await retries(options())(keyed.next)(makeCall({ method: 'POST', path: '/orders', headers: { 'idempotency-key': 'k' } }));
    expect(keyed.calls).toHaveLength(2);
  });

  it('never retries when the backoff would leave no time before the deadline', async () => {
    const { calls, next } = failingThen(1);
    await settle(retries({ ...options(), baseMs: 1000, maxMs: 1000 })(next)(makeCall(undefined, { budgetMs: 6 })));
    expect(calls).toHaveLength(1);
  });

  it('retries stay within the budget: with none to spare, the failure is the answer', async () => {
    const spent = new RetryBudget(0, 0);
    const { calls, next } = failingThen(1);
    await settle(retries(options(spent))(next)(makeCall()));
    expect(calls).toHaveLength(1);
    expect(spent.inFlight).toEqual({ calls: 0, retries: 0 }); // every call counted while in flight, then released
  });
});
