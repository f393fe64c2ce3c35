/**
 * Where a hot query's CPU goes: starts the benchmark's stack (bench/stack.ts: six mocks sending
 * their Cache-Control, the BFF in production mode, LOG_LEVEL=warn, no rate limit) with the
 * mocks at 0 ms, loads the 20-product listing with autocannon, and prints the BFF's CPU ms per
 * request (its /proc CPU time ÷ answers) and, with --profile, a summary of its CPU profile
 * over the measured window (scripts/cpu-profile-on-signal.mjs, started and stopped by SIGUSR2).
 *
 *   tsx scripts/profile-hot-path.ts [--profile] [--duration 12] [--warmup 4] [--port 4300] [--label name]
 *
 * The machine is shared: absolute req/s move with the neighbours, CPU ms per request and the
 * profile's shares much less. Compare builds by running this alternately on each.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { UsageSampler, waitCpuQuiet } from '../bench/procstats.js';
import { loadSettings } from '../bench/settings.js';
import { startStack } from '../bench/stack.js';
import { printSummary, summarize } from './cpuprofile-summary.js';

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : fallback;
};
const profile = args.includes('--profile');
const durationS = Number(opt('duration', '12'));
const warmupS = Number(opt('warmup', '4'));
const port = opt('port', '4300');
const label = opt('label', 'run');
const connections = Number(opt('connections', '50'));

const QUERY =
  'query ProductPage { products(first: 20) { nodes { id name price { amount currency } stock { available inStock } reviews(first: 3) { rating author { id name } } } } }';
const BODY = JSON.stringify({ query: QUERY });
const HEADERS = { 'content-type': 'application/json', accept: 'application/json' };

const dir = join(process.cwd(), '.profiles');
const profilePath = join(dir, `${label}-${Date.now()}.cpuprofile`);
if (profile) mkdirSync(dir, { recursive: true });
const preload = fileURLToPath(new URL('./cpu-profile-on-signal.mjs', import.meta.url));

const settings = loadSettings({ BENCH_BASE_PORT: port, BENCH_LATENCY_MS: '0' });
const stack = await startStack(settings, {
  MAX_COST: '100000',
  ...(profile ? { NODE_OPTIONS: `--import ${preload}`, CPU_PROFILE_PATH: profilePath } : {}),
});

const signalProfiler = () => profile && process.kill(stack.bff.pid, 'SIGUSR2');

async function load(seconds: number): Promise<autocannon.Result> {
  const instance = autocannon({ url: `${stack.bffUrl}/graphql`, method: 'POST', headers: HEADERS, body: BODY, connections, duration: seconds, timeout: 10, verifyBody: (b) => !b.includes('"errors":') });
  const watchdog = setTimeout(() => instance.stop(), (seconds + 30) * 1000);
  try {
    return await instance;
  } finally {
    clearTimeout(watchdog);
  }
}

// What the BFF logged (warn and above: LOG_LEVEL=warn) while loaded, by message: a profile of
// a BFF busy failing requests is not the profile of the hot path.
const logged = new Map<string, number>();
stack.bff.onLine((line) => {
  let msg = line.slice(0, 80);
  try {
    msg = String((JSON.parse(line) as { msg?: unknown }).msg);
  } catch {
    // Not a JSON line (a stack trace, a warning of node's): counted as it is.
  }
  logged.set(msg, (logged.get(msg) ?? 0) + 1);
});

try {
  const check = await fetch(`${stack.bffUrl}/graphql`, { method: 'POST', headers: HEADERS, body: BODY });
  const answer = (await check.json()) as { data?: { products?: { nodes?: unknown[] } }; errors?: unknown };
  if (check.status !== 200 || answer.errors || answer.data?.products?.nodes?.length !== 20) throw new Error(`wrong answer before load: ${JSON.stringify(answer).slice(0, 300)}`);
  if (warmupS > 0) await load(warmupS);
  // The requests autocannon cut off at the end of the warm-up must not be charged to the run.
  await waitCpuQuiet(stack.bff.pid, { thresholdPercent: 15, timeoutMs: 10_000 });
  logged.clear();
  const sampler = new UsageSampler({ bff: stack.bff.pid });
  sampler.start();
  signalProfiler();
  const t0 = performance.now();
  const result = await load(durationS);
  const wallS = (performance.now() - t0) / 1000;
  const usage = sampler.stop();
  signalProfiler();
  const answered = result.requests.total;
  const cpuMsPerReq = ((usage.bff!.cpuPercent ?? 0) / 100) * wallS * 1000 / answered;
  console.log(
    JSON.stringify({
      label,
      reqPerSec: Math.round(result.requests.average),
      answered,
      non2xx: result.non2xx,
      errors: result.errors,
      mismatches: (result as unknown as { mismatches?: number }).mismatches,
      cpuMsPerReq: Math.round(cpuMsPerReq * 1000) / 1000,
      bffCpuPercent: usage.bff?.cpuPercent,
      othersCpuPercent: usage.others?.cpuPercent,
      rssPeakMb: usage.bff?.rssPeakMb,
      logged: Object.fromEntries(logged),
    }),
  );
  // The profile is written when the BFF handles the second signal: give it a moment.
  for (let i = 0; profile && i < 50 && !existsSync(profilePath); i++) await new Promise((r) => setTimeout(r, 100));
  await stack.stop();
  if (profile) {
    if (!existsSync(profilePath)) throw new Error(`no profile written at ${profilePath}`);
    console.log(`profile: ${profilePath}`);
    printSummary(summarize(JSON.parse(readFileSync(profilePath, 'utf8'))), 30);
  }
} catch (error) {
  await stack.stop();
  throw error;
}
