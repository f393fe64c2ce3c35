/**
 * The writes' asynchronous side (src/queue, src/checkout): the queue that carries order
 * confirmations, audit events and compensations, and the records that make a repeated
 * `idempotencyKey` give the same answer. Without Redis both live in this process's memory,
 * which the server says at start: a restart loses what was still queued.
 */
import { z } from 'zod';
import { crossProblem, envSection, whenValid, type Deployment } from './section.js';
import { integer, oneOf, text } from './variables.js';

/** BullMQ joins key parts with ':' and its job ids may not contain one: a prefix is one word. */
function keyPrefix() {
  return text()
    .refine((prefix) => /^[A-Za-z0-9_.-]{1,64}$/.test(prefix), {
      error: (issue) => `must be 1 to 64 letters, digits, '_', '.' or '-', got ${JSON.stringify(issue.input)}`,
    })
    .meta({ accepts: "1 to 64 of A–Z, a–z, 0–9, '_', '.', '-'" });
}

/** A bearer token. The message never echoes it: its length is enough to see what is wrong. */
function token() {
  return text()
    .refine((value) => value.length >= 16 && !/\s/.test(value), {
      error: (issue) => `must be at least 16 characters without spaces, got ${String(issue.input).length} characters`,
    })
    .meta({ accepts: '16+ characters, no spaces' });
}

export const deliverySchema = ({ env, redisUrl }: Deployment) =>
  z
    .object({
      // A silent in-process queue in production loses order confirmations, audit events and
      // compensations: production needs REDIS_URL or DELIVERY_QUEUE=memory said explicitly.
      DELIVERY_QUEUE: oneOf(['redis', 'memory'])
        .optional()
        .meta({ defaultText: '`redis` with `REDIS_URL`, else `memory`; production: must be said' })
        .describe(
          '`redis` (BullMQ on `REDIS_URL`: durable, shared by every instance) or `memory` (this process: lost on restart); production without `REDIS_URL` refuses to start unless `memory` is set',
        ),
      DELIVERY_PREFIX: keyPrefix()
        .default('bff')
        .describe('prefix of every Redis key the writes, the HTTP cache and the persisted queries write (one per deployment sharing a Redis)'),
      DELIVERY_ATTEMPTS: integer(1, 1000)
        .default(10)
        .describe('attempts of a confirmation or audit event before the dead-letter queue (compensations: until they succeed)'),
      DELIVERY_BACKOFF_MS: integer(1, 3_600_000).default(1000).describe('wait before the first retry; it doubles after each failure (±20% jitter)'),
      DELIVERY_BACKOFF_MAX_MS: integer(1, 86_400_000).default(300_000).describe('longest wait between two attempts'),
      DELIVERY_CONCURRENCY: integer(1, 1000).default(8).describe('deliveries in flight at once, per instance'),
      DELIVERY_ATTEMPT_TIMEOUT_MS: integer(100, 600_000).default(10_000).describe("time budget of one attempt, the backend client's own retries included"),
      // BullMQ's lock.
      DELIVERY_LOCK_MS: integer(500, 3_600_000)
        .default(30_000)
        .describe('with Redis: how long a delivery held by an instance that died waits before another takes it over'),
      IDEMPOTENCY_TTL_S: integer(60, 30 * 86_400)
        .default(86_400)
        .describe("how long a checkout's answer is kept for its `idempotencyKey`, and a finished delivery's id for de-duplication"),
      ADMIN_TOKEN: token().optional().describe('bearer token of `/admin/deliveries`; unset: the endpoint is off'),
    })
    .superRefine(
      ({ DELIVERY_BACKOFF_MS: first, DELIVERY_BACKOFF_MAX_MS: longest }, ctx) => {
        if (longest < first)
          ctx.addIssue(crossProblem('DELIVERY_BACKOFF_MAX_MS', `DELIVERY_BACKOFF_MAX_MS (${longest}) must not be less than DELIVERY_BACKOFF_MS (${first})`));
      },
      whenValid('DELIVERY_BACKOFF_MS', 'DELIVERY_BACKOFF_MAX_MS'),
    )
    .superRefine(({ DELIVERY_QUEUE: queue }, ctx) => {
      if (queue === 'redis' && !redisUrl)
        ctx.addIssue(crossProblem('DELIVERY_QUEUE', 'DELIVERY_QUEUE=redis needs REDIS_URL (the Redis of the durable queue), which is unset'));
      else if (env === 'production' && !redisUrl && queue === undefined)
        ctx.addIssue(
          crossProblem(
            'DELIVERY_QUEUE',
            'NODE_ENV=production needs a durable delivery queue: set REDIS_URL (BullMQ on Redis, shared by every instance), ' +
              'or set DELIVERY_QUEUE=memory to accept the in-process queue, which loses the order confirmations, audit events and compensations still queued when the process stops',
          ),
        );
    }, whenValid('DELIVERY_QUEUE'))
    .transform((v) => {
      const queue = v.DELIVERY_QUEUE ?? (redisUrl ? 'redis' : 'memory');
      return {
        delivery: {
          queue,
          /** The durable queue's and the checkout records' Redis: the deployment's, unless they stay in memory. */
          redisUrl: queue === 'redis' ? redisUrl : undefined,
          prefix: v.DELIVERY_PREFIX,
          attempts: v.DELIVERY_ATTEMPTS,
          backoffMs: v.DELIVERY_BACKOFF_MS,
          backoffMaxMs: v.DELIVERY_BACKOFF_MAX_MS,
          concurrency: v.DELIVERY_CONCURRENCY,
          attemptTimeoutMs: v.DELIVERY_ATTEMPT_TIMEOUT_MS,
          lockMs: v.DELIVERY_LOCK_MS,
          idempotencyTtlS: v.IDEMPOTENCY_TTL_S,
          adminToken: v.ADMIN_TOKEN,
        },
      };
    });

export type DeliveryConfig = Readonly<z.infer<ReturnType<typeof deliverySchema>>['delivery']>;

export const deliverySection = envSection({ id: 'delivery', title: 'Writes and the delivery queue', file: 'src/config/delivery.ts' }, deliverySchema);
