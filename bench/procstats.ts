/**
 * CPU and memory of the processes under test, read from /proc while a scenario runs. The
 * machine is small and shared by the load generator, the BFF and the mocks, so knowing who
 * used the cores is part of reading the figures. Linux only; elsewhere the figures are null.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

export interface ProcessUsage {
  /** CPU time over wall time, in % of one core (200 = two cores busy). */
  cpuPercent: number | null;
  /** Highest resident set size seen, in MB. */
  rssPeakMb: number | null;
  /** Resident set size at the end, in MB. */
  rssEndMb: number | null;
}

const SAMPLE_MS = 250;

function clockTicks(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}
const TICKS_PER_S = clockTicks();

/** The numeric fields of /proc/<pid>/stat after the command name, or null when it is gone (or no /proc). */
function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; the numeric fields follow its closing parenthesis.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** utime + stime in seconds, or null when /proc is not there (or the process is gone). */
function cpuSeconds(pid: number): number | null {
  const fields = statFields(pid);
  return fields ? (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S : null; // fields 14 and 15 of stat(5)
}

/** utime + stime + cutime + cstime: its own CPU and that of its children it has reaped (fields 14–17). */
function cpuSecondsWithReaped(pid: number): number | null {
  const fields = statFields(pid);
  return fields ? (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / TICKS_PER_S : null;
}

/** `pid` and every process below it (a cluster's primary and its workers), from /proc/<pid>/task/<tid>/children. */
export function processTree(pid: number): number[] {
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const next = queue.shift()!;
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${next}/task`);
    } catch {
      continue; // gone meanwhile
    }
    found.push(next);
    for (const tid of tasks) {
      try {
        for (const child of readFileSync(`/proc/${next}/task/${tid}/children`, 'utf8').trim().split(/\s+/)) if (child) queue.push(Number(child));
      } catch {
        // the thread ended meanwhile
      }
    }
  }
  return found;
}

/**
 * CPU seconds of a whole process tree: each live process's own plus what it reaped. Read at two
 * moments, the difference is exact even when processes come and go in between: a worker that
 * dies moves its time into its parent's reaped count, and one born meanwhile counts from zero.
 */
export function treeCpuSeconds(root: number): number | null {
  if (cpuSeconds(root) === null) return null;
  return processTree(root).reduce((sum, pid) => sum + (cpuSecondsWithReaped(pid) ?? 0), 0);
}

/** The RSS of a tree's root and of each `node` process below it (a cluster's workers), MB. */
export function treeRss(root: number): { rootMb: number | null; workers: Array<{ pid: number; mb: number }> } {
  const workers = nodeProcesses(root)
    .filter((pid) => pid !== root)
    .map((pid) => ({ pid, mb: rssMb(pid) }))
    .filter((w): w is { pid: number; mb: number } => w.mb !== null);
  return { rootMb: rssMb(root), workers };
}

/** `node` processes of the tree (the primary and its workers, not a helper such as esbuild's). */
function nodeProcesses(root: number): number[] {
  return processTree(root).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'node';
    } catch {
      return false;
    }
  });
}

/** Busy and total CPU seconds of the whole machine (all cores), from /proc/stat; null elsewhere. */
function machineSeconds(): { busy: number; total: number } | null {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const total = fields.reduce((a, b) => a + b, 0);
    const idle = fields[3] + (fields[4] ?? 0); // idle + iowait
    return { busy: (total - idle) / TICKS_PER_S, total: total / TICKS_PER_S };
  } catch {
    return null;
  }
}

export function rssMb(pid: number): number | null {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** A process tree (the BFF: one process, or a cluster's primary and its workers), over the window. */
export interface TreeUsage {
  /** CPU seconds of every process of the tree during the window, workers that died or were born in it included. */
  cpuSeconds: number | null;
  /** The root's own CPU, in % of one core: a cluster's primary accepts the connections and hands them out. */
  rootCpuPercent: number | null;
  /** Most `node` processes below the root seen at once: the workers (0 when the root serves alone). */
  workers: number;
  /** Highest RSS of one serving process (a worker; the root when it serves alone), MB. */
  rssPeakPerWorkerMb: number | null;
  /** Highest RSS of the whole tree at one sample (the primary included), MB. */
  rssPeakTotalMb: number | null;
  /** The root's highest RSS, MB. */
  rootRssPeakMb: number | null;
}

/**
 * Samples a set of named pids (and this process, as `loadgen`) from start() to stop(), and
 * named process trees: a tree's figures in the usage are its whole tree's (CPU summed, RSS
 * summed per sample), and tree() gives the breakdown.
 */
export class UsageSampler {
  private startedAt = 0;
  private cpuAtStart = new Map<string, number | null>();
  private rssPeak = new Map<string, number | null>();
  private ownCpuAtStart: NodeJS.CpuUsage = process.cpuUsage();
  private machineAtStart: { busy: number; total: number } | null = null;
  private timer: NodeJS.Timeout | undefined;
  private readonly trees = new Map<
    string,
    { root: number; rootCpuAtStart: number | null; workers: number; perProcessPeak: number | null; rootPeak: number | null; result?: TreeUsage }
  >();

  constructor(
    private readonly pids: Readonly<Record<string, number>>,
    trees: Readonly<Record<string, number>> = {},
  ) {
    for (const [name, root] of Object.entries(trees)) this.trees.set(name, { root, rootCpuAtStart: null, workers: 0, perProcessPeak: null, rootPeak: null });
  }

  start(): void {
    this.startedAt = performance.now();
    this.ownCpuAtStart = process.cpuUsage();
    this.machineAtStart = machineSeconds();
    for (const [name, pid] of Object.entries(this.pids)) {
      this.cpuAtStart.set(name, cpuSeconds(pid));
      this.rssPeak.set(name, rssMb(pid));
    }
    for (const [name, tree] of this.trees) {
      this.cpuAtStart.set(name, treeCpuSeconds(tree.root));
      tree.rootCpuAtStart = cpuSeconds(tree.root);
    }
    this.sampleRss();
    this.timer = setInterval(() => this.sampleRss(), SAMPLE_MS);
  }

  private peak(name: string, rss: number | null): void {
    const peak = this.rssPeak.get(name);
    if (rss !== null && (peak == null || rss > peak)) this.rssPeak.set(name, rss);
  }

  private sampleRss(): void {
    for (const [name, pid] of Object.entries(this.pids)) this.peak(name, rssMb(pid));
    for (const [name, tree] of this.trees) {
      const below = nodeProcesses(tree.root).filter((pid) => pid !== tree.root);
      const rootRss = rssMb(tree.root);
      const rss = below.map(rssMb).filter((r): r is number => r !== null);
      tree.workers = Math.max(tree.workers, below.length);
      const serving = below.length > 0 ? rss : rootRss === null ? [] : [rootRss];
      if (serving.length > 0) tree.perProcessPeak = Math.max(tree.perProcessPeak ?? 0, ...serving);
      if (rootRss !== null) tree.rootPeak = Math.max(tree.rootPeak ?? 0, rootRss);
      this.peak(name, rootRss === null ? null : rootRss + rss.reduce((a, b) => a + b, 0));
    }
  }

  stop(): Record<string, ProcessUsage> {
    clearInterval(this.timer);
    this.sampleRss();
    const wallS = (performance.now() - this.startedAt) / 1000;
    const percent = (before: number | null | undefined, after: number | null) =>
      before == null || after === null ? null : round(((after - before) / wallS) * 100);
    const usage: Record<string, ProcessUsage> = {};
    for (const [name, pid] of Object.entries(this.pids)) {
      usage[name] = {
        cpuPercent: percent(this.cpuAtStart.get(name), cpuSeconds(pid)),
        rssPeakMb: roundOrNull(this.rssPeak.get(name) ?? null),
        rssEndMb: roundOrNull(rssMb(pid)),
      };
    }
    for (const [name, tree] of this.trees) {
      const before = this.cpuAtStart.get(name);
      const after = treeCpuSeconds(tree.root);
      const rssEnd = nodeProcesses(tree.root)
        .map(rssMb)
        .filter((r): r is number => r !== null);
      usage[name] = {
        cpuPercent: percent(before, after),
        rssPeakMb: roundOrNull(this.rssPeak.get(name) ?? null),
        rssEndMb: rssEnd.length > 0 ? round(rssEnd.reduce((a, b) => a + b, 0)) : null,
      };
      tree.result = {
        cpuSeconds: before == null || after === null ? null : Math.round((after - before) * 1000) / 1000,
        rootCpuPercent: percent(tree.rootCpuAtStart, cpuSeconds(tree.root)),
        workers: tree.workers,
        rssPeakPerWorkerMb: roundOrNull(tree.perProcessPeak),
        rssPeakTotalMb: roundOrNull(this.rssPeak.get(name) ?? null),
        rootRssPeakMb: roundOrNull(tree.rootPeak),
      };
    }
    // autocannon runs in this very process, so our own usage is the load generator's.
    const own = process.cpuUsage(this.ownCpuAtStart);
    usage.loadgen = {
      cpuPercent: round(((own.user + own.system) / 1e6 / wallS) * 100),
      rssPeakMb: null,
      rssEndMb: roundOrNull(process.memoryUsage.rss() / 2 ** 20),
    };
    // Everything else the machine did meanwhile (another test suite, a build): it competes for
    // the same cores, and the figures are only as good as this is small.
    const machine = machineSeconds();
    if (this.machineAtStart && machine) {
      const machinePercent = ((machine.busy - this.machineAtStart.busy) / wallS) * 100;
      const ours = Object.values(usage).reduce((sum, u) => sum + (u.cpuPercent ?? 0), 0);
      usage.machine = { cpuPercent: round(machinePercent), rssPeakMb: null, rssEndMb: null };
      usage.others = { cpuPercent: round(Math.max(0, machinePercent - ours)), rssPeakMb: null, rssEndMb: null };
    }
    return usage;
  }

  /** A tree's breakdown, after stop(). */
  tree(name: string): TreeUsage | undefined {
    return this.trees.get(name)?.result;
  }
}

const round = (n: number) => Math.round(n * 10) / 10;
const roundOrNull = (n: number | null) => (n === null ? null : round(n));

/**
 * Waits until `pid` and the processes below it (a cluster's workers) use less than
 * `thresholdPercent` of a core over two windows in a row, at
 * most `timeoutMs`. After a load run the BFF is still busy with the requests autocannon cut
 * off (and with logging their failures); starting the next phase before it is done would
 * charge that work to the next figures. Returns how long it stayed busy (ms until the first
 * quiet window began), or null if it never settled.
 */
export async function waitCpuQuiet(pid: number, opts: { thresholdPercent?: number; windowMs?: number; timeoutMs?: number } = {}): Promise<number | null> {
  const threshold = opts.thresholdPercent ?? 10;
  const windowMs = opts.windowMs ?? 250;
  const started = performance.now();
  let quietWindows = 0;
  let quietSince = 0;
  while (performance.now() - started < (opts.timeoutMs ?? 30_000)) {
    const before = treeCpuSeconds(pid);
    const t0 = performance.now();
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const after = treeCpuSeconds(pid);
    if (before === null || after === null) return null; // no /proc: cannot tell
    const percent = ((after - before) / ((performance.now() - t0) / 1000)) * 100;
    if (percent >= threshold) quietWindows = 0;
    else if (quietWindows++ === 0) quietSince = t0;
    if (quietWindows >= 2) return Math.round(quietSince - started);
  }
  return null;
}
