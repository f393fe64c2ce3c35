import type { Logger } from 'pino';
import { startMockBackends, type MockBackends } from '../../mocks/index.js';
import { loadConfig, SERVICE_NAMES, type Config, type ServiceName } from '../../src/config.js';
import { listen, type RunningBff } from '../../src/server/listen.js';
import { createLogger } from '../../src/observability/logger.js';
import { createServer, type BffServer } from '../../src/server/server.js';
import { MockControl } from './mock-control.js';

export interface GraphQLResponse<T = any> {
  status: number;
  headers: Headers;
  body: { data?: T; errors?: Array<{ message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }>; extensions?: Record<string, any> };
}

export interface Stack {
  config: Config;
  bff: BffServer;
  /** Set when started with `{ http: true }`: the BFF behind a real socket. */
  http?: RunningBff;
  mocks: MockBackends;
  backend: Record<ServiceName, MockControl>;
  /** Runs a query through `yoga.fetch` (in-process), or over HTTP when the stack listens. */
  query<T = any>(query: string, options?: { variables?: Record<string, unknown>; headers?: Record<string, string> }): Promise<GraphQLResponse<T>>;
  /** Resets every mock's stats and faults. */
  reset(): Promise<void>;
  /** Calls each backend saw since the last reset, e.g. `{ catalog: 1, users: 1, … }`. */
  calls(): Promise<Record<ServiceName, number>>;
  close(): Promise<void>;
}

/**
 * The real parts of a test: the six mock backends on ephemeral ports, and the BFF configured
 * at them exactly as in production (env → loadConfig). Only the client side may be in-process.
 * The HTTP cache is off unless a test turns it on (`BACKEND_CACHE: 'on'`): tests count the
 * calls that reach the backends, and set faults that a cached answer would hide.
 */
/**
 * Two edge limits tests relax unless they are about them (test/edge/ passes `''` to get the
 * defaults back): the rate limit, since a test file sends hundreds of requests from one
 * client, and the cost limit, since functional tests ask for 100 × 100 items on purpose.
 */
export const EDGE_RELAXED: Record<string, string> = { RATE_LIMIT_POINTS: '0', MAX_COST: '1000000' };

export async function startStack(options: { env?: Record<string, string>; http?: boolean; logger?: Logger } = {}): Promise<Stack> {
  const mocks = await startMockBackends({ ports: Object.fromEntries(SERVICE_NAMES.map((s) => [s, 0])) });
  const urls = Object.fromEntries(SERVICE_NAMES.map((s) => [`${s.toUpperCase()}_URL`, mocks.urls[s]]));
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    SHUTDOWN_GRACE_MS: '300',
    BACKEND_CACHE: 'off',
    ...EDGE_RELAXED,
    ...urls,
    ...options.env,
  });
  const logger = options.logger ?? createLogger(config);
  const bff = createServer({ config, logger });
  const http = options.http ? await listen(config, logger, bff) : undefined;
  const backend = Object.fromEntries(SERVICE_NAMES.map((s) => [s, new MockControl(mocks.urls[s])])) as Record<ServiceName, MockControl>;

  const query: Stack['query'] = async (text, { variables, headers } = {}) => {
    const init = {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
      body: JSON.stringify({ query: text, variables }),
    };
    const response = http ? await fetch(`${http.url}/graphql`, init) : await bff.yoga.fetch('http://bff.test/graphql', init);
    return { status: response.status, headers: response.headers, body: await response.json() };
  };

  return {
    config,
    bff,
    http,
    mocks,
    backend,
    query,
    async reset() {
      await Promise.all(Object.values(backend).map((m) => Promise.all([m.resetStats(), m.clearFaults()])));
    },
    async calls() {
      const counts = await Promise.all(SERVICE_NAMES.map(async (s) => [s, await backend[s].calls()] as const));
      return Object.fromEntries(counts) as Record<ServiceName, number>;
    },
    async close() {
      if (http) await http.shutdown();
      else await bff.close(true);
      await mocks.close();
    },
  };
}
