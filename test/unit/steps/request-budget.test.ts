import { describe, expect, it } from 'vitest';
import { BackendError } from '../../../src/backends/errors.js';
import { DeadlineExceeded } from '../../../src/backends/resilience/deadline.js';
import { requestBudget } from '../../../src/backends/steps/request-budget.js';
import { answer, makeCall, recordingNext, settle } from './helpers.js';

describe('requestBudget step', () => {
  it('passes a call with time left on', async () => {
    const { calls, next } = recordingNext();
    expect(await requestBudget('catalog')(next)(makeCall())).toEqual(answer({ ok: true }));
    expect(calls).toHaveLength(1);
  });

  it('does not start a call with less than 5 ms left: BACKEND_TIMEOUT, nothing sent', async () => {
    const { calls, next } = recordingNext();
    const { error } = await settle(requestBudget('catalog')(next)(makeCall(undefined, { budgetMs: 4 })));
    expect(error).toMatchObject({ code: 'BACKEND_TIMEOUT', service: 'catalog' });
    expect(calls).toHaveLength(0);
  });

  it('a wait the deadline ended is BACKEND_TIMEOUT cut short by the budget (not against the circuit)', async () => {
    const step = requestBudget('inventory')(async () => {
      throw new DeadlineExceeded();
    });
    const { error } = await settle(step(makeCall()));
    expect(error).toBeInstanceOf(BackendError);
    expect(error).toMatchObject({ code: 'BACKEND_TIMEOUT', cutShortByBudget: true });
  });

  it('any other failure passes through as it is', async () => {
    const hangUp = new Error('client left');
    const failure = new BackendError('inventory', 'BACKEND_UNAVAILABLE', 'down');
    for (const thrown of [hangUp, failure]) {
      const { error } = await settle(requestBudget('inventory')(async () => Promise.reject(thrown))(makeCall()));
      expect(error).toBe(thrown);
    }
  });
});
