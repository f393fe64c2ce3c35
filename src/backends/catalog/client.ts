import { z } from 'zod';
import type { RequestScope } from '../http.js';
import type { BackendCalls } from '../in-flight.js';
import { bulkAnswer, type BulkAnswer, type InvalidItemReport } from '../bulk-answer.js';
import { checkItems, checkWith, Id, itemsOf, Money } from '../shape.js';

export const ProductDto = z.object({
  id: Id,
  name: z.string(),
  description: z.string().nullable().optional(),
  category: z.string(),
  price: Money,
});
export type ProductDto = z.infer<typeof ProductDto>;

export const ProductPageDto = itemsOf(ProductDto).extend({ nextCursor: z.string().nullable() });
export type ProductPageDto = z.infer<typeof ProductPageDto>;

const checkProducts = checkItems(ProductDto, 'id');
const checkPage = checkWith(ProductPageDto);

export interface ListProductsArgs {
  /** 1 to 100. */
  limit: number;
  cursor?: string | null;
  category?: string | null;
}

/** The catalog service: products in bulk by id, and cursor-paginated listings. */
export class CatalogClient {
  constructor(
    private readonly http: BackendCalls,
    private readonly scope: RequestScope,
    /** Told of each item of a bulk answer that broke the contract (the log). */
    private readonly report?: InvalidItemReport,
  ) {}

  /** Bulk lookup (≤ maxBatchSize ids); unknown ids are absent from the result, in any order. */
  async getProducts(ids: readonly string[]): Promise<BulkAnswer<ProductDto>> {
    const path = '/products';
    return bulkAnswer('catalog', path, ids, await this.http.items(this.scope, { path, idsParam: 'ids', ids }, checkProducts), this.report);
  }

  /**
   * A page is checked whole: one bad product fails the listing, since `nodes` is `[Product!]!`
   * and so has no place for one product's error.
   */
  async listProducts({ limit, cursor, category }: ListProductsArgs): Promise<ProductPageDto> {
    const query = { limit, cursor: cursor ?? undefined, category: category ?? undefined };
    // A listing always answers 200 (possibly empty), so null cannot happen here.
    return (await this.http.json(this.scope, { path: '/products', query }, checkPage))!;
  }
}
