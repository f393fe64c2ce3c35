/**
 * Turns results into what a person reads (tables on stdout) and what a tool reads
 * (`.bench/latest.json`, gitignored: figures depend on the machine, so they are not committed).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVICE_NAMES } from '../src/config.js';
import type { LogSummary } from './bff-log.js';
import type { ScenarioResult } from './measure.js';
import type { Mode } from './modes.js';
import { describeRuntime } from './runtime.js';
import type { Settings } from './settings.js';
import type { SourceFingerprint } from './source.js';

export const RESULTS_FILE = fileURLToPath(new URL('../.bench/latest.json', import.meta.url));

type Cell = string | number | null | undefined;

/** A plain-text table: first column left-aligned, the others (numbers) right-aligned. */
function table(title: string, header: string[], rows: Cell[][]): string {
  const text = [header, ...rows.map((row) => row.map((c) => (c === null || c === undefined ? '–' : String(c))))];
  const widths = header.map((_, i) => Math.max(...text.map((row) => row[i].length)));
  const line = (row: string[]) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  return [title, line(text[0]), rule, ...text.slice(1).map(line)].join('\n');
}

const SHORT: Record<string, string> = {
  users: 'users',
  catalog: 'catalog',
  reviews: 'reviews',
  inventory: 'invent.',
  orders: 'orders',
  notifications: 'notif.',
};

