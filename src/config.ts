/**
 * Configuration, read once from the environment at start and validated, so that a typo in a
 * deployment fails the start with a message naming the variable, rather than a 500 later.
 */
import { readTrustedDocuments } from './edge/trusted-documents.js';

export const SERVICE_NAMES = ['users', 'catalog', 'reviews', 'inventory', 'orders', 'notifications'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export interface BackendConfig {
  /** Base URL, e.g. `http://users:4001`. Env `<SERVICE>_URL`. */
  readonly url: string;
  /** Deadline of one attempt in ms, from send to the last byte of the body. Env `<SERVICE>_TIMEOUT_MS`, else `BACKEND_TIMEOUT_MS`. @default 2000 */
  readonly timeoutMs: number;
  /** Bulkhead: most calls in flight at once, and keep-alive connections in the pool. Env `<SERVICE>_CONCURRENCY`, else `BACKEND_CONCURRENCY`. @default 64 */
  readonly concurrency: number;
  /** Bulkhead queue: calls that may wait for a slot before BACKEND_OVERLOADED. Env `<SERVICE>_QUEUE`, else `BACKEND_QUEUE`. @default 256 */
  readonly queue: number;
  /** Attempts after the first, for idempotent calls. Env `<SERVICE>_RETRIES`, else `BACKEND_RETRIES`. @default 2 */
  readonly retries: number;
  /** First backoff; each next one doubles, with full jitter, up to 1 s. Env `BACKEND_RETRY_BASE_MS`. @default 50 */
  readonly retryBaseMs: number;
  /** Retry budget: retries in flight may be at most this share of calls in flight (Envoy: 20%)… Env `BACKEND_RETRY_BUDGET_PERCENT`. @default 20 */
  readonly retryBudgetPercent: number;
  /** …but at least this many at once, so a quiet backend can still retry. Env `BACKEND_RETRY_BUDGET_MIN`. @default 3 */
  readonly retryBudgetMin: number;
  /**
   * Circuit breaker (cockatiel's SamplingBreaker): the fewest attempts in the sampling window
   * before their failure rate may open the circuit, so a trickle of calls never trips it.
   * Env `<SERVICE>_BREAKER_THRESHOLD`, else `BACKEND_BREAKER_THRESHOLD`. @default 20
   */
  readonly breakerThreshold: number;
  /** Share of failed attempts in the window, in percent, above which the circuit opens. Env `<SERVICE>_BREAKER_FAILURE_PERCENT`, else `BACKEND_BREAKER_FAILURE_PERCENT`. @default 50 */
  readonly breakerFailurePercent?: number;
  /** The breaker's sampling window: attempts older than this no longer count. Env `<SERVICE>_BREAKER_WINDOW_MS`, else `BACKEND_BREAKER_WINDOW_MS`. @default 10000 */
  readonly breakerWindowMs?: number;
  /** How long an open circuit fails fast before one probe may try. Env `BACKEND_BREAKER_HALF_OPEN_MS`. @default 5000 */
  readonly breakerHalfOpenMs: number;
  /** Requests per second this backend accepts from us; calls queue within their deadline. 0 = no limit. Env `<SERVICE>_RATE_LIMIT_RPS`. @default 0 */
  readonly rateLimitRps: number;
  /** Cache responses the backend marks cacheable (Cache-Control, ETag), in memory. Env `<SERVICE>_CACHE`, else `BACKEND_CACHE`. @default true */
  readonly cache: boolean;
  /** With `REDIS_URL`, share the cache with every instance through Redis (memory stays in front). Env `<SERVICE>_CACHE_SHARED`, else `BACKEND_CACHE_SHARED`. @default true */
  readonly cacheShared?: boolean;
  /** Share identical GETs in flight at the same time, across GraphQL requests. Env `BACKEND_DEDUPE`. @default true */
  readonly dedupe: boolean;
  /**
   * Cross-request batching of public bulk lookups: -1 off; 0 merges what concurrent requests ask
   * in the same turn of the event loop (no added latency); n > 0 waits n ms to merge more.
   * Env `BACKEND_BATCH_WINDOW_MS`. @default 0
   */
  readonly batchWindowMs: number;
  /** Most ids one bulk call may carry (the contract says 100). @default 100 */
  readonly maxBatchSize: number;
}

/**
 * What the BFF accepts from the internet, before any backend is called. Every limit is an
 * environment variable; the defaults are what a public storefront ships: its own pages' queries
 * pass with room to spare (deepest: 8 levels; costliest: 1,440, a 100-product listing 660), a
 * hostile one does not.
 */
export interface EdgeConfig {
  /** Deepest field nesting, fragments flattened. Env `MAX_DEPTH`. @default 10 */
  readonly maxDepth: number;
  /** Aliases in one operation (each alias can re-run a field). Env `MAX_ALIASES`. @default 15 */
  readonly maxAliases: number;
  /** Directives in one operation. Env `MAX_DIRECTIVES`. @default 20 */
  readonly maxDirectives: number;
  /** Lexical tokens in the document, counted while parsing. Env `MAX_TOKENS`. @default 2000 */
  readonly maxTokens: number;
  /** Top-level fields in one operation (each starts its own backend work). Env `MAX_ROOT_FIELDS`. @default 10 */
  readonly maxRootFields: number;
  /** Estimated cost: 10 per backend call + 1 per id sent or item asked, batched lookups per bulk call (src/plugins/use-cost-limit.ts). Env `MAX_COST`. @default 5000 */
  readonly maxCost: number;
  /** Largest `first`/`last` a request may ask for, literal or variable. Env `MAX_LIST_SIZE`. @default 100 */
  readonly maxListSize: number;
  /** Largest request body in bytes; more is 413 before parsing. Env `MAX_BODY_BYTES`. @default 102400 */
  readonly maxBodyBytes: number;
  /** Operations in one batched (array) request; 0 turns batching off. Env `BATCH_LIMIT`. @default 0 */
  readonly batchLimit: number;
  /** Requests one client may send per window; 0 turns rate limiting off. Env `RATE_LIMIT_POINTS`. @default 600 */
  readonly rateLimitPoints: number;
  /** Length of the rate-limit window in seconds. Env `RATE_LIMIT_WINDOW_S`. @default 60 */
  readonly rateLimitWindowS: number;
  /** Redis shared by every instance for rate limiting; memory when unset. Env `REDIS_URL`. @default unset */
  readonly redisUrl: string | undefined;
  /** Proxies in front whose `X-Forwarded-For` entry is trusted (0: use the socket's address). Env `TRUST_PROXY`. @default 0 */
  readonly trustProxy: number;
  /** Answer introspection queries. Env `INTROSPECTION`. @default on, except in production */
  readonly introspection: boolean;
  /** "Did you mean …" in validation errors. Env `FIELD_SUGGESTIONS`. @default on, except in production */
  readonly fieldSuggestions: boolean;
  /** JSON manifest `{ "<sha256>": "<document>" }`; when set, only those operations run. Env `TRUSTED_DOCUMENTS`. @default unset */
  readonly trustedDocuments: string | undefined;
  /**
   * Origins whose browser pages may call the BFF, or `*` (refused in production). Env `CORS_ORIGINS`,
   * comma-separated. @default `*` in development and test, none (same origin only) in production
   */
  readonly corsOrigins: readonly string[] | '*';
  /** Headers of which one must be present on requests a browser sends without a preflight. Env `CSRF_HEADERS`. @default x-graphql-client-name, apollo-require-preflight, x-graphql-yoga-csrf */
  readonly csrfHeaders: readonly string[];
}

/**
 * Metrics and traces (src/observability/). Tracing follows OpenTelemetry's own variables, so
 * a platform that sets them for every service configures the BFF too; unset, it is off and free.
 */
export interface ObservabilityConfig {
  /** Prometheus text at `GET /metrics`, on the main port. Env `METRICS`. @default true */
  readonly metrics: boolean;
  /**
   * Where spans are sent (OTLP over HTTP): `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` as given, else
   * `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`. Unset: no SDK is started and tracing costs
   * nothing. Sampling follows `OTEL_TRACES_SAMPLER`/`OTEL_TRACES_SAMPLER_ARG` (the SDK reads them).
   * @default unset
   */
  readonly otlpTracesUrl: string | undefined;
  /** `service.name` on every span. Env `OTEL_SERVICE_NAME`. @default storefront-bff */
  readonly serviceName: string;
  /**
   * Resolver spans, when tracing is on: -1 none; 0 every resolver with code of its own (each
   * then parents the backend calls it makes); n > 0 only resolvers that took at least n ms,
   * recorded after the fact. Env `TRACE_RESOLVER_MS`. @default 100
   */
  readonly traceResolverMs: number;
}

export interface Config {
  readonly env: 'development' | 'production' | 'test';
  /** @default 127.0.0.1 (a container sets 0.0.0.0) */
  readonly host: string;
  /** @default 4000 */
  readonly port: number;
  /** pino level, or `silent`. @default info */
  readonly logLevel: string;
  /** Human-readable logs instead of JSON. @default true in development on a terminal */
  readonly logPretty: boolean;
  /** How long SIGTERM waits for in-flight requests before closing connections. @default 10000 */
  readonly shutdownGraceMs: number;
  /**
   * After SIGTERM, how long the instance still accepts requests while `/ready` answers 503,
   * before it stops accepting: the time a load balancer (HAProxy's `inter` × `fall`) or
   * Kubernetes' endpoints need to take it out of rotation, so no request is sent to a closed
   * socket. Env `SHUTDOWN_DRAIN_MS`. @default 5000 in production, else 0
   */
  readonly shutdownDrainMs: number;
  /**
   * BFF processes behind the one port (node:cluster workers, src/workers/): a number, or `auto`
   * for the CPUs this process may use (affinity and cgroup CPU quota). 1 runs no cluster at all.
   * Env `WORKERS`. @default 1 (the Docker image sets `auto`)
   */
  readonly workers: number | 'auto';
  /** Time budget of one GraphQL request; a client may ask for less with `x-request-timeout-ms`. Env `REQUEST_TIMEOUT_MS`. @default 5000 */
  readonly requestTimeoutMs: number;
  /**
   * How long a request's DataLoader batch may stay open for more keys, so that lookups of one
   * level arriving in different ticks merge into one call; it is sent sooner, as soon as the
   * request has no backend call in flight. 0 sends each batch at the end of the tick that
   * opened it (DataLoader's default). Env `LOADER_BATCH_WINDOW_MS`. @default 2
   */
  readonly loaderBatchWindowMs: number;
  /** Add `extensions.fetchPlan` (each backend call: batched, deduped, cached, retried, ms) to responses. Env `FETCH_PLAN`. @default on in development */
  readonly fetchPlan: boolean;
  /** GraphiQL at /graphql for browsers. @default on, except in production */
  readonly graphiql: boolean;
  /**
   * `jit`: documents are compiled once by graphql-jit (src/plugins/use-jit-execution.ts); the
   * ones it cannot run go to the default executor. `default`: graphql-js's executor for all.
   * Env `EXECUTOR`. @default jit
   */
  readonly executor: 'jit' | 'default';
  readonly backends: Readonly<Record<ServiceName, BackendConfig>>;
  readonly edge: EdgeConfig;
  readonly delivery: DeliveryConfig;
  readonly observability: ObservabilityConfig;
  readonly health: HealthConfig;
  readonly http: HttpServerConfig;
  readonly frontend: FrontendConfig;
}

/**
 * The listening socket's limits (src/listen.ts), what a public edge ships: a client that is slow
 * to send its request holds a socket for seconds, not node's default minute, and the number of
 * sockets has a ceiling. Node 20 counts `headersTimeout` per request, from its first byte (or
 * from the connection); an idle keep-alive socket waits under `keepAliveTimeoutMs` instead, so
 * the old advice to keep `headersTimeout` above `keepAliveTimeout` no longer applies.
 */
export interface HttpServerConfig {
  /** Time to receive a request's headers, from its first byte or the connection; then 408 and close. Env `HEADERS_TIMEOUT_MS`. @default 10000 */
  readonly headersTimeoutMs: number;
  /** Time to receive a whole request, headers and body (at most MAX_BODY_BYTES); then 408 and close. Not the response: that is REQUEST_TIMEOUT_MS's budget. Env `HTTP_REQUEST_TIMEOUT_MS`. @default 30000 */
  readonly requestTimeoutMs: number;
  /** How long an idle keep-alive socket is kept for its next request: above the idle timeout of the load balancer in front (AWS ALB and nginx: 60 s), so the balancer closes first and never sends on a socket we are closing. Env `KEEP_ALIVE_TIMEOUT_MS`. @default 65000 */
  readonly keepAliveTimeoutMs: number;
  /** Open sockets at most; more are closed as soon as they are accepted (0: no cap). Env `MAX_CONNECTIONS`. @default 4096 */
  readonly maxConnections: number;
}

/**
 * How each backend's health is known, for `bff_backend_up` and `/ready?verbose` (never for
 * `/ready`'s status: see src/readiness.ts): its circuit breaker, and a background `GET /health`.
 */
export interface HealthConfig {
  /** Time between two rounds of `/health` probes (one per backend); 0: the circuits alone say. Env `BACKEND_HEALTH_INTERVAL_MS`. @default 10000 */
  readonly probeIntervalMs: number;
  /** How long a probe may take before the backend counts as down. Env `BACKEND_HEALTH_TIMEOUT_MS`. @default 1000 */
  readonly probeTimeoutMs: number;
}

/**
 * What frontends use beyond plain queries (src/plugins/use-persisted-queries.ts,
 * use-cache-control.ts, use-incremental-delivery.ts, use-compression.ts).
 */
export interface FrontendConfig {
  /**
   * Automatic persisted queries: a client sends a document's sha256 alone once the BFF knows it.
   * Always off with `TRUSTED_DOCUMENTS` (only the manifest runs then). Env `APQ`. @default true
   */
  readonly apq: boolean;
  /** Documents kept in memory (each instance, in front of Redis when there is one). Env `APQ_MAX_DOCUMENTS`. @default 10000 */
  readonly apqMaxDocuments: number;
  /** How long a registered document is kept, in memory and in Redis. Env `APQ_TTL_S`. @default 86400 */
  readonly apqTtlS: number;
  /** Redis shared by every instance for the persisted documents (`<DELIVERY_PREFIX>:apq:<hash>`); memory when unset. Env `REDIS_URL`. @default unset */
  readonly redisUrl: string | undefined;
  /** Longest `max-age` a GET answer gets for a shared cache (a CDN); 0 never marks one cacheable. Env `CDN_MAX_AGE_S`. @default 60 */
  readonly cdnMaxAgeS: number;
  /** `@defer` and `@stream`, answered over multipart/mixed or SSE. Env `DEFER_STREAM`. @default true */
  readonly deferStream: boolean;
  /** gzip/br answers when the client accepts them; gzip/deflate/br request bodies. Env `COMPRESSION`. @default true */
  readonly compression: boolean;
  /** Answers smaller than this are sent as they are: compressing them costs more than it saves. Env `COMPRESSION_MIN_BYTES`. @default 1024 */
  readonly compressionMinBytes: number;
}

/**
 * The writes' asynchronous side (src/delivery, src/writes): the queue that carries order
 * confirmations, audit events and compensations, and the records that make a repeated
 * `idempotencyKey` give the same answer. Without Redis both live in this process's memory,
 * which the server says at start: a restart loses what was still queued.
 */
export interface DeliveryConfig {
  /**
   * Which queue carries the deliveries: `redis` (BullMQ on `REDIS_URL`: durable, shared by every
   * instance) or `memory` (this process: what is still queued when it stops is lost). Production
   * refuses to start with neither REDIS_URL nor an explicit `DELIVERY_QUEUE=memory`, since a
   * silent in-process queue there loses order confirmations, audit events and compensations.
   * Env `DELIVERY_QUEUE`. @default redis with REDIS_URL, else memory (outside production)
   */
  readonly queue: 'redis' | 'memory';
  /** Redis for the durable queue (BullMQ) and the checkout records, shared by every instance: `REDIS_URL`, unset with `DELIVERY_QUEUE=memory` (then both stay in this process). @default unset */
  readonly redisUrl: string | undefined;
  /** Prefix of every Redis key they write, e.g. `bff` → `bff:deliveries:*`; one per deployment sharing a Redis. Env `DELIVERY_PREFIX`. @default bff */
  readonly prefix: string;
  /** Attempts of a notification or audit event before it is dead-lettered. Compensations are never: they retry until they succeed. Env `DELIVERY_ATTEMPTS`. @default 10 */
  readonly attempts: number;
  /** Wait before the first retry; it doubles after each failure (±20% jitter), up to `backoffMaxMs`. Env `DELIVERY_BACKOFF_MS`. @default 1000 */
  readonly backoffMs: number;
  /** Longest wait between two attempts. Env `DELIVERY_BACKOFF_MAX_MS`. @default 300000 */
  readonly backoffMaxMs: number;
  /** Deliveries in flight at once, per instance. Env `DELIVERY_CONCURRENCY`. @default 8 */
  readonly concurrency: number;
  /** Time budget of one attempt, the backend client's own retries included. Env `DELIVERY_ATTEMPT_TIMEOUT_MS`. @default 10000 */
  readonly attemptTimeoutMs: number;
  /** With Redis: how long a delivery held by an instance that died waits before another takes it over (BullMQ's lock). Env `DELIVERY_LOCK_MS`. @default 30000 */
  readonly lockMs: number;
  /** How long a checkout's answer is kept for its idempotency key, and a finished delivery's id for de-duplication. Env `IDEMPOTENCY_TTL_S`. @default 86400 */
  readonly idempotencyTtlS: number;
  /** Bearer token of the admin endpoint `/admin/deliveries` (16+ characters); unset turns the endpoint off. Env `ADMIN_TOKEN`. @default unset */
  readonly adminToken: string | undefined;
}

/** The mocks' ports, 4001 to 4006 in the contract's order: the embedded default. */
const defaultUrl = (name: ServiceName) => `http://127.0.0.1:${4001 + SERVICE_NAMES.indexOf(name)}`;

type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** Parses and validates `env`; throws one ConfigError listing every problem at once. */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const read = new EnvReader(env, problems);

  const nodeEnv = read.oneOf('NODE_ENV', ['development', 'production', 'test'] as const, 'development');
  const backends = Object.fromEntries(
    SERVICE_NAMES.map((name) => {
      const prefix = name.toUpperCase();
      // A per-service variable wins over the shared BACKEND_* one, which wins over the default.
      const int = (key: string, fallback: number, min = 0, max?: number) =>
        read.int(`${prefix}_${key}`, read.int(`BACKEND_${key}`, fallback, min, max), min, max);
      const backend: BackendConfig = {
        url: read.url(`${prefix}_URL`, defaultUrl(name)),
        timeoutMs: int('TIMEOUT_MS', 2000, 1),
        concurrency: int('CONCURRENCY', 64, 1),
        queue: int('QUEUE', 256),
        retries: int('RETRIES', 2, 0, 10),
        retryBaseMs: int('RETRY_BASE_MS', 50, 1),
        retryBudgetPercent: int('RETRY_BUDGET_PERCENT', 20, 0, 100),
        retryBudgetMin: int('RETRY_BUDGET_MIN', 3),
        breakerThreshold: int('BREAKER_THRESHOLD', 20, 1),
        breakerFailurePercent: int('BREAKER_FAILURE_PERCENT', 50, 1, 99),
        breakerWindowMs: int('BREAKER_WINDOW_MS', 10_000, 100, 600_000),
        breakerHalfOpenMs: int('BREAKER_HALF_OPEN_MS', 5000, 1),
        rateLimitRps: int('RATE_LIMIT_RPS', 0),
        cache: read.bool(`${prefix}_CACHE`, read.bool('BACKEND_CACHE', true)),
        cacheShared: read.bool(`${prefix}_CACHE_SHARED`, read.bool('BACKEND_CACHE_SHARED', true)),
        dedupe: read.bool(`${prefix}_DEDUPE`, read.bool('BACKEND_DEDUPE', true)),
        batchWindowMs: int('BATCH_WINDOW_MS', 0, -1, 1000),
        maxBatchSize: 100,
      };
      return [name, Object.freeze(backend)];
    }),
  ) as Record<ServiceName, BackendConfig>;

  const config: Config = {
    env: nodeEnv,
    host: read.string('HOST', '127.0.0.1'),
    port: read.int('PORT', 4000, 0, 65535),
    logLevel: read.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    logPretty: read.bool('LOG_PRETTY', nodeEnv === 'development' && Boolean(process.stdout.isTTY)),
    shutdownGraceMs: read.int('SHUTDOWN_GRACE_MS', 10_000, 0),
    shutdownDrainMs: read.int('SHUTDOWN_DRAIN_MS', nodeEnv === 'production' ? 5000 : 0, 0, 600_000),
    workers: readWorkers(read, problems),
    requestTimeoutMs: read.int('REQUEST_TIMEOUT_MS', 5000, 1, 600_000),
    loaderBatchWindowMs: read.int('LOADER_BATCH_WINDOW_MS', 2, 0, 1000),
    fetchPlan: read.bool('FETCH_PLAN', nodeEnv === 'development'),
    graphiql: read.bool('GRAPHIQL', nodeEnv !== 'production'),
    executor: read.oneOf('EXECUTOR', ['jit', 'default'] as const, 'jit'),
    backends: Object.freeze(backends),
    edge: readEdgeConfig(read, nodeEnv, problems),
    delivery: readDeliveryConfig(read, nodeEnv, problems),
    observability: readObservabilityConfig(read),
    http: readHttpServerConfig(read, problems),
    health: Object.freeze({
      probeIntervalMs: read.int('BACKEND_HEALTH_INTERVAL_MS', 10_000, 0, 3_600_000),
      probeTimeoutMs: read.int('BACKEND_HEALTH_TIMEOUT_MS', 1000, 1, 60_000),
    }),
    frontend: Object.freeze({
      apq: read.bool('APQ', true),
      apqMaxDocuments: read.int('APQ_MAX_DOCUMENTS', 10_000, 1, 1_000_000),
      apqTtlS: read.int('APQ_TTL_S', 86_400, 1, 365 * 86_400),
      redisUrl: read.optional('REDIS_URL'),
      cdnMaxAgeS: read.int('CDN_MAX_AGE_S', 60, 0, 31_536_000),
      deferStream: read.bool('DEFER_STREAM', true),
      compression: read.bool('COMPRESSION', true),
      compressionMinBytes: read.int('COMPRESSION_MIN_BYTES', 1024, 0),
    }),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}

function readEdgeConfig(read: EnvReader, nodeEnv: Config['env'], problems: string[]): EdgeConfig {
  const production = nodeEnv === 'production';
  const corsOrigins = read.origins('CORS_ORIGINS', production ? [] : '*');
  // `*` lets any web page read the answers with the visitor's token: never in production.
  if (production && corsOrigins === '*') problems.push('CORS_ORIGINS must list the frontends\' origins in production, not "*"');
  const trustedDocuments = read.optional('TRUSTED_DOCUMENTS');
  if (trustedDocuments !== undefined) {
    try {
      readTrustedDocuments(trustedDocuments);
    } catch (error) {
      problems.push(`TRUSTED_DOCUMENTS: ${(error as Error).message}`);
    }
  }
  const redisUrl = read.optional('REDIS_URL');
  if (redisUrl !== undefined && !/^rediss?:\/\/[^\s]+$/.test(redisUrl)) {
    problems.push(`REDIS_URL must be a redis:// or rediss:// URL, got ${JSON.stringify(redisUrl.replace(/\/\/[^@/]*@/, '//***@'))}`);
  }
  return Object.freeze({
    maxDepth: read.int('MAX_DEPTH', 10, 1),
    maxAliases: read.int('MAX_ALIASES', 15, 0),
    maxDirectives: read.int('MAX_DIRECTIVES', 20, 0),
    maxTokens: read.int('MAX_TOKENS', 2000, 1),
    maxRootFields: read.int('MAX_ROOT_FIELDS', 10, 1),
    maxCost: read.int('MAX_COST', 5000, 1),
    maxListSize: read.int('MAX_LIST_SIZE', 100, 1),
    maxBodyBytes: read.int('MAX_BODY_BYTES', 100 * 1024, 1024),
    batchLimit: read.int('BATCH_LIMIT', 0, 0, 100),
    rateLimitPoints: read.int('RATE_LIMIT_POINTS', 600, 0),
    rateLimitWindowS: read.int('RATE_LIMIT_WINDOW_S', 60, 1),
    redisUrl,
    trustProxy: read.proxyHops('TRUST_PROXY'),
    introspection: read.bool('INTROSPECTION', !production),
    fieldSuggestions: read.bool('FIELD_SUGGESTIONS', !production),
    trustedDocuments,
    corsOrigins: Array.isArray(corsOrigins) ? Object.freeze([...corsOrigins]) : corsOrigins,
    csrfHeaders: Object.freeze(read.headerNames('CSRF_HEADERS', ['x-graphql-client-name', 'apollo-require-preflight', 'x-graphql-yoga-csrf'])),
  });
}

function readHttpServerConfig(read: EnvReader, problems: string[]): HttpServerConfig {
  const headersTimeoutMs = read.int('HEADERS_TIMEOUT_MS', 10_000, 100, 600_000);
  const requestTimeoutMs = read.int('HTTP_REQUEST_TIMEOUT_MS', 30_000, 100, 3_600_000);
  // Node refuses a server whose headers may take longer than the whole request.
  if (headersTimeoutMs > requestTimeoutMs)
    problems.push(`HEADERS_TIMEOUT_MS (${headersTimeoutMs}) must not be more than HTTP_REQUEST_TIMEOUT_MS (${requestTimeoutMs})`);
  return Object.freeze({
    headersTimeoutMs,
    requestTimeoutMs,
    keepAliveTimeoutMs: read.int('KEEP_ALIVE_TIMEOUT_MS', 65_000, 0, 3_600_000),
    maxConnections: read.int('MAX_CONNECTIONS', 4096, 0, 1_000_000),
  });
}

function readDeliveryConfig(read: EnvReader, nodeEnv: Config['env'], problems: string[]): DeliveryConfig {
  const prefix = read.string('DELIVERY_PREFIX', 'bff');
  // BullMQ joins key parts with ':' and its job ids may not contain one; a prefix is one word.
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(prefix)) problems.push(`DELIVERY_PREFIX must be 1 to 64 letters, digits, '_', '.' or '-', got ${JSON.stringify(prefix)}`);
  const adminToken = read.optional('ADMIN_TOKEN');
  // Never echo the token: its length is enough to see what is wrong.
  if (adminToken !== undefined && (adminToken.length < 16 || /\s/.test(adminToken))) {
    problems.push(`ADMIN_TOKEN must be at least 16 characters without spaces, got ${adminToken.length} characters`);
  }
  const backoffMs = read.int('DELIVERY_BACKOFF_MS', 1000, 1, 3_600_000);
  const backoffMaxMs = read.int('DELIVERY_BACKOFF_MAX_MS', 300_000, 1, 86_400_000);
  if (backoffMaxMs < backoffMs) problems.push(`DELIVERY_BACKOFF_MAX_MS (${backoffMaxMs}) must not be less than DELIVERY_BACKOFF_MS (${backoffMs})`);
  // The same Redis as rate limiting (validated there): one Redis per deployment.
  const redisUrl = read.optional('REDIS_URL');
  const queue = read.oneOf('DELIVERY_QUEUE', ['redis', 'memory'] as const, redisUrl ? 'redis' : 'memory');
  if (queue === 'redis' && !redisUrl) problems.push('DELIVERY_QUEUE=redis needs REDIS_URL (the Redis of the durable queue), which is unset');
  else if (nodeEnv === 'production' && !redisUrl && read.optional('DELIVERY_QUEUE') === undefined) {
    problems.push(
      'NODE_ENV=production needs a durable delivery queue: set REDIS_URL (BullMQ on Redis, shared by every instance), ' +
        'or set DELIVERY_QUEUE=memory to accept the in-process queue, which loses the order confirmations, audit events and compensations still queued when the process stops',
    );
  }
  return Object.freeze({
    queue,
    redisUrl: queue === 'redis' ? redisUrl : undefined,
    prefix,
    attempts: read.int('DELIVERY_ATTEMPTS', 10, 1, 1000),
    backoffMs,
    backoffMaxMs,
    concurrency: read.int('DELIVERY_CONCURRENCY', 8, 1, 1000),
    attemptTimeoutMs: read.int('DELIVERY_ATTEMPT_TIMEOUT_MS', 10_000, 100, 600_000),
    lockMs: read.int('DELIVERY_LOCK_MS', 30_000, 500, 3_600_000),
    idempotencyTtlS: read.int('IDEMPOTENCY_TTL_S', 86_400, 60, 30 * 86_400),
    adminToken,
  });
}

