import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack.js';
import { changeItem, startTamperingBackend, type TamperingBackend } from '../helpers/tampering-backend.js';

/**
 * Values a backend sends outside the contract's ranges (backends.md): each costs only the field
 * resolved from the bad item, which is null with one BACKEND_BAD_RESPONSE naming the service;
 * its siblings, and the other items of the same bulk answer, still load. Each bad item is
 * logged once (service, path, field), never with the body. The bad values come from a backend
 * that passes the mocks' answers through and changes one item.
 */

const TAMPERED = ['users', 'catalog', 'reviews', 'inventory', 'orders'] as const;
type Tampered = (typeof TAMPERED)[number];

let stack: Stack;
const tampering = {} as Record<Tampered, TamperingBackend>;
const lines: any[] = [];

beforeAll(async () => {
  for (const service of TAMPERED) tampering[service] = await startTamperingBackend();
  const logger = pino(
    { level: 'warn' },
    new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line));
        done();
      },
    }),
  );
  const urls = Object.fromEntries(TAMPERED.map((s) => [`${s.toUpperCase()}_URL`, tampering[s].url]));
  stack = await startStack({ env: { ...urls, BACKEND_BREAKER_THRESHOLD: '1000' }, logger });
  // The BFF asks the tampering backends, which pass the stack's own mocks' answers on.
  for (const service of TAMPERED) tampering[service].target = stack.mocks.urls[service];
});
afterAll(async () => {
  await stack.close();
  await Promise.all(TAMPERED.map((s) => tampering[s].close()));
});
beforeEach(async () => {
  for (const service of TAMPERED) tampering[service].tamper = undefined;
  lines.length = 0;
  await stack.reset();
});

async function query(text: string, headers?: Record<string, string>) {
  const { status, body } = await stack.query(text, { headers });
  expect(status).toBe(200);
  const serialized = JSON.stringify(body);
  // Masked: the public message only; nothing of the backend's answer, the rule or the host.
  expect(serialized).not.toMatch(/items\.\d|Too small|Too big|Invalid|expected|127\.0\.0\.1/);
  return body;
}

/** The warn lines of bad items: exactly what is logged, and nothing of the body. */
function itemWarnings() {
  const warnings = lines.filter((l) => l.msg === 'backend sent an item outside the contract: only its fields fail');
  for (const line of warnings) {
    // `key` is left out (pino drops undefined) when the item's key could not be read.
    expect(
      Object.keys(line)
        .filter((k) => k !== 'key')
        .sort(),
    ).toEqual(['field', 'hostname', 'level', 'msg', 'path', 'pid', 'problem', 'reqId', 'service', 'time']);
    expect(line.level).toBe(40);
  }
  return warnings.map(({ service, path, field, key }) => ({ service, path, field, key }));
}

describe('counts: whole and never negative (inventory `available`)', () => {
  const STOCK = '{ products(first: 3) { nodes { id name stock { available inStock } } } }';

  it('a negative stock: that product’s stock is null with one error; the others load', async () => {
    const ids = (await query(STOCK)).data.products.nodes.map((n: any) => n.id);
    tampering.inventory.tamper = changeItem('/stock', (s) => s.productId === ids[1], { available: -8 });
    const body = await query(STOCK);
    expect(body).toMatchInlineSnapshot(`
      {
        "data": {
          "products": {
            "nodes": [
              {
                "id": "1",
                "name": "Vintage Power Bank",
                "stock": {
                  "available": 53,
                  "inStock": true,
                },
              },
              {
                "id": "2",
                "name": "Everyday Harmonica",
                "stock": null,
              },
              {
                "id": "3",
                "name": "Classic Seed Kit",
                "stock": {
                  "available": 5,
                  "inStock": true,
                },
              },
            ],
          },
        },
        "errors": [
          {
            "extensions": {
              "code": "BACKEND_BAD_RESPONSE",
              "service": "inventory",
            },
            "locations": [
              {
                "column": 40,
                "line": 1,
              },
            ],
            "message": "The inventory service sent a response that could not be used.",
            "path": [
              "products",
              "nodes",
              1,
              "stock",
            ],
          },
        ],
      }
    `);
    expect(itemWarnings()).toEqual([{ service: 'inventory', path: '/stock', field: expect.stringMatching(/^items\.\d+\.available$/), key: ids[1] }]);
  });

  for (const [what, available] of [
    ['a fraction', 2.5],
    ['a string', '3'],
    ['missing', undefined],
  ] as const) {
    it(`${what}: the same, that product's stock alone`, async () => {
      const ids = (await query(STOCK)).data.products.nodes.map((n: any) => n.id);
      tampering.inventory.tamper = changeItem(
        '/stock',
        (s) => s.productId === ids[1],
        (s) => ({ ...s, available }),
      );
      const body = await query(STOCK);
      expect(body.data.products.nodes.map((n: any) => n.stock === null)).toEqual([false, true, false]);
      expect(body.errors).toEqual([
        expect.objectContaining({ path: ['products', 'nodes', 1, 'stock'], extensions: { code: 'BACKEND_BAD_RESPONSE', service: 'inventory' } }),
      ]);
    });
  }
});

