/**
 * `npm run bench`: for each mode (BFF configuration), starts the mocks and the BFF as child
 * processes and runs every scenario; then prints the tables and writes `.bench/latest.json`.
 * The children are stopped on every way out: success, error, Ctrl-C, SIGTERM, and (SIGKILL,
 * synchronously) process exit.
 */
import { LogTap } from './bff-log.js';
import { measureScenario, type ScenarioResult } from './measure.js';
import { MODES } from './modes.js';
import { killAllNow, stopAll } from './processes.js';
import { formatReport, writeResults } from './report.js';
import { SCENARIOS } from './scenarios.js';
import { loadSettings } from './settings.js';
import { changedFiles, fingerprintSource, type SourceFingerprint } from './source.js';
import { startStack } from './stack.js';

process.on('exit', killAllNow);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping the BFF and the mocks`);
    // Bounded: a child that ignores SIGTERM is SIGKILLed after 2 s, then 'exit' sweeps the rest.
    void stopAll(2000).finally(() => process.exit(130));
  });
}

/** Picks the named items, all of them when `names` is undefined; an unknown name is an error. */
function pick<T extends { name: string }>(what: string, all: readonly T[], names: readonly string[] | undefined): readonly T[] {
  if (!names) return all;
  const unknown = names.filter((name) => !all.some((item) => item.name === name));
  if (unknown.length > 0) throw new Error(`unknown ${what} ${unknown.join(', ')}; they are ${all.map((item) => item.name).join(', ')}`);
  return all.filter((item) => names.includes(item.name));
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const settings = loadSettings();
  const scenarios = pick('scenario(s)', SCENARIOS, settings.scenarios);
  const modes = pick('mode(s)', MODES, settings.modes);

  // Taken before each BFF start (it loads all of src/ then) and at the end: the code may be
  // edited while the benchmark runs, and then the figures would mix versions.
  const sources: SourceFingerprint[] = [];
  const results: ScenarioResult[] = [];
  for (const mode of modes) {
    sources.push(await fingerprintSource());
    // A fresh stack per mode: no cache, pool or JIT state carries over from the other mode.
    console.error(`[${mode.name}] starting 6 mock backends (latency ${settings.latencyMs} ms) and the BFF on port ${settings.basePort}: ${mode.description}`);
    const stack = await startStack(settings, mode.bffEnv, { otlpSink: mode.otlpSink });
    try {
      const log = new LogTap(stack.bff);
      for (const scenario of scenarios) {
        console.error(`[${mode.name}] ${scenario.name}: ${settings.warmupS} s warm-up + ${settings.durationS} s at ${settings.connections} connections…`);
        results.push(await measureScenario(scenario, mode, stack, settings, log));
        // A BFF that died mid-run makes every later figure meaningless: say so instead.
        if (!stack.bff.alive()) throw new Error(`the BFF exited (${await stack.bff.exited}) during ${scenario.name}:\n    ${stack.bff.tail().join('\n    ')}`);
      }
    } finally {
      await stack.stop();
    }
  }

  const source = sources[0];
  const changed = changedFiles(source, await fingerprintSource());
  console.log(formatReport(results, settings, modes, source, changed));
  const file = await writeResults(results, settings, startedAt, { ...source, changedDuringRun: changed }, modes);
  console.error(`\nfigures written to ${file}`);
  // Figures of a BFF that answers wrongly mean nothing: fail, so a script or CI notices.
  const wrong = results.filter((r) => r.sampleProblems.length > 0).map((r) => `${r.name} (${r.mode})`);
  if (wrong.length > 0) {
    console.error(`bench: wrong answers (see Notes) in ${wrong.join(', ')}`);
    process.exitCode = 1;
  }
}

main().catch(async (error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
  await stopAll(2000);
  process.exit(1);
});
