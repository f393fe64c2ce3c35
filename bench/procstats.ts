/**
 * CPU and memory of the processes under test, read from /proc while a scenario runs. The
 * machine is small and shared by the load generator, the BFF and the mocks, so knowing who
 * used the cores is part of reading the figures. Linux only; elsewhere the figures are null.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

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

/** utime + stime in seconds, or null when /proc is not there (or the process is gone). */
function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; the numeric fields follow its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S; // fields 14 and 15 of stat(5)
  } catch {
    return null;
  }
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

/** Samples a set of named pids (and this process, as `loadgen`) from start() to stop(). */
export class UsageSampler {
  private startedAt = 0;
  private cpuAtStart = new Map<string, number | null>();
  private rssPeak = new Map<string, number | null>();
  private ownCpuAtStart: NodeJS.CpuUsage = process.cpuUsage();
  private machineAtStart: { busy: number; total: number } | null = null;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly pids: Readonly<Record<string, number>>) {}

  start(): void {
    this.startedAt = performance.now();
    this.ownCpuAtStart = process.cpuUsage();
    this.machineAtStart = machineSeconds();
    for (const [name, pid] of Object.entries(this.pids)) {
      this.cpuAtStart.set(name, cpuSeconds(pid));
      this.rssPeak.set(name, rssMb(pid));
    }
    this.timer = setInterval(() => this.sampleRss(), SAMPLE_MS);
  }

  private sampleRss(): void {
    for (const [name, pid] of Object.entries(this.pids)) {
      const rss = rssMb(pid);
      const peak = this.rssPeak.get(name);
      if (rss !== null && (peak == null || rss > peak)) this.rssPeak.set(name, rss);
    }
  }

  stop(): Record<string, ProcessUsage> {
    clearInterval(this.timer);
    this.sampleRss();
    const wallS = (performance.now() - this.startedAt) / 1000;
    const usage: Record<string, ProcessUsage> = {};
    for (const [name, pid] of Object.entries(this.pids)) {
      const before = this.cpuAtStart.get(name);
      const after = cpuSeconds(pid);
      usage[name] = {
        cpuPercent: before == null || after === null ? null : round(((after - before) / wallS) * 100),
        rssPeakMb: roundOrNull(this.rssPeak.get(name) ?? null),
        rssEndMb: roundOrNull(rssMb(pid)),
      };
    }
    // autocannon runs in this very process, so our own usage is the load generator's.
    const own = process.cpuUsage(this.ownCpuAtStart);
    usage.loadgen = { cpuPercent: round(((own.user + own.system) / 1e6 / wallS) * 100), rssPeakMb: null, rssEndMb: roundOrNull(process.memoryUsage.rss() / 2 ** 20) };
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
}

const round = (n: number) => Math.round(n * 10) / 10;
const roundOrNull = (n: number | null) => (n === null ? null : round(n));

/**
 * Waits until `pid` uses less than `thresholdPercent` of a core over two windows in a row, at
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
    const before = cpuSeconds(pid);
    const t0 = performance.now();
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const after = cpuSeconds(pid);
    if (before === null || after === null) return null; // no /proc: cannot tell
    const percent = ((after - before) / ((performance.now() - t0) / 1000)) * 100;
    if (percent >= threshold) quietWindows = 0;
    else if (quietWindows++ === 0) quietSince = t0;
    if (quietWindows >= 2) return Math.round(quietSince - started);
  }
  return null;
}
