import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockBackends } from '../../mocks/index.js';
import { getDataset } from '../../mocks/data/seed.js';
import { idRange, request, startEphemeral } from './helpers.js';

let mocks: MockBackends;
let catalog: string;
beforeAll(async () => {
  mocks = await startEphemeral({ services: ['catalog'] });
  catalog = mocks.urls.catalog;
});
afterAll(() => mocks.close());

const data = getDataset();

interface Page {
  items: Array<{ id: string; category: string; price: { amount: string; currency: string } }>;
  nextCursor: string | null;
}

async function pageThrough(query: string): Promise<{ ids: string[]; pages: number; items: Page['items'] }> {
  const items: Page['items'] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const url: string = `${catalog}/products?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await request<Page>(url);
    expect(res.status).toBe(200);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
    pages++;
  } while (cursor !== null && pages < 1_000);
  return { ids: items.map((p) => p.id), pages, items };
}

describe('catalog mock', () => {
  it('pages through all 5,000 products with cursors, in id order, ending with nextCursor null', async () => {
    const { ids, pages, items } = await pageThrough('limit=100');
    expect(pages).toBe(50);
    expect(ids).toEqual(idRange(1, 5000));
    for (const product of items) {
      expect(product.price.currency).toBe('EUR');
      expect(product.price.amount).toMatch(/^\d+\.\d{2}$/);
    }
  });

  it('defaults to 20 per page', async () => {
    const res = await request<Page>(`${catalog}/products`);
    expect(res.body.items.map((p) => p.id)).toEqual(idRange(1, 20));
    expect(typeof res.body.nextCursor).toBe('string');
  });

  it('pages within a category, with a page size that does not divide it', async () => {
    const expected = data.productIndexesByCategory.get('books')!.map((i) => data.products[i].id);
    expect(expected.length).toBeGreaterThan(300);
    const { ids, items, pages } = await pageThrough('limit=37&category=books');
    expect(ids).toEqual(expected);
    expect(pages).toBe(Math.ceil(expected.length / 37));
    expect(new Set(items.map((p) => p.category))).toEqual(new Set(['books']));
  });

  it('has about ten lowercase categories, and an unknown one is an empty page', async () => {
    expect(data.categories.length).toBe(10);
    for (const category of data.categories) expect(category).toMatch(/^[a-z]+$/);
    const res = await request<Page>(`${catalog}/products?category=nope`);
    expect(res.body).toEqual({ items: [], nextCursor: null });
  });

  it('rejects a limit above 100, a non-numeric or zero limit, and a forged cursor with 400', async () => {
    expect((await request(`${catalog}/products?limit=100`)).status).toBe(200);
    for (const query of ['limit=101', 'limit=abc', 'limit=0', 'limit=-1', 'limit=1.5']) {
      const res = await request(`${catalog}/products?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error).toMatch(/limit must be an integer from 1 to 100/);
    }
    const forged = await request(`${catalog}/products?cursor=not-a-cursor`);
    expect(forged.status).toBe(400);
    expect(forged.body.error).toMatch(/cursor/);
  });

  it('serves products in bulk by ids (unknown absent, ≤ 100) and one by id', async () => {
    const bulk = await request<Page>(`${catalog}/products?ids=10&ids=20,30,77777`);
    expect(bulk.status).toBe(200);
    expect(bulk.body.items.map((p) => p.id).sort()).toEqual(['10', '20', '30']);
    expect(bulk.body.items.map((p) => p.id)).not.toEqual(['10', '20', '30']);
    expect(bulk.body).not.toHaveProperty('nextCursor');

    expect((await request(`${catalog}/products?ids=${idRange(1, 101).join(',')}`)).status).toBe(400);

    const one = await request(`${catalog}/products/4999`);
    expect(one.body).toEqual(data.productsById.get('4999'));
    expect(Object.keys(one.body).sort()).toEqual(['category', 'description', 'id', 'name', 'price']);
    expect((await request(`${catalog}/products/5001`)).status).toBe(404);
  });

  it('has some products without a description', () => {
    const missing = data.products.filter((p) => p.description === null).length;
    expect(missing).toBeGreaterThan(100);
    expect(missing).toBeLessThan(data.products.length / 2);
  });
});
