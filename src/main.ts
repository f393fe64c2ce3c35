/**
 * The BFF alone, configured by the environment (what a container runs). `npm start` runs
 * `dev.ts` instead, which also starts the mock backends, in a process of their own.
 *
 * With WORKERS=1 (the default) this process serves. With more, it becomes the cluster's
 * primary (src/workers/primary.ts), which serves nothing and forks that many workers running
 * this same file; each of them serves, on the same port.
 */
import cluster from 'node:cluster';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createLogger } from './observability/logger.js';
import { usableCpus } from './workers/cpus.js';
import { runPrimary, WORKER_LISTENING, WORKER_SLOT_ENV } from './workers/primary.js';

type BeforeStart = (config: Config) => Promise<{ close(): Promise<void> }>;

/** @param beforeStart runs once, in the process that owns the others (the primary, or the only one), before serving; closed last on shutdown. */
export async function main(beforeStart?: BeforeStart): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(2);
  }
  const logger = createLogger(config);
  if (cluster.isWorker) return serve(config, logger.child({ worker: Number(process.env[WORKER_SLOT_ENV]), pid: process.pid }));

  const workers = config.workers === 'auto' ? autoWorkers(logger) : config.workers;
  if (workers === 1) return serve(config, logger, beforeStart);
  if (!config.edge.redisUrl) {
    logger.warn(
      { workers },
      'several workers without REDIS_URL: each has its own rate limits (a client may send WORKERS × RATE_LIMIT_POINTS), ' +
        'its own in-process delivery queue and checkout records (a worker that dies loses what it had queued); set REDIS_URL to share them',
    );
  }
  const extra = await beforeStart?.(config);
  runPrimary({ config, logger, workers, exec: fileURLToPath(import.meta.url), extra });
}

function autoWorkers(logger: ReturnType<typeof createLogger>): number {
  const cpus = usableCpus();
  logger.info({ parallelism: cpus.parallelism, cpuQuota: cpus.quota ?? 'none' }, `WORKERS=auto: ${cpus.count}`);
  return cpus.count;
}

/** One BFF serving on config.port: the only process, or one cluster worker among several. */
async function serve(config: Config, logger: ReturnType<typeof createLogger>, beforeStart?: BeforeStart): Promise<void> {
  // A bug must not take the process down silently, nor keep it running in an unknown state.
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception: exiting');
    process.exit(1);
  });

  // Loaded here, not at the top: a cluster's primary serves nothing and need not hold the
  // server's modules (yoga, graphql, undici, the schema) in its memory.
  const [{ listen }, { startTracing }] = await Promise.all([import('./server/listen.js'), import('./observability/tracing.js')]);
  // Before the server, so it is built with tracing on (or, with no OTLP endpoint, without any of it).
  const { otlpTracesUrl, serviceName, spanQueueSize, spanExportDelayMs } = config.observability;
  const tracing = await startTracing({ serviceName, otlpTracesUrl, logger, batch: { maxQueueSize: spanQueueSize, scheduledDelayMillis: spanExportDelayMs } });
  if (tracing) logger.info({ url: otlpTracesUrl, serviceName }, 'tracing: spans exported by OTLP');
  const extra = await beforeStart?.(config);
  const bff = await listen(config, logger);
  logger.info({ url: `${bff.url}/graphql` }, config.graphiql ? `GraphiQL and GraphQL at ${bff.url}/graphql` : `GraphQL at ${bff.url}/graphql`);
  if (cluster.isWorker) process.send?.({ type: WORKER_LISTENING, url: bff.url });

  // Once: a worker in a terminal gets both the terminal's SIGINT and the primary's SIGTERM.
  let stopping: Promise<void> | undefined;
  const stop = (signal: string) =>
    (stopping ??= (async () => {
      logger.info({ signal }, 'signal received');
      await bff.shutdown();
      await extra?.close();
      // After the server: the last requests' spans are sent too.
      await tracing?.shutdown();
      process.exit(0);
    })());
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
