import type { Dataset } from '../data/seed.js';
import { badRequest, lookUpAll, notFound, notInRequestOrder, readIds, readInt } from '../http.js';
import { ok, type ServiceDefinition } from '../server.js';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/**
 * Cursors are opaque to clients but simple inside: the index of the last
 * product served. Paging "after index N" (rather than "from offset N") stays
 * correct with a category filter and needs no server-side session.
 */
const CURSOR_PREFIX = 'after:';

function encodeCursor(index: number): string {
  return Buffer.from(`${CURSOR_PREFIX}${index}`).toString('base64url');
}

function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const index = text.startsWith(CURSOR_PREFIX) ? Number(text.slice(CURSOR_PREFIX.length)) : Number.NaN;
  if (!Number.isSafeInteger(index) || index < 0) {
    throw badRequest(`cursor must be a nextCursor returned by GET /products, got ${JSON.stringify(cursor)}`);
  }
  return index;
}

/** First position in the ascending `indexes` whose value is greater than `after`. */
function firstAfter(indexes: readonly number[], after: number): number {
  let low = 0;
  let high = indexes.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (indexes[mid] <= after) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** catalog (4002): products, listed with cursor paging or fetched in bulk. */
export function catalogService(data: Dataset): ServiceDefinition {
  const allIndexes = data.products.map((_, index) => index);

  return {
    name: 'catalog',
    routes: [
      {
        method: 'GET',
        path: '/products',
        cacheControl: 'public, max-age=30',
        handle: ({ query }) => {
          // One path, two contracts: ids= is the bulk lookup, anything else lists.
          if (query.has('ids')) {
            return ok({ items: notInRequestOrder(lookUpAll(readIds(query, 'ids'), data.productsById)) });
          }
          const limit = readInt(query, 'limit', { default: DEFAULT_PAGE_SIZE, min: 1, max: MAX_PAGE_SIZE });
          const category = query.get('category');
          // An unknown category is an empty shelf, not an error: categories are data, not contract.
          const indexes = category === null ? allIndexes : (data.productIndexesByCategory.get(category) ?? []);
          const cursor = query.get('cursor');
          const start = cursor === null || cursor === '' ? 0 : firstAfter(indexes, decodeCursor(cursor));
          const page = indexes.slice(start, start + limit);
          const more = start + page.length < indexes.length;
          return ok({
            items: page.map((index) => data.products[index]),
            nextCursor: more ? encodeCursor(page[page.length - 1]) : null,
          });
        },
      },
      {
        method: 'GET',
        path: '/products/:id',
        cacheControl: 'public, max-age=30',
        handle: ({ params }) => {
          const product = data.productsById.get(params.id);
          if (!product) throw notFound('product', params.id);
          return ok(product);
        },
      },
    ],
  };
}
