import { BrokenCircuitError, ConsecutiveBreaker, circuitBreaker as cockatielBreaker, handleWhen, type CircuitBreakerPolicy } from 'cockatiel';
import type { Logger } from 'pino';
import type { ServiceName } from '../../config.js';
import { BackendError } from '../errors.js';
import type { CallObserver } from '../events.js';
import type { Step } from '../pipeline.js';

export interface BreakerOptions {
  /** Consecutive failures that open the circuit. */
  readonly threshold: number;
  /** How long an open circuit fails fast before one probe may try. */
  readonly halfOpenAfterMs: number;
}

/** Failures that say the backend is unwell; a 4xx, a caller hanging up, our own limits or a late request do not. */
export function countsAgainstBreaker(error: unknown): boolean {
  return (
    error instanceof BackendError &&
    (error.code === 'BACKEND_UNAVAILABLE' || error.code === 'BACKEND_TIMEOUT' || error.code === 'BACKEND_BAD_RESPONSE') &&
    !error.cutShortByBudget
  );
}

/** cockatiel's breaker for one backend, its transitions logged and observed. */
export function createBreaker(options: BreakerOptions, logger: Logger, observer: CallObserver): CircuitBreakerPolicy {
  const breaker = cockatielBreaker(handleWhen(countsAgainstBreaker), {
    halfOpenAfter: options.halfOpenAfterMs,
    breaker: new ConsecutiveBreaker(options.threshold),
  });
  breaker.onBreak(() => {
    logger.warn({ halfOpenAfterMs: options.halfOpenAfterMs }, 'circuit opened: failing fast');
    observer.circuit('open');
  });
  breaker.onHalfOpen(() => {
    logger.info('circuit half-open: letting one probe through');
    observer.circuit('half_open');
  });
  breaker.onReset(() => {
    logger.info('circuit closed: backend healthy again');
    observer.circuit('closed');
  });
  return breaker;
}

/**
 * The circuit breaker, inside the retries so it sees every attempt and, once open, stops them:
 * an open circuit fails at once with BACKEND_CIRCUIT_OPEN and sends nothing.
 */
export const circuitBreaker = (service: ServiceName, breaker: CircuitBreakerPolicy): Step => (next) => async (call) => {
  try {
    return await breaker.execute(() => next(call));
  } catch (error) {
    if (error instanceof BrokenCircuitError) throw new BackendError(service, 'BACKEND_CIRCUIT_OPEN', 'circuit open: failing fast', { cause: error });
    throw error;
  }
};