describe('ratings: whole, 1 to 5', () => {
  const REVIEWS = '{ a: product(id: "1") { name reviews(first: 2) { rating } averageRating } b: product(id: "2") { name reviews(first: 2) { rating } } }';

  for (const rating of [0, 6, 3.5]) {
    it(`a rating of ${rating}: that product's reviews and average are null; its name and the other product load`, async () => {
      tampering.reviews.tamper = changeItem('/reviews', (r) => r.productId === '1', { rating });
      const body = await query(REVIEWS);
      expect(body.data.a).toEqual({ name: expect.any(String), reviews: null, averageRating: null });
      expect(body.data.b.reviews.length).toBeGreaterThan(0);
      expect(body.errors).toEqual(
        ['reviews', 'averageRating'].map((field) =>
          expect.objectContaining({ path: ['a', field], extensions: { code: 'BACKEND_BAD_RESPONSE', service: 'reviews' } }),
        ),
      );
      // One bad item, one line, however many fields it failed.
      expect(itemWarnings()).toEqual([{ service: 'reviews', path: '/reviews', field: expect.stringMatching(/^items\.\d+\.rating$/), key: '1' }]);
    });
  }

  it('snapshot of the first case, data and errors together', async () => {
    tampering.reviews.tamper = changeItem('/reviews', (r) => r.productId === '1', { rating: 6 });
    expect(await query(REVIEWS)).toMatchInlineSnapshot(`
      {
        "data": {
          "a": {
            "averageRating": null,
            "name": "Vintage Power Bank",
            "reviews": null,
          },
          "b": {
            "name": "Everyday Harmonica",
            "reviews": [
              {
                "rating": 4,
              },
            ],
          },
        },
        "errors": [
          {
            "extensions": {
              "code": "BACKEND_BAD_RESPONSE",
              "service": "reviews",
            },
            "locations": [
              {
                "column": 30,
                "line": 1,
              },
            ],
            "message": "The reviews service sent a response that could not be used.",
            "path": [
              "a",
              "reviews",
            ],
          },
          {
            "extensions": {
              "code": "BACKEND_BAD_RESPONSE",
              "service": "reviews",
            },
            "locations": [
              {
                "column": 59,
                "line": 1,
              },
            ],
            "message": "The reviews service sent a response that could not be used.",
            "path": [
              "a",
              "averageRating",
            ],
          },
        ],
      }
    `);
  });
});

describe('money: a non-negative decimal string and a 3-letter currency (catalog `price`)', () => {
  const PRODUCTS = '{ a: product(id: "1") { name price { amount currency } } b: product(id: "2") { name price { amount currency } } }';
  const cases: [string, Record<string, unknown>][] = [
    ['a negative amount', { amount: '-1.00', currency: 'EUR' }],
    ['a decimal comma', { amount: '12,50', currency: 'EUR' }],
    ['a float', { amount: 12.5, currency: 'EUR' }],
    ['a 4-letter currency', { amount: '12.50', currency: 'EURO' }],
    ['a lower-case currency', { amount: '12.50', currency: 'eur' }],
  ];
  for (const [what, price] of cases) {
    it(`${what}: that product is null with one error; the other of the same bulk answer loads`, async () => {
      tampering.catalog.tamper = changeItem('/products', (p) => p.id === '1', { price });
      const body = await query(PRODUCTS);
      expect(body.data).toEqual({ a: null, b: { name: expect.any(String), price: { amount: expect.stringMatching(/^\d+\.\d\d$/), currency: 'EUR' } } });
      expect(body.errors).toEqual([expect.objectContaining({ path: ['a'], extensions: { code: 'BACKEND_BAD_RESPONSE', service: 'catalog' } })]);
      expect(await stack.backend.catalog.calls()).toBe(1);
      expect(itemWarnings()).toEqual([
        { service: 'catalog', path: '/products', field: expect.stringMatching(/^items\.\d+\.price\.(amount|currency)$/), key: '1' },
      ]);
    });
  }

  it('in a listing, which has no place for one product’s error, the listing fails whole', async () => {
    const first = (await query('{ products(first: 3) { nodes { id } } }')).data.products.nodes[1].id;
    tampering.catalog.tamper = changeItem('/products', (p) => p.id === first, { price: { amount: '-5.00', currency: 'EUR' } });
    expect(await query('{ products(first: 3) { nodes { id price { amount } } } }')).toMatchInlineSnapshot(`
      {
        "data": null,
        "errors": [
          {
            "extensions": {
              "code": "BACKEND_BAD_RESPONSE",
              "service": "catalog",
            },
            "locations": [
              {
                "column": 3,
                "line": 1,
              },
            ],
            "message": "The catalog service sent a response that could not be used.",
            "path": [
              "products",
            ],
          },
        ],
      }
    `);
  });
});

