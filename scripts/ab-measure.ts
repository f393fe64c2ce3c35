/**
 * The measuring half of the in-process A/B scripts (ab-in-process.ts, ab-request-overhead.ts):
 * one burst's CPU and allocation, and the statistics over bursts.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';

export interface BurstCost {
  /** Process CPU (user + system) over the burst, in µs. */
  cpuUs: number;
  /** Heap growth over the burst, in bytes; `undefined` when a GC ran during it. */
  allocatedBytes: number | undefined;
}

/**
 * Bytes allocated, the second figure: the GC's work (a quarter to a third of the BFF's CPU
 * under load) follows it, and unlike CPU time it does not move with the neighbours. Read as
 * the heap's growth over a burst with no collection in it: run with a young generation big
 * enough for a burst (--max-semi-space-size=256); a burst in which a GC ran anyway has none.
 */
let gcs = 0;
new PerformanceObserver((list) => void (gcs += list.getEntries().length)).observe({ entryTypes: ['gc'] });
// The observer hears of a collection some ticks after it (not by the next setImmediate).
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

/**
 * Runs `burst` after a full, unmeasured collection (needs --expose-gc), so one build's garbage
 * is never collected during the other's burst, and a major GC cannot swamp one sample.
 */
export async function measureBurst(burst: () => Promise<void>): Promise<BurstCost> {
  (globalThis as { gc?: () => void }).gc?.();
  await settle(); // so that collection is not counted as one during the burst
  const gcsBefore = gcs;
  const heapBefore = getHeapStatistics().used_heap_size;
  const cpuBefore = process.cpuUsage();
  await burst();
  const cpu = process.cpuUsage(cpuBefore);
  const heapAfter = getHeapStatistics().used_heap_size;
  await settle();
  return { cpuUs: cpu.user + cpu.system, allocatedBytes: gcs === gcsBefore ? heapAfter - heapBefore : undefined };
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

export function quantile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(p * (s.length - 1))] ?? NaN;
}

/** Per side: median CPU µs and allocated KB per request; between them, the per-burst-pair differences. */
export class AbStats {
  private readonly cpu = new Map<string, number[]>();
  private readonly alloc = new Map<string, number[]>();
  private readonly cpuDiffs: number[] = [];
  private readonly allocDiffs: number[] = [];

  constructor(private readonly labels: readonly [string, string]) {
    for (const label of labels) {
      this.cpu.set(label, []);
      this.alloc.set(label, []);
    }
  }

  /** One pair of bursts, `requests` each. */
  add(costs: Record<string, BurstCost>, requests: number): void {
    const [a, b] = this.labels;
    for (const label of this.labels) {
      this.cpu.get(label)!.push(costs[label]!.cpuUs / requests);
      const bytes = costs[label]!.allocatedBytes;
      if (bytes !== undefined) this.alloc.get(label)!.push(bytes / requests / 1024);
    }
    this.cpuDiffs.push((costs[a]!.cpuUs - costs[b]!.cpuUs) / requests);
    const [ba, bb] = [costs[a]!.allocatedBytes, costs[b]!.allocatedBytes];
    if (ba !== undefined && bb !== undefined) this.allocDiffs.push((ba - bb) / requests / 1024);
  }

  summary() {
    const r = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
    const [a, b] = this.labels;
    const spread = (xs: number[]) => ({ median: r(median(xs)), p25: r(quantile(xs, 0.25)), p75: r(quantile(xs, 0.75)), n: xs.length });
    return {
      cpuUsPerRequest: { [a]: r(median(this.cpu.get(a)!)), [b]: r(median(this.cpu.get(b)!)), [`${a} - ${b}`]: spread(this.cpuDiffs) },
      allocatedKbPerRequest: { [a]: r(median(this.alloc.get(a)!), 2), [b]: r(median(this.alloc.get(b)!), 2), [`${a} - ${b}`]: spread(this.allocDiffs) },
    };
  }
}
