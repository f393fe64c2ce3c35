import type { ProductConnectionResolvers } from './../types.generated.js';

export const ProductConnection: ProductConnectionResolvers = {
  nodes: (page) => page.items,
  pageInfo: (page) => ({ endCursor: page.nextCursor, hasNextPage: page.nextCursor !== null }),
};
