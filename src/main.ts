/**
 * The BFF alone, configured by the environment (what a container runs). `npm start` runs
 * `dev.ts` instead, which also starts the mock backends.
 */
import { ConfigError, loadConfig, type Config } from './config.js';
import { listen } from './listen.js';
import { createLogger } from './logger.js';
import { startTracing } from './observability/tracing.js';

export async function main(beforeListen?: (config: Config) => Promise<{ close(): Promise<void> }>): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(2);
  }
  const logger = createLogger(config);
  // A bug must not take the process down silently, nor keep it running in an unknown state.
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception: exiting');
    process.exit(1);
  });

  // Before the server, so it is built with tracing on (or, with no OTLP endpoint, without any of it).
  const { otlpTracesUrl, serviceName } = config.observability;
  const tracing = await startTracing({ serviceName, otlpTracesUrl, logger });
  if (tracing) logger.info({ url: otlpTracesUrl, serviceName }, 'tracing: spans exported by OTLP');
  const extra = await beforeListen?.(config);
  const bff = await listen(config, logger);
  logger.info({ url: `${bff.url}/graphql` }, config.graphiql ? `GraphiQL and GraphQL at ${bff.url}/graphql` : `GraphQL at ${bff.url}/graphql`);

  const stop = async (signal: string) => {
    logger.info({ signal }, 'signal received');
    await bff.shutdown();
    await extra?.close();
    // After the server: the last requests' spans are sent too.
    await tracing?.shutdown();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
