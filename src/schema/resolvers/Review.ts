import type { ReviewResolvers } from './../types.generated.js';

export const Review: ReviewResolvers = {
  author: (review, _args, { loaders }) => loaders.user.load(review.authorId),
  product: (review, _args, { loaders }) => loaders.product.load(review.productId),
};
