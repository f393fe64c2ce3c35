import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockBackends } from '../../mocks/index.js';
import { getDataset } from '../../mocks/data/seed.js';
import type { Review } from '../../mocks/data/types.js';
import { idRange, request, startEphemeral } from './helpers.js';

let mocks: MockBackends;
let reviews: string;
beforeAll(async () => {
  mocks = await startEphemeral({ services: ['reviews'] });
  reviews = mocks.urls.reviews;
});
afterAll(() => mocks.close());

const data = getDataset();
// A product with more reviews than the default limit, found rather than hard-coded.
const busyProduct = [...data.reviewsByProductId.entries()].find(([, list]) => list.length >= 8)![0];
const quietProduct = [...data.reviewsByProductId.entries()].find(([, list]) => list.length === 2)![0];

describe('reviews mock', () => {
  it('returns at most limitPerProduct (default 5) newest reviews per product, for every product asked', async () => {
    const res = await request<{ items: Review[] }>(`${reviews}/reviews?productIds=${busyProduct},${quietProduct}`);
    expect(res.status).toBe(200);
    const byProduct: Record<string, Review[]> = {};
    for (const review of res.body.items) (byProduct[review.productId] ??= []).push(review);
    expect(byProduct[busyProduct]).toEqual(data.reviewsByProductId.get(busyProduct)!.slice(0, 5));
    expect(byProduct[quietProduct]).toEqual(data.reviewsByProductId.get(quietProduct));
    // Grouped in an order other than the request's: the BFF must group by productId.
    expect(res.body.items[0].productId).toBe(quietProduct);
    const dates = byProduct[busyProduct]!.map((r) => r.createdAt);
    expect(dates).toEqual([...dates].sort().reverse());

    const two = await request<{ items: Review[] }>(`${reviews}/reviews?productIds=${busyProduct}&limitPerProduct=2`);
    expect(two.body.items).toHaveLength(2);
  });

  it('takes repeated productIds too and validates limits', async () => {
    const res = await request<{ items: Review[] }>(`${reviews}/reviews?productIds=${busyProduct}&productIds=${quietProduct}&limitPerProduct=100`);
    expect(res.body.items).toHaveLength(data.reviewsByProductId.get(busyProduct)!.length + 2);
    expect((await request(`${reviews}/reviews?productIds=1&limitPerProduct=101`)).status).toBe(400);
    expect((await request(`${reviews}/reviews?productIds=1&limitPerProduct=x`)).status).toBe(400);
    expect((await request(`${reviews}/reviews?productIds=${idRange(1, 101).join(',')}`)).status).toBe(400);
  });

  it('returns every review of the given authors', async () => {
    const res = await request<{ items: Review[] }>(`${reviews}/reviews?authorIds=1,2,99999`);
    expect(res.status).toBe(200);
    const expected = [...data.reviewsByAuthorId.get('1')!, ...data.reviewsByAuthorId.get('2')!];
    expect(res.body.items).toHaveLength(expected.length);
    expect(new Set(res.body.items.map((r) => r.authorId))).toEqual(new Set(['1', '2']));
    for (const review of res.body.items) {
      expect(review.rating).toBeGreaterThanOrEqual(1);
      expect(review.rating).toBeLessThanOrEqual(5);
    }
  });

  it('needs exactly one of productIds or authorIds', async () => {
    for (const query of ['', '?productIds=1&authorIds=1', '?limitPerProduct=5']) {
      const res = await request(`${reviews}/reviews${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error).toMatch(/exactly one of productIds/);
    }
  });
});
