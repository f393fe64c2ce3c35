import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { bulkAnswer, type InvalidItemDetails } from '../../src/backends/bulk-answer.js';
import { BackendError } from '../../src/backends/errors.js';
import { checkItems, Count, Id, InvalidItem } from '../../src/backends/shape.js';

const Stock = z.object({ productId: Id, available: Count });
const check = checkItems(Stock, 'productId');

describe('checkItems', () => {
  it('fails the whole answer when the envelope is wrong', () => {
    expect(() => check({ items: 'none' })).toThrow(/^items: /);
    expect(() => check([])).toThrow(/^\(root\): /);
  });

  it('keeps good items and puts an InvalidItem, with its key and field, in place of a bad one', () => {
    const { items } = check({ items: [{ productId: '1', available: 3 }, { productId: '2', available: -8 }, { available: 1 }, 'junk'] });
    expect(items[0]).toEqual({ productId: '1', available: 3 });
    expect(items.slice(1)).toEqual([
      new InvalidItem('2', 'items.1.available', expect.stringMatching(/>=0/)),
      new InvalidItem(undefined, 'items.2.productId', expect.any(String)),
      new InvalidItem(undefined, 'items.3', expect.any(String)),
    ]);
  });
});

describe('bulkAnswer', () => {
  const reported: InvalidItemDetails[] = [];
  const report = (details: InvalidItemDetails) => void reported.push(details);

  it('with no bad item, hands the checked array on as it is, as reusable as the HTTP cache said', () => {
    const checked = [{ productId: '1', available: 3 }];
    const answer = bulkAnswer('inventory', '/stock', ['1'], { items: checked, reusableUntil: 1234 }, report);
    expect(answer.items).toBe(checked);
    expect(answer.failures).toEqual([]);
    expect(answer).toMatchObject({ reusableUntil: 1234, service: 'inventory', path: '/stock' });
  });

  it("fails each bad item's key with BACKEND_BAD_RESPONSE, and reports only what this request asked for", () => {
    reported.length = 0;
    const { items } = check({
      items: [
        { productId: '1', available: 3 },
        { productId: '2', available: 2.5 },
        // Merged in from another request's ids (cross-request batching): theirs to report.
        { productId: '99', available: -1 },
        { productId: '', available: 1 },
      ],
    });
    const answer = bulkAnswer('inventory', '/stock', ['1', '2', '3'], { items, reusableUntil: Date.now() + 60_000 }, report);
    expect(answer.items).toEqual([{ productId: '1', available: 3 }]);
    expect(answer.failures.map((f) => f.key)).toEqual(['2', undefined]);
    // What a bad item's key got is this request's failure, not an answer to give again.
    expect(answer.reusableUntil).toBe(0);
    for (const { error } of answer.failures) {
      expect(error).toBeInstanceOf(BackendError);
      expect(error).toMatchObject({ code: 'BACKEND_BAD_RESPONSE', service: 'inventory' });
      expect(error.publicMessage).toBe('The inventory service sent a response that could not be used.');
    }
    expect(answer.failures[0]!.error.message).toMatch(/^inventory: \/stock sent an item outside the contract, items\.1\.available: /);
    expect(reported).toEqual([
      { service: 'inventory', path: '/stock', field: 'items.1.available', key: '2', problem: expect.any(String) },
      { service: 'inventory', path: '/stock', field: 'items.3.productId', key: undefined, problem: expect.any(String) },
    ]);
  });
});
