import { z } from 'zod';
import type { RequestScope } from '../http.js';
import type { BackendCalls } from '../in-flight.js';
import { checkWith, itemsOf } from '../shape.js';

export const ReviewDto = z.object({
  id: z.string(),
  productId: z.string(),
  authorId: z.string(),
  rating: z.number().int().min(1).max(5),
  body: z.string().nullable().optional(),
  createdAt: z.string(),
});
export type ReviewDto = z.infer<typeof ReviewDto>;

const checkReviews = checkWith(itemsOf(ReviewDto));

/** The most reviews per product the service returns in one bulk call. */
export const MAX_REVIEWS_PER_PRODUCT = 100;

/** The reviews service: reviews in bulk, by product or by author. */
export class ReviewsClient {
  constructor(
    private readonly http: BackendCalls,
    private readonly scope: RequestScope,
  ) {}

  async getByProducts(productIds: readonly string[], limitPerProduct: number): Promise<ReviewDto[]> {
    return this.http.items(this.scope, { path: '/reviews', query: { limitPerProduct }, idsParam: 'productIds', ids: productIds }, checkReviews);
  }

  async getByAuthors(authorIds: readonly string[]): Promise<ReviewDto[]> {
    return this.http.items(this.scope, { path: '/reviews', idsParam: 'authorIds', ids: authorIds }, checkReviews);
  }
}
