import { boundedCount } from '../../../graphql/arguments.js';
import type { QueryResolvers } from './../../types.generated.js';

/** The catalog's own page size limit. */
const MAX_PAGE_SIZE = 100;

export const products: NonNullable<QueryResolvers['products']> = async (_parent, { first, after, category }, { backends, loaders }) => {
  const limit = boundedCount('first', first ?? 20, MAX_PAGE_SIZE);
  if (limit === 0) return { items: [], nextCursor: after ?? null };
  const page = await backends.catalog.listProducts({ limit, cursor: after, category });
  // Later lookups of these products (e.g. review.product) need no second call.
  for (const item of page.items) loaders.product.prime(item.id, item);
  return page;
};
