/**
 * One scenario, start to finish: check an answer by hand (correct, no `errors`), warm up, time
 * it alone, then load it with autocannon while the mocks count the BFF's calls and /proc tells
 * who used the CPU; check answers again after. Returns figures only; report.ts prints them.
 */
import autocannon from 'autocannon';
import type { ServiceName } from '../src/config.js';
import { callsByService, readStats, resetStats, waitIdle } from './backend-stats.js';
import type { LogSummary, LogTap } from './bff-log.js';
import { UsageSampler, waitCpuQuiet, type ProcessUsage, type TreeUsage } from './procstats.js';
import type { Mode } from './modes.js';
import type { Scenario } from './scenarios.js';
import type { Settings } from './settings.js';
import type { Stack } from './stack.js';

export interface ScenarioResult {
  name: string;
  /** The BFF's configuration (modes.ts). */
  mode: string;
  levels: number;
  chain: string;
  /** levels × mock latency: the best answer time any BFF could give; null when answers may come from a cache. */
  floorMs: number | null;
  /** Sequential requests, one at a time, outside the load run. */
  alone: {
    /** Median and minimum latency (ms) of ALONE_RUNS requests in a row. */
    p50Ms: number;
    minMs: number;
    /** p50Ms − floor: the BFF's own cost per request when nothing competes for the CPU. */
    overheadMs: number | null;
    /** Backend calls per query, exact (no request cut off by the end of a run). */
    callsPerQuery: number;
    callsByRoute: Record<string, number>;
    responseBytes: number;
  };
  load: {
    startedAt: string;
    finishedAt: string;
    requestsPerSec: number;
    completed: number;
    /** Sent, including the ones cut off at the end (≤ connections more than completed). */
    sent: number;
    durationS: number;
    latencyMs: { avg: number; p50: number; p90: number; p99: number; max: number };
    /** p50 − floor, under load: the BFF's cost including waiting for a busy CPU. */
    overheadMs: number | null;
    non2xx: number;
    statusCodes: Record<string, number>;
    /** Connection errors, timeouts included. */
    errors: number;
    timeouts: number;
    /** 2xx answers whose body has a top-level `errors`. */
    graphqlErrors: number;
    /** True when BENCH_MAX_REQUESTS ended the run before its duration. */
    capped: boolean;
  };
  backends: {
    /** All mocks' calls during the run ÷ completed requests (a little high: cut-off requests call too). */
    callsPerQuery: number;
    /** The same ÷ sent requests (a little low: cut-off requests do not make all their calls). */
    callsPerSentRequest: number;
    callsPerQueryByService: Record<ServiceName, number>;
    peakInFlight: Record<ServiceName, number>;
    /** Calls the BFF gave up on (a client cut off at the end of the run, or a timeout). */
    aborted: Record<ServiceName, number>;
  };
  /** CPU % of one core and RSS, per process, during the load run (`bff`: all its processes, summed). */
  usage: Record<string, ProcessUsage>;
  /** The BFF's processes during the load run: one, or a cluster's primary and its workers. */
  bff: TreeUsage & {
    /** CPU ms the BFF spent per completed request, all its processes summed (the ≤ connections requests cut off at the end make it a little high). */
    cpuMsPerQuery: number | null;
  };
  /**
   * How long the BFF stayed busy after autocannon stopped (warm-up, measured run): the work of
   * the requests cut off at the end. Null when it did not settle within 30 s.
   */
  busyAfterWarmupMs: number | null;
  busyAfterRunMs: number | null;
  /** Problems in the sampled answers, before and after the load. Empty when all is well. */
  sampleProblems: string[];
  /** What the BFF logged (warn and above) during the measured run. */
  bffLog: LogSummary;
  /** What it logged after the run, while finishing the requests cut off at its end. */
  bffLogAfterRun: LogSummary;
}

const ALONE_RUNS = 5;
const SAMPLES_AFTER = 3;
const HEADERS = { 'content-type': 'application/json', accept: 'application/json' };

