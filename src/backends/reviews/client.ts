import { z } from 'zod';
import type { RequestScope } from '../http.js';
import type { BackendCalls } from '../in-flight.js';
import { bulkAnswer, type BulkAnswer, type InvalidItemReport } from '../bulk-answer.js';
import { checkItems, Id, Timestamp } from '../shape.js';

export const ReviewDto = z.object({
  id: Id,
  productId: Id,
  authorId: Id,
  rating: z.number().int().min(1).max(5),
  body: z.string().nullable().optional(),
  createdAt: Timestamp,
});
export type ReviewDto = z.infer<typeof ReviewDto>;

// A bad review fails the list it belongs to: the product's, or the author's.
const checkByProduct = checkItems(ReviewDto, 'productId');
const checkByAuthor = checkItems(ReviewDto, 'authorId');

/** The most reviews per product the service returns in one bulk call. */
export const MAX_REVIEWS_PER_PRODUCT = 100;

/** The reviews service: reviews in bulk, by product or by author. */
export class ReviewsClient {
  constructor(
    private readonly http: BackendCalls,
    private readonly scope: RequestScope,
    /** Told of each item of a bulk answer that broke the contract (the log). */
    private readonly report?: InvalidItemReport,
  ) {}

  async getByProducts(productIds: readonly string[], limitPerProduct: number): Promise<BulkAnswer<ReviewDto>> {
    const path = '/reviews';
    const checked = await this.http.items(this.scope, { path, query: { limitPerProduct }, idsParam: 'productIds', ids: productIds }, checkByProduct);
    return bulkAnswer('reviews', path, productIds, checked, this.report);
  }

  async getByAuthors(authorIds: readonly string[]): Promise<BulkAnswer<ReviewDto>> {
    const path = '/reviews';
    return bulkAnswer(
      'reviews',
      path,
      authorIds,
      await this.http.items(this.scope, { path, idsParam: 'authorIds', ids: authorIds }, checkByAuthor),
      this.report,
    );
  }
}
