/**
 * `npm run soak`: a bounded soak of the traffic policy. The product-page query under steady
 * load for BENCH_SOAK_S seconds (default 60) while one backend fails a share of its calls
 * (BENCH_SOAK_SERVICE, default inventory; BENCH_SOAK_FAIL_RATE, default 0.3). It reports the
 * BFF's memory over time (flat after warm-up, or not), answers by outcome, and anything fatal
 * in its log (crashes, unhandled rejections). Figures, not a pass/fail test: read them.
 */
import autocannon from 'autocannon';
import { LogTap } from './bff-log.js';
import { killAllNow, stopAll } from './processes.js';
import { treeRss } from './procstats.js';
import { SCENARIOS } from './scenarios.js';
import { loadSettings } from './settings.js';
import { startStack } from './stack.js';

const SAMPLE_EVERY_S = 5;

process.on('exit', killAllNow);
process.once('SIGINT', () => void stopAll(2000).finally(() => process.exit(130)));

function number(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) throw new Error(`${name} must be a number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  return value;
}

async function main(): Promise<void> {
  const settings = loadSettings();
  const seconds = number('BENCH_SOAK_S', 60, 5, 3600);
  const failRate = number('BENCH_SOAK_FAIL_RATE', 0.3, 0, 1);
  const service = (process.env.BENCH_SOAK_SERVICE ?? 'inventory') as keyof typeof stack.mockUrls;
  const scenario = SCENARIOS.find((s) => s.name === 'product-page')!;

  // Cache off: with it on, a repeated query would hardly reach the failing backend.
  const stack = await startStack(settings, { BACKEND_CACHE: 'false' });
  try {
    if (!stack.mockUrls[service]) throw new Error(`BENCH_SOAK_SERVICE must be one of ${Object.keys(stack.mockUrls).join(', ')}`);
    const log = new LogTap(stack.bff);
    await fetch(`${stack.mockUrls[service]}/__faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ errorRate: failRate, errorStatus: 503 }),
    });

    // Every process of the BFF: with WORKERS > 1, the primary and each worker (by pid: a worker
    // that died and was replaced shows as a new one).
    const memory: Array<{ s: number; rootMb: number | null; workers: Array<{ pid: number; mb: number }>; totalMb: number | null }> = [];
    const started = performance.now();
    const sampleMemory = () => {
      const { rootMb, workers } = treeRss(stack.bff.pid);
      const totalMb = rootMb === null ? null : rootMb + workers.reduce((sum, w) => sum + w.mb, 0);
      memory.push({ s: Math.round((performance.now() - started) / 1000), rootMb, workers, totalMb });
    };
    const sampler = setInterval(sampleMemory, SAMPLE_EVERY_S * 1000);
    const outcomes: Record<string, number> = {};
    const result = await autocannon({
      url: `${stack.bffUrl}/graphql`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: scenario.body,
      connections: settings.connections,
      duration: seconds,
      maxOverallRequests: settings.maxRequests,
      // Tallies each answer by its first error code, or ok; a non-JSON answer is a finding too.
      verifyBody: (body) => {
        let key = 'not JSON';
        try {
          const parsed = JSON.parse(body) as { errors?: Array<{ extensions?: { code?: string } }> };
          key = parsed.errors?.[0]?.extensions?.code ?? 'ok';
        } catch {
          // not JSON: counted under that key
        }
        outcomes[key] = (outcomes[key] ?? 0) + 1;
        return key !== 'not JSON';
      },
    });
    clearInterval(sampler);
    await log.waitQuiet();
    const logs = log.take();
    const fatal = Object.entries(logs.counts).filter(([key]) => /unhandled|uncaught|fatal/i.test(key));

    // Per serving process: the workers, or the one process when WORKERS=1.
    const perWorker = (m: (typeof memory)[number]) => (m.workers.length > 0 ? Math.max(...m.workers.map((w) => w.mb)) : m.rootMb);
    // V8 grows a worker's heap for its first ~30 s under load (README "Memory"): growth is read from there on (or from half a shorter soak).
    const afterWarmup = memory.find((m) => m.s >= Math.min(30, seconds / 2));
    const last = memory.at(-1);
    console.log(
      `Soak: ${seconds} s of product-page at ${settings.connections} connections; ${service} fails ${Math.round(failRate * 100)}% of calls (503); mock latency ${settings.latencyMs} ms; HTTP cache off.`,
    );
    console.log(
      `requests: ${result.requests.total} (${result.requests.average.toFixed(1)}/s), latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, non-2xx ${result.non2xx}, transport errors ${result.errors}, timeouts ${result.timeouts}`,
    );
    console.log(`answers by first error code: ${JSON.stringify(outcomes)}`);
    console.log(`BFF alive at the end: ${stack.bff.alive()}; fatal log lines: ${fatal.length === 0 ? 'none' : JSON.stringify(fatal)}`);
    const mb = (n: number | null | undefined) => (n == null ? '–' : n.toFixed(0));
    console.log(`BFF RSS (MB) every ${SAMPLE_EVERY_S} s (with workers: the primary, each worker by pid, the total):`);
    for (const m of memory) {
      const workers = m.workers.map((w) => `${w.pid} ${mb(w.mb)}`).join('  ');
      console.log(
        `  ${String(m.s).padStart(4)} s  ${m.workers.length > 0 ? `primary ${mb(m.rootMb)}  workers ${workers}  total ${mb(m.totalMb)}` : `${mb(m.rootMb)} (one process)`}`,
      );
    }
    const growth = (from: number | null | undefined, to: number | null | undefined) => (from && to ? ` (${(((to - from) / from) * 100).toFixed(1)}%)` : '');
    if (afterWarmup && last) {
      console.log(
        `largest worker after warm-up (${afterWarmup.s} s) ${mb(perWorker(afterWarmup))} MB → end ${mb(perWorker(last))} MB${growth(perWorker(afterWarmup), perWorker(last))}; peak ${mb(Math.max(...memory.map((m) => perWorker(m) ?? 0)))} MB`,
      );
      console.log(`whole BFF after warm-up ${mb(afterWarmup.totalMb)} MB → end ${mb(last.totalMb)} MB${growth(afterWarmup.totalMb, last.totalMb)}`);
      // Each worker on its own: the largest one at each sample can hide one that keeps growing.
      for (const pid of new Set(memory.flatMap((m) => m.workers.map((w) => w.pid)))) {
        const rssOf = (m: (typeof memory)[number]) => m.workers.find((w) => w.pid === pid)?.mb;
        const seen = memory.filter((m) => rssOf(m) !== undefined);
        const from = seen.find((m) => m.s >= afterWarmup.s);
        console.log(
          `  worker ${pid}: after warm-up ${mb(from && rssOf(from))} MB → end ${mb(rssOf(seen.at(-1)!))} MB${growth(from && rssOf(from), rssOf(seen.at(-1)!))}; peak ${mb(Math.max(...seen.map((m) => rssOf(m)!)))} MB`,
        );
      }
    }
    console.log(`log lines by kind: ${JSON.stringify(logs.counts)}`);
    if (!stack.bff.alive() || fatal.length > 0) process.exitCode = 1;
  } finally {
    await stack.stop();
  }
}

main().catch(async (error: unknown) => {
  console.error(`soak failed: ${error instanceof Error ? error.message : String(error)}`);
  await stopAll(2000);
  process.exit(1);
});
