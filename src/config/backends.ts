/**
 * Each backend's address and traffic policy (src/backends/policy.ts applies it). Every policy
 * variable `X` is read as `<SERVICE>_X` for one backend, else `BACKEND_X` for all of them, else
 * its default: one schema, read once per backend.
 */
import { z } from 'zod';
import { problemsOf, type Section } from './section.js';
import { flag, integer, origin, readEnv, type Env } from './variables.js';

export const SERVICE_NAMES = ['users', 'catalog', 'reviews', 'inventory', 'orders', 'notifications'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** Most ids one bulk call may carry: the contract's limit (../shared/design/backends.md), not a setting. */
const MAX_BATCH_SIZE = 100;

/** The mocks' ports, 4001 to 4006 in the contract's order: the embedded default. */
const defaultUrl = (name: ServiceName) => `http://127.0.0.1:${4001 + SERVICE_NAMES.indexOf(name)}`;

/** The policy's variables, without their `BACKEND_` or `<SERVICE>_` prefix. */
const policy = () => ({
  TIMEOUT_MS: integer(1).default(2000).describe('deadline of one attempt, from send to the last byte of the body'),
  CONCURRENCY: integer(1).default(64).describe('bulkhead: calls in flight at once, and keep-alive connections in the pool'),
  QUEUE: integer(0).default(256).describe('bulkhead queue: calls that may wait for a slot before `BACKEND_OVERLOADED`'),
  RETRIES: integer(0, 10).default(2).describe('attempts after the first, for idempotent calls'),
  RETRY_BASE_MS: integer(1).default(50).describe('first backoff; each next one doubles, with full jitter, up to 1 s'),
  // Envoy's default budget is 20% too.
  RETRY_BUDGET_PERCENT: integer(0, 100).default(20).describe('retry budget: retries in flight may be at most this share of calls in flight …'),
  RETRY_BUDGET_MIN: integer(0).default(3).describe('… but at least this many at once, so a quiet backend can still retry'),
  // cockatiel's SamplingBreaker: a trickle of calls never trips it.
  BREAKER_THRESHOLD: integer(1).default(20).describe('circuit breaker: the fewest attempts in the window before their failure rate may open it'),
  BREAKER_FAILURE_PERCENT: integer(1, 99).default(50).describe('share of failed attempts in the window, in percent, above which the circuit opens'),
  BREAKER_WINDOW_MS: integer(100, 600_000).default(10_000).describe("the breaker's sampling window: older attempts no longer count"),
  BREAKER_HALF_OPEN_MS: integer(1).default(5000).describe('how long an open circuit fails fast before one probe may try'),
  RATE_LIMIT_RPS: integer(0).default(0).describe('requests per second the backend accepts from us; calls queue within their deadline; `0`: no limit'),
  CACHE: flag().default(true).describe('keep the answers the backend marks cacheable (`Cache-Control`, `ETag`) in memory'),
  CACHE_SHARED: flag()
    .default(true)
    .describe('with `REDIS_URL`, share that cache with every instance through Redis (keys `<DELIVERY_PREFIX>:http-cache:*`; memory stays in front)'),
  DEDUPE: flag().default(true).describe('identical GETs in flight at the same time, across requests, share one call (keyed with the credentials)'),
  // The bulk lookups of public data (users, products, stock, reviews) only.
  BATCH_WINDOW_MS: integer(-1, 1000)
    .default(0)
    .describe('cross-request batching of public bulk lookups: `0` merges what concurrent requests ask in the same event-loop turn; n > 0 waits n ms; `-1` off'),
});

export const backendSchema = (name: ServiceName) =>
  z
    .object({
      URL: origin()
        .default(defaultUrl(name))
        .meta({ defaultText: `\`${defaultUrl(SERVICE_NAMES[0])}\` … \`:${new URL(defaultUrl(SERVICE_NAMES.at(-1)!)).port}\` (the mocks)` })
        .describe("the backend's origin"),
      ...policy(),
    })
    .transform((v) => ({
      url: v.URL,
      timeoutMs: v.TIMEOUT_MS,
      concurrency: v.CONCURRENCY,
      queue: v.QUEUE,
      retries: v.RETRIES,
      retryBaseMs: v.RETRY_BASE_MS,
      retryBudgetPercent: v.RETRY_BUDGET_PERCENT,
      retryBudgetMin: v.RETRY_BUDGET_MIN,
      breakerThreshold: v.BREAKER_THRESHOLD,
      breakerFailurePercent: v.BREAKER_FAILURE_PERCENT,
      breakerWindowMs: v.BREAKER_WINDOW_MS,
      breakerHalfOpenMs: v.BREAKER_HALF_OPEN_MS,
      rateLimitRps: v.RATE_LIMIT_RPS,
      cache: v.CACHE,
      cacheShared: v.CACHE_SHARED,
      dedupe: v.DEDUPE,
      batchWindowMs: v.BATCH_WINDOW_MS,
      maxBatchSize: MAX_BATCH_SIZE,
    }));

export type BackendConfig = Readonly<z.infer<ReturnType<typeof backendSchema>>>;

/** `<SERVICE>_X` if set, else `BACKEND_X` (not for the URL): the variable a backend's `X` comes from. */
function sourceOf(env: Env, name: ServiceName, key: string): string {
  const own = `${name.toUpperCase()}_${key}`;
  if (key === 'URL' || readEnv(env, [own])[own] !== undefined) return own;
  return `BACKEND_${key}`;
}

export const backendsSection: Section<{ backends: Readonly<Record<ServiceName, BackendConfig>> }> = {
  id: 'backends',
  title: 'Backends and their traffic policy',
  file: 'src/config/backends.ts',
  read(env) {
    const problems = new Set<string>();
    const backends = {} as Record<ServiceName, BackendConfig>;
    for (const name of SERVICE_NAMES) {
      const schema = backendSchema(name);
      const keys = Object.keys(schema.in.shape);
      const sources = Object.fromEntries(keys.map((key) => [key, sourceOf(env, name, key)]));
      const input = readEnv(env, Object.values(sources));
      const result = schema.safeParse(Object.fromEntries(keys.map((key) => [key, input[sources[key]!]])));
      if (result.success) backends[name] = result.data;
      // A bad BACKEND_X is reported once, not once per backend.
      else for (const problem of problemsOf(result.error.issues, keys, (key) => sources[key]!)) problems.add(problem);
    }
    return problems.size > 0 ? { problems: [...problems] } : { value: { backends }, problems: [] };
  },
  variables() {
    return Object.entries(backendSchema(SERVICE_NAMES[0]).in.shape).map(([key, schema]) => ({
      names: key === 'URL' ? ['<SERVICE>_URL'] : [`BACKEND_${key}`, `<SERVICE>_${key}`],
      schema: schema as z.ZodType,
    }));
  },
};
