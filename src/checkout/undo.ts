import type { InventoryClient } from '../backends/inventory/client.js';
import type { OrdersClient } from '../backends/orders/client.js';
import { failureKind } from './outcome.js';
import type { OrderLine } from './validate.js';

/**
 * The compensations: what undoes a critical call. Each runs first inside the request, then, if
 * that fails, from the delivery queue until it succeeds; so each is idempotent (cancelling or
 * releasing twice is a no-op at the backend) and needs nothing but its JSON data. Each returns
 * the id of what it undid, or null when there turned out to be nothing to undo.
 */

export interface UndoOrder {
  /** Unknown when the creation got no answer: it is then found by replaying the creation. */
  readonly orderId?: string;
  readonly userId: string;
  readonly items: readonly OrderLine[];
  readonly createKey: string;
  readonly cancelKey: string;
}

export interface UndoReservation {
  /** Unknown when the reservation got no answer: found by replaying it. */
  readonly reservationId?: string;
  readonly orderReference: string;
  readonly items: readonly OrderLine[];
  readonly reserveKey: string;
  readonly releaseKey: string;
}

export async function undoOrder(orders: OrdersClient, data: UndoOrder): Promise<string | null> {
  let orderId = data.orderId;
  if (orderId === undefined) {
    // Same key: the backend replays its first answer. If the first never arrived, this makes
    // the order now, and it is cancelled below: the end state is the same, nothing ordered.
    try {
      orderId = (await orders.replayCreateOrder({ userId: data.userId, items: data.items }, data.createKey)).id;
    } catch (error) {
      if (failureKind(error) === 'refused') return null; // it was refused: no order to cancel
      throw error;
    }
  }
  return (await orders.cancelOrder(orderId, data.cancelKey)) ? orderId : null;
}

export async function undoReservation(inventory: InventoryClient, data: UndoReservation): Promise<string | null> {
  let reservationId = data.reservationId;
  if (reservationId === undefined) {
    try {
      reservationId = (await inventory.reserve({ orderId: data.orderReference, items: data.items }, data.reserveKey)).id;
    } catch (error) {
      if (failureKind(error) === 'refused') return null; // 409 or 400: nothing was held
      throw error;
    }
  }
  return (await inventory.release(reservationId, data.releaseKey)) ? reservationId : null;
}
