import { pino, type DestinationStream, type Logger } from 'pino';
import type { Config } from '../config.js';

/**
 * pino: JSON lines in production (cheap, parseable), pretty lines in development on a
 * terminal. Authorization and cookie headers are redacted wherever they appear in a log object.
 * While tracing runs, the request's line and a backend call's failure carry `trace_id` (and
 * `span_id`), set where they are logged.
 */
export function createLogger(config: Pick<Config, 'logLevel' | 'logPretty'>, destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level: config.logLevel,
    base: { service: 'bff' },
    redact: { paths: ['*.authorization', '*.headers.authorization', '*.headers.cookie', '*.cookie'], censor: '[redacted]' },
    ...(config.logPretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' } } } : {}),
  };
  // `destination` (tests) takes JSON lines; a transport writes on its own, so it gets none.
  return destination && !config.logPretty ? pino(options, destination) : pino(options);
}
