import { Writable } from 'node:stream';
import { createSchema, createYoga } from 'graphql-yoga';
import { pino, type Logger } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockBackends, type MockBackends } from '../../mocks/index.js';
import { closeBackendTransports, createBackendTransports, type BackendTransports } from '../../src/backends/index.js';
import { SERVICE_NAMES, loadConfig, type Config } from '../../src/config.js';
import { contextFactory, type Context, type RequestContext } from '../../src/graphql/context.js';
import { useRequestId } from '../../src/observability/use-request-id.js';
import { createServer, type BffServer } from '../../src/server/server.js';
import type { Writes } from '../../src/checkout/index.js';

/**
 * The per-request state (src/observability/request-state.ts): one object per HTTP request,
 * shared by every operation of a batch, and nothing built for a request that nobody reads.
 */

/** A pino logger writing JSON lines into `lines`, counting the children made from it. */
function capturingLogger(level: string) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  const logger = pino({ level }, stream);
  const counted = { children: 0 };
  const child = logger.child.bind(logger);
  logger.child = ((...args: Parameters<Logger['child']>) => {
    counted.children++;
    return child(...args);
  }) as Logger['child'];
  return { logger, lines, counted };
}

const post = (bff: BffServer, body: unknown) =>
  bff.yoga.fetch('http://bff.test/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

const NAME = 'query Name { product(id: "1") { name } }';
const STOCK = 'query Stock { product(id: "2") { stock { available } } }';

describe('one state per HTTP request', () => {
  let mocks: MockBackends;
  let config: Config;
  beforeAll(async () => {
    mocks = await startMockBackends({ ports: Object.fromEntries(SERVICE_NAMES.map((s) => [s, 0])) });
    // Every call a real one, each counted once: no cache, no sharing, no merging across operations.
    config = loadConfig({
      NODE_ENV: 'production',
      DELIVERY_QUEUE: 'memory',
      PORT: '0',
      RATE_LIMIT_POINTS: '0',
      BATCH_LIMIT: '2',
      BACKEND_CACHE: 'false',
      BACKEND_DEDUPE: 'false',
      BACKEND_BATCH_WINDOW_MS: '-1',
      ...Object.fromEntries(SERVICE_NAMES.map((s) => [`${s.toUpperCase()}_URL`, mocks.urls[s]])),
    });
  });
  afterAll(() => mocks.close());

  it('a batch of two operations: one request id, one log line counting the calls of both', async () => {
    const { logger, lines } = capturingLogger('info');
    const bff = createServer({ config, logger });
    try {
      const callsOf = async (body: unknown) => {
        lines.length = 0;
        const response = await post(bff, body);
        expect(response.status).toBe(200);
        const answer = await response.json();
        for (const result of Array.isArray(answer) ? answer : [answer]) expect(result.errors).toBeUndefined();
        const logged = lines.filter((l) => l.msg === 'request');
        expect(logged).toHaveLength(1);
        expect(logged[0]!.reqId).toBe(response.headers.get('x-request-id'));
        return logged[0]!.backends as Record<string, number>;
      };
      const name = await callsOf({ query: NAME });
      const stock = await callsOf({ query: STOCK });
      expect(name).toEqual({ catalog: 1 });
      expect(stock).toEqual({ catalog: 1, inventory: 1 });
      expect(await callsOf([{ query: NAME }, { query: STOCK }])).toEqual({ catalog: 2, inventory: 1 });
    } finally {
      await bff.close(true);
    }
  });

  it('below info: no request line, and no pino child made for a request', async () => {
    const { logger, lines, counted } = capturingLogger('warn');
    const bff = createServer({ config, logger });
    try {
      // The server's own children (per backend, yoga, the queue) and lines (the in-process
      // queue's warning) come from building it.
      const before = counted.children;
      lines.length = 0;
      for (let i = 0; i < 3; i++) {
        const response = await post(bff, { query: STOCK });
        expect((await response.json()).data.product.stock).not.toBeNull();
        expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      }
      expect(counted.children - before).toBe(0);
      expect(lines).toEqual([]);
    } finally {
      await bff.close(true);
    }
  });

  describe("the context's logger", () => {
    let transports: BackendTransports;
    beforeAll(() => {
      transports = createBackendTransports(config, pino({ level: 'silent' }));
    });
    afterAll(() => closeBackendTransports(transports, true));

    /** A yoga with the BFF's context factory, and a field whose resolver logs `times` lines. */
    function yogaLogging(logger: Logger) {
      return createYoga<object, RequestContext>({
        schema: createSchema<Context>({
          typeDefs: 'type Query { log(times: Int!): Boolean, quiet: Boolean }',
          resolvers: {
            Query: {
              log: (_, { times }: { times: number }, ctx) => {
                for (let i = 0; i < times; i++) ctx.logger.info({ i }, 'from a resolver');
                return true;
              },
              quiet: () => true,
            },
          },
        }),
        context: contextFactory(config, transports, logger, {} as Writes),
        logging: false,
        plugins: [useRequestId()],
      });
    }

    it('is made on first read, once per request, with the request id the client got', async () => {
      const { logger, lines, counted } = capturingLogger('info');
      const yoga = yogaLogging(logger);
      const ask = (query: string) =>
        yoga.fetch('http://bff.test/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });

      const quiet = await ask('{ quiet }');
      expect(await quiet.json()).toEqual({ data: { quiet: true } });
      expect(counted.children).toBe(0);

      const logging = await ask('{ log(times: 3) }');
      expect(await logging.json()).toEqual({ data: { log: true } });
      expect(counted.children).toBe(1);
      const logged = lines.filter((l) => l.msg === 'from a resolver');
      expect(logged.map((l) => l.i)).toEqual([0, 1, 2]);
      for (const line of logged) expect(line.reqId).toBe(logging.headers.get('x-request-id'));
    });
  });
});
