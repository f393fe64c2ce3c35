import type { Logger } from 'pino';
import { createBackendClients, type BackendTransports } from '../backends/index.js';
import type { NotificationInput } from '../backends/notifications/client.js';
import { createRequestScope } from '../backends/scope.js';
import { PermanentDeliveryError, type DeliveryAttempt, type DeliveryHandlers } from '../queue/index.js';
import { failureKind, type CheckoutStep, type PlaceOrderErrorCode } from './outcome.js';
import { undoOrder, undoReservation, type UndoOrder, type UndoReservation } from './undo.js';
import type { OrderLine } from './validate.js';

/** The kinds of delivery checkout queues, and their data (JSON, no credentials). */
export const KIND = {
  notification: 'notification',
  audit: 'audit',
  cancelOrder: 'cancel-order',
  releaseReservation: 'release-reservation',
} as const;

export interface NotificationDelivery {
  readonly notification: NotificationInput;
  readonly idempotencyKey: string;
}

/**
 * One line in the audit trail per decided checkout. There is no audit service in the contract,
 * so the sink is the log: one JSON line with `stream: "audit"`, which a log pipeline routes to
 * wherever audit records are kept. It still goes through the queue, so that it is written
 * after the answer, off the client's time, and (with Redis) even if this instance dies first.
 * At least once: a redelivery writes the line again, and consumers de-duplicate on `eventId`.
 */
export interface AuditEvent {
  readonly eventId: string;
  readonly type: 'order.placed' | 'order.not-placed';
  /** ISO 8601, when the outcome was decided. */
  readonly at: string;
  readonly userId: string;
  readonly requestId: string;
  /** Joins the reservation (made for this reference) to the order. */
  readonly orderReference: string;
  readonly orderId: string | null;
  readonly reservationId: string | null;
  readonly items: readonly OrderLine[];
  readonly error: PlaceOrderErrorCode | null;
  readonly steps: readonly CheckoutStep[];
}

/**
 * What delivers each kind, outside any request: no user, no token (none is ever queued), the
 * anonymous scope of the backend clients, and the attempt's own deadline. A refusal (4xx) is
 * permanent: retrying the same content cannot help, so it goes to the dead-letter queue at once.
 */
export function checkoutHandlers(transports: BackendTransports, audit: Logger): DeliveryHandlers {
  const clients = (attempt: DeliveryAttempt) =>
    createBackendClients(transports, createRequestScope({ signal: attempt.signal, deadline: attempt.deadline, requestId: attempt.id }));
  return {
    [KIND.notification]: (data: NotificationDelivery, attempt) =>
      permanentIfRefused(clients(attempt).notifications.send(data.notification, data.idempotencyKey)),
    [KIND.audit]: async (event: AuditEvent) => {
      audit.info({ audit: event }, 'audit event');
    },
    [KIND.cancelOrder]: (data: UndoOrder, attempt) => permanentIfRefused(undoOrder(clients(attempt).orders, data)),
    [KIND.releaseReservation]: (data: UndoReservation, attempt) => permanentIfRefused(undoReservation(clients(attempt).inventory, data)),
  };
}

/** The audit sink: its own level, so LOG_LEVEL=warn does not silence the audit trail (only `silent` does). */
export function auditLogger(logger: Logger): Logger {
  return logger.child({ stream: 'audit' }, { level: logger.level === 'silent' ? 'silent' : 'info' });
}

async function permanentIfRefused(work: Promise<unknown>): Promise<void> {
  try {
    await work;
  } catch (error) {
    if (failureKind(error) === 'refused') throw new PermanentDeliveryError((error as Error).message, { cause: error });
    throw error;
  }
}
