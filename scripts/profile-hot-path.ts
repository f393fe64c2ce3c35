/**
 * Where a hot query's CPU goes: starts six mock backends at 0 ms (sending their Cache-Control,
 * so the BFF's HTTP cache answers most calls) and the BFF as an operator runs it under a load
 * test (NODE_ENV=production, LOG_LEVEL=warn, RATE_LIMIT_POINTS=0, MAX_COST=100000), loads the
 * 20-product listing with autocannon, and prints the BFF's CPU ms per request (its /proc CPU
 * time ÷ answers) and, with --profile, a summary of its CPU profile over the measured window
 * (scripts/cpu-profile-on-signal.mjs, started and stopped by SIGUSR2).
 *
 *   tsx scripts/profile-hot-path.ts [--compare <other checkout>] [--profile] [--duration 15]
 *       [--warmup 4] [--port 4300] [--connections 10] [--rate 0] [--rounds 1] [--first 20]
 *
 * The machine is shared: absolute req/s and CPU ms move with the neighbours. `--compare` runs a
 * second BFF from another checkout (e.g. `git worktree`/`git archive` of main, with this
 * node_modules linked) against the same mocks, loaded at the same time with the same load, so
 * both share the same neighbours: the ratio of their CPU ms per request holds where the
 * absolute figures wander. `--rate` (requests/s per BFF, open loop) makes their work equal.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { assertPortFree, isOk, spawnTs, stopAll, waitUntil, type Child } from '../bench/processes.js';
import { UsageSampler, waitCpuQuiet } from '../bench/procstats.js';
import { SERVICE_NAMES, type ServiceName } from '../src/config.js';
import { printSummary, summarize } from './cpuprofile-summary.js';

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : fallback;
};
const profile = args.includes('--profile');
const durationS = Number(opt('duration', '15'));
const warmupS = Number(opt('warmup', '4'));
const basePort = Number(opt('port', '4300'));
const connections = Number(opt('connections', '10'));
const rate = Number(opt('rate', '0'));
const rounds = Number(opt('rounds', '1'));
const compare = args.includes('--compare') ? resolve(opt('compare', '')) : undefined;
const first = Number(opt('first', '20'));

const HOST = '127.0.0.1';
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const QUERY = `query ProductPage { products(first: ${first}) { nodes { id name price { amount currency } stock { available inStock } reviews(first: 3) { rating author { id name } } } } }`;
const BODY = JSON.stringify({ query: QUERY });
const HEADERS = { 'content-type': 'application/json', accept: 'application/json' };
const PRELOAD = fileURLToPath(new URL('./cpu-profile-on-signal.mjs', import.meta.url));
const PROFILES = join(ROOT, '.profiles');

interface Bff {
  readonly label: string;
  readonly url: string;
  readonly child: Child;
  readonly profilePath: string;
  /** What it logged (warn and above) since the last clear, by message. */
  readonly logged: Map<string, number>;
}

const mockUrl = (name: ServiceName) => `http://${HOST}:${basePort + 1 + SERVICE_NAMES.indexOf(name)}`;

async function startMocks(): Promise<Child[]> {
  const mocks = SERVICE_NAMES.map((name) =>
    spawnTs(`mock ${name}`, 'mocks/main.ts', { MOCK_SERVICE: name, PORT: new URL(mockUrl(name)).port, HOST, MOCK_CONTROLS: 'on', FAULT_LATENCY_MS: '0' }, ROOT),
  );
  const healthy = async () => (await Promise.all(SERVICE_NAMES.map((name) => isOk(`${mockUrl(name)}/health`)))).every(Boolean);
  await waitUntil('the mock backends to answer /health', healthy, { timeoutMs: 120_000, watch: mocks });
  return mocks;
}

