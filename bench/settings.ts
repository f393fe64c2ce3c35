/**
 * The benchmark's knobs, read once from BENCH_* variables and validated, so a typo fails the
 * start with the variable's name instead of silently benchmarking something else.
 */

export interface Settings {
  /** Measured seconds per scenario. Env BENCH_DURATION_S. @default 10 */
  readonly durationS: number;
  /** Unmeasured load before each scenario (JIT, pools, caches). Env BENCH_WARMUP_S. @default 2 */
  readonly warmupS: number;
  /** Concurrent client connections (closed loop: each sends its next request on a response). Env BENCH_CONNECTIONS. @default 50 */
  readonly connections: number;
  /** Latency every mock adds to every call (FAULT_LATENCY_MS). Env BENCH_LATENCY_MS. @default 20 */
  readonly latencyMs: number;
  /** Safety cap on requests per measured run, on top of the duration. Env BENCH_MAX_REQUESTS. @default 200000 */
  readonly maxRequests: number;
  /** The BFF listens here; the six mocks on the next six ports. Env BENCH_BASE_PORT. @default 14000 */
  readonly basePort: number;
  /** Scenario names to run, comma-separated. Env BENCH_SCENARIOS. @default all */
  readonly scenarios?: readonly string[];
  /** BFF configurations to run them in (modes.ts), comma-separated. Env BENCH_MODES. @default all */
  readonly modes?: readonly string[];
  /** Extra BFF environment for every mode, `KEY=value` pairs separated by spaces. Env BENCH_BFF_ENV. @default none */
  readonly bffEnv: Readonly<Record<string, string>>;
  /** The BFF's WORKERS: `auto` or a number. Env BENCH_WORKERS. @default auto (as the Docker image) */
  readonly workers: string;
  /**
   * How the BFF runs: `dist`, compiled first (`tsc -p tsconfig.build.json`) and run by node with
   * the image's flags, as in production; `tsx`, from the sources (no build; tsx's loader adds
   * ~50 MB to every process, so its memory figures are not the product's). Env BENCH_RUNTIME. @default dist
   */
  readonly runtime: 'dist' | 'tsx';
  /**
   * Node flags for a compiled BFF instead of the image's (space-separated), to measure another
   * heap setting without editing the Dockerfile. Env BENCH_NODE_FLAGS. @default the Dockerfile CMD's
   */
  readonly nodeFlags?: readonly string[];
}

type Env = Record<string, string | undefined>;

export function loadSettings(env: Env = process.env): Settings {
  const problems: string[] = [];
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
      return fallback;
    }
    return n;
  };

  const settings = {
    // Upper bounds keep a run finite: a mistyped 6000 would otherwise hold the machine for hours.
    durationS: int('BENCH_DURATION_S', 10, 1, 600),
    warmupS: int('BENCH_WARMUP_S', 2, 0, 60),
    connections: int('BENCH_CONNECTIONS', 50, 1, 1000),
    latencyMs: int('BENCH_LATENCY_MS', 20, 0, 10_000),
    maxRequests: int('BENCH_MAX_REQUESTS', 200_000, 1, 10_000_000),
    basePort: int('BENCH_BASE_PORT', 14_000, 1024, 65_535 - 6),
    scenarios: list(env.BENCH_SCENARIOS),
    modes: list(env.BENCH_MODES),
    bffEnv: pairs(env.BENCH_BFF_ENV, problems),
    workers: env.BENCH_WORKERS?.trim() || 'auto',
    runtime: (env.BENCH_RUNTIME?.trim() || 'dist') as Settings['runtime'],
    nodeFlags: env.BENCH_NODE_FLAGS?.trim() ? env.BENCH_NODE_FLAGS.trim().split(/\s+/) : undefined,
  };
  if (!/^(auto|[1-9]\d*)$/.test(settings.workers))
    problems.push(`BENCH_WORKERS must be auto or a number of processes, got ${JSON.stringify(settings.workers)}`);
  if (settings.nodeFlags?.some((flag) => !flag.startsWith('--')))
    problems.push(`BENCH_NODE_FLAGS must be node flags (--name or --name=value), got ${JSON.stringify(env.BENCH_NODE_FLAGS)}`);
  if (settings.nodeFlags && settings.runtime === 'tsx') problems.push('BENCH_NODE_FLAGS applies to the compiled BFF (BENCH_RUNTIME=dist) only');
  if (settings.runtime !== 'dist' && settings.runtime !== 'tsx') problems.push(`BENCH_RUNTIME must be dist or tsx, got ${JSON.stringify(settings.runtime)}`);
  // autocannon refuses a request cap below the connection count.
  if (settings.maxRequests < settings.connections) problems.push('BENCH_MAX_REQUESTS must be at least BENCH_CONNECTIONS');
  if (problems.length > 0) throw new Error(`Invalid benchmark settings:\n  - ${problems.join('\n  - ')}`);
  if (settings.scenarios === undefined) delete settings.scenarios;
  if (settings.modes === undefined) delete settings.modes;
  if (settings.nodeFlags === undefined) delete settings.nodeFlags;
  return Object.freeze(settings);
}

/** `A=1 B=2` → { A: '1', B: '2' }; anything else is reported as a problem. */
function pairs(raw: string | undefined, problems: string[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const item of raw
    ?.trim()
    .split(/\s+/)
    .filter((s) => s !== '') ?? []) {
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(item);
    if (match) result[match[1]] = match[2];
    else problems.push(`BENCH_BFF_ENV must be KEY=value pairs separated by spaces, got ${JSON.stringify(item)}`);
  }
  return result;
}

/** A comma-separated list, or undefined when unset or empty (meaning "all"). */
function list(raw: string | undefined): string[] | undefined {
  const items = raw
    ?.split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return items && items.length > 0 ? items : undefined;
}
