import { CircuitState } from 'cockatiel';
import { describe, expect, it } from 'vitest';
import { UNOBSERVED } from '../../../src/backends/events.js';
import { BackendError } from '../../../src/backends/errors.js';
import { circuitBreaker, countsAgainstBreaker, createBreaker } from '../../../src/backends/steps/circuit-breaker.js';
import { answer, makeCall, recordingNext, settle, silent } from './helpers.js';

const fail = (error: BackendError) => recordingNext(() => Promise.reject(error));
const down = new BackendError('users', 'BACKEND_UNAVAILABLE', 'down', { status: 503 });

/** Sends `attempts` calls through a breaker, failing those whose index `fails`; returns what it saw. */
async function run(attempts: number, fails: (i: number) => boolean, minAttempts = 10) {
  const breaker = createBreaker({ minAttempts, failurePercent: 50, windowMs: 10_000, halfOpenAfterMs: 60_000 }, silent, UNOBSERVED);
  const { calls, next } = recordingNext((_call, n) => (fails(n - 1) ? Promise.reject(down) : answer('ok')));
  const outcomes: string[] = [];
  for (let i = 0; i < attempts; i++) {
    const { error } = await settle(circuitBreaker('users', breaker)(next)(makeCall()));
    outcomes.push(error ? (error as BackendError).code : 'ok');
  }
  return { sent: calls.length, open: outcomes.filter((o) => o === 'BACKEND_CIRCUIT_OPEN').length, state: breaker.state };
}

describe('circuitBreaker step', () => {
  it('opens after the threshold of failures, then fails fast with BACKEND_CIRCUIT_OPEN and sends nothing', async () => {
    const breaker = createBreaker({ minAttempts: 3, halfOpenAfterMs: 60_000 }, silent, UNOBSERVED);
    const { calls, next } = fail(new BackendError('users', 'BACKEND_UNAVAILABLE', 'down', { status: 503 }));
    const step = circuitBreaker('users', breaker)(next);
    for (let i = 0; i < 3; i++) expect((await settle(step(makeCall()))).error).toMatchObject({ code: 'BACKEND_UNAVAILABLE' });
    expect(breaker.state).toBe(CircuitState.Open);
    expect((await settle(step(makeCall()))).error).toMatchObject({ code: 'BACKEND_CIRCUIT_OPEN', service: 'users' });
    expect(calls).toHaveLength(3);
  });

  it('rate-based: a backend failing 30 % of attempts keeps being asked', async () => {
    const { sent, open, state } = await run(200, (i) => i % 10 < 3);
    expect({ sent, open, state }).toEqual({ sent: 200, open: 0, state: CircuitState.Closed });
  });

  it('rate-based: one failing 90 % is cut off once the window holds enough attempts', async () => {
    const { sent, open, state } = await run(200, (i) => i % 10 !== 9);
    expect(state).toBe(CircuitState.Open);
    // Attempts 1-9 fail, the 10th succeeds (a success does not trip it), the 11th fails: open.
    expect(sent).toBe(11);
    expect(open).toBe(189);
  });

  it('fewer attempts than the minimum never open it, even all failing', async () => {
    expect(await run(9, () => true)).toEqual({ sent: 9, open: 0, state: CircuitState.Closed });
  });

  it('what says nothing about the backend\u2019s health never opens it', async () => {
    const harmless = [
      new BackendError('users', 'BACKEND_TIMEOUT', 'late request', { cutShortByBudget: true }),
      new BackendError('users', 'FORBIDDEN', 'not yours', { status: 403 }),
      new BackendError('users', 'BACKEND_OVERLOADED', 'our own bulkhead'),
      new Error('the client hung up'),
    ];
    for (const error of harmless) expect(countsAgainstBreaker(error), String(error)).toBe(false);
    const breaker = createBreaker({ minAttempts: 2, halfOpenAfterMs: 60_000 }, silent, UNOBSERVED);
    const { next } = fail(harmless[0] as BackendError);
    for (let i = 0; i < 5; i++) await settle(circuitBreaker('users', breaker)(next)(makeCall()));
    expect(breaker.state).toBe(CircuitState.Closed);
    expect(countsAgainstBreaker(new BackendError('users', 'BACKEND_TIMEOUT', 'its own timeout'))).toBe(true);
  });
});
