import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack.js';

/**
 * The breaker opens on the share of failed attempts in its window (cockatiel's SamplingBreaker),
 * not on a run of consecutive failures: a noisy backend that mostly answers keeps being asked,
 * one that mostly fails is cut off. Counted at the mocks. No retries and no sharing, so every
 * query is one attempt; the minimum of 50 attempts per window keeps a 30 % backend's random
 * streaks (the mocks' errorRate is random) far from 50 %: P(> 25 of 50) is about 0.1 %.
 */
const codes = (body: any): string[] => (body.errors ?? []).map((e: any) => e.extensions?.code);

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    env: {
      BACKEND_RETRIES: '0',
      BACKEND_DEDUPE: 'off',
      BACKEND_BREAKER_THRESHOLD: '50',
      BACKEND_BREAKER_FAILURE_PERCENT: '50',
      BACKEND_BREAKER_HALF_OPEN_MS: '60000',
    },
  });
});
afterAll(() => stack.close());
beforeEach(() => stack.reset());

/** `total` queries, `concurrency` at a time; the first error code of each answer, or ok. */
async function ask(query: (i: number) => string, total: number, concurrency = 10): Promise<Record<string, number>> {
  const tally: Record<string, number> = {};
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const { body } = await stack.query(query(next++));
        const code = codes(body)[0] ?? 'ok';
        tally[code] = (tally[code] ?? 0) + 1;
      }
    }),
  );
  return tally;
}

describe('rate-based circuit breaker', () => {
  it('a backend failing 30 % of attempts keeps being asked: every query reaches it, none fails fast', async () => {
    await stack.backend.users.setFaults({ errorRate: 0.3, errorStatus: 503 });
    const tally = await ask((i) => `{ user(id: "${(i % 900) + 1}") { name } }`, 300);
    expect(tally.BACKEND_CIRCUIT_OPEN).toBeUndefined();
    expect(await stack.backend.users.calls('GET /users')).toBe(300);
    expect(tally.BACKEND_UNAVAILABLE).toBeGreaterThan(45); // ~90 expected
    expect(tally.BACKEND_UNAVAILABLE).toBeLessThan(140);
    expect(stack.bff.transports.users.state.breaker).toBe(0); // closed
  });

  it('one failing 90 % is cut off after about one window\u2019s minimum of attempts, and the rest fail fast', async () => {
    await stack.backend.catalog.setFaults({ errorRate: 0.9, errorStatus: 503 });
    const tally = await ask((i) => `{ product(id: "${(i % 900) + 1}") { name } }`, 300);
    const calls = await stack.backend.catalog.calls('GET /products');
    // It may open at the 50th attempt, or a few later (a success does not trip it; 10 in flight).
    expect(calls).toBeGreaterThanOrEqual(50);
    expect(calls).toBeLessThanOrEqual(70);
    expect(tally.BACKEND_CIRCUIT_OPEN).toBe(300 - calls);
    expect(stack.bff.transports.catalog.state.breaker).toBe(1); // open
  });
});
