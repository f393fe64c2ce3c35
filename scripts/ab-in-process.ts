/**
 * CPU per request of two builds of the BFF, side by side in ONE process: this checkout and
 * another (`--other <checkout>`, e.g. `git archive` of main with this node_modules linked).
 * Both servers are built with createServer from their own src/, production settings
 * (LOG_LEVEL=warn, HTTP cache on, no rate limit, MAX_COST=100000), against the same mock
 * backends (in this process; the cache answers nearly every call), and are asked the
 * listing (20 products, or `--first N`) through `yoga.fetch` in alternating bursts (A B B A …,
 * `concurrency` requests in flight). Each burst's process CPU and allocation ÷ its requests is one sample
 * (scripts/ab-measure.ts).
 *
 *   node --expose-gc --max-semi-space-size=256 --import tsx scripts/ab-in-process.ts --other /tmp/main-checkout [--query listing|typename] [--first 20] [--bursts 40] [--requests 100] [--concurrency 10]
 *
 * Why in one process: on a machine shared with other work, separate processes see different
 * neighbours from one second to the next, and a few per cent disappear in the noise. Bursts
 * interleaved in one process see the same neighbours, the same JIT state of the libraries
 * (one copy of graphql, yoga, undici: node_modules is shared) and the same heap. The shared
 * heap has a price: one build's garbage could be collected during the other's burst, hence
 * the full collection before each burst (ab-measure.ts). No HTTP server either (yoga.fetch):
 * this measures the BFF's
 * own work per request, which is what a change in src/ moves.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startMockBackends } from '../mocks/index.js';
import { SERVICE_NAMES } from '../src/config.js';
import { AbStats, measureBurst, type BurstCost } from './ab-measure.js';

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : fallback;
};
const other = resolve(opt('other', ''));
const bursts = Number(opt('bursts', '40'));
const perBurst = Number(opt('requests', '100'));
const concurrency = Number(opt('concurrency', '10'));
const first = Number(opt('first', '20'));

/**
 * `listing`: the product listing, `--first` products (20 by default; the issue measures 20 and
 * 100). `typename`: `query Ping { __typename }`, no resolver of ours: what every request pays
 * before and after execution (plugins, context, HTTP layer).
 */
const QUERIES: Record<string, string> = {
  listing: `query ProductPage { products(first: ${first}) { nodes { id name price { amount currency } stock { available inStock } reviews(first: 3) { rating author { id name } } } } }`,
  typename: 'query Ping { __typename }',
};
const QUERY = QUERIES[opt('query', 'listing')];
if (!QUERY) throw new Error(`--query must be one of ${Object.keys(QUERIES).join(', ')}`);
const INIT = { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ query: QUERY }) };

interface Built {
  label: string;
  fetch: (url: string, init: RequestInit) => Promise<Response>;
  close: () => Promise<void>;
}

const mocks = await startMockBackends({ ports: Object.fromEntries(SERVICE_NAMES.map((s) => [s, 0])) });
const env = {
  NODE_ENV: 'production',
  DELIVERY_QUEUE: 'memory',
  LOG_LEVEL: 'warn',
  RATE_LIMIT_POINTS: '0',
  MAX_COST: '100000',
  PORT: '0',
  ...Object.fromEntries(SERVICE_NAMES.map((s) => [`${s.toUpperCase()}_URL`, mocks.urls[s]])),
};

async function build(label: string, root: string): Promise<Built> {
  const load = (path: string) => import(pathToFileURL(`${root}/src/${path}`).href);
  const [{ loadConfig }, { createLogger }, { createServer }] = await Promise.all([
    load('config.ts'),
    load('observability/logger.ts'),
    load('server/server.ts'),
  ]);
  const config = loadConfig(env);
  const server = createServer({ config, logger: createLogger(config) });
  return { label, fetch: (url, init) => server.yoga.fetch(url, init), close: () => server.close(true) };
}

/** `count` requests, `concurrency` at a time; every answer checked (an answer with data, no errors). */
async function burst(bff: Built, count: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next++ < count) {
      const response = await bff.fetch('http://bff.test/graphql', INIT);
      const text = await response.text();
      if (response.status !== 200 || text.includes('"errors"') || !text.includes('"data"'))
        throw new Error(`${bff.label}: wrong answer ${response.status} ${text.slice(0, 200)}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

const a = await build('this', resolve(import.meta.dirname, '..'));
const b = await build('other', other);
try {
  // Warm-up: the JIT, the HTTP cache, the pools.
  for (let i = 0; i < 4; i++) for (const bff of [a, b]) await burst(bff, perBurst);
  const stats = new AbStats([a.label, b.label]);
  for (let i = 0; i < bursts; i++) {
    // A B, then B A: neither always runs first.
    const costs: Record<string, BurstCost> = {};
    for (const bff of i % 2 === 0 ? [a, b] : [b, a]) costs[bff.label] = await measureBurst(() => burst(bff, perBurst));
    stats.add(costs, perBurst);
  }
  console.log(JSON.stringify({ query: opt('query', 'listing'), first, bursts, requestsPerBurst: perBurst, concurrency, ...stats.summary() }));
} finally {
  await a.close();
  await b.close();
  await mocks.close();
}
