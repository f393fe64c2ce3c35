import { boundedCount } from '../../graphql/arguments.js';
import { whenLoaded } from '../../graphql/when-loaded.js';
import { MAX_REVIEWS_PER_PRODUCT, type ReviewDto } from '../../backends/reviews/client.js';
import type { ProductResolvers } from './../types.generated.js';

export const Product: ProductResolvers = {
  stock: (product, _args, { loaders }) => loaders.stock.load(product.id),
  reviews: (product, { first }, { loaders }) => {
    const count = boundedCount('first', first ?? 5, MAX_REVIEWS_PER_PRODUCT);
    // The list is shared with other requests (read-only): copied only when cut.
    return whenLoaded(loaders.reviewsByProduct.load(product.id), (reviews) => (reviews.length <= count ? reviews : reviews.slice(0, count)));
  },
  averageRating: (product, _args, { loaders }) => whenLoaded(loaders.reviewsByProduct.load(product.id), averageOf),
};

function averageOf(reviews: readonly ReviewDto[]): number | null {
  if (reviews.length === 0) return null;
  const mean = reviews.reduce((sum, review) => sum + review.rating, 0) / reviews.length;
  return Math.round(mean * 100) / 100;
}
