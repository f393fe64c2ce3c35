import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildDataset, getDataset, type Dataset } from '../../mocks/data/seed.js';
import { mulberry32 } from '../../mocks/data/random.js';
import { money } from '../../mocks/data/money.js';
import { startMockBackends, SERVICES } from '../../mocks/index.js';
import { EPHEMERAL_PORTS, request } from './helpers.js';

function fingerprint(data: Dataset): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify([data.users, data.products, data.reviews, data.orders, [...data.stock]]));
  return hash.digest('hex');
}

describe('dataset', () => {
  it('has the contract’s sizes', () => {
    const data = getDataset();
    expect(data.users).toHaveLength(1_000);
    expect(data.products).toHaveLength(5_000);
    expect(data.reviews).toHaveLength(20_000);
    expect(data.users.map((u) => u.id)).toEqual(Array.from({ length: 1_000 }, (_, i) => String(i + 1)));
    expect(new Set(data.users.map((u) => u.email)).size).toBe(1_000);
    expect(data.stock.size).toBe(5_000);
    const dangling = data.reviews.filter((r) => !data.productsById.has(r.productId) || !data.usersById.has(r.authorId));
    expect(dangling).toEqual([]);
  });

  it('is built the same way every time, and is frozen', () => {
    // A pinned fingerprint: if this changes, every test that pins ids or
    // values downstream (the BFF's snapshots) changes too. Update deliberately.
    const pinned = '503dbe95729cb162123cac14b4842b69beb160c66dc584e7588946b3077f3a75';
    expect(fingerprint(buildDataset())).toBe(pinned);
    expect(fingerprint(getDataset())).toBe(pinned);
    expect(Object.isFrozen(getDataset().products[0].price)).toBe(true);
  });

  it('is served identically by two separate starts', async () => {
    const paths = ['users', '/users?ids=1,500,1000', 'catalog', '/products?limit=50&category=garden', 'reviews', '/reviews?productIds=1,2,3'];
    const answers: unknown[][] = [];
    for (let run = 0; run < 2; run++) {
      const mocks = await startMockBackends({ ports: EPHEMERAL_PORTS });
      try {
        expect(Object.keys(mocks.urls)).toEqual([...SERVICES]);
        const bodies: unknown[] = [];
        for (let i = 0; i < paths.length; i += 2) {
          bodies.push((await request(`${mocks.urls[paths[i] as 'users']}${paths[i + 1]}`)).body);
        }
        answers.push(bodies);
      } finally {
        await mocks.close();
      }
    }
    expect(answers[1]).toEqual(answers[0]);
  });
});

describe('mulberry32 and money', () => {
  it('repeats a sequence for a seed and differs between seeds', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const seqA = Array.from({ length: 5 }, a);
    expect(Array.from({ length: 5 }, b)).toEqual(seqA);
    expect(Array.from({ length: 5 }, c)).not.toEqual(seqA);
    for (const x of seqA) expect(x >= 0 && x < 1).toBe(true);
  });

  it('formats integer cents as exact decimal strings', () => {
    expect(money(0)).toEqual({ amount: '0.00', currency: 'EUR' });
    expect(money(5)).toEqual({ amount: '0.05', currency: 'EUR' });
    expect(money(1250)).toEqual({ amount: '12.50', currency: 'EUR' });
    expect(money(10 + 20).amount).toBe('0.30');
    expect(() => money(1.5)).toThrow(/integer number of cents/);
  });
});
