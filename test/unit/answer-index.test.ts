import { describe, expect, it } from 'vitest';
import { groupedIndex, uniqueIndex } from '../../src/graphql/answer-index.js';

describe('answer indexes', () => {
  it('an answer is indexed once however often it is looked up; another answer gets its own index', () => {
    const read: string[] = [];
    const byId = uniqueIndex((item: { id: string; v: number }) => (read.push(item.id), item.id));
    const answer = [
      { id: 'a', v: 1 },
      { id: 'b', v: 2 },
      { id: 'a', v: 3 },
    ];
    expect(byId(answer, false).get('a')).toEqual({ id: 'a', v: 3 }); // the last of a key, as a Map built from the items
    expect(byId(answer, false).get('b')).toEqual({ id: 'b', v: 2 });
    expect(read).toEqual(['a', 'b', 'a']);
    expect(byId([{ id: 'c', v: 4 }], false).get('a')).toBeUndefined();
    expect(read).toEqual(['a', 'b', 'a', 'c']);
  });

  it('groups keep the answer\u2019s order, and are frozen when asked (development and tests), since every request given the answer shares them', () => {
    const byProduct = groupedIndex((review: { productId: string; id: string }) => review.productId);
    const groups = byProduct(
      [
        { productId: '1', id: 'r1' },
        { productId: '2', id: 'r2' },
        { productId: '1', id: 'r3' },
      ],
      true,
    );
    expect(groups.get('1')!.map((r) => r.id)).toEqual(['r1', 'r3']);
    expect(Object.isFrozen(groups.get('1'))).toBe(true);
    expect(() => groups.get('1')!.sort()).toThrow(TypeError);
    expect(Object.isFrozen(byProduct([{ productId: '1', id: 'r1' }], false).get('1'))).toBe(false);
  });
});
