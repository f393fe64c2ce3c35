import { z } from 'zod';
import type { RequestScope } from '../http.js';
import type { BackendCalls } from '../in-flight.js';
import { checkWith, itemsOf, Money } from '../shape.js';

export const ProductDto = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable().optional(),
  category: z.string(),
  price: Money,
});
export type ProductDto = z.infer<typeof ProductDto>;

export const ProductPageDto = itemsOf(ProductDto).extend({ nextCursor: z.string().nullable() });
export type ProductPageDto = z.infer<typeof ProductPageDto>;

const checkProducts = checkWith(itemsOf(ProductDto));
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
  ) {}

  /** Bulk lookup (≤ maxBatchSize ids); unknown ids are absent from the result, in any order. */
  async getProducts(ids: readonly string[]): Promise<ProductDto[]> {
    return this.http.items(this.scope, { path: '/products', idsParam: 'ids', ids }, checkProducts);
  }

  async listProducts({ limit, cursor, category }: ListProductsArgs): Promise<ProductPageDto> {
    const query = { limit, cursor: cursor ?? undefined, category: category ?? undefined };
    // A listing always answers 200 (possibly empty), so null cannot happen here.
    return (await this.http.json(this.scope, { path: '/products', query }, checkPage))!;
  }
}
