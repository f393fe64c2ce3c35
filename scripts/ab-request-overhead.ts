/**
 * What the per-request state and the observability plugins cost a request, in two builds side
 * by side in one process (this checkout and `--other <checkout>`): a bare yoga over a one-field
 * schema with only the BFF's context factory (real backend pools, no backend called), its
 * error mask, its yoga logger and its observability plugins (request id, request logging,
 * metrics, error log), production settings at LOG_LEVEL=warn. Bursts of `{ ok }` alternate
 * between the builds (A B B A …); each burst's CPU ÷ its requests is one sample, and the
 * difference of the medians is what the change saves per request.
 *
 *   node --expose-gc --max-semi-space-size=256 --import tsx scripts/ab-request-overhead.ts --other <checkout> [--bursts 60] [--requests 1000]
 *
 * Prints CPU µs and allocated KB per request for each, and their differences (see ab-measure.ts).
 * The full listing through the whole server: scripts/ab-in-process.ts.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createSchema, createYoga } from 'graphql-yoga';
import { SERVICE_NAMES } from '../src/config.js';
import { AbStats, measureBurst, type BurstCost } from './ab-measure.js';

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : fallback;
};
const other = resolve(opt('other', ''));
const bursts = Number(opt('bursts', '60'));
const perBurst = Number(opt('requests', '1000'));
const concurrency = 10;

const env = {
  NODE_ENV: 'production',
  DELIVERY_QUEUE: 'memory',
  LOG_LEVEL: 'warn',
  RATE_LIMIT_POINTS: '0',
  PORT: '0',
  // Never called: `{ ok }` reaches no backend.
  ...Object.fromEntries(SERVICE_NAMES.map((s, i) => [`${s.toUpperCase()}_URL`, `http://127.0.0.1:${9 + i}`])),
};
const INIT = {
  method: 'POST',
  headers: { 'content-type': 'application/json', accept: 'application/json' },
  body: JSON.stringify({ query: 'query Ping { ok }' }),
};

async function build(label: string, root: string) {
  const load = (path: string) => import(pathToFileURL(`${root}/src/${path}`).href);
  const [config, logger, context, backends, mask, yogaLog, metrics, requestId, requestLogging, useMetrics, errorLog, observers] = await Promise.all(
    [
      'config.ts',
      'observability/logger.ts',
      'graphql/context.ts',
      'backends/index.ts',
      'edge/mask-error.ts',
      'observability/yoga-logger.ts',
      'observability/metrics.ts',
      'observability/use-request-id.ts',
      'observability/use-request-logging.ts',
      'observability/use-metrics.ts',
      'observability/use-error-log.ts',
      'observability/backend-observer.ts',
    ].map(load),
  );
  const cfg = config.loadConfig(env);
  const log = logger.createLogger(cfg);
  const bffMetrics = new metrics.BffMetrics();
  const transports = backends.createBackendTransports(cfg, log, observers.backendObservers(bffMetrics));
  const yoga = createYoga({
    schema: createSchema({ typeDefs: 'type Query { ok: Boolean }', resolvers: { Query: { ok: () => true } } }),
    context: context.contextFactory(cfg, transports, log, {}, bffMetrics),
    maskedErrors: { maskError: mask.maskErrorForClients },
    logging: yogaLog.yogaLogger(log.child({ component: 'yoga' })),
    landingPage: false,
    graphiql: false,
    plugins: [requestId.useRequestId(), requestLogging.useRequestLogging(log), useMetrics.useMetrics({ metrics: bffMetrics }), errorLog.useErrorLog(log)],
  });
  return { label, yoga, close: () => backends.closeBackendTransports(transports, true) };
}

type Built = Awaited<ReturnType<typeof build>>;

async function burst(bff: Built, count: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next++ < count) {
      const response = await bff.yoga.fetch('http://bff.test/graphql', INIT);
      const text = await response.text();
      if (text !== '{"data":{"ok":true}}') throw new Error(`${bff.label}: wrong answer ${response.status} ${text.slice(0, 200)}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

const a = await build('this', resolve(import.meta.dirname, '..'));
const b = await build('other', other);
try {
  for (let i = 0; i < 3; i++) for (const bff of [a, b]) await burst(bff, perBurst);
  const stats = new AbStats([a.label, b.label]);
  for (let i = 0; i < bursts; i++) {
    // A B, then B A: neither always runs first.
    const costs: Record<string, BurstCost> = {};
    for (const bff of i % 2 === 0 ? [a, b] : [b, a]) costs[bff.label] = await measureBurst(() => burst(bff, perBurst));
    stats.add(costs, perBurst);
  }
  console.log(JSON.stringify({ bursts, requestsPerBurst: perBurst, ...stats.summary() }));
} finally {
  await a.close();
  await b.close();
}
