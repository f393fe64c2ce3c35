import type { ServiceName } from '../../config.js';
import { BackendError } from '../errors.js';
import type { Step } from '../pipeline.js';
import { DeadlineExceeded, MIN_USEFUL_MS } from '../resilience/deadline.js';
import { PublicCode } from '../../errors/public-errors.js';

/**
 * The request's time budget: a call with too little time left is not started, and a wait the
 * deadline ended (DeadlineExceeded, from a queue or a shared call below) is BACKEND_TIMEOUT,
 * cut short by the budget: the request was late, which says nothing about the backend.
 */
export const requestBudget =
  (service: ServiceName): Step =>
  (next) =>
  async (call) => {
    const remaining = call.deadline.remainingMs();
    if (remaining < MIN_USEFUL_MS) throw new BackendError(service, PublicCode.BACKEND_TIMEOUT, 'not started: the request has no time left');
    try {
      return await next(call);
    } catch (error) {
      if (!(error instanceof DeadlineExceeded)) throw error;
      throw new BackendError(service, PublicCode.BACKEND_TIMEOUT, `no answer within the request's budget (${Math.round(remaining)} ms)`, {
        cause: error,
        cutShortByBudget: true,
      });
    }
  };
