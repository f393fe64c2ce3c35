import type { Dataset } from '../data/seed.js';
import { HttpError, badRequest, notFound, notInRequestOrder, readIds, requireLineItems, requireObject, requireString, type LineItem } from '../http.js';
import { created, ok, type ServiceDefinition } from '../server.js';

interface Reservation {
  id: string;
  orderId: string;
  items: LineItem[];
  status: 'held' | 'released';
}

/**
 * inventory (4004): stock levels and reservations. Reserving takes units out
 * of `available`; releasing (the saga's compensation) puts them back. State is
 * per server instance, copied from the frozen dataset.
 */
export function inventoryService(data: Dataset): ServiceDefinition {
  const available = new Map(data.stock);
  const reservations = new Map<string, Reservation>();
  let nextReservation = 1;

  return {
    name: 'inventory',
    routes: [
      {
        method: 'GET',
        path: '/stock',
        cacheControl: 'public, max-age=1',
        handle: ({ query }) => {
          const items = [];
          for (const productId of readIds(query, 'productIds')) {
            const units = available.get(productId);
            if (units !== undefined) items.push({ productId, available: units });
          }
          return ok({ items: notInRequestOrder(items) });
        },
      },
      {
        method: 'POST',
        path: '/reservations',
        idempotent: true,
        handle: ({ body }) => {
          const input = requireObject(body, 'like { "orderId": "…", "items": [{ "productId": "1", "quantity": 2 }] }');
          const orderId = requireString(input, 'orderId');
          const lines = requireLineItems(input);
          // Sum per product first, so two lines for one product cannot each
          // pass the check and together overdraw it.
          const wanted = new Map<string, number>();
          for (const { productId, quantity } of lines) wanted.set(productId, (wanted.get(productId) ?? 0) + quantity);
          for (const [productId, quantity] of wanted) {
            const units = available.get(productId);
            if (units === undefined) throw badRequest(`unknown productId ${JSON.stringify(productId)}`, { productId });
            if (units < quantity) {
              throw new HttpError(409, 'insufficient stock', { productId, available: units, requested: quantity });
            }
          }
          // All or nothing: only now that every line fits is anything taken.
          for (const [productId, quantity] of wanted) available.set(productId, available.get(productId)! - quantity);
          const reservation: Reservation = { id: `rsv-${nextReservation++}`, orderId, items: lines, status: 'held' };
          reservations.set(reservation.id, reservation);
          return created({ id: reservation.id, orderId, status: reservation.status });
        },
      },
      {
        method: 'DELETE',
        path: '/reservations/:id',
        idempotent: true,
        handle: ({ params }) => {
          const reservation = reservations.get(params.id);
          if (!reservation) throw notFound('reservation', params.id);
          // Releasing twice is a no-op, so a retried compensation never returns units twice.
          if (reservation.status === 'held') {
            for (const { productId, quantity } of reservation.items) available.set(productId, available.get(productId)! + quantity);
            reservation.status = 'released';
          }
          return { status: 204 };
        },
      },
    ],
  };
}
