/**
 * The cluster's primary (WORKERS > 1): it serves nothing itself. It forks the workers, each a
 * whole BFF (main.ts) listening on the same port; node:cluster's primary accepts the
 * connections and hands them to the workers in turn (round-robin, the default on Linux), so
 * one port spreads over every core. It replaces a worker that dies, drains them all on SIGTERM,
 * and answers the workers' requests for the cluster's metrics (src/observability/cluster-metrics.ts).
 */
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { backoffMs } from '../queue/backoff.js';
import { ClusterMetrics, type CollectableWorker } from '../observability/cluster-metrics.js';

/** The environment variable that gives a worker its slot (0 … WORKERS-1), for its logs and metrics. */
export const WORKER_SLOT_ENV = 'BFF_WORKER_SLOT';
/** What a worker sends the primary once it listens. */
export const WORKER_LISTENING = 'bff:worker:listening';

export interface PrimaryOptions {
  config: Config;
  logger: Logger;
  /** How many workers to run (WORKERS, `auto` resolved). */
  workers: number;
  /** The script every worker runs: main.ts (or the main.js it compiles to), which serves when it is a worker. */
  exec: string;
  /** Closed after the last worker stopped (npm start's mock backends). */
  extra?: { close(): Promise<void> };
}

/** Beyond the grace period, what a worker may take to close its pools and delivery queue before it is killed. */
export const CLOSE_SLACK_MS = 5000;
/** A worker that served this long before dying is replaced at once; one that dies sooner waits longer each time. */
const STABLE_MS = 30_000;
/** The waits after quick deaths in a row: 1 s, 2 s, 4 s … up to 30 s, so a crash loop does not spin. */
const RESTART_BASE_MS = 1000;
const RESTART_MAX_MS = 30_000;

interface Slot {
  readonly index: number;
  worker?: Worker;
  /** When the current worker was forked. */
  startedAt: number;
  /** It has sent WORKER_LISTENING. */
  ready: boolean;
  /** Quick deaths in a row (reset when a worker lived STABLE_MS). */
  failures: number;
  /** A replacement waiting for its backoff. */
  restart?: NodeJS.Timeout;
}

/**
 * Runs the primary until SIGTERM or SIGINT, then exits the process: 0 when every worker
 * stopped by itself within the grace period (plus CLOSE_SLACK_MS), 1 when one had to be killed,
 * or when the start failed (a worker died before any worker listened, e.g. the port was taken).
 */