export function formatReport(results: ScenarioResult[], settings: Settings, modes: readonly Mode[], source: SourceFingerprint, changed: string[]): string {
  const parts: string[] = [];
  parts.push(
    `BFF benchmark: ${settings.durationS} s per scenario after ${settings.warmupS} s warm-up, ${settings.connections} connections, ` +
      `mock latency ${settings.latencyMs} ms per call; ${cpus().length} CPUs shared by load generator, BFF and mocks.\n` +
      `BFF: ${describeRuntime(settings)}.\n` +
      `BFF source: src/ hash ${source.hash} (${source.files} files, newest ${source.newest.path} at ${source.newest.mtime})` +
      (changed.length > 0
        ? `\nWARNING: src/ changed while the benchmark ran (${changed.join(', ')}); each BFF runs the code it loaded at its start, so the modes may have measured different code. Rerun for clean figures.`
        : '') +
      modes.map((m) => `\nmode ${m.name}: ${m.description}`).join(''),
  );

  parts.push(
    table(
      'Latency and throughput (ms; "floor" = levels × mock latency, none when a cache may answer; "ovh" = p50 − floor; "answers" = the hand-checked responses)',
      ['scenario', 'mode', 'answers', 'levels', 'floor', 'alone p50', 'alone ovh', 'req/s', 'p50', 'p90', 'p99', 'load ovh', 'non-2xx', 'errors', 'gql errors'],
      results.map((r) => [
        r.name,
        r.mode,
        r.sampleProblems.length === 0 ? 'ok' : 'WRONG',
        r.levels,
        r.floorMs,
        r.alone.p50Ms,
        r.alone.overheadMs,
        r.load.requestsPerSec,
        r.load.latencyMs.p50,
        r.load.latencyMs.p90,
        r.load.latencyMs.p99,
        r.load.overheadMs,
        r.load.non2xx,
        r.load.errors,
        r.load.graphqlErrors,
      ]),
    ),
  );

  // Only the backends some scenario called: orders and notifications serve no read here.
  const used = SERVICE_NAMES.filter((s) => results.some((r) => r.backends.callsPerQueryByService[s] > 0 || r.backends.peakInFlight[s] > 0));
  parts.push(
    table(
      'Backend calls per query (under load; "alone" = exact, one request at a time) and peak in-flight calls per backend',
      ['scenario', 'mode', 'calls/q', 'alone', ...used.map((s) => `${SHORT[s]}/q`), ...used.map((s) => `peak ${SHORT[s]}`)],
      results.map((r) => [
        r.name,
        r.mode,
        r.backends.callsPerQuery,
        r.alone.callsPerQuery,
        ...used.map((s) => r.backends.callsPerQueryByService[s]),
        ...used.map((s) => r.backends.peakInFlight[s]),
      ]),
    ),
  );

  const mocksCpu = (r: ScenarioResult) => {
    const values = Object.entries(r.usage)
      .filter(([name]) => name.startsWith('mock '))
      .map(([, u]) => u.cpuPercent);
    return values.some((v) => v === null) ? null : Math.round(values.reduce((a: number, b) => a + (b ?? 0), 0));
  };
  parts.push(
    table(
      'CPU (% of one core, during the measured run), CPU ms per query (all BFF processes ÷ completed requests) and memory (MB; "per worker" = the largest one process, "total" = all BFF processes at once, its primary included)',
      [
        'scenario',
        'mode',
        'workers',
        'BFF cpu',
        'primary cpu',
        'CPU ms/q',
        'mocks cpu',
        'loadgen cpu',
        'other procs cpu',
        'rss peak/worker',
        'rss peak total',
        'rss end total',
        'completed',
        'resp bytes',
      ],
      results.map((r) => [
        r.name,
        r.mode,
        Math.max(1, r.bff.workers),
        r.usage.bff?.cpuPercent,
        r.bff.workers > 0 ? r.bff.rootCpuPercent : null,
        r.bff.cpuMsPerQuery,
        mocksCpu(r),
        r.usage.loadgen?.cpuPercent,
        r.usage.others?.cpuPercent,
        r.bff.rssPeakPerWorkerMb,
        r.bff.rssPeakTotalMb,
        r.usage.bff?.rssEndMb,
        r.load.completed + (r.load.capped ? ' (capped)' : ''),
        r.alone.responseBytes,
      ]),
    ),
  );

  const notes: string[] = [];
  const total = (summary: LogSummary) => Object.values(summary.counts).reduce((a, b) => a + b, 0);
  const breakdown = (summary: LogSummary) => {
    const kinds = Object.entries(summary.counts).sort((x, y) => y[1] - x[1]);
    const shown = kinds.slice(0, 5).map(([key, n]) => `${n} × ${key}`);
    if (kinds.length > 5) shown.push(`and ${kinds.length - 5} more kinds (see the JSON)`);
    return shown.join('; ');
  };
  for (const r of results) {
    const problems = new Map<string, number>();
    for (const problem of r.sampleProblems) problems.set(problem, (problems.get(problem) ?? 0) + 1);
    for (const [problem, n] of problems) notes.push(`${r.name} (${r.mode}): sampled answer WRONG${n > 1 ? ` (${n} times)` : ''}: ${problem}`);
    if (total(r.bffLog) > 0) {
      const [firstKey] = Object.keys(r.bffLog.counts);
      notes.push(
        `${r.name} (${r.mode}): during the run the BFF logged ${total(r.bffLog)} lines: ${breakdown(r.bffLog)}\n      e.g. ${r.bffLog.examples[firstKey]?.[0]?.slice(0, 300) ?? ''}`,
      );
    }
    const others = r.usage.others?.cpuPercent ?? 0;
    if (others > 20) notes.push(`${r.name} (${r.mode}): WARNING: other processes used ${others}% of a core during the run; the figures are disturbed`);
    const codes = Object.keys(r.load.statusCodes).filter((c) => c !== '200');
    if (codes.length > 0) notes.push(`${r.name} (${r.mode}): status codes ${JSON.stringify(r.load.statusCodes)}`);
    const aborted = Object.entries(r.backends.aborted).filter(([, n]) => n > 0);
    notes.push(
      `${r.name} (${r.mode}): after the run the BFF stayed busy ${r.busyAfterRunMs ?? '>30000'} ms with the ≤${settings.connections} requests cut off at its end` +
        (aborted.length > 0 ? ` (backend calls aborted: ${aborted.map(([s, n]) => `${s} ${n}`).join(', ')})` : '') +
        `, logging ${total(r.bffLogAfterRun)} lines${total(r.bffLogAfterRun) > 0 ? `: ${breakdown(r.bffLogAfterRun)}` : ''}`,
    );
  }
  parts.push(`Notes:\n  - ${notes.join('\n  - ')}`);
  return parts.join('\n\n');
}

export async function writeResults(
  results: ScenarioResult[],
  settings: Settings,
  startedAt: Date,
  source: SourceFingerprint & { changedDuringRun: string[] },
  modes: readonly Mode[],
): Promise<string> {
  const document = {
    startedAt: startedAt.toISOString(),
    source,
    modes,
    finishedAt: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryMb: Math.round(totalmem() / 2 ** 20), node: process.version, platform: process.platform },
    settings,
    results,
  };
  await mkdir(dirname(RESULTS_FILE), { recursive: true });
  await writeFile(RESULTS_FILE, `${JSON.stringify(document, null, 2)}\n`);
  return RESULTS_FILE;
}
