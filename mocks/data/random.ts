/**
 * A tiny seeded PRNG. The mocks must serve the same data on every start (tests
 * pin ids and values; benchmarks compare runs), so nothing here may touch
 * Math.random or the clock.
 */

/** Returns a number in [0, 1), like Math.random. */
export type Random = () => number;

/**
 * mulberry32: 32-bit state, good enough distribution for fake data, and small
 * enough to read. Not for anything that needs to be unpredictable.
 */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [min, max], both inclusive. */
export function randomInt(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

export function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}

/** True with the given probability. */
export function chance(random: Random, probability: number): boolean {
  return random() < probability;
}
