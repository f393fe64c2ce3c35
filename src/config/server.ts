/** The process: where it listens, how it logs, and how it runs a request. */
import { z } from 'zod';
import { envSection, type Deployment } from './section.js';
import { flag, integer, oneOf, text } from './variables.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const serverSchema = ({ env, terminal }: Deployment) =>
  z
    .object({
      HOST: text().default('127.0.0.1').describe('address the BFF listens on (a container uses `0.0.0.0`)'),
      PORT: integer(0, 65535).default(4000).describe('port the BFF listens on'),
      LOG_LEVEL: oneOf(LOG_LEVELS).default('info').describe('pino log level, or `silent`'),
      LOG_PRETTY: flag()
        .default(env === 'development' && terminal)
        .meta({ defaultText: 'on in development on a terminal, else off' })
        .describe('human-readable logs instead of JSON lines'),
      GRAPHIQL: flag()
        .default(env !== 'production')
        .describe('serve GraphiQL at `/graphql` to browsers'),
      // jit: src/execution/use-jit-execution.ts compiles each document once; what it cannot run
      // goes to graphql-js's executor, so the answers are the same (test/features/jit-parity.test.ts).
      EXECUTOR: oneOf(['jit', 'default'])
        .default('jit')
        .describe(
          "`jit`: each document is compiled once by graphql-jit (the 1,000 most recent are kept) and runs as plain JavaScript; documents it cannot run (`@defer`/`@stream`, several operations, anything it refuses) use the default executor, with a debug line saying why. `default`: graphql-js's executor for everything",
        ),
      REQUEST_TIMEOUT_MS: integer(1, 600_000)
        .default(5000)
        .describe('time budget of one GraphQL request, shared by its backend calls; a client may ask for less with `x-request-timeout-ms`'),
      // Sent sooner when the request has no backend call in flight, so a level with nothing else
      // pending waits for nothing (src/graphql/loader-batch-window.ts).
      LOADER_BATCH_WINDOW_MS: integer(0, 1000)
        .default(2)
        .describe(
          "longest a request's DataLoader batch waits for more keys of its level while other calls of the request are in flight; `0`: sent at the end of the tick (DataLoader's default)",
        ),
      FETCH_PLAN: flag()
        .default(env === 'development')
        .describe('add `extensions.fetchPlan` to answers: each backend call, batched, deduped, cached or retried, and its time'),
    })
    .transform((v) => ({
      host: v.HOST,
      port: v.PORT,
      // Typed as pino's: any level name, so a copied config need not spell it `as const`.
      logLevel: v.LOG_LEVEL as string,
      logPretty: v.LOG_PRETTY,
      graphiql: v.GRAPHIQL,
      executor: v.EXECUTOR,
      requestTimeoutMs: v.REQUEST_TIMEOUT_MS,
      loaderBatchWindowMs: v.LOADER_BATCH_WINDOW_MS,
      fetchPlan: v.FETCH_PLAN,
    }));

export type ServerConfig = Readonly<z.infer<ReturnType<typeof serverSchema>>>;

export const serverSection = envSection({ id: 'server', title: 'Server', file: 'src/config/server.ts' }, serverSchema);
