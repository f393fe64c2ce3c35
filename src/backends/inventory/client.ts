import { z } from 'zod';
import type { RequestScope } from '../http.js';
import type { BackendCalls } from '../in-flight.js';
import { bulkAnswer, type BulkAnswer, type InvalidItemReport } from '../bulk-answer.js';
import { checkItems, checkWith, Count, Id, ignoreBody } from '../shape.js';

export const StockDto = z.object({ productId: Id, available: Count });
export type StockDto = z.infer<typeof StockDto>;

export const ReservationDto = z.object({ id: Id, orderId: Id, status: z.string() });
export type ReservationDto = z.infer<typeof ReservationDto>;

/** The body of `POST /reservations`. */
export interface NewReservationInput {
  /** The order the units are held for (see src/checkout/keys.ts for what checkout sends). */
  readonly orderId: string;
  readonly items: ReadonlyArray<{ readonly productId: string; readonly quantity: number }>;
}

const checkStock = checkItems(StockDto, 'productId');
const checkReservation = checkWith(ReservationDto);

/** The inventory service: stock levels in bulk, and reservations (checkout's writes). */
export class InventoryClient {
  constructor(
    private readonly http: BackendCalls,
    private readonly scope: RequestScope,
    /** Told of each item of a bulk answer that broke the contract (the log). */
    private readonly report?: InvalidItemReport,
  ) {}

  async getStock(productIds: readonly string[]): Promise<BulkAnswer<StockDto>> {
    const path = '/stock';
    return bulkAnswer(
      'inventory',
      path,
      productIds,
      await this.http.items(this.scope, { path, idsParam: 'productIds', ids: productIds }, checkStock),
      this.report,
    );
  }

  /**
   * Holds units for an order, all lines or none. Short stock is a BackendError with status
   * 409. `idempotencyKey` makes a resend a replay of the first answer: nothing is held twice.
   */
  async reserve(input: NewReservationInput, idempotencyKey: string): Promise<ReservationDto> {
    const request = { method: 'POST' as const, path: '/reservations', body: input, headers: { 'idempotency-key': idempotencyKey } };
    return (await this.http.json(this.scope, request, checkReservation))!;
  }

  /**
   * Releases a reservation (a compensation): true when released (releasing twice is a no-op),
   * false when there is no such reservation, so nothing to undo. DELETE is idempotent, but the
   * transport retries only calls that carry a key, so it carries one.
   */
  async release(id: string, idempotencyKey: string): Promise<boolean> {
    const request = {
      method: 'DELETE' as const,
      path: `/reservations/${encodeURIComponent(id)}`,
      headers: { 'idempotency-key': idempotencyKey },
      nullOn: [404],
    };
    return (await this.http.json(this.scope, request, ignoreBody)) !== null;
  }
}
