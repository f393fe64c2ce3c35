import { boundedCount } from '../../graphql/arguments.js';
import { MAX_REVIEWS_PER_PRODUCT } from '../../backends/reviews/client.js';
import type { ProductResolvers } from './../types.generated.js';

export const Product: ProductResolvers = {
  stock: (product, _args, { loaders }) => loaders.stock.load(product.id),
  reviews: async (product, { first }, { loaders }) => {
    const count = boundedCount('first', first ?? 5, MAX_REVIEWS_PER_PRODUCT);
    const reviews = await loaders.reviewsByProduct.load(product.id);
    // The list is shared with other requests (read-only): copied only when cut.
    return reviews.length <= count ? reviews : reviews.slice(0, count);
  },
  averageRating: async (product, _args, { loaders }) => {
    const reviews = await loaders.reviewsByProduct.load(product.id);
    if (reviews.length === 0) return null;
    const mean = reviews.reduce((sum, review) => sum + review.rating, 0) / reviews.length;
    return Math.round(mean * 100) / 100;
  },
};
