import { BackendError } from '../backends/errors.js';
import type { OrderDto } from '../backends/orders/client.js';
import { PublicCode } from '../errors/public-errors.js';

/**
 * The checkout's own vocabulary. The schema's enums (schema/order) spell the same values; the
 * placeOrder resolver hands this module's results to GraphQL as they are, so the typecheck
 * fails there if the two ever part.
 */
export type CheckoutCall = 'CREATE_ORDER' | 'RESERVE_STOCK';
export type CheckoutStepStatus = 'SUCCEEDED' | 'FAILED' | 'COMPENSATED' | 'COMPENSATING';
export type PlaceOrderErrorCode = 'OUT_OF_STOCK' | 'ORDER_REJECTED' | 'TEMPORARILY_UNAVAILABLE';

/** What became of one critical call (the `steps` of the payload). */
export interface CheckoutStep {
  readonly call: CheckoutCall;
  readonly status: CheckoutStepStatus;
  /** What it made, when known: the order's id, the reservation's id. */
  readonly id: string | null;
}

/**
 * The decided result of one checkout: what the client is told, and what is kept for its
 * idempotency key so that a repeat is told the same. Plain JSON (it is stored in Redis).
 */
export interface CheckoutOutcome {
  readonly order: OrderDto | null;
  readonly error: { readonly code: PlaceOrderErrorCode; readonly message: string } | null;
  readonly steps: CheckoutStep[];
}

export interface PlaceOrderResult extends CheckoutOutcome {
  readonly replayed: boolean;
}

/** Messages a storefront can show as they are. None names a backend or repeats its words. */
const MESSAGES: Record<PlaceOrderErrorCode, string> = {
  OUT_OF_STOCK: 'Some items are not available in the quantity asked for. Nothing was ordered.',
  ORDER_REJECTED: 'The order could not be accepted. Nothing was ordered.',
  TEMPORARILY_UNAVAILABLE: 'Ordering is temporarily unavailable. Nothing was ordered; please try again in a moment.',
};

export function failure(code: PlaceOrderErrorCode, steps: CheckoutStep[] = []): CheckoutOutcome {
  return { order: null, error: { code, message: MESSAGES[code] }, steps };
}

/**
 * What a failed write tells us about the backend's state, which decides whether there is
 * anything to undo:
 * - `refused`: it answered 4xx: it looked at the write and did not do it;
 * - `not-done`: it answered 5xx (the contract: a 5xx write did not happen), or it was never
 *   sent (circuit open, our own bulkhead or rate limit);
 * - `unknown`: no usable answer (a timeout, a connection lost after sending, a 2xx we could
 *   not read): it may have happened. Only this case must be settled by asking again.
 */
export type FailureKind = 'refused' | 'not-done' | 'unknown';

export function failureKind(error: unknown): FailureKind {
  if (!(error instanceof BackendError)) return 'unknown';
  const { status, code } = error;
  if (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429) return 'refused';
  if (status !== undefined && status >= 400) return 'not-done';
  if (status === undefined && (code === PublicCode.BACKEND_CIRCUIT_OPEN || code === PublicCode.BACKEND_OVERLOADED || code === PublicCode.BACKEND_RATE_LIMITED))
    return 'not-done';
  return 'unknown';
}

/**
 * The one code the customer sees when a critical call failed. Short stock wins, since the
 * customer can act on it (order less); then a refusal; anything else is our trouble.
 */
export function errorCodeFor(orderError: unknown, reservationError: unknown): PlaceOrderErrorCode {
  if (reservationError instanceof BackendError && reservationError.status === 409) return 'OUT_OF_STOCK';
  const refused = [orderError, reservationError].some((error) => error !== undefined && failureKind(error) === 'refused');
  return refused ? 'ORDER_REJECTED' : 'TEMPORARILY_UNAVAILABLE';
}
