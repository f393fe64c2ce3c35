import type { Review } from '../data/types.js';
import type { Dataset } from '../data/seed.js';
import { badRequest, notInRequestOrder, readIds, readInt } from '../http.js';
import { ok, type ServiceDefinition } from '../server.js';

export const DEFAULT_LIMIT_PER_PRODUCT = 5;
export const MAX_LIMIT_PER_PRODUCT = 100;

/** reviews (4003): bulk by product (newest first, capped per product) or by author. */
export function reviewsService(data: Dataset): ServiceDefinition {
  return {
    name: 'reviews',
    routes: [
      {
        method: 'GET',
        path: '/reviews',
        cacheControl: 'public, max-age=10',
        handle: ({ query }) => {
          const byProduct = query.has('productIds');
          const byAuthor = query.has('authorIds');
          if (byProduct === byAuthor) {
            throw badRequest('GET /reviews takes exactly one of productIds=… (with optional limitPerProduct) or authorIds=…');
          }
          const items: Review[] = [];
          if (byProduct) {
            const limit = readInt(query, 'limitPerProduct', { default: DEFAULT_LIMIT_PER_PRODUCT, min: 1, max: MAX_LIMIT_PER_PRODUCT });
            // Ids reversed, each product's reviews kept newest first: the
            // grouping is not the request order, so the BFF must group by productId.
            for (const productId of notInRequestOrder(readIds(query, 'productIds'))) {
              items.push(...(data.reviewsByProductId.get(productId) ?? []).slice(0, limit));
            }
          } else {
            for (const authorId of notInRequestOrder(readIds(query, 'authorIds'))) {
              items.push(...(data.reviewsByAuthorId.get(authorId) ?? []));
            }
          }
          return ok({ items });
        },
      },
    ],
  };
}
