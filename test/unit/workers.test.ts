import type { Worker } from 'node:cluster';
import { Counter, Gauge, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { cgroupCpuQuota, parseCpuMax, usableCpus } from '../../src/workers/cpus.js';
import { ClusterMetrics } from '../../src/observability/cluster-metrics.js';
import { parseExposition } from '../observability/prometheus.js';

/** A file system of a few files; everything else is absent. */
const files = (contents: Record<string, string>) => (path: string) => contents[path];

describe('WORKERS', () => {
  it('is 1 by default, a number, or auto', () => {
    expect(loadConfig({}).workers).toBe(1);
    expect(loadConfig({ WORKERS: '4' }).workers).toBe(4);
    expect(loadConfig({ WORKERS: 'auto' }).workers).toBe('auto');
    expect(loadConfig({ WORKERS: 'AUTO' }).workers).toBe('auto');
  });

  it.each(['0', '-1', '2.5', 'all', '257'])('refuses WORKERS=%s, naming what it takes', (value) => {
    expect(() => loadConfig({ WORKERS: value })).toThrow(ConfigError);
    expect(() => loadConfig({ WORKERS: value })).toThrow(`WORKERS must be "auto" or a number of processes from 1 to 256, got "${value}"`);
  });
});

describe('usableCpus (WORKERS=auto)', () => {
  it('is the CPUs the process may run on when no quota is set', () => {
    expect(usableCpus(files({}), 8)).toEqual({ count: 8, parallelism: 8, quota: undefined });
    expect(usableCpus(files({ '/proc/self/cgroup': '0::/\n', '/sys/fs/cgroup/cpu.max': 'max 100000\n' }), 8).count).toBe(8);
  });

  it('is capped by a cgroup v2 quota, rounded down, at least 1', () => {
    const v2 = (max: string) => files({ '/proc/self/cgroup': '0::/\n', '/sys/fs/cgroup/cpu.max': `${max}\n` });
    expect(usableCpus(v2('200000 100000'), 8)).toEqual({ count: 2, parallelism: 8, quota: 2 });
    expect(usableCpus(v2('150000 100000'), 8)).toMatchObject({ count: 1, quota: 1.5 });
    expect(usableCpus(v2('50000 100000'), 8)).toMatchObject({ count: 1, quota: 0.5 });
    // A quota above the CPUs there are does not add any.
    expect(usableCpus(v2('1600000 100000'), 4)).toMatchObject({ count: 4, quota: 16 });
  });

  it("reads the process's own cgroup and its parents: the tightest limit binds", () => {
    const read = files({
      '/proc/self/cgroup': '0::/kubepods/pod1/container\n',
      '/sys/fs/cgroup/kubepods/pod1/container/cpu.max': 'max 100000',
      '/sys/fs/cgroup/kubepods/pod1/cpu.max': '300000 100000',
      '/sys/fs/cgroup/kubepods/cpu.max': '800000 100000',
    });
    expect(cgroupCpuQuota(read)).toBe(3);
  });

  it('reads cgroup v1 (cpu.cfs_quota_us ÷ cpu.cfs_period_us; -1 is none), as on hybrid hosts', () => {
    const v1 = (quota: string) =>
      files({
        '/proc/self/cgroup': '4:memory:/x\n1:cpu,cpuacct:/docker/abc\n0::/\n',
        '/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us': `${quota}\n`,
        '/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us': '100000\n',
      });
    expect(cgroupCpuQuota(v1('250000'))).toBe(2.5);
    expect(cgroupCpuQuota(v1('-1'))).toBeUndefined();
    expect(usableCpus(v1('100000'), 2).count).toBe(1);
  });

  it('takes no quota from files it cannot read or make sense of', () => {
    expect(parseCpuMax(undefined)).toBeUndefined();
    expect(parseCpuMax('')).toBeUndefined();
    expect(parseCpuMax('max')).toBeUndefined();
    expect(parseCpuMax('lots 100000')).toBeUndefined();
    expect(parseCpuMax('100000 0')).toBeUndefined();
    expect(parseCpuMax('100000')).toBe(1); // the period defaults to 100 ms
  });
});

describe("ClusterMetrics (the primary's merged /metrics)", () => {
  /** A worker as the primary sees it: answers a collection with its registry, or never (`silent`). */
  function fakeWorker(metrics: ClusterMetrics, registry: Registry | 'silent') {
    const worker = {
      isConnected: () => true,
      send(message: { type: string; id: number }, _handle: unknown, callback?: (error: Error | null) => void) {
        callback?.(null);
        if (registry !== 'silent' && message.type === 'bff:metrics:collect') {
          void registry.getMetricsAsJSON().then((json) => metrics.onMessage(worker as never, { type: 'bff:metrics:collected', id: message.id, metrics: json }));
        }
        return true;
      },
    };
    return worker as unknown as Worker;
  }
  const workerRegistry = (requests: number, rssBytes: number) => {
    const registry = new Registry();
    new Counter({ name: 'bff_http_requests_total', help: 'h', labelNames: ['status'], registers: [registry] }).inc({ status: '200' }, requests);
    new Gauge({ name: 'process_resident_memory_bytes', help: 'h', registers: [registry] }).set(rssBytes);
    return registry;
  };

  it("sums the workers' counters and adds the primary's own view, each worker's RSS by slot", async () => {
    let workers: { slot: number; worker: Worker }[] = [];
    const metrics = new ClusterMetrics(() => ({ ready: workers, starting: 0 }));
    workers = [
      { slot: 0, worker: fakeWorker(metrics, workerRegistry(3, 100 * 2 ** 20)) },
      { slot: 1, worker: fakeWorker(metrics, workerRegistry(4, 120 * 2 ** 20)) },
    ];
    const text = parseExposition(await metrics.text());
    expect(text.sum('bff_http_requests_total', { status: '200' })).toBe(7);
    expect(text.sum('bff_cluster_scrape_workers')).toBe(2);
    expect(text.find('bff_cluster_worker_resident_memory_bytes').map((s) => [s.labels.worker, s.value])).toEqual([
      ['0', 100 * 2 ** 20],
      ['1', 120 * 2 ** 20],
    ]);
    // The primary's RSS is in the sum too: the BFF's whole memory.
    expect(text.sum('process_resident_memory_bytes')).toBeGreaterThan(220 * 2 ** 20);
  });

  it('answers without a worker that does not answer in time, and says how many it merged', async () => {
    let workers: { slot: number; worker: Worker }[] = [];
    const metrics = new ClusterMetrics(() => ({ ready: workers, starting: 1 }));
    workers = [
      { slot: 0, worker: fakeWorker(metrics, workerRegistry(5, 2 ** 20)) },
      { slot: 1, worker: fakeWorker(metrics, 'silent') },
    ];
    const started = Date.now();
    const text = parseExposition(await metrics.text());
    expect(Date.now() - started).toBeLessThan(4000);
    expect(text.sum('bff_http_requests_total')).toBe(5);
    expect(text.sum('bff_cluster_scrape_workers')).toBe(1);
    expect(text.sum('bff_cluster_workers', { state: 'ready' })).toBe(2);
    expect(text.sum('bff_cluster_workers', { state: 'starting' })).toBe(1);
  });
});
