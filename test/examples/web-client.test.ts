import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse, type OperationDefinitionNode } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClient, type Execute } from '../../examples/web/src/client.js';
import { TypedDocumentString, type ProductPageQuery, type ProductPageQueryVariables } from '../../examples/web/src/gql/graphql.js';
import { placeOrder, productListing, productPage, viewerOrders } from '../../examples/web/src/operations.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { productsInStock } from '../writes/helpers.js';

/**
 * The frontend example's generated client against a real BFF: the manifest codegen wrote
 * (`examples/web/src/gql/persisted-documents.json`) is the BFF's TRUSTED_DOCUMENTS, and the
 * page's operations run by hash alone, over a real socket, in production mode.
 */
const MANIFEST = fileURLToPath(new URL('../../examples/web/src/gql/persisted-documents.json', import.meta.url));

let stack: Stack;
let execute: Execute;
let customer: string | undefined;
beforeAll(async () => {
  stack = await startStack({ http: true, env: { NODE_ENV: 'production', DELIVERY_QUEUE: 'memory', LOG_PRETTY: 'false', TRUSTED_DOCUMENTS: MANIFEST } });
  execute = createClient({ url: `${stack.http!.url}/graphql`, token: () => customer });
});
afterAll(() => stack.close());
beforeEach(async () => {
  customer = undefined;
  await stack.reset();
});

describe('the manifest', () => {
  it('lists exactly the operations of examples/web/src/operations.ts, under the hashes their documents carry', () => {
    const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as Record<string, string>;
    const names = Object.values(manifest).map((document) =>
      parse(document)
        .definitions.filter((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')
        .map((d) => d.name?.value),
    );
    expect(names.flat().sort()).toEqual(['PlaceOrder', 'ProductListing', 'ProductPage', 'ViewerOrders']);
    const hashes = [productListing, productPage, viewerOrders, placeOrder].map((d) => d.__meta__?.hash);
    expect(hashes.sort()).toEqual(Object.keys(manifest).sort());
  });
});

describe('a storefront page by hash', () => {
  it('lists products, and the cursor reaches the next page', async () => {
    const first = await execute(productListing, { first: 12 });
    expect(first.errors).toBeUndefined();
    const page = first.data!.products;
    expect(page.nodes).toHaveLength(12);
    expect(page.nodes[0]).toEqual({
      id: expect.any(String),
      name: expect.any(String),
      category: expect.any(String),
      price: { amount: expect.stringMatching(/^\d+\.\d{2}$/), currency: expect.any(String) },
      stock: { inStock: expect.any(Boolean) },
      averageRating: expect.toSatisfy((r: unknown) => r === null || typeof r === 'number'),
    });
    expect(page.pageInfo.hasNextPage).toBe(true);
    const next = await execute(productListing, { first: 12, after: page.pageInfo.endCursor });
    const ids = new Set(page.nodes.map((p) => p.id));
    expect(next.data!.products.nodes.filter((p) => ids.has(p.id))).toEqual([]);
    // One page of tiles is one catalog call, one stock call and one reviews call (batched).
    await stack.reset();
    await execute(productListing, {});
    expect(await stack.calls()).toMatchObject({ catalog: 1, inventory: 1, reviews: 1, users: 0 });
  });

  it('shows a product page with its stock and reviews', async () => {
    const { data, errors } = await execute(productPage, { id: '7', reviews: 3 });
    expect(errors).toBeUndefined();
    expect(data!.product).toMatchObject({ id: '7', name: expect.any(String), stock: { available: expect.any(Number), inStock: expect.any(Boolean) } });
    expect(data!.product!.reviews!.length).toBeLessThanOrEqual(3);
    for (const review of data!.product!.reviews!) expect(review.author).toEqual({ id: expect.any(String), name: expect.any(String) });
  });

  it("shows the signed-in customer their orders, and no one else's", async () => {
    customer = 'token-3';
    const { data, errors } = await execute(viewerOrders);
    expect(errors).toBeUndefined();
    expect(data!.viewer).toMatchObject({ id: '3', name: expect.any(String) });
    expect(data!.viewer!.orders!.length).toBeGreaterThan(0);
    customer = undefined;
    expect((await execute(viewerOrders)).data).toEqual({ viewer: null });
  });

  it('places an order once, and the same key replays the answer', async () => {
    customer = 'token-12';
    const [productId] = await productsInStock(stack, 1, 5, 300);
    const input = { items: [{ productId: productId!, quantity: 1 }], idempotencyKey: 'web-example-1' };
    const placed = await execute(placeOrder, { input });
    expect(placed.errors).toBeUndefined();
    expect(placed.data!.placeOrder).toMatchObject({ order: { id: expect.any(String), status: 'placed' }, error: null, replayed: false });
    const again = await execute(placeOrder, { input });
    expect(again.data!.placeOrder).toMatchObject({ order: { id: placed.data!.placeOrder.order!.id }, replayed: true });
  });
});

describe('only the manifest runs', () => {
  it('the same operation sent as text is refused before any backend is called', async () => {
    const asText = createClient({ url: `${stack.http!.url}/graphql`, persisted: false });
    const { data, errors } = await asText(productPage, { id: '7' });
    expect(data).toBeUndefined();
    expect(errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_ID_REQUIRED');
    expect(Object.values(await stack.calls()).every((n) => n === 0)).toBe(true);
  });

  it('an edited operation whose hash is not in the manifest is refused', async () => {
    const edited = new TypedDocumentString<ProductPageQuery, ProductPageQueryVariables>(`${productPage} `, { hash: '0'.repeat(64) });
    const { errors } = await execute(edited, { id: '7' });
    expect(errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
  });
});