describe('ids: non-empty strings', () => {
  it('a user whose id is empty cannot be told apart: the ids the answer left out fail, the others load', async () => {
    tampering.users.tamper = changeItem('/users', (u) => u.id === '1', { id: '' });
    const body = await query('{ a: user(id: "1") { name } b: user(id: "2") { name } }');
    expect(body).toMatchInlineSnapshot(`
      {
        "data": {
          "a": null,
          "b": {
            "name": "Grace Wirth",
          },
        },
        "errors": [
          {
            "extensions": {
              "code": "BACKEND_BAD_RESPONSE",
              "service": "users",
            },
            "locations": [
              {
                "column": 3,
                "line": 1,
              },
            ],
            "message": "The users service sent a response that could not be used.",
            "path": [
              "a",
            ],
          },
        ],
      }
    `);
    expect(itemWarnings()).toEqual([{ service: 'users', path: '/users', field: expect.stringMatching(/^items\.\d+\.id$/), key: undefined }]);
  });

  it('a stock item for an empty product id: the product it was for gets the error, not a silent null', async () => {
    const ids = (await query('{ products(first: 2) { nodes { id } } }')).data.products.nodes.map((n: any) => n.id);
    tampering.inventory.tamper = changeItem('/stock', (s) => s.productId === ids[0], { productId: '' });
    const body = await query('{ products(first: 2) { nodes { stock { available } } } }');
    expect(body.data.products.nodes).toEqual([{ stock: null }, { stock: { available: expect.any(Number) } }]);
    expect(body.errors).toEqual([
      expect.objectContaining({ path: ['products', 'nodes', 0, 'stock'], extensions: { code: 'BACKEND_BAD_RESPONSE', service: 'inventory' } }),
    ]);
  });
});

describe('dates: ISO 8601', () => {
  it('a user created "yesterday": that author is null, the review and the other authors load', async () => {
    const reviews = (await query('{ product(id: "1") { reviews(first: 5) { id author { id } } } }')).data.product.reviews;
    const victim = reviews[0].author.id;
    tampering.users.tamper = changeItem('/users', (u) => u.id === victim, { createdAt: 'yesterday' });
    const body = await query('{ product(id: "1") { reviews(first: 5) { id author { id name } } } }');
    const authors = body.data.product.reviews.map((r: any) => r.author?.id ?? null);
    expect(authors).toEqual(reviews.map((r: any) => (r.author.id === victim ? null : r.author.id)));
    expect(body.errors?.map((e: any) => e.extensions)).toEqual(
      authors.filter((a: any) => a === null).map(() => ({ code: 'BACKEND_BAD_RESPONSE', service: 'users' })),
    );
  });

  it('a review dated "2024-13-45": that product’s reviews are null', async () => {
    tampering.reviews.tamper = changeItem('/reviews', (r) => r.productId === '1', { createdAt: '2024-13-45' });
    const body = await query('{ a: product(id: "1") { reviews { id } } b: product(id: "2") { reviews { id } } }');
    expect(body.data.a).toEqual({ reviews: null });
    expect(body.data.b.reviews.length).toBeGreaterThan(0);
  });
});

describe('order lines: quantity whole and never negative', () => {
  const AS_USER_3 = { authorization: 'Bearer token-3' };

  it("in the bulk answer: that user's orders are null, the user loads", async () => {
    tampering.orders.tamper = changeItem(
      '/orders',
      (o) => o.userId === '3',
      (o) => ({ ...o, items: [{ ...o.items[0], quantity: -1 }, ...o.items.slice(1)] }),
    );
    const body = await query('{ viewer { id orders { id items { quantity } } } }', AS_USER_3);
    expect(body).toMatchInlineSnapshot(`
      {
        "data": {
          "viewer": {
            "id": "3",
            "orders": null,
          },
        },
        "errors": [
          {
            "extensions": {
              "code": "BACKEND_BAD_RESPONSE",
              "service": "orders",
            },
            "locations": [
              {
                "column": 15,
                "line": 1,
              },
            ],
            "message": "The orders service sent a response that could not be used.",
            "path": [
              "viewer",
              "orders",
            ],
          },
        ],
      }
    `);
    expect(itemWarnings()).toEqual([{ service: 'orders', path: '/orders', field: expect.stringMatching(/^items\.\d+\.items\.0\.quantity$/), key: '3' }]);
  });

  it('in a single order: the order is null with one error, and the failed call is logged with the field', async () => {
    const orderId = (await query('{ viewer { orders { id } } }', AS_USER_3)).data.viewer.orders[0].id;
    tampering.orders.tamper = (path, order) =>
      path === `/orders/${orderId}` ? { ...order, items: order.items.map((i: any) => ({ ...i, quantity: 1.5 })) } : order;
    const body = await query(`{ order(id: "${orderId}") { id items { quantity } } }`, AS_USER_3);
    expect(body).toEqual({
      data: { order: null },
      errors: [
        expect.objectContaining({
          message: 'The orders service sent a response that could not be used.',
          path: ['order'],
          extensions: { code: 'BACKEND_BAD_RESPONSE', service: 'orders' },
        }),
      ],
    });
    const failed = lines.find((l) => l.msg === 'backend call failed');
    expect(failed).toMatchObject({ service: 'orders', code: 'BACKEND_BAD_RESPONSE' });
    expect(failed.err.message).toMatch(/items\.0\.quantity/);
  });
});
