import { z } from 'zod';
import type { BackendHttp, RequestScope } from '../http.js';
import { checkWith, itemsOf } from '../shape.js';

export const StockDto = z.object({ productId: z.string(), available: z.number().int() });
export type StockDto = z.infer<typeof StockDto>;

const checkStock = checkWith(itemsOf(StockDto));

/** The inventory service: stock levels in bulk. */
export class InventoryClient {
  constructor(
    private readonly http: BackendHttp,
    private readonly scope: RequestScope,
  ) {}

  async getStock(productIds: readonly string[]): Promise<StockDto[]> {
    return this.http.items(this.scope, { path: '/stock', idsParam: 'productIds', ids: productIds }, checkStock);
  }
}
