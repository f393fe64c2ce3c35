import { GraphQLError } from 'graphql';
import type { YogaLogger } from 'graphql-yoga';
import type { Logger } from 'pino';
import { BackendError } from '../backends/errors.js';

/** A caller who hung up: its cancelled work is expected, not an error of ours. */
export function isAbort(error: unknown): boolean {
  const name = (error as Error | undefined)?.name;
  return name === 'AbortError' || (error as { code?: string } | undefined)?.code === 'ABORT_ERR';
}

/**
 * Yoga logs, at error level, every error its mask changed: with per-field errors that is one
 * line per failed field (twenty for one failed bulk call), and a client hanging up mid-query
 * turns into hundreds of "This operation was aborted". Those are already logged once, with
 * the request id, by the HTTP client and useRequestLogging, so here they go to debug; any
 * other error yoga reports stays an error.
 */
export function yogaLogger(logger: Logger): YogaLogger {
  const expected = (arg: unknown) => {
    const original = arg instanceof GraphQLError ? (arg.originalError ?? arg) : arg;
    return original instanceof BackendError || isAbort(original);
  };
  // Yoga logs three debug lines per request: below debug they must cost a level check, not a join.
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...args: unknown[]) => {
      if (!logger.isLevelEnabled(level)) return;
      if (typeof args[0] === 'string') logger[level](args.map(String).join(' '));
      else logger[level]({ err: args[0] }, 'yoga');
    };
  const error = at('error');
  const quiet = at('debug');
  return { debug: quiet, info: at('info'), warn: at('warn'), error: (...args: unknown[]) => (args.some(expected) ? quiet(...args) : error(...args)) };
}
