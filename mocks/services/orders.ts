import type { Dataset } from '../data/seed.js';
import { money } from '../data/money.js';
import type { Order, OrderItem } from '../data/types.js';
import {
  HttpError,
  badRequest,
  bearerUserId,
  notFound,
  notInRequestOrder,
  readIds,
  requireLineItems,
  requireObject,
  requireString,
  unauthorized,
} from '../http.js';
import { created, ok, type ServiceDefinition } from '../server.js';

/**
 * orders (4005): orders by customer, one order for its owner only, and the
 * writes of checkout (place, cancel). Writes go to copy-on-write maps over the
 * frozen dataset, so they live as long as this server instance.
 */
export function ordersService(data: Dataset): ServiceDefinition {
  const ordersById = new Map(data.ordersById);
  const ordersByUserId = new Map(data.ordersByUserId);
  let nextOrderId = data.orders.length + 1;

  function save(order: Order): void {
    const previous = ordersById.get(order.id);
    ordersById.set(order.id, order);
    const list = ordersByUserId.get(order.userId) ?? [];
    // New lists instead of edits: the seeded lists are frozen and shared.
    ordersByUserId.set(order.userId, previous ? list.map((o) => (o.id === order.id ? order : o)) : [order, ...list]);
  }

  return {
    name: 'orders',
    routes: [
      {
        method: 'GET',
        path: '/orders',
        cacheControl: 'private, no-store',
        handle: ({ query }) => {
          const items: Order[] = [];
          for (const userId of notInRequestOrder(readIds(query, 'userIds'))) items.push(...(ordersByUserId.get(userId) ?? []));
          return ok({ items });
        },
      },
      {
        method: 'GET',
        path: '/orders/:id',
        cacheControl: 'private, no-store',
        handle: ({ params, headers }) => {
          // Authenticate before looking up, so a stranger cannot probe which ids exist.
          const callerId = bearerUserId(headers);
          if (callerId === undefined || !data.usersById.has(callerId)) {
            throw unauthorized("GET /orders/:id needs authorization: Bearer token-<userId> of the order's customer");
          }
          const order = ordersById.get(params.id);
          if (!order) throw notFound('order', params.id);
          if (order.userId !== callerId) throw new HttpError(403, `order ${JSON.stringify(params.id)} belongs to another customer`);
          return ok(order);
        },
      },
      {
        method: 'POST',
        path: '/orders',
        idempotent: true,
        handle: ({ body }) => {
          const input = requireObject(body, 'like { "userId": "1", "items": [{ "productId": "1", "quantity": 2 }] }');
          const userId = requireString(input, 'userId');
          if (!data.usersById.has(userId)) throw badRequest(`unknown userId ${JSON.stringify(userId)}`, { userId });
          let totalCents = 0;
          const items: OrderItem[] = requireLineItems(input).map(({ productId, quantity }) => {
            // Prices come from the catalog, never from the client.
            const unitCents = data.priceCentsByProductId.get(productId);
            if (unitCents === undefined) throw badRequest(`unknown productId ${JSON.stringify(productId)}`, { productId });
            totalCents += unitCents * quantity;
            return { productId, quantity, unitPrice: money(unitCents) };
          });
          const order: Order = {
            id: String(nextOrderId++),
            userId,
            status: 'placed',
            createdAt: new Date().toISOString(),
            items,
            total: money(totalCents),
          };
          save(order);
          return created(order);
        },
      },
      {
        method: 'POST',
        path: '/orders/:id/cancel',
        idempotent: true,
        handle: ({ params }) => {
          const order = ordersById.get(params.id);
          if (!order) throw notFound('order', params.id);
          // Cancelling a cancelled order answers the same: compensations get retried.
          if (order.status === 'cancelled') return ok(order);
          const cancelled: Order = { ...order, status: 'cancelled' };
          save(cancelled);
          return ok(cancelled);
        },
      },
    ],
  };
}
