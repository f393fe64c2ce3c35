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
import { rssMb } from './procstats.js';
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

    const memory: Array<{ s: number; rssMb: number | null }> = [];
    const started = performance.now();
    const sampler = setInterval(() => memory.push({ s: Math.round((performance.now() - started) / 1000), rssMb: rssMb(stack.bff.pid) }), SAMPLE_EVERY_S * 1000);
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
        } catch {}
        outcomes[key] = (outcomes[key] ?? 0) + 1;
        return key !== 'not JSON';
      },
    });
    clearInterval(sampler);
    await log.waitQuiet();
    const logs = log.take();
    const fatal = Object.entries(logs.counts).filter(([key]) => /unhandled|uncaught|fatal/i.test(key));

    const afterWarmup = memory.find((m) => m.s >= 10)?.rssMb ?? null;
    const last = memory.at(-1)?.rssMb ?? null;
    console.log(`Soak: ${seconds} s of product-page at ${settings.connections} connections; ${service} fails ${Math.round(failRate * 100)}% of calls (503); mock latency ${settings.latencyMs} ms; HTTP cache off.`);
    console.log(`requests: ${result.requests.total} (${result.requests.average.toFixed(1)}/s), latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, non-2xx ${result.non2xx}, transport errors ${result.errors}, timeouts ${result.timeouts}`);
    console.log(`answers by first error code: ${JSON.stringify(outcomes)}`);
    console.log(`BFF alive at the end: ${stack.bff.alive()}; fatal log lines: ${fatal.length === 0 ? 'none' : JSON.stringify(fatal)}`);
    console.log(`BFF RSS (MB) every ${SAMPLE_EVERY_S} s: ${memory.map((m) => `${m.s}s ${m.rssMb?.toFixed(0)}`).join(', ')}`);
    if (afterWarmup !== null && last !== null) console.log(`RSS after warm-up ${afterWarmup.toFixed(0)} MB → end ${last.toFixed(0)} MB (${(((last - afterWarmup) / afterWarmup) * 100).toFixed(1)}%)`);
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
