/**
 * `/metrics` as one view when the BFF runs as several workers (WORKERS > 1). Each worker records
 * into its own registry; a scrape reaches one worker (the primary hands each connection to one),
 * so that worker asks the primary, which collects every ready worker's registry as JSON over the
 * cluster's IPC channel, adds its own (process metrics, worker restarts) and merges them with
 * prom-client's `AggregatorRegistry.aggregate`: counters and histograms summed, and each metric's
 * own aggregator where it declares one (event-loop lag averaged, `nodejs_version_info` once).
 *
 * prom-client's `clusterMetrics()` does the collecting too, but waits on every connected worker:
 * one still starting (no registry yet) or dying fails the whole scrape after 5 s, and the
 * primary's own metrics cannot be added. Here each worker has its own deadline, and a scrape
 * answers with the workers that answered (`bff_cluster_scrape_workers` says how many).
 */
import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry, Counter, Gauge, Registry, collectDefaultMetrics, type MetricObjectWithValues, type MetricValue } from 'prom-client';

/** A worker asks the primary for the cluster's metrics (a scrape reached it). */
const VIEW_REQUEST = 'bff:metrics:view-request';
/** The primary answers it: the aggregated text, or why not. */
const VIEW = 'bff:metrics:view';
/** The primary asks a worker for its registry. */
const COLLECT = 'bff:metrics:collect';
/** The worker's registry, as JSON. */
const COLLECTED = 'bff:metrics:collected';

type Message =
  | { type: typeof VIEW_REQUEST; id: number }
  | { type: typeof VIEW; id: number; text?: string; error?: string }
  | { type: typeof COLLECT; id: number }
  | { type: typeof COLLECTED; id: number; metrics?: MetricObjectWithValues<MetricValue<string>>[]; error?: string };

const isMessage = (value: unknown): value is Message =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { type?: unknown }).type === 'string' &&
  (value as { type: string }).type.startsWith('bff:metrics:');

/** How long a worker waits for the primary's view: past it, the scrape fails rather than hang. */
const VIEW_TIMEOUT_MS = 5000;
/** How long the primary waits for one worker: a worker that is busy for longer is left out of this scrape. */
const COLLECT_TIMEOUT_MS = 2000;

// ---------------------------------------------------------------------------------------------
// In a worker.

let served: Registry | undefined;
let nextViewId = 0;
const pendingViews = new Map<number, { resolve(text: string): void; reject(error: Error): void; timer: NodeJS.Timeout }>();

/**
 * In a cluster worker: answers the primary's collection with `registry`, and returns what
 * `/metrics` serves here, the whole cluster's view. Outside a cluster worker (WORKERS=1, tests):
 * undefined, and the caller serves its registry as it is.
 */
export function clusterMetricsView(registry: Registry): (() => Promise<string>) | undefined {
  if (!cluster.isWorker) return undefined;
  // One server per worker process; the listener is installed once and answers for the latest.
  if (served === undefined) process.on('message', onWorkerMessage);
  served = registry;
  return askPrimary;
}

function onWorkerMessage(message: unknown): void {
  if (!isMessage(message)) return;
  if (message.type === COLLECT) {
    const reply = (body: Partial<Extract<Message, { type: typeof COLLECTED }>>) =>
      process.send?.({ type: COLLECTED, id: message.id, ...body }, undefined, undefined, () => {});
    served!.getMetricsAsJSON().then(
      (metrics) => reply({ metrics }),
      (error: unknown) => reply({ error: String(error) }),
    );
  } else if (message.type === VIEW) {
    const pending = pendingViews.get(message.id);
    if (!pending) return; // answered after our deadline
    pendingViews.delete(message.id);
    clearTimeout(pending.timer);
    if (message.text !== undefined) pending.resolve(message.text);
    else pending.reject(new Error(`the cluster's metrics are unavailable: ${message.error ?? 'no answer'}`));
  }
}

