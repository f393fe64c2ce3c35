/**
 * Node flags side by side: one set of mocks and one BFF per set of node flags (the same
 * compiled code), loaded at the same time with the same query, so both share the machine's
 * neighbours. Prints, per round and scenario, each BFF's CPU ms per query and peak RSS per
 * worker: what a heap setting (e.g. the young generation's size) costs and saves. Absolute
 * figures move with the neighbours; the two BFFs' ratio holds better than separate runs do.
 *
 *   BENCH_FLAG_SETS='--max-old-space-size=1024 --max-semi-space-size=32|--max-old-space-size=1024 --max-semi-space-size=16' \
 *     BENCH_MODES=traced BENCH_SCENARIOS=deep BENCH_ROUNDS=3 BENCH_BASE_PORT=14000 npx tsx bench/node-flags.ts
 *
 * BENCH_FLAG_SETS: flag sets separated by `|` (default: the image's flags, and the same with
 * the default young generation); a `NAME=value` in a set is an environment variable of that BFF
 * (e.g. glibc's MALLOC_ARENA_MAX). BENCH_MODES: the first mode named is used (default traced).
 * BENCH_ROUNDS (3). BFF n listens on basePort + 10·n (its OTLP sink on + 7); the mocks on
 * basePort + 1 … + 6. The other BENCH_* knobs as for `npm run bench` (bench/README.md);
 * BENCH_CONNECTIONS is per BFF.
 */
import { ask, load } from './measure.js';
import { MODES } from './modes.js';
import { startOtlpSink, type OtlpSink } from './otlp-sink.js';
import { assertPortFree, killAllNow, stopAll, type Child } from './processes.js';
import { UsageSampler, waitCpuQuiet } from './procstats.js';
import { imageNodeFlags } from './runtime.js';
import { SCENARIOS } from './scenarios.js';
import { loadSettings } from './settings.js';
import { bffReady, startBff, startStack } from './stack.js';

process.on('exit', killAllNow);
process.once('SIGINT', () => void stopAll(2000).finally(() => process.exit(130)));

interface FlagSet {
  readonly flags: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

interface Variant extends FlagSet {
  readonly label: string;
  readonly url: string;
  readonly child: Child;
  readonly sink?: OtlpSink;
}

interface Figure {
  round: number;
  scenario: string;
  label: string;
  completed: number;
  reqPerSec: number;
  failed: number;
  cpuMsPerQuery: number | null;
  rssPeakPerWorkerMb: number | null;
}

const ENV_ITEM = /^([A-Z_][A-Z0-9_]*)=(.*)$/;

function flagSets(): FlagSet[] {
  const raw = process.env.BENCH_FLAG_SETS?.trim();
  if (!raw) {
    const image = imageNodeFlags();
    return [image, image.filter((flag) => !flag.startsWith('--max-semi-space-size'))].map((flags) => ({ flags, env: {} }));
  }
  const sets = raw.split('|').map((set) => set.trim().split(/\s+/).filter(Boolean));
  if (sets.length < 2 || sets.some((set) => set.some((item) => !item.startsWith('--') && !ENV_ITEM.test(item))))
    throw new Error(`BENCH_FLAG_SETS must be two or more sets of node flags (and NAME=value variables) separated by |, got ${JSON.stringify(raw)}`);
  return sets.map((set) => ({
    flags: set.filter((item) => item.startsWith('--')),
    env: Object.fromEntries(
      set
        .map((item) => ENV_ITEM.exec(item))
        .filter((match) => match !== null)
        .map((match) => [match[1], match[2]]),
    ),
  }));
}

async function main(): Promise<void> {
  const settings = loadSettings();
  const sets = flagSets();
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 20) throw new Error(`BENCH_ROUNDS must be an integer from 1 to 20, got ${process.env.BENCH_ROUNDS}`);
  const modeName = settings.modes?.[0] ?? 'traced';
  const mode = MODES.find((m) => m.name === modeName);
  if (!mode) throw new Error(`unknown mode ${modeName}; they are ${MODES.map((m) => m.name).join(', ')}`);
  const scenarios = settings.scenarios ? SCENARIOS.filter((s) => settings.scenarios!.includes(s.name)) : SCENARIOS;
  if (scenarios.length === 0) throw new Error(`no such scenario: ${settings.scenarios?.join(', ')}`);

