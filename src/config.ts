/**
 * Configuration, read once from the environment at start and validated, so that a typo in a
 * deployment fails the start with a message naming the variable, rather than a 500 later.
 */

export const SERVICE_NAMES = ['users', 'catalog', 'reviews', 'inventory', 'orders', 'notifications'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export interface BackendConfig {
  /** Base URL, e.g. `http://users:4001`. Env `<SERVICE>_URL`. */
  readonly url: string;
  /** Deadline of one call in ms, from send to the last byte of the body. Env `<SERVICE>_TIMEOUT_MS`, else `BACKEND_TIMEOUT_MS`. @default 2000 */
  readonly timeoutMs: number;
  /** Keep-alive connections in this backend's pool. Env `<SERVICE>_CONNECTIONS`, else `BACKEND_CONNECTIONS`. @default 64 */
  readonly connections: number;
  /** Most ids one bulk call may carry (the contract says 100). @default 100 */
  readonly maxBatchSize: number;
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
  /** GraphiQL at /graphql for browsers. @default on, except in production */
  readonly graphiql: boolean;
  readonly backends: Readonly<Record<ServiceName, BackendConfig>>;
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
      const backend: BackendConfig = {
        url: read.url(`${prefix}_URL`, defaultUrl(name)),
        timeoutMs: read.int(`${prefix}_TIMEOUT_MS`, read.int('BACKEND_TIMEOUT_MS', 2000, 1), 1),
        connections: read.int(`${prefix}_CONNECTIONS`, read.int('BACKEND_CONNECTIONS', 64, 1), 1),
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
    graphiql: read.bool('GRAPHIQL', nodeEnv !== 'production'),
    backends: Object.freeze(backends),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
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