function readObservabilityConfig(read: EnvReader): ObservabilityConfig {
  const traces = read.optional('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  const base = read.optional('OTEL_EXPORTER_OTLP_ENDPOINT');
  // The spec's rule: the per-signal variable is the full URL; the general one gets /v1/traces.
  const otlpTracesUrl =
    traces !== undefined
      ? read.httpUrl('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', traces)
      : base !== undefined
        ? read.httpUrl('OTEL_EXPORTER_OTLP_ENDPOINT', `${base.replace(/\/+$/, '')}/v1/traces`)
        : undefined;
  return Object.freeze({
    metrics: read.bool('METRICS', true),
    otlpTracesUrl,
    serviceName: read.string('OTEL_SERVICE_NAME', 'storefront-bff'),
    traceResolverMs: read.int('TRACE_RESOLVER_MS', 100, -1, 600_000),
  });
}

function readWorkers(read: EnvReader, problems: string[]): number | 'auto' {
  const value = read.optional('WORKERS');
  if (value === undefined) return 1;
  if (value.toLowerCase() === 'auto') return 'auto';
  const n = Number(value);
  if (Number.isInteger(n) && n >= 1 && n <= 256) return n;
  problems.push(`WORKERS must be "auto" or a number of processes from 1 to 256, got ${JSON.stringify(value)}`);
  return 1;
}

/** Reads typed values, collecting every problem instead of stopping at the first. */
class EnvReader {
  constructor(
    private readonly env: Env,
    private readonly problems: string[],
  ) {}

  private raw(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === '' ? undefined : value;
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  int(name: string, fallback: number, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      this.problems.push(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
      return fallback;
    }
    return n;
  }

  bool(name: string, fallback: boolean): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(value)) return true;
    if (['0', 'false', 'no', 'off'].includes(value)) return false;
    this.problems.push(`${name} must be true or false, got ${JSON.stringify(value)}`);
    return fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.problems.push(`${name} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
    return fallback;
  }

  optional(name: string): string | undefined {
    return this.raw(name);
  }

  /** `true` is one proxy, `false` none; a number is that many proxies in a chain. */
  proxyHops(name: string): number {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined || ['0', 'false', 'no', 'off'].includes(value)) return 0;
    if (['true', 'yes', 'on'].includes(value)) return 1;
    const n = Number(value);
    if (Number.isInteger(n) && n >= 1 && n <= 10) return n;
    this.problems.push(`${name} must be true, false or a number of proxies from 0 to 10, got ${JSON.stringify(value)}`);
    return 0;
  }

  /** Comma-separated header names, lower-cased. */
  headerNames(name: string, fallback: readonly string[]): string[] {
    const value = this.raw(name);
    if (value === undefined) return [...fallback];
    const names = value
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter((h) => h !== '');
    const bad = names.filter((h) => !/^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(h));
    if (names.length === 0 || bad.length > 0) {
      this.problems.push(`${name} must be comma-separated header names, got ${JSON.stringify(value)}`);
      return [...fallback];
    }
    return names;
  }

  /** `*`, or comma-separated origins such as `https://shop.example,https://m.shop.example`. */
  origins(name: string, fallback: string[] | '*'): string[] | '*' {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (value === '*') return '*';
    const origins: string[] = [];
    for (const item of value
      .split(',')
      .map((o) => o.trim())
      .filter((o) => o !== '')) {
      try {
        const url = new URL(item);
        // A browser's Origin header is scheme://host[:port], nothing more: compare like for like.
        if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== item.replace(/\/$/, '')) throw new Error('not an origin');
        origins.push(url.origin);
      } catch {
        this.problems.push(`${name} must be "*" or comma-separated origins such as https://shop.example, got ${JSON.stringify(item)}`);
      }
    }
    return origins;
  }

  /** An http(s) URL, path allowed; `value` is what to check (the variable's value, maybe extended). */
  httpUrl(name: string, value: string): string | undefined {
    try {
      const url = new URL(value);
      if (url.protocol === 'http:' || url.protocol === 'https:') return url.href;
    } catch {
      // reported below, with the variable's own value
    }
    this.problems.push(`${name} must be an http(s) URL such as http://jaeger:4318, got ${JSON.stringify(this.raw(name))}`);
    return undefined;
  }

  url(name: string, fallback: string): string {
    const value = this.raw(name) ?? fallback;
    try {
      const url = new URL(value);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
      // Pools are per origin; a path would be silently dropped, so refuse it.
      if (url.pathname !== '/' || url.search) throw new Error('has a path');
      return url.origin;
    } catch {
      this.problems.push(`${name} must be an http(s) origin such as http://users:4001, got ${JSON.stringify(value)}`);
      return fallback;
    }
  }
}
