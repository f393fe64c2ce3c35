import { CircuitState } from 'cockatiel';
import { describe, expect, it } from 'vitest';
import { UNOBSERVED } from '../../../src/backends/events.js';
import { BackendError } from '../../../src/backends/errors.js';
import { circuitBreaker, countsAgainstBreaker, createBreaker } from '../../../src/backends/steps/circuit-breaker.js';
import { makeCall, recordingNext, settle, silent } from './helpers.js';

const fail = (error: BackendError) => recordingNext(() => Promise.reject(error));

describe('circuitBreaker step', () => {
  it('opens after the threshold of failures, then fails fast with BACKEND_CIRCUIT_OPEN and sends nothing', async () => {
    const breaker = createBreaker({ threshold: 3, halfOpenAfterMs: 60_000 }, silent, UNOBSERVED);
    const { calls, next } = fail(new BackendError('users', 'BACKEND_UNAVAILABLE', 'down', { status: 503 }));
    const step = circuitBreaker('users', breaker)(next);
    for (let i = 0; i < 3; i++) expect((await settle(step(makeCall()))).error).toMatchObject({ code: 'BACKEND_UNAVAILABLE' });
    expect(breaker.state).toBe(CircuitState.Open);
    expect((await settle(step(makeCall()))).error).toMatchObject({ code: 'BACKEND_CIRCUIT_OPEN', service: 'users' });
    expect(calls).toHaveLength(3);
  });

  it('what says nothing about the backend\u2019s health never opens it', async () => {
    const harmless = [
      new BackendError('users', 'BACKEND_TIMEOUT', 'late request', { cutShortByBudget: true }),
      new BackendError('users', 'FORBIDDEN', 'not yours', { status: 403 }),
      new BackendError('users', 'BACKEND_OVERLOADED', 'our own bulkhead'),
      new Error('the client hung up'),
    ];
    for (const error of harmless) expect(countsAgainstBreaker(error), String(error)).toBe(false);
    const breaker = createBreaker({ threshold: 2, halfOpenAfterMs: 60_000 }, silent, UNOBSERVED);
    const { next } = fail(harmless[0] as BackendError);
    for (let i = 0; i < 5; i++) await settle(circuitBreaker('users', breaker)(next)(makeCall()));
    expect(breaker.state).toBe(CircuitState.Closed);
    expect(countsAgainstBreaker(new BackendError('users', 'BACKEND_TIMEOUT', 'its own timeout'))).toBe(true);
  });
});