async function startBff(label: string, root: string, port: number): Promise<Bff> {
  const profilePath = join(PROFILES, `${label}-${Date.now()}.cpuprofile`);
  const child = spawnTs(
    `bff ${label}`,
    'src/main.ts',
    {
      PORT: String(port),
      HOST,
      NODE_ENV: 'production',
      DELIVERY_QUEUE: 'memory',
      LOG_LEVEL: 'warn',
      LOG_PRETTY: 'false',
      // One address sends all the load: the per-client limit would answer 429 within a second.
      RATE_LIMIT_POINTS: '0',
      MAX_COST: '100000',
      ...Object.fromEntries(SERVICE_NAMES.map((name) => [`${name.toUpperCase()}_URL`, mockUrl(name)])),
      ...(profile ? { NODE_OPTIONS: `--import ${PRELOAD}`, CPU_PROFILE_PATH: profilePath } : {}),
    },
    root,
  );
  const logged = new Map<string, number>();
  child.onLine((line) => {
    let msg = line.slice(0, 80);
    try {
      msg = String((JSON.parse(line) as { msg?: unknown }).msg);
    } catch {
      // Not a JSON line (a stack trace, a warning of node's): counted as it is.
    }
    logged.set(msg, (logged.get(msg) ?? 0) + 1);
  });
  const url = `http://${HOST}:${port}`;
  await waitUntil(`the BFF ${label} /ready`, () => isOk(`${url}/ready`, 2000), { timeoutMs: 120_000, watch: [child] });
  const check = await fetch(`${url}/graphql`, { method: 'POST', headers: HEADERS, body: BODY });
  const answer = (await check.json()) as { data?: { products?: { nodes?: unknown[] } }; errors?: unknown };
  if (check.status !== 200 || answer.errors || answer.data?.products?.nodes?.length !== first)
    throw new Error(`${label}: wrong answer: ${JSON.stringify(answer).slice(0, 300)}`);
  return { label, url, child, profilePath, logged };
}

async function load(bff: Bff, seconds: number): Promise<autocannon.Result> {
  const instance = autocannon({
    url: `${bff.url}/graphql`,
    method: 'POST',
    headers: HEADERS,
    body: BODY,
    connections,
    duration: seconds,
    timeout: 10,
    verifyBody: (body) => !body.includes('"errors":'),
    ...(rate > 0 ? { overallRate: rate } : {}),
  });
  const watchdog = setTimeout(() => instance.stop(), (seconds + 30) * 1000);
  try {
    return await instance;
  } finally {
    clearTimeout(watchdog);
  }
}

async function measure(bffs: Bff[]): Promise<void> {
  if (warmupS > 0) await Promise.all(bffs.map((bff) => load(bff, warmupS)));
  // The requests autocannon cut off at the end of the warm-up must not be charged to the run.
  await Promise.all(bffs.map((bff) => waitCpuQuiet(bff.child.pid, { thresholdPercent: 15, timeoutMs: 10_000 })));
  for (const bff of bffs) bff.logged.clear();
  const sampler = new UsageSampler(Object.fromEntries(bffs.map((bff) => [bff.label, bff.child.pid])));
  const signal = () => profile && bffs.forEach((bff) => process.kill(bff.child.pid, 'SIGUSR2'));
  signal();
  sampler.start();
  const t0 = performance.now();
  const results = await Promise.all(bffs.map((bff) => load(bff, durationS)));
  const wallS = (performance.now() - t0) / 1000;
  const usage = sampler.stop();
  signal();
  bffs.forEach((bff, i) => {
    const result = results[i]!;
    const cpuMs = ((usage[bff.label]!.cpuPercent ?? 0) / 100) * wallS * 1000;
    console.log(
      JSON.stringify({
        label: bff.label,
        reqPerSec: Math.round(result.requests.average),
        answered: result.requests.total,
        non2xx: result.non2xx,
        errors: result.errors,
        cpuMsPerReq: Math.round((cpuMs / result.requests.total) * 1000) / 1000,
        bffCpuPercent: usage[bff.label]!.cpuPercent,
        othersCpuPercent: usage.others?.cpuPercent,
        rssPeakMb: usage[bff.label]!.rssPeakMb,
        logged: Object.fromEntries(bff.logged),
      }),
    );
  });
}

const ports = [basePort, basePort + 1, basePort + 2, basePort + 3, basePort + 4, basePort + 5, basePort + 6, basePort + 10];
for (const port of ports) await assertPortFree(port, HOST);
if (profile) mkdirSync(PROFILES, { recursive: true });
process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));
try {
  await startMocks();
  const bffs = [await startBff('this', ROOT, basePort)];
  if (compare) bffs.push(await startBff('other', compare, basePort + 10));
  for (let round = 0; round < rounds; round++) await measure(bffs);
  if (profile) {
    // The profile is written when a BFF handles the second signal: give it a moment.
    for (let i = 0; i < 100 && !bffs.every((bff) => existsSync(bff.profilePath)); i++) await new Promise((r) => setTimeout(r, 100));
    for (const bff of bffs) {
      console.log(`\n=== ${bff.label}: ${bff.profilePath}`);
      printSummary(summarize(JSON.parse(readFileSync(bff.profilePath, 'utf8'))), 30);
    }
  }
} finally {
  await stopAll();
}