export function runPrimary({ config, logger, workers, exec, extra }: PrimaryOptions): void {
  cluster.setupPrimary({ exec });
  const slots: Slot[] = Array.from({ length: workers }, (_, index) => ({ index, startedAt: 0, ready: false, failures: 0 }));
  /** Some worker has listened: from then on, a worker that dies is replaced rather than failing the start. */
  let listened = false;
  let everReady = false;
  let stopping: Promise<void> | undefined;

  const metrics = config.observability.metrics
    ? new ClusterMetrics(() => ({
        ready: slots.filter((s) => s.ready && s.worker).map((s): CollectableWorker => ({ slot: s.index, worker: s.worker! })),
        starting: slots.filter((s) => s.worker && !s.ready).length,
      }))
    : undefined;
  if (metrics) cluster.on('message', metrics.onMessage);

  const fork = (slot: Slot) => {
    const worker = cluster.fork({ [WORKER_SLOT_ENV]: String(slot.index) });
    slot.worker = worker;
    slot.startedAt = Date.now();
    slot.ready = false;
    worker.on('message', (message: { type?: string; url?: string }) => {
      if (message?.type !== WORKER_LISTENING || slot.worker !== worker) return;
      slot.ready = true;
      listened = true;
      logger.debug({ worker: slot.index, pid: worker.process.pid }, 'worker listening');
      if (!everReady && slots.every((s) => s.ready)) {
        everReady = true;
        logger.info(
          { url: `${message.url}/graphql`, workers, pids: slots.map((s) => s.worker?.process.pid) },
          `${workers} workers serving GraphQL at ${message.url}/graphql`,
        );
      }
    });
    worker.once('exit', (code, signal) => onExit(slot, worker, code, signal));
  };

  const onExit = (slot: Slot, worker: Worker, code: number | null, signal: string | null) => {
    if (slot.worker !== worker) return;
    const wasReady = slot.ready;
    slot.worker = undefined;
    slot.ready = false;
    if (stopping) return;
    const pid = worker.process.pid;
    if (!wasReady && !listened) {
      // Nothing served yet: a worker that cannot start (port taken, bad file) would fail forever.
      logger.fatal({ worker: slot.index, pid, code, signal }, 'a worker exited before listening: the BFF cannot start');
      void stop('start failed', 1);
      return;
    }
    const livedMs = Date.now() - slot.startedAt;
    slot.failures = livedMs >= STABLE_MS ? 1 : slot.failures + 1;
    // The first death after a stable run is replaced at once (an out-of-memory kill, a bug hit
    // once); deaths in a row wait longer each time.
    const delayMs = slot.failures === 1 ? 0 : backoffMs(slot.failures - 1, RESTART_BASE_MS, RESTART_MAX_MS);
    logger.error({ worker: slot.index, pid, code, signal, livedMs, restartInMs: delayMs }, 'worker died: replacing it');
    metrics?.restarts.inc();
    slot.restart = setTimeout(() => {
      slot.restart = undefined;
      if (!stopping) fork(slot);
    }, delayMs);
  };

  /**
   * Drains every worker: each gets SIGTERM and runs its own graceful shutdown (src/server/listen.ts:
   * stop accepting, finish in-flight requests within SHUTDOWN_GRACE_MS, close the pools and the
   * delivery queue). A worker still running after that (plus CLOSE_SLACK_MS) is killed.
   */
  const stop = (reason: string, failed = 0) =>
    (stopping ??= (async () => {
      for (const slot of slots) clearTimeout(slot.restart);
      const running = slots.map((s) => s.worker).filter((w): w is Worker => w !== undefined && !w.isDead());
      logger.info({ reason, workers: running.length, graceMs: config.shutdownGraceMs }, 'stopping: draining every worker');
      let clean = failed === 0;
      const exits = running.map(
        (worker) =>
          new Promise<void>((resolve) => {
            worker.once('exit', (code, signal) => {
              // A worker still starting has no SIGTERM handler yet and dies of the signal: it served nothing.
              if (code !== 0 && signal !== 'SIGTERM') clean = false;
              resolve();
            });
            worker.process.kill('SIGTERM');
          }),
      );
      const allExited = Promise.all(exits).then(() => 'exited' as const);
      const deadline = new Promise<'timeout'>((resolve) => setTimeout(resolve, config.shutdownGraceMs + CLOSE_SLACK_MS, 'timeout').unref());
      if ((await Promise.race([allExited, deadline])) === 'timeout') {
        const left = running.filter((w) => !w.isDead());
        logger.error({ workers: left.map((w) => w.process.pid) }, 'workers still running after the grace period: killing them');
        for (const worker of left) worker.process.kill('SIGKILL');
        clean = false;
        await allExited;
      }
      await extra?.close().catch((error: unknown) => logger.error({ err: error }, 'closing failed'));
      logger.info('stopped');
      // pino writes asynchronously; flush so the last lines are not lost on exit.
      logger.flush();
      process.exit(clean ? 0 : 1);
    })());

  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  // A bug in the primary must not leave the workers serving unsupervised: they exit with it
  // (node:cluster ends a worker whose IPC channel to the primary closes).
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception in the primary: exiting');
    process.exit(1);
  });
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection in the primary'));

  logger.info({ workers }, `starting ${workers} workers`);
  for (const slot of slots) fork(slot);
}