interface Answer {
  ms: number;
  bytes: number;
  problem?: string;
}

/** One request by hand, fully parsed: the load run only sees status codes and a substring. */
export async function ask(url: string, scenario: Scenario): Promise<Answer> {
  const started = performance.now();
  const response = await fetch(`${url}/graphql`, { method: 'POST', headers: HEADERS, body: scenario.body, signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  const ms = performance.now() - started;
  const bytes = Buffer.byteLength(text);
  if (response.status !== 200) return { ms, bytes, problem: `status ${response.status}: ${text.slice(0, 300)}` };
  let body: { data?: unknown; errors?: unknown[] };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    return { ms, bytes, problem: `not JSON: ${text.slice(0, 300)}` };
  }
  if (body.errors?.length) return { ms, bytes, problem: `errors: ${JSON.stringify(body.errors).slice(0, 500)}` };
  const wrong = scenario.check(body.data);
  return wrong ? { ms, bytes, problem: wrong } : { ms, bytes };
}

/**
 * The GraphQL spec puts `errors` as a top-level key; inside a JSON string every quote is
 * escaped, so `"errors":` can only be that key (no field of our schema is named errors).
 * A substring test keeps the load generator's cost per response negligible.
 */
const hasNoErrors = (body: string) => !body.includes('"errors":');

/** Runs autocannon, with a watchdog in case it does not stop by itself. */
export async function load(url: string, scenario: Scenario, durationS: number, connections: number, maxRequests: number): Promise<autocannon.Result> {
  const instance = autocannon({
    url: `${url}/graphql`,
    method: 'POST',
    headers: HEADERS,
    body: scenario.body,
    connections,
    duration: durationS,
    maxOverallRequests: maxRequests,
    timeout: 10,
    verifyBody: hasNoErrors,
    title: scenario.name,
  });
  const watchdog = setTimeout(() => instance.stop(), (durationS + 30) * 1000);
  try {
    return await instance;
  } finally {
    clearTimeout(watchdog);
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const perQuery = <K extends string>(counts: Record<K, number>, n: number) =>
  Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, round((v as number) / n, 2)])) as Record<K, number>;

