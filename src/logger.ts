import { pino, type Logger } from 'pino';
import type { Config } from './config.js';

/**
 * pino: JSON lines in production (cheap, parseable), pretty lines in development on a
 * terminal. Authorization and cookie headers are redacted wherever they appear in a log object.
 */
export function createLogger(config: Pick<Config, 'logLevel' | 'logPretty'>): Logger {
  return pino({
    level: config.logLevel,
    base: { service: 'bff' },
    redact: { paths: ['*.authorization', '*.headers.authorization', '*.headers.cookie', '*.cookie'], censor: '[redacted]' },
    ...(config.logPretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' } } } : {}),
  });
}
