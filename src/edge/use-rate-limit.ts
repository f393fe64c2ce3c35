import type { Plugin } from 'graphql-yoga';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { connectRedis } from '../redis.js';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { clientKey } from '../edge/client-key.js';
import { rateLimited } from '../errors/public-errors.js';
import { requestIdOf } from '../observability/use-request-id.js';

export interface RateLimitOptions {
  /** Requests one client may send per window. @default 600 */
  points?: number;
  /** Window length in seconds. @default 60 */
  windowSeconds?: number;
  /**
   * Redis shared by every instance, so N instances behind a load balancer allow `points`, not
   * N × `points`. Unset: each instance counts in its own memory.
   * @default undefined
   */
  redisUrl?: string;
  /** How many proxies in front append to `X-Forwarded-For` (0: the socket address is the client). @default 0 */
  trustProxy?: number;
  /** Where Redis trouble is reported. */
  logger: Logger;
}

/**
 * Per-client rate limiting with rate-limiter-flexible: by bearer token, else by address (see
 * `clientKey`). Counted in `onRequest`, before the body is read, so a client over its budget
 * costs us no parsing; over budget is `429` with `Retry-After` in seconds. Only the GraphQL
 * endpoint counts: health checks, GraphiQL's static files and CORS preflights do not.
 *
 * With Redis, a Redis outage must not become a BFF outage: each instance then falls back to
 * counting in memory (rate-limiter-flexible's insurance limiter) until Redis is back.
 */
export function useRateLimit(options: RateLimitOptions): Plugin {
  const { points = 600, windowSeconds = 60, redisUrl, trustProxy = 0, logger } = options;
  const memory = new RateLimiterMemory({ points, duration: windowSeconds, keyPrefix: 'rl' });
  let redis: Redis | undefined;
  let limiter: RateLimiterAbstract = memory;
  // Until the first connection is up (or has failed), requests wait for it rather than being
  // counted in this instance's memory: right after a start, all instances would otherwise
  // grant a full budget each.
  let firstConnect: Promise<void> | undefined;
  if (redisUrl) {
    // A command while disconnected fails at once (and the in-memory insurance limiter counts)
    // rather than waiting in a queue while the request waits behind it.
    redis = connectRedis(redisUrl, logger, { user: 'rate limiting', whileDown: 'counting in memory meanwhile', failFastOffline: true });
    const connecting = redis;
    firstConnect = new Promise<void>((resolve) => {
      connecting.once('ready', resolve);
      connecting.once('error', resolve);
      setTimeout(resolve, 2000).unref();
    }).then(() => {
      firstConnect = undefined;
    });
    limiter = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: 'bff:rl',
      points,
      duration: windowSeconds,
      // Not connected: use memory at once instead of queueing the request behind a reconnect.
      rejectIfRedisNotReady: true,
      insuranceLimiter: memory,
    });
  }
  let endpoint = '/graphql';

  const tooMany = (rejection: RateLimiterRes) => {
    const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
    return rateLimited(points, windowSeconds, retryAfter);
  };
  // Anything but a verdict (a bug, a store error the insurance did not absorb) lets the request
  // through: a broken limiter must not refuse every customer.
  const failOpen = (request: Request, error: unknown) => {
    logger.error({ reqId: requestIdOf(request), err: error }, 'rate limiter failed: request let through');
  };

  return {
    onYogaInit({ yoga }) {
      endpoint = yoga.graphqlEndpoint;
    },
    onRequest({ request, url, serverContext, fetchAPI, endResponse }) {
      if (url.pathname !== endpoint || request.method === 'OPTIONS') return;
      const consume = () => limiter.consume(clientKey(request, serverContext, trustProxy));
      return (firstConnect ? firstConnect.then(consume) : consume()).then(
        () => undefined,
        (rejection: unknown) => {
          if (!(rejection instanceof RateLimiterRes)) return failOpen(request, rejection);
          const error = tooMany(rejection);
          const { http } = error.extensions as { http: { status: number; headers: Record<string, string> } };
          endResponse(
            new fetchAPI.Response(JSON.stringify({ errors: [{ message: error.message, extensions: { code: error.extensions.code } }] }), {
              status: http.status,
              headers: { 'content-type': 'application/json; charset=utf-8', ...http.headers },
            }),
          );
        },
      );
    },
    // The request counted once when it arrived; a batch of n operations is n requests' work.
    onRequestParse({ request, serverContext }) {
      return {
        onRequestParseDone({ requestParserResult }) {
          if (!Array.isArray(requestParserResult) || requestParserResult.length < 2) return;
          return limiter.consume(clientKey(request, serverContext, trustProxy), requestParserResult.length - 1).then(
            () => undefined,
            (rejection: unknown) => {
              if (!(rejection instanceof RateLimiterRes)) return failOpen(request, rejection);
              throw tooMany(rejection);
            },
          );
        },
      };
    },
    async onDispose() {
      await redis?.quit().catch(() => redis?.disconnect());
    },
  };
}
