import type { ServiceName } from '../../config.js';
import { BackendError } from '../errors.js';
import type { Step } from '../pipeline.js';
import type { RateLimiter } from '../resilience/rate-limiter.js';
import { PublicCode } from '../../errors/public-errors.js';

/** A backend's declared rate: a call waits for its slot within its deadline, or is BACKEND_RATE_LIMITED at once. */
export const rateLimit =
  (service: ServiceName, limiter: RateLimiter, rps: number): Step =>
  (next) =>
  async (call) => {
    if (!(await limiter.acquire(call.deadline))) {
      throw new BackendError(service, PublicCode.BACKEND_RATE_LIMITED, `declared rate of ${rps}/s leaves no slot before the deadline`);
    }
    return next(call);
  };
