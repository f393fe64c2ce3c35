import { z } from 'zod';
import type { BackendHttp, RequestScope } from '../http.js';
import { BackendError } from '../errors.js';
import { checkWith, itemsOf, Money } from '../shape.js';

export const OrderItemDto = z.object({ productId: z.string(), quantity: z.number().int(), unitPrice: Money });
export type OrderItemDto = z.infer<typeof OrderItemDto>;

export const OrderDto = z.object({
  id: z.string(),
  userId: z.string(),
  status: z.string(),
  createdAt: z.string(),
  items: z.array(OrderItemDto),
  total: Money,
});
export type OrderDto = z.infer<typeof OrderDto>;

const checkOrder = checkWith(OrderDto);
const checkOrders = checkWith(itemsOf(OrderDto));

/**
 * The orders service. Orders are private: every call carries the request's bearer token, and
 * a call without one fails here, before any traffic.
 */
export class OrdersClient {
  constructor(
    private readonly http: BackendHttp,
    private readonly scope: RequestScope,
  ) {}

  /** The order, or null when it does not exist; UNAUTHENTICATED/FORBIDDEN for someone else's. */
  async getOrder(id: string): Promise<OrderDto | null> {
    const path = `/orders/${encodeURIComponent(id)}`;
    return this.http.json(this.scope, { path, headers: this.credentials(), nullOn: [404] }, checkOrder);
  }

  /** Orders of several customers in one call (≤ maxBatchSize ids). */
  async getByUsers(userIds: readonly string[]): Promise<OrderDto[]> {
    const request = { path: '/orders', query: { userIds }, headers: this.credentials() };
    return (await this.http.json(this.scope, request, checkOrders))?.items ?? [];
  }

  private credentials(): Record<string, string> {
    const { authorization } = this.scope;
    if (!authorization) throw new BackendError('orders', 'UNAUTHENTICATED', 'no bearer token on the request');
    return { authorization };
  }
}
