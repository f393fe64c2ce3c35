import { GraphQLError } from 'graphql';
import type { ServiceName } from '../config.js';

/**
 * Stable codes a client can switch on. They say what kind of failure happened, never how the
 * backend phrased it: a backend's body, host name or stack never leaves the BFF.
 */
export type BackendErrorCode =
  | 'BACKEND_UNAVAILABLE' // refused, reset, or a 5xx answer
  | 'BACKEND_TIMEOUT' // no complete answer before the deadline (or not enough time left to try)
  | 'BACKEND_BAD_RESPONSE' // an answer we cannot use: invalid JSON, wrong shape, unexpected status
  | 'BACKEND_CIRCUIT_OPEN' // failing fast: the backend failed repeatedly and is being left alone
  | 'BACKEND_OVERLOADED' // our own limit of calls in flight to it, and its queue, are full
  | 'BACKEND_RATE_LIMITED' // it answered 429, or its declared rate would be exceeded before the deadline
  | 'UNAUTHENTICATED' // the backend wants credentials the request did not carry
  | 'FORBIDDEN'; // the credentials do not give access to this resource

const PUBLIC_MESSAGES: Record<BackendErrorCode, (service: ServiceName) => string> = {
  BACKEND_UNAVAILABLE: (s) => `The ${s} service is unavailable.`,
  BACKEND_TIMEOUT: (s) => `The ${s} service did not answer in time.`,
  BACKEND_BAD_RESPONSE: (s) => `The ${s} service sent a response that could not be used.`,
  BACKEND_CIRCUIT_OPEN: (s) => `The ${s} service is failing; calls to it are paused for a moment.`,
  BACKEND_OVERLOADED: (s) => `The ${s} service is busy; try again shortly.`,
  BACKEND_RATE_LIMITED: (s) => `The ${s} service is receiving too many requests; try again shortly.`,
  UNAUTHENTICATED: () => 'Authentication is required: send an Authorization: Bearer token.',
  FORBIDDEN: () => 'The token does not give access to this resource.',
};

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
    return PUBLIC_MESSAGES[this.code](this.service);
  }
}

/**
 * The one place a BackendError becomes what the client sees: the field's error keeps its
 * `path` and location, gains `extensions { code, service }`, and loses every detail.
 */
export function toPublicGraphQLError(error: GraphQLError, backendError: BackendError): GraphQLError {
  return new GraphQLError(backendError.publicMessage, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    extensions: { code: backendError.code, service: backendError.service },
  });
}
