/**
 * What LOADER_BATCH_WINDOW_MS costs and saves: one set of mocks (separate processes, each adding
 * BENCH_LATENCY_MS), and one BFF process per window value, all up at once. Every scenario is
 * sent to each BFF in turn, one request at a time, round after round, so a busy machine slows
 * all windows alike. Prints, per scenario and window, the latency (p50, p90) and the calls per
 * query each backend saw (read off the mocks' /__stats after each request: exact, since only
 * one request is in flight), and checks that every window gives the same answer.
 *
 *   npx tsx bench/loader-window.ts
 *   BENCH_WINDOWS=0,2,5 BENCH_ROUNDS=50 BENCH_BASE_PORT=4200 npx tsx bench/loader-window.ts
 *
 * The BFFs run with the HTTP cache and dedupe off, so every query makes all its calls.
 */
import { fileURLToPath } from 'node:url';
import { SERVICE_NAMES, type ServiceName } from '../src/config.js';
import { readStats } from './backend-stats.js';
import { assertPortFree, isOk, killAllNow, spawnTs, stopAll, waitUntil, type Child } from './processes.js';
import { SCENARIOS } from './scenarios.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const HOST = '127.0.0.1';

function intEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  return n;
}

const windows = (process.env.BENCH_WINDOWS ?? '0,1,2,5').split(',').map((w) => {
  const n = Number(w.trim());
  if (!Number.isInteger(n) || n < 0 || n > 1000) throw new Error(`BENCH_WINDOWS must list integers from 0 to 1000, got ${JSON.stringify(w)}`);
  return n;
});
const rounds = intEnv('BENCH_ROUNDS', 30, 1, 1000);
const latencyMs = intEnv('BENCH_LATENCY_MS', 20, 0, 1000);
const basePort = intEnv('BENCH_BASE_PORT', 14100, 1024, 65000);
const WARMUP = 5;

/** The bench's scenarios, and two lists of one level whose products merge with a window. */
const queries = [
  ...SCENARIOS.map((s) => ({ name: s.name, body: s.body, headers: {} as Record<string, string> })),
  {
    name: 'two-lists',
    body: JSON.stringify({
      query: '{ viewer { reviews { product { name stock { available } } } orders { items { product { name stock { available } } } } } }',
    }),
    headers: { authorization: 'Bearer token-3' } as Record<string, string>,
  },
];

process.on('exit', killAllNow);
process.once('SIGINT', () => void stopAll(2000).finally(() => process.exit(130)));

