import { BrokenCircuitError, SamplingBreaker, circuitBreaker as cockatielBreaker, handleWhen, type CircuitBreakerPolicy } from 'cockatiel';
import type { Logger } from 'pino';
import type { ServiceName } from '../../config.js';
import { BackendError } from '../errors.js';
import type { CallObserver } from '../events.js';
import type { Step } from '../pipeline.js';
import { PublicCode } from '../../errors/public-errors.js';

export interface BreakerOptions {
  /** The fewest attempts in the window before their failure rate may open the circuit. */
  readonly minAttempts: number;
  /** Share of failed attempts in the window, in percent, above which it opens. @default 50 */
  readonly failurePercent?: number;
  /** The sampling window. @default 10000 */
  readonly windowMs?: number;
  /** How long an open circuit fails fast before one probe may try. */
  readonly halfOpenAfterMs: number;
}

/** Failures that say the backend is unwell; a 4xx, a caller hanging up, our own limits or a late request do not. */
export function countsAgainstBreaker(error: unknown): boolean {
  return (
    error instanceof BackendError &&
    (error.code === PublicCode.BACKEND_UNAVAILABLE || error.code === PublicCode.BACKEND_TIMEOUT || error.code === PublicCode.BACKEND_BAD_RESPONSE) &&
    !error.cutShortByBudget
  );
}

/**
 * cockatiel's breaker for one backend, its transitions logged and observed. Rate-based: it
 * opens when more than `failurePercent` of the attempts in the last `windowMs` failed, once
 * there were at least `minAttempts` of them, so a backend that mostly answers keeps being
 * asked (a consecutive-failure count trips on a noisy one: at 30 % failures, five in a row
 * come every few hundred attempts) and one that mostly fails is cut off.
 */
export function createBreaker(options: BreakerOptions, logger: Logger, observer: CallObserver): CircuitBreakerPolicy {
  const windowMs = options.windowMs ?? 10_000;
  const breaker = cockatielBreaker(handleWhen(countsAgainstBreaker), {
    halfOpenAfter: options.halfOpenAfterMs,
    breaker: new SamplingBreaker({
      threshold: (options.failurePercent ?? 50) / 100,
      duration: windowMs,
      // cockatiel takes the minimum as a rate (attempts/s over the window); half an attempt
      // less than asked keeps float rounding from making `minAttempts` one too few.
      minimumRps: ((options.minAttempts - 0.5) * 1000) / windowMs,
    }),
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
export const circuitBreaker =
  (service: ServiceName, breaker: CircuitBreakerPolicy): Step =>
  (next) =>
  async (call) => {
    try {
      return await breaker.execute(() => next(call));
    } catch (error) {
      if (error instanceof BrokenCircuitError) throw new BackendError(service, PublicCode.BACKEND_CIRCUIT_OPEN, 'circuit open: failing fast', { cause: error });
      throw error;
    }
  };
