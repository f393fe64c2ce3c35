import { BulkheadRejectedError, type BulkheadPolicy } from 'cockatiel';
import type { ServiceName } from '../../config.js';
import { BackendError } from '../errors.js';
import type { Step } from '../pipeline.js';
import { PublicCode } from '../../errors/public-errors.js';

/**
 * At most `concurrency` calls in flight to the backend (cockatiel's bulkhead), then a short
 * queue, then BACKEND_OVERLOADED at once. Waiting in the queue counts against the deadline: a
 * call whose deadline passes there stops waiting, and gives its turn away when it comes.
 */
export const bulkhead =
  (service: ServiceName, policy: BulkheadPolicy, limits: { concurrency: number; queue: number }): Step =>
  (next) =>
  async (call) => {
    try {
      // A free slot: the call runs now, under its attempt's own timer; nothing to wait for.
      if (policy.executionSlots > 0) return await policy.execute(() => next(call));
      let gone: unknown;
      const queued = policy.execute(() => (gone === undefined ? next(call) : Promise.reject(gone)));
      return await call.deadline.race(queued).catch((error: unknown) => {
        gone = error;
        throw error;
      });
    } catch (error) {
      if (error instanceof BulkheadRejectedError) {
        throw new BackendError(service, PublicCode.BACKEND_OVERLOADED, `${limits.concurrency} calls in flight and ${limits.queue} queued`, { cause: error });
      }
      throw error;
    }
  };
