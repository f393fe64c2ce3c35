import type { ServiceName } from '../config.js';
import { backendFailureMessage, type BackendErrorCode } from '../errors/public-errors.js';

/**
 * The stable codes a failed call carries, each shown to the client as it is: what kind of
 * failure happened, never how the backend phrased it (src/errors/public-errors.ts says what
 * each means and builds what the client sees).
 */
export type { BackendErrorCode };

/** A failed call to a backend. `message` is for logs; `publicMessage` is what clients see. */
export class BackendError extends Error {
  readonly service: ServiceName;
  readonly code: BackendErrorCode;
  /** The HTTP status the backend answered, when it answered. */
  readonly status: number | undefined;
  /** The backend's `Retry-After`, in ms, when it sent one. */
  readonly retryAfterMs: number | undefined;
  /**
   * A BACKEND_TIMEOUT that came from the request's budget running out before the backend's own
   * timeout: it says the request was late (a client asking for little time, an overloaded BFF),
   * not that the backend is slow, so it does not count against the backend's circuit.
   */
  readonly cutShortByBudget: boolean;

  constructor(
    service: ServiceName,
    code: BackendErrorCode,
    message: string,
    options: { status?: number; retryAfterMs?: number; cutShortByBudget?: boolean; cause?: unknown } = {},
  ) {
    super(`${service}: ${message}`, { cause: options.cause });
    this.name = 'BackendError';
    this.service = service;
    this.code = code;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.cutShortByBudget = options.cutShortByBudget ?? false;
  }

  get publicMessage(): string {
    return backendFailureMessage(this.code, this.service);
  }
}