export async function measureScenario(scenario: Scenario, mode: Mode, stack: Stack, settings: Settings, log: LogTap): Promise<ScenarioResult> {
  const problems: string[] = [];
  const floorMs = mode.floorApplies ? scenario.levels * settings.latencyMs : null;
  const minusFloor = (ms: number) => (floorMs === null ? null : round(ms - floorMs));
  /** Waits until neither the mocks nor the BFF are still working on an earlier phase. */
  const settle = async () => {
    await waitIdle(stack.mockUrls);
    const busyMs = await waitCpuQuiet(stack.bff.pid);
    await log.waitQuiet();
    await waitIdle(stack.mockUrls);
    return busyMs;
  };

  // 1. Is the answer right at all? The first request is also the BFF's first of this shape.
  const first = await ask(stack.bffUrl, scenario);
  if (first.problem) problems.push(`before load: ${first.problem}`);

  // 2. Warm-up: unmeasured, so JIT, connection pools and the mocks' keep-alive sockets are hot.
  let busyAfterWarmupMs: number | null = 0;
  if (settings.warmupS > 0) {
    await load(stack.bffUrl, scenario, settings.warmupS, settings.connections, settings.maxRequests);
    busyAfterWarmupMs = await settle();
  }
  log.take(); // what the warm-up's cut-off requests logged is not this scenario's figure

  // 3. Alone, on the warm BFF: latency without contention, and the exact calls one query makes.
  await resetStats(stack.mockUrls);
  const alone: Answer[] = [];
  for (let i = 0; i < ALONE_RUNS; i++) alone.push(await ask(stack.bffUrl, scenario));
  for (const a of alone) if (a.problem) problems.push(`alone: ${a.problem}`);
  const aloneStats = await waitIdle(stack.mockUrls);
  const callsByRoute: Record<string, number> = {};
  for (const [service, s] of Object.entries(aloneStats)) {
    for (const [route, n] of Object.entries(s.requests)) callsByRoute[`${service} ${route}`] = round(n / ALONE_RUNS, 2);
  }
  const aloneCalls = Object.values(callsByService(aloneStats)).reduce((a, b) => a + b, 0);
  const aloneP50 = median(alone.map((a) => a.ms));

  // 4. The measured run, counted from a clean slate.
  await resetStats(stack.mockUrls);
  log.take();
  const sampler = new UsageSampler(Object.fromEntries(Object.entries(stack.mocks).map(([name, child]) => [`mock ${name}`, child.pid])), { bff: stack.bff.pid });
  sampler.start();
  const result = await load(stack.bffUrl, scenario, settings.durationS, settings.connections, settings.maxRequests);
  const usage = sampler.stop();
  const tree = sampler.tree('bff')!;
  // The requests cut off at the end still make (or abort) calls after autocannon returns:
  // they are counted (a small overestimate; `alone` is exact), and the BFF gets time to finish them.
  const busyAfterRunMs = await settle();
  const stats = await readStats(stack.mockUrls);
  // Split by the BFF's timestamps: lines of earlier phases can arrive late, during this run.
  log.take(result.start.getTime());
  const bffLog = log.take(result.finish.getTime());
  const bffLogAfterRun = log.take();

  // 5. Still right after the load? A BFF that degrades under load shows it here.
  for (let i = 0; i < SAMPLES_AFTER; i++) {
    const after = await ask(stack.bffUrl, scenario);
    if (after.problem) problems.push(`after load: ${after.problem}`);
  }
  log.take();

  const completed = result.requests.total;
  const calls = callsByService(stats);
  const totalCalls = Object.values(calls).reduce((a, b) => a + b, 0);
  const p50 = result.latency.p50;
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count]));
  return {
    name: scenario.name,
    mode: mode.name,
    levels: scenario.levels,
    chain: scenario.chain,
    floorMs,
    alone: {
      p50Ms: round(aloneP50),
      minMs: round(Math.min(...alone.map((a) => a.ms))),
      overheadMs: minusFloor(aloneP50),
      callsPerQuery: round(aloneCalls / ALONE_RUNS, 2),
      callsByRoute,
      responseBytes: first.bytes,
    },
    load: {
      startedAt: result.start.toISOString(),
      finishedAt: result.finish.toISOString(),
      requestsPerSec: round(result.requests.average),
      completed,
      sent: result.requests.sent,
      durationS: result.duration,
      latencyMs: { avg: round(result.latency.average), p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
      overheadMs: minusFloor(p50),
      non2xx: result.non2xx,
      statusCodes,
      errors: result.errors,
      timeouts: result.timeouts,
      graphqlErrors: result.mismatches,
      capped: completed >= settings.maxRequests,
    },
    backends: {
      callsPerQuery: completed > 0 ? round(totalCalls / completed, 2) : 0,
      callsPerSentRequest: result.requests.sent > 0 ? round(totalCalls / result.requests.sent, 2) : 0,
      callsPerQueryByService: perQuery(calls, Math.max(completed, 1)),
      peakInFlight: Object.fromEntries(Object.entries(stats).map(([name, s]) => [name, s.peakInFlight])) as Record<ServiceName, number>,
      aborted: Object.fromEntries(Object.entries(stats).map(([name, s]) => [name, s.aborted])) as Record<ServiceName, number>,
    },
    usage,
    bff: { ...tree, cpuMsPerQuery: tree.cpuSeconds === null || completed === 0 ? null : round((tree.cpuSeconds * 1000) / completed, 2) },
    busyAfterWarmupMs,
    busyAfterRunMs,
    sampleProblems: problems,
    bffLog,
    bffLogAfterRun,
  };
}
