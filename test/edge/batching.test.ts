import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Stack } from '../helpers/stack.js';
import { expectNoBackendCalls, scanEveryResponse, send, startEdgeStack } from './helpers.js';

/**
 * Batched requests (a JSON array of operations) are off by default: a batch multiplies every
 * per-request limit by its length. `BATCH_LIMIT=n` allows n; more is a 413.
 */
const op = (id: number) => ({ query: `{ product(id: "${id}") { name } }` });

describe('batching off (the default)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startEdgeStack();
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.reset());

  it('refuses any array with 400, and runs none of it', async () => {
    const response = await send(stack, { body: [op(1), op(2)] });
    expect(response.status).toBe(400);
    expect(response.json.errors).toEqual([{ message: 'Batching is not supported.', extensions: { code: 'BAD_REQUEST' } }]);
    await expectNoBackendCalls(stack);
  });
});

describe('batching with BATCH_LIMIT=3', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startEdgeStack({ env: { BATCH_LIMIT: '3' } });
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.reset());

  it('runs a batch up to the cap', async () => {
    const response = await send(stack, { body: [op(1), op(2), op(3)] });
    expect(response.status).toBe(200);
    expect(response.json.map((r: any) => typeof r.data.product.name)).toEqual(['string', 'string', 'string']);
  });

  it('refuses a batch over the cap with 413, and runs none of it', async () => {
    const response = await send(stack, { body: Array.from({ length: 50 }, (_, i) => op(i + 1)) });
    expect(response.status).toBe(413);
    expect(response.json.errors).toEqual([{ message: 'Batching is limited to 3 operations per request.', extensions: { code: 'BAD_REQUEST' } }]);
    await expectNoBackendCalls(stack);
  });

  it('applies every limit to each operation of a batch', async () => {
    const response = await send(stack, { body: [op(1), { query: '{ products(first: 5000) { nodes { id } } }' }] });
    expect(response.json[0].data.product.name).toEqual(expect.any(String));
    expect(response.json[1].errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(await stack.backend.catalog.calls()).toBe(1);
  });
});

scanEveryResponse();
