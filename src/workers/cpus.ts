/**
 * How many CPUs this process may really use, for `WORKERS=auto`. `os.availableParallelism()`
 * knows the CPU affinity mask (`taskset`, `docker --cpuset-cpus`) but not a CPU quota
 * (`docker --cpus=2`, a Kubernetes CPU limit), which is a cgroup setting: a container limited to
 * 2 CPUs on a 64-core host would otherwise start 64 workers that share 2 CPUs of time, each with
 * its own heap. So the quota is read too, and the smaller one wins.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

export interface UsableCpus {
  /** What `WORKERS=auto` runs: the smaller of the two below, at least 1. */
  readonly count: number;
  /** CPUs the scheduler lets this process run on: `os.availableParallelism()`. */
  readonly parallelism: number;
  /** The tightest CPU quota of the process's cgroup and its parents, in CPUs (e.g. 1.5); undefined when none is set. */
  readonly quota: number | undefined;
}

/** Reads a file, or undefined when it is not there (not Linux, no such cgroup controller). */
export type ReadFile = (path: string) => string | undefined;

const readIfThere: ReadFile = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

export function usableCpus(read: ReadFile = readIfThere, parallelism: number = availableParallelism()): UsableCpus {
  const quota = cgroupCpuQuota(read);
  // A fractional quota rounds down (1.5 CPUs: 1 worker): a worker beyond the quota only gets
  // throttled, yet costs its whole heap (uber-go/automaxprocs rounds the same way).
  const count = Math.max(1, Math.min(parallelism, quota === undefined ? parallelism : Math.floor(quota)));
  return { count, parallelism, quota };
}

/**
 * The CPU quota in CPUs, from cgroup v2 (`cpu.max`: `<quota> <period>` or `max <period>`), else
 * from cgroup v1 (`cpu.cfs_quota_us` ÷ `cpu.cfs_period_us`, -1 for none). Hybrid hosts mount
 * both, so both are read and the tighter wins. A limit set on a parent cgroup binds too, so the
 * process's own cgroup (from /proc/self/cgroup) and every parent up to the mount are read. In
 * a container the mount is the container's own cgroup, where the path below it is not found:
 * what is left is the mount's root, which is the container's limit.
 */
export function cgroupCpuQuota(read: ReadFile): number | undefined {
  const lines = (read('/proc/self/cgroup') ?? '').split('\n');
  // v2: `0::/path`. v1: `4:cpu,cpuacct:/path` (the controller list names cpu).
  const v2Path = lines.find((line) => line.startsWith('0::'))?.slice(3);
  const v1Path = lines.map((line) => /^\d+:([^:]*):(.*)$/.exec(line)).find((m) => m?.[1].split(',').includes('cpu'))?.[2];
  const quotas = [
    tightest(read, ['/sys/fs/cgroup'], v2Path ?? '/', (dir) => parseCpuMax(read(`${dir}/cpu.max`))),
    tightest(read, ['/sys/fs/cgroup/cpu', '/sys/fs/cgroup/cpu,cpuacct'], v1Path ?? '/', (dir) =>
      parseCfsQuota(read(`${dir}/cpu.cfs_quota_us`), read(`${dir}/cpu.cfs_period_us`)),
    ),
  ].filter((q): q is number => q !== undefined);
  return quotas.length > 0 ? Math.min(...quotas) : undefined;
}

/** The smallest quota found in `path` and each parent of it, under each of the `mounts`. */
function tightest(read: ReadFile, mounts: string[], path: string, quotaIn: (dir: string) => number | undefined): number | undefined {
  let found: number | undefined;
  for (const mount of mounts) {
    const parts = path.split('/').filter((p) => p !== '');
    for (let depth = parts.length; depth >= 0; depth--) {
      const quota = quotaIn([mount, ...parts.slice(0, depth)].join('/'));
      if (quota !== undefined && (found === undefined || quota < found)) found = quota;
    }
  }
  return found;
}

/** `150000 100000` → 1.5; `max 100000` (no limit), absent or unreadable → undefined. */
export function parseCpuMax(text: string | undefined): number | undefined {
  const [quota, period = '100000'] = text?.trim().split(/\s+/) ?? [];
  return ratio(quota, period);
}

function parseCfsQuota(quota: string | undefined, period: string | undefined): number | undefined {
  return ratio(quota?.trim(), period?.trim() ?? '100000');
}

function ratio(quota: string | undefined, period: string): number | undefined {
  const q = Number(quota);
  const p = Number(period);
  // `max` and -1 mean no limit; NaN is an unreadable file.
  return Number.isFinite(q) && q > 0 && Number.isFinite(p) && p > 0 ? q / p : undefined;
}
