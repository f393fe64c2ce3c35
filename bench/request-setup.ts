/**
 * What a request pays for its backend clients and DataLoaders before it asks anything: builds
 * them 100,000 times (BENCH_SETUP_N) the way the context factory does, in three uses, and prints
 * the CPU time (median of 5 rounds) and the heap allocated per request. No server and no network: the pools are made but
 * never called.
 *
 *   - nothing: `{ __typename }` touches neither clients nor loaders
 *   - product page: the catalog, inventory, reviews and users clients, and the product, stock,
 *     reviewsByProduct and user loaders
 *   - everything: every client and every loader
 *
 *   npx tsx --expose-gc bench/request-setup.ts
 */
import { pino } from 'pino';
import { createBackendClients, createBackendTransports, closeBackendTransports } from '../src/backends/index.js';
import { loadConfig } from '../src/config.js';
import { createLoaders } from '../src/graphql/loaders.js';

const N = Number(process.env.BENCH_SETUP_N ?? 100_000);
const HEAP_SAMPLE = 1000;
if (!Number.isInteger(N) || N < HEAP_SAMPLE || N > 10_000_000)
  throw new Error(`BENCH_SETUP_N must be an integer from 1000 to 10000000, got ${process.env.BENCH_SETUP_N}`);

const config = loadConfig({
  NODE_ENV: 'production',
  DELIVERY_QUEUE: 'memory',
  LOG_LEVEL: 'silent',
  ...(process.env.LOADER_BATCH_WINDOW_MS ? { LOADER_BATCH_WINDOW_MS: process.env.LOADER_BATCH_WINDOW_MS } : {}),
});
const logger = pino({ level: 'silent' });
const transports = createBackendTransports(config, logger);
const signal = new AbortController().signal;

type Use = (backends: any, loaders: any) => unknown;
const uses: Record<string, Use> = {
  nothing: () => undefined,
  // The listing primes the product loader; stock, reviews and authors are loaded, and their
  // batches use the inventory, reviews and users clients.
  'product page': (b, l) => [b.catalog, l.product, l.stock, b.inventory, l.reviewsByProduct, b.reviews, l.user, b.users],
  everything: (b, l) => [
    b.users,
    b.orders,
    b.catalog,
    b.reviews,
    b.inventory,
    b.notifications,
    l.user,
    l.product,
    l.stock,
    l.reviewsByProduct,
    l.reviewsByAuthor,
    l.ordersByUser,
  ],
};

// A few dozen kept alive at a time, as a server holds the contexts of the requests in flight.
const IN_FLIGHT = 64;
let sink: unknown[] = [];
function build(use: Use, n: number) {
  for (let i = 0; i < n; i++) {
    const scope = { signal, deadline: performance.now() + 5000, requestId: `r${i}`, authorization: 'Bearer token-3' };
    const backends = (createBackendClients as (...args: unknown[]) => any)(transports, scope, logger);
    const loaders = createLoaders(backends, config);
    sink.push(use(backends, loaders));
    if (sink.length === IN_FLIGHT) sink = [];
  }
}

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) console.error('(run with --expose-gc for heap figures)');
console.log(`| use | CPU µs per request | heap allocated per request |\n|---|---|---|`);
for (const [name, use] of Object.entries(uses)) {
  build(use, 20_000); // warm-up: let the JIT settle
  const rounds: number[] = [];
  const heap: number[] = [];
  for (let round = 0; round < 5; round++) {
    gc?.();
    const before = process.memoryUsage().heapUsed;
    // CPU time, not wall time: the machine is shared, and waiting for a core is not our cost.
    const started = process.cpuUsage();
    // 1,000 requests right after a GC, small enough to allocate without another one, count
    // the bytes allocated; the whole run is timed.
    build(use, HEAP_SAMPLE);
    heap.push((process.memoryUsage().heapUsed - before) / HEAP_SAMPLE);
    build(use, N - HEAP_SAMPLE);
    const spent = process.cpuUsage(started);
    rounds.push((spent.user + spent.system) / N);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(`| ${name} | ${median(rounds).toFixed(2)} | ${gc ? `${Math.round(median(heap))} B` : '–'} |`);
}
await closeBackendTransports(transports);