  // The first BFF comes with the mocks; the others are pointed at the same mocks.
  const stack = await startStack({ ...settings, nodeFlags: sets[0]!.flags }, { ...mode.bffEnv, ...sets[0]!.env }, { otlpSink: mode.otlpSink });
  const variants: Variant[] = [{ label: 'A', ...sets[0]!, url: stack.bffUrl, child: stack.bff, sink: stack.otlpSink }];
  const extra: Array<{ child: Child; sink?: OtlpSink }> = [];
  try {
    for (let i = 1; i < sets.length; i++) {
      const port = settings.basePort + 10 * i;
      await assertPortFree(port);
      const sink = mode.otlpSink ? await startOtlpSink(port + 7, '127.0.0.1') : undefined;
      const child = startBff({ ...settings, nodeFlags: sets[i]!.flags }, port, stack.mockUrls, { ...mode.bffEnv, ...sets[i]!.env }, sink);
      extra.push({ child, sink });
      variants.push({ label: String.fromCharCode(65 + i), ...sets[i]!, url: await bffReady(child, port), child, sink });
    }
    console.log(
      `Node flags side by side: mode ${mode.name}, ${settings.connections} connections per BFF, WORKERS=${settings.workers}, mock latency ${settings.latencyMs} ms.`,
    );
    for (const v of variants)
      console.log(
        `  ${v.label}: ${Object.entries(v.env)
          .map(([k, val]) => `${k}=${val} `)
          .join('')}node ${v.flags.join(' ')}`,
      );

    const figures: Figure[] = [];
    for (let round = 1; round <= rounds; round++) {
      for (const scenario of scenarios) {
        for (const v of variants) {
          const answer = await ask(v.url, scenario);
          if (answer.problem) throw new Error(`${v.label} answered ${scenario.name} wrongly: ${answer.problem}`);
        }
        if (settings.warmupS > 0) await Promise.all(variants.map((v) => load(v.url, scenario, settings.warmupS, settings.connections, settings.maxRequests)));
        await Promise.all(variants.map((v) => waitCpuQuiet(v.child.pid)));
        const sampler = new UsageSampler({}, Object.fromEntries(variants.map((v) => [v.label, v.child.pid])));
        sampler.start();
        const results = await Promise.all(variants.map((v) => load(v.url, scenario, settings.durationS, settings.connections, settings.maxRequests)));
        sampler.stop();
        variants.forEach((v, i) => {
          const tree = sampler.tree(v.label)!;
          const completed = results[i]!.requests.total;
          figures.push({
            round,
            scenario: scenario.name,
            label: v.label,
            completed,
            reqPerSec: Math.round(results[i]!.requests.average * 10) / 10,
            failed: results[i]!.non2xx + results[i]!.errors + results[i]!.mismatches,
            cpuMsPerQuery: tree.cpuSeconds === null || completed === 0 ? null : Math.round((tree.cpuSeconds * 100_000) / completed) / 100,
            rssPeakPerWorkerMb: tree.rssPeakPerWorkerMb,
          });
        });
        await Promise.all(variants.map((v) => waitCpuQuiet(v.child.pid)));
      }
    }
    for (const v of variants) if (!v.child.alive()) throw new Error(`BFF ${v.label} exited: ${await v.child.exited}`);

    console.log('\nround  scenario      BFF  completed   req/s  failed  CPU ms/q  rss peak/worker (MB, the largest so far in this BFF)');
    for (const f of figures)
      console.log(
        `${String(f.round).padStart(5)}  ${f.scenario.padEnd(12)}  ${f.label.padStart(3)}  ${String(f.completed).padStart(9)}  ${String(f.reqPerSec).padStart(6)}  ${String(f.failed).padStart(6)}  ${String(f.cpuMsPerQuery ?? '–').padStart(8)}  ${f.rssPeakPerWorkerMb ?? '–'}`,
      );
    console.log('\nmedians over the rounds (CPU ms/q relative to A):');
    for (const scenario of scenarios) {
      const cpuA = median(figures.filter((f) => f.scenario === scenario.name && f.label === 'A').map((f) => f.cpuMsPerQuery ?? NaN));
      for (const v of variants) {
        const mine = figures.filter((f) => f.scenario === scenario.name && f.label === v.label);
        const cpu = median(mine.map((f) => f.cpuMsPerQuery ?? NaN));
        const rss = Math.max(...mine.map((f) => f.rssPeakPerWorkerMb ?? 0));
        console.log(`  ${scenario.name.padEnd(12)} ${v.label}: CPU ms/q ${cpu} (${((cpu / cpuA) * 100).toFixed(0)}%), rss peak/worker ${rss} MB`);
      }
    }
  } finally {
    await Promise.all(extra.map(({ child }) => child.stop()));
    for (const { sink } of extra) await sink?.close();
    await stack.stop();
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

main().catch(async (error: unknown) => {
  console.error(`node-flags failed: ${error instanceof Error ? error.message : String(error)}`);
  await stopAll(2000);
  process.exit(1);
});
