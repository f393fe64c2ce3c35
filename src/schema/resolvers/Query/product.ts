import type { QueryResolvers } from './../../types.generated.js';

export const product: NonNullable<QueryResolvers['product']> = (_parent, { id }, { loaders }) => loaders.product.load(id);
