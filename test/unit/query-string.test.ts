import { describe, expect, it } from 'vitest';
import { pathAndQuery, queryString } from '../../src/backends/request.js';

describe('queryString', () => {
  it('joins lists with commas, leaves out undefined values, and encodes what needs it', () => {
    expect(queryString(undefined)).toBe('');
    expect(queryString({ cursor: undefined })).toBe('');
    expect(queryString({ limit: 20, cursor: undefined, category: 'home & garden' })).toBe('?limit=20&category=home%20%26%20garden');
    expect(pathAndQuery({ path: '/reviews', query: { limitPerProduct: 5, productIds: ['1', '22', '333'] } })).toBe(
      '/reviews?limitPerProduct=5&productIds=1,22,333',
    );
  });

  it('an id of a list that needs encoding is encoded, its own comma included, and the others stay as they are', () => {
    expect(queryString({ ids: ['1', 'a,b', 'é', "it's"] })).toBe("?ids=1,a%2Cb,%C3%A9,it's");
    expect(queryString({ ids: [] })).toBe('?ids=');
  });
});