function askPrimary(): Promise<string> {
  const id = nextViewId++;
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      pendingViews.delete(id);
      reject(new Error(`the cluster's metrics are unavailable: the primary did not answer within ${VIEW_TIMEOUT_MS} ms`));
    }, VIEW_TIMEOUT_MS);
    pendingViews.set(id, { resolve, reject, timer });
    process.send?.({ type: VIEW_REQUEST, id } satisfies Message, undefined, undefined, (error: Error | null) => {
      if (!error) return;
      pendingViews.delete(id);
      clearTimeout(timer);
      reject(new Error(`the cluster's metrics are unavailable: ${error.message}`));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// In the primary.

/** A worker the primary may collect from, with the slot it fills (a bounded label: 0 … WORKERS-1). */
export interface CollectableWorker {
  readonly slot: number;
  readonly worker: Worker;
}

/**
 * The primary's side: its own registry (its process metrics and the cluster's), and the
 * collection and merging of the workers' registries on a worker's request.
 */
export class ClusterMetrics {
  readonly registry = new Registry();
  /** Workers that died without being asked to, and were replaced. */
  readonly restarts: Counter;
  private readonly workersGauge: Gauge<'state'>;
  private readonly scrapeWorkers: Gauge;
  private readonly workerRss: Gauge<'worker'>;
  private nextCollectId = 0;
  private readonly pendingCollects = new Map<number, (metrics: MetricObjectWithValues<MetricValue<string>>[] | undefined) => void>();

  /**
   * @param workers the workers to collect from now, and how many are starting (read at each scrape)
   */
  constructor(private readonly workers: () => { ready: CollectableWorker[]; starting: number }) {
    const registers = [this.registry];
    // The primary's own CPU and memory: summed with the workers', so process_* is the whole BFF's.
    collectDefaultMetrics({ register: this.registry });
    this.restarts = new Counter({ name: 'bff_cluster_worker_restarts_total', help: 'Workers that died without being asked to, and were replaced', registers });
    this.workersGauge = new Gauge({
      name: 'bff_cluster_workers',
      help: 'Worker processes, by state: ready (serving) or starting',
      labelNames: ['state'],
      registers,
    });
    this.scrapeWorkers = new Gauge({
      name: 'bff_cluster_scrape_workers',
      help: 'Workers whose metrics are in this scrape (the others did not answer in time)',
      registers,
    });
    this.workerRss = new Gauge({
      name: 'bff_cluster_worker_resident_memory_bytes',
      help: "Resident memory of each worker, by slot (0 … WORKERS-1; a replacement takes its predecessor's slot)",
      labelNames: ['worker'],
      registers,
    });
  }

  /** Routes the cluster's messages; install with `cluster.on('message', metrics.onMessage)`. */
  readonly onMessage = (worker: Worker, message: unknown): void => {
    if (!isMessage(message)) return;
    if (message.type === VIEW_REQUEST) {
      this.text().then(
        (text) => worker.send({ type: VIEW, id: message.id, text } satisfies Message, undefined, () => {}),
        (error: unknown) => worker.send({ type: VIEW, id: message.id, error: String(error) } satisfies Message, undefined, () => {}),
      );
    } else if (message.type === COLLECTED) {
      this.pendingCollects.get(message.id)?.(message.metrics);
    }
  };

  /** Every ready worker's metrics and the primary's, merged: what a scrape sees. */
  async text(): Promise<string> {
    const { ready, starting } = this.workers();
    const collected = await Promise.all(ready.map(async ({ slot, worker }) => ({ slot, metrics: await this.collect(worker) })));
    const answered = collected.filter((c): c is { slot: number; metrics: MetricObjectWithValues<MetricValue<string>>[] } => c.metrics !== undefined);
    this.workersGauge.set({ state: 'ready' }, ready.length);
    this.workersGauge.set({ state: 'starting' }, starting);
    this.scrapeWorkers.set(answered.length);
    this.workerRss.reset();
    for (const { slot, metrics } of answered) {
      const rss = metrics.find((m) => m.name === 'process_resident_memory_bytes')?.values[0]?.value;
      if (rss !== undefined) this.workerRss.set({ worker: String(slot) }, rss);
    }
    const own = await this.registry.getMetricsAsJSON();
    return AggregatorRegistry.aggregate([own, ...answered.map((c) => c.metrics)]).metrics();
  }

  /** One worker's registry, or undefined when it does not answer in time (busy, starting, dying). */
  private collect(worker: Worker): Promise<MetricObjectWithValues<MetricValue<string>>[] | undefined> {
    const id = this.nextCollectId++;
    return new Promise((resolve) => {
      const done = (metrics: MetricObjectWithValues<MetricValue<string>>[] | undefined) => {
        clearTimeout(timer);
        this.pendingCollects.delete(id);
        resolve(metrics);
      };
      const timer = setTimeout(() => done(undefined), COLLECT_TIMEOUT_MS);
      this.pendingCollects.set(id, done);
      if (!worker.isConnected()) return done(undefined);
      worker.send({ type: COLLECT, id } satisfies Message, undefined, (error: Error | null) => {
        if (error) done(undefined);
      });
    });
  }
}