async function main() {
  const mockPort = (name: ServiceName) => basePort + 1 + SERVICE_NAMES.indexOf(name);
  const bffPort = (i: number) => basePort + 10 + i;
  for (const port of [...SERVICE_NAMES.map(mockPort), ...windows.map((_, i) => bffPort(i))]) await assertPortFree(port, HOST);

  const mockUrls = Object.fromEntries(SERVICE_NAMES.map((name) => [name, `http://${HOST}:${mockPort(name)}`])) as Record<ServiceName, string>;
  const children: Child[] = SERVICE_NAMES.map((name) =>
    spawnTs(
      `mock ${name}`,
      'mocks/main.ts',
      { MOCK_SERVICE: name, PORT: String(mockPort(name)), HOST, MOCK_CONTROLS: 'on', FAULT_LATENCY_MS: String(latencyMs) },
      ROOT,
    ),
  );
  await waitUntil('the mocks', async () => (await Promise.all(SERVICE_NAMES.map((n) => isOk(`${mockUrls[n]}/health`)))).every(Boolean), {
    timeoutMs: 180_000,
    watch: children,
  });
  const bffs = windows.map((windowMs, i) => {
    const child = spawnTs(
      `bff window=${windowMs}`,
      'src/main.ts',
      {
        PORT: String(bffPort(i)),
        HOST,
        NODE_ENV: 'production',
        DELIVERY_QUEUE: 'memory',
        LOG_LEVEL: 'warn',
        LOG_PRETTY: 'false',
        RATE_LIMIT_POINTS: '0',
        MAX_COST: '100000',
        BACKEND_CACHE: 'false',
        BACKEND_DEDUPE: 'false',
        LOADER_BATCH_WINDOW_MS: String(windowMs),
        ...Object.fromEntries(SERVICE_NAMES.map((name) => [`${name.toUpperCase()}_URL`, mockUrls[name]])),
      },
      ROOT,
    );
    children.push(child);
    return { windowMs, url: `http://${HOST}:${bffPort(i)}/graphql`, child };
  });
  await waitUntil('the BFFs', async () => (await Promise.all(bffs.map((b) => isOk(b.url.replace('/graphql', '/health'))))).every(Boolean), {
    timeoutMs: 180_000,
    watch: children,
  });

  const totals = async () => {
    const stats = await readStats(mockUrls);
    return Object.fromEntries(SERVICE_NAMES.map((s) => [s, Object.values(stats[s].requests).reduce((a, b) => a + b, 0)])) as Record<ServiceName, number>;
  };
  const send = async (url: string, query: (typeof queries)[number]) => {
    const started = performance.now();
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...query.headers }, body: query.body });
    const text = await response.text();
    return { ms: performance.now() - started, text, status: response.status };
  };

  type Cell = { ms: number[]; calls: Record<ServiceName, number>; answer?: string };
  const cells = new Map<string, Cell>();
  const cell = (q: string, w: number) => {
    const key = `${q} ${w}`;
    if (!cells.has(key)) cells.set(key, { ms: [], calls: Object.fromEntries(SERVICE_NAMES.map((s) => [s, 0])) as Record<ServiceName, number> });
    return cells.get(key)!;
  };

  for (const query of queries) for (const bff of bffs) for (let i = 0; i < WARMUP; i++) await send(bff.url, query);
  console.error(`${windows.length} BFFs warm; ${rounds} rounds of ${queries.length} queries each…`);
  let before = await totals();
  for (let round = 0; round < rounds; round++) {
    for (const query of queries) {
      // Rotated each round, so no window always goes first (or last) after the others.
      for (let k = 0; k < bffs.length; k++) {
        const bff = bffs[(round + k) % bffs.length]!;
        const { ms, text, status } = await send(bff.url, query);
        const after = await totals();
        const c = cell(query.name, bff.windowMs);
        c.ms.push(ms);
        for (const s of SERVICE_NAMES) c.calls[s] += after[s] - before[s];
        before = after;
        const parsed = JSON.parse(text);
        if (status !== 200 || parsed.errors) throw new Error(`${query.name} on window ${bff.windowMs}: ${status} ${text.slice(0, 300)}`);
        c.answer ??= text;
        if (c.answer !== text) throw new Error(`${query.name} on window ${bff.windowMs}: the answer changed between rounds`);
      }
    }
  }

  const pct = (values: number[], p: number) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
  };
  console.log(`\nLOADER_BATCH_WINDOW_MS: ${rounds} sequential requests per cell, mocks at ${latencyMs} ms, cache and dedupe off\n`);
  console.log('| scenario | window ms | p50 ms | p90 ms | calls/q | ' + SERVICE_NAMES.join(' | ') + ' |');
  console.log('|---|---|---|---|---|' + SERVICE_NAMES.map(() => '---|').join(''));
  for (const query of queries) {
    const answers = new Set(windows.map((w) => cell(query.name, w).answer));
    for (const w of windows) {
      const c = cell(query.name, w);
      const perQuery = SERVICE_NAMES.map((s) => c.calls[s] / rounds);
      const total = perQuery.reduce((a, b) => a + b, 0);
      console.log(
        `| ${query.name} | ${w} | ${pct(c.ms, 50).toFixed(1)} | ${pct(c.ms, 90).toFixed(1)} | ${total.toFixed(2)} | ${perQuery.map((n) => n.toFixed(2)).join(' | ')} |`,
      );
    }
    if (answers.size !== 1) console.log(`| ${query.name} | **answers differ between windows** |`);
  }
}

main()
  .catch((error: unknown) => {
    console.error(`loader-window bench failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  })
  .finally(() => stopAll(2000));
