import type { BackendConfig } from '../../src/config.js';

/**
 * A backend's settings for tests of one BackendHttp: one attempt, a breaker that will not open,
 * no rate limit, no dedupe, no batching, no cache: no policy in the way of what the test is
 * about. `overrides` turns on the one thing under test (e.g. `{ cache: true }`).
 */
export function plainBackendConfig(url: string, overrides: Partial<BackendConfig> = {}): BackendConfig {
  return {
    url,
    timeoutMs: 1000,
    concurrency: 4,
    queue: 10,
    retries: 0,
    retryBaseMs: 10,
    retryBudgetPercent: 20,
    retryBudgetMin: 3,
    breakerThreshold: 100,
    breakerFailurePercent: 50,
    breakerWindowMs: 10_000,
    breakerHalfOpenMs: 1000,
    rateLimitRps: 0,
    cache: false,
    cacheShared: false,
    dedupe: false,
    batchWindowMs: -1,
    maxBatchSize: 100,
    ...overrides,
  };
}
