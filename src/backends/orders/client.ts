import { z } from 'zod';
import type { RequestScope } from '../http.js';
import type { BackendCalls } from '../in-flight.js';
import { BackendError } from '../errors.js';
import { bulkAnswer, type BulkAnswer, type InvalidItemReport } from '../bulk-answer.js';
import { checkItems, checkWith, Count, Id, Money, Timestamp } from '../shape.js';
import { PublicCode } from '../../errors/public-errors.js';

export const OrderItemDto = z.object({ productId: Id, quantity: Count, unitPrice: Money });
export type OrderItemDto = z.infer<typeof OrderItemDto>;

export const OrderDto = z.object({
  id: Id,
  userId: Id,
  status: z.string(),
  createdAt: Timestamp,
  items: z.array(OrderItemDto),
  total: Money,
});
export type OrderDto = z.infer<typeof OrderDto>;

/** The body of `POST /orders`. Prices are the catalog's, never the client's. */
export interface NewOrderInput {
  readonly userId: string;
  readonly items: ReadonlyArray<{ readonly productId: string; readonly quantity: number }>;
}

const checkOrder = checkWith(OrderDto);
const checkOrders = checkItems(OrderDto, 'userId');

/**
 * The orders service. Orders are private: every call carries the request's bearer token, and
 * a call without one fails here, before any traffic.
 */
export class OrdersClient {
  constructor(
    private readonly http: BackendCalls,
    private readonly scope: RequestScope,
    /** Told of each item of a bulk answer that broke the contract (the log). */
    private readonly report?: InvalidItemReport,
  ) {}

  /** The order, or null when it does not exist; UNAUTHENTICATED/FORBIDDEN for someone else's. */
  async getOrder(id: string): Promise<OrderDto | null> {
    const path = `/orders/${encodeURIComponent(id)}`;
    return this.http.json(this.scope, { path, headers: this.credentials(), nullOn: [404] }, checkOrder);
  }

  /** Orders of several customers in one call (≤ maxBatchSize ids). */
  async getByUsers(userIds: readonly string[]): Promise<BulkAnswer<OrderDto>> {
    const request = { path: '/orders', query: { userIds }, headers: this.credentials() };
    // A customer's orders are theirs: never reused (see BulkAnswer.reusableUntil), whatever the headers said.
    const items = (await this.http.json(this.scope, request, checkOrders))?.items ?? [];
    return bulkAnswer('orders', request.path, userIds, { items, reusableUntil: 0 }, this.report);
  }

  /**
   * Creates an order for the request's user. `idempotencyKey` makes a resend (the transport's
   * retry, a client repeating its checkout) a replay of the first answer: one order.
   */
  async createOrder(input: NewOrderInput, idempotencyKey: string): Promise<OrderDto> {
    const request = { method: 'POST' as const, path: '/orders', body: input, headers: { ...this.credentials(), 'idempotency-key': idempotencyKey } };
    return (await this.http.json(this.scope, request, checkOrder))!;
  }

  /**
   * Re-sends a creation made earlier with `idempotencyKey` that got no answer, to learn what
   * came of it: the backend replays its first answer, or makes the order now if the first
   * never arrived. For compensations run from the delivery queue, with no user present: the
   * token goes along when the scope has one (the contract does not ask for it on POST /orders).
   */
  async replayCreateOrder(input: NewOrderInput, idempotencyKey: string): Promise<OrderDto> {
    const request = { method: 'POST' as const, path: '/orders', body: input, headers: { ...this.optionalCredentials(), 'idempotency-key': idempotencyKey } };
    return (await this.http.json(this.scope, request, checkOrder))!;
  }

  /**
   * Cancels an order (a compensation); null when there is no such order, which for a
   * compensation means there is nothing to undo. Cancelling twice answers the same, so it can
   * be retried freely; the token goes along when the scope has one (queued compensations run
   * without a user; the contract does not ask for it here).
   */
  async cancelOrder(id: string, idempotencyKey: string): Promise<OrderDto | null> {
    const path = `/orders/${encodeURIComponent(id)}/cancel`;
    const request = { method: 'POST' as const, path, headers: { ...this.optionalCredentials(), 'idempotency-key': idempotencyKey }, nullOn: [404] };
    return this.http.json(this.scope, request, checkOrder);
  }

  private optionalCredentials(): Record<string, string> {
    return this.scope.authorization ? { authorization: this.scope.authorization } : {};
  }

  private credentials(): Record<string, string> {
    const { authorization } = this.scope;
    if (!authorization) throw new BackendError('orders', PublicCode.UNAUTHENTICATED, 'no bearer token on the request');
    return { authorization };
  }
}
