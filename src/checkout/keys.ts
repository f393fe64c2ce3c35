import { createHash } from 'node:crypto';

/**
 * Every name one checkout derives from the client's `idempotencyKey`, scoped to its user (two
 * users may well pick the same key). Derived, never random: a retried checkout, a second tab
 * or another instance arrives at the same names, so each backend sees a repeat as a replay.
 */
export interface CheckoutKeys {
  /**
   * A digest of user and key: the checkout's record, the stem of its job ids, and its order
   * reference. Safe in Redis keys and BullMQ ids (hex; no `:`), and reveals neither.
   */
  readonly id: string;
  /** Idempotency keys sent to the backends, one per write: `<userId>:<key>:<write>`. */
  readonly idempotency: {
    readonly createOrder: string;
    readonly reserveStock: string;
    readonly cancelOrder: string;
    readonly releaseReservation: string;
    readonly notification: string;
  };
  /**
   * The `orderId` the reservation is made for. The two critical calls run at the same time, so
   * the order's real id does not exist yet when the reservation is made; instead the
   * reservation carries this reference, derived from the key and so the same on every retry
   * and every instance (a repeated reservation is the same reservation). The audit event
   * records reference, order id and reservation id together: that is where they are joined.
   *
   * A tighter link needs the contract to grow: orders accepting a client-chosen reference
   * (`POST /orders { reference }`), or inventory re-pointing a reservation at the order once
   * it exists. Reserving after the order, with its id, needs no change but costs the sum of
   * the two latencies instead of the larger one.
   */
  readonly orderReference: string;
  /** Delivery (job) ids: enqueued twice, queued once. */
  readonly jobs: {
    readonly notification: string;
    readonly audit: string;
    readonly cancelOrder: string;
    readonly releaseReservation: string;
  };
}

export function checkoutKeys(userId: string, idempotencyKey: string): CheckoutKeys {
  const base = `${userId}:${idempotencyKey}`;
  // The user id is a backend's id and the key is the client's: length-prefix the first so
  // that no (user, key) pair can spell another's digest input.
  const id = createHash('sha256').update(`${userId.length}:${base}`).digest('hex').slice(0, 32);
  return {
    id,
    idempotency: {
      createOrder: `${base}:order`,
      reserveStock: `${base}:reservation`,
      cancelOrder: `${base}:order-cancel`,
      releaseReservation: `${base}:reservation-release`,
      notification: `${base}:notification`,
    },
    orderReference: `checkout-${id}`,
    jobs: {
      notification: `notification.${id}`,
      audit: `audit.${id}`,
      cancelOrder: `cancel-order.${id}`,
      releaseReservation: `release-reservation.${id}`,
    },
  };
}

/** The items as a digest: the same key sent with different items is a client bug, refused. */
export function itemsFingerprint(items: ReadonlyArray<{ productId: string; quantity: number }>): string {
  const canonical = JSON.stringify(items.map(({ productId, quantity }) => [productId, quantity]));
  return createHash('sha256').update(canonical).digest('hex').slice(0, 32);
}
