import { describe, expect, it } from 'vitest';
import type { BulkAnswer } from '../../src/backends/bulk-answer.js';
import { BackendError } from '../../src/backends/errors.js';
import { PublicCode } from '../../src/errors/public-errors.js';
import { FreshItems } from '../../src/graphql/fresh-items.js';
import { ReusingLoader, type BatchLoad } from '../../src/graphql/reusing-loader.js';

interface Item {
  readonly id: string;
  readonly v: number;
}

const answerFor = (reusableForMs: number, failures: BulkAnswer<Item>['failures'] = []): BulkAnswer<Item> => ({
  items: [],
  failures,
  reusableUntil: reusableForMs > 0 ? Date.now() + reusableForMs : 0,
  service: 'inventory',
  path: '/stock',
});

/** A bulk endpoint that answers `{ id, v }` for every key, counting the keys it was asked. */
function endpoint(v: number, reusableForMs = 60_000) {
  const asked: string[][] = [];
  const batch: BatchLoad<Item | null> = async (keys) => {
    asked.push([...keys]);
    return { values: keys.map((id) => ({ id, v })), answer: answerFor(reusableForMs) };
  };
  return { asked, batch };
}

const batching = (batch: BatchLoad<Item | null>) => () => ({ batch, options: { maxBatchSize: 100 } });

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('ReusingLoader', () => {
  it('answers a key a fresh answer gave as a plain value, with no batch', async () => {
    const held = new FreshItems<Item | null>();
    const first = endpoint(1);
    const one = new ReusingLoader(held, batching(first.batch));
    expect(await Promise.all([one.load('a'), one.load('b')])).toEqual([
      { id: 'a', v: 1 },
      { id: 'b', v: 1 },
    ]);
    expect(first.asked).toEqual([['a', 'b']]);

    const second = endpoint(2);
    const two = new ReusingLoader(held, batching(second.batch));
    const value = two.load('a');
    expect(value).not.toBeInstanceOf(Promise);
    expect(value).toEqual({ id: 'a', v: 1 });
    // A key no answer gave goes to the backend, alone.
    expect(await two.load('c')).toEqual({ id: 'c', v: 2 });
    expect(second.asked).toEqual([['c']]);
  });

  it('keeps nothing of an answer that is not reusable, or that had a bad item', async () => {
    const held = new FreshItems<Item | null>();
    await new ReusingLoader(held, batching(endpoint(1, 0).batch)).load('a');
    const failing: BatchLoad<Item | null> = async (keys) => ({
      values: keys.map((id) => (id === 'x' ? new BackendError('inventory', PublicCode.BACKEND_BAD_RESPONSE, 'bad item') : { id, v: 1 })),
      answer: answerFor(60_000, [{ key: 'x', error: new BackendError('inventory', PublicCode.BACKEND_BAD_RESPONSE, 'bad item') }]),
    });
    const loader = new ReusingLoader(held, batching(failing));
    await Promise.allSettled([loader.load('b'), loader.load('x')]);
    expect(held.size).toBe(0);
  });

  it('serves nothing past its answer’s freshness', async () => {
    const held = new FreshItems<Item | null>();
    await new ReusingLoader(held, batching(endpoint(1, 30).batch)).load('a');
    expect(new ReusingLoader(held, batching(endpoint(2).batch)).load('a')).toEqual({ id: 'a', v: 1 });
    await new Promise((resolve) => setTimeout(resolve, 40));
    const later = endpoint(3);
    expect(await new ReusingLoader(held, batching(later.batch)).load('a')).toEqual({ id: 'a', v: 3 });
    expect(later.asked).toEqual([['a']]);
  });

  it('within a request, a key keeps the first value it was given, whatever newer answers say', async () => {
    const held = new FreshItems<Item | null>();
    await new ReusingLoader(held, batching(endpoint(1).batch)).load('a');

    const request = new ReusingLoader(held, batching(endpoint(2).batch));
    expect(request.load('a')).toEqual({ id: 'a', v: 1 });
    const pending = request.load('b'); // asked of the backend: v 2
    // Another request's newer answer for both keys arrives in between.
    held.remember(
      answerFor(60_000),
      ['a', 'b'],
      [
        { id: 'a', v: 3 },
        { id: 'b', v: 3 },
      ],
    );
    expect(request.load('a')).toEqual({ id: 'a', v: 1 });
    expect(await request.load('b')).toEqual({ id: 'b', v: 2 });
    expect(await pending).toEqual({ id: 'b', v: 2 });
    // A new request sees the newest.
    expect(new ReusingLoader(held, batching(endpoint(4).batch)).load('a')).toEqual({ id: 'a', v: 3 });
  });

  it('reports the keys a turn reused once, with their count and the least freshness left', async () => {
    const held = new FreshItems<Item | null>();
    held.remember(answerFor(10_000), ['a'], [{ id: 'a', v: 1 }]);
    held.remember(
      answerFor(60_000),
      ['b', 'c'],
      [
        { id: 'b', v: 1 },
        { id: 'c', v: 1 },
      ],
    );
    const reports: Array<[string, number, number]> = [];
    const loader = new ReusingLoader(held, batching(endpoint(2).batch), (source, ids, fresh) => reports.push([source.path, ids, fresh]));
    for (const key of ['a', 'b', 'c', 'a']) expect(loader.load(key)).toEqual({ id: key, v: 1 }); // 'a' again: not a second reuse
    expect(reports).toEqual([]);
    await tick();
    expect(reports).toHaveLength(1);
    expect(reports[0]!.slice(0, 2)).toEqual(['/stock', 3]);
    expect(reports[0]![2]).toBeGreaterThan(9);
    expect(reports[0]![2]).toBeLessThanOrEqual(10);
    expect(loader.load('b')).toEqual({ id: 'b', v: 1 }); // given in an earlier turn: nothing new to report
    await tick();
    expect(reports).toHaveLength(1);
  });
});

describe('FreshItems', () => {
  it('holds at most its bound, the oldest going first', () => {
    const held = new FreshItems<number>(3);
    held.remember(answerFor(60_000), ['a', 'b', 'c'], [1, 2, 3]);
    held.remember(answerFor(60_000), ['a'], [10]); // refreshed: now the youngest
    held.remember(answerFor(60_000), ['d', 'e'], [4, 5]);
    const now = Date.now();
    expect(held.size).toBe(3);
    expect(['a', 'b', 'c', 'd', 'e'].map((key) => held.get(key, now)?.value)).toEqual([10, undefined, undefined, 4, 5]);
  });
});
