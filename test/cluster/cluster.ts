/**
 * Many instances, one system, on one machine: the six mock backends (in this process), three
 * BFF processes (`node --import tsx src/main.ts`, each its own process group) sharing one
 * Redis, and Debian's HAProxy in front, checking each instance's /ready. Everything on
 * loopback, on ports the kernel picks.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { isOk, spawnTs, waitUntil, type Child } from '../../bench/processes.js';
import { startMockBackends, type MockBackends } from '../../mocks/index.js';
import { SERVICE_NAMES, type ServiceName } from '../../src/config.js';
import { ROOT } from '../infra/lib/project.js';
import { MockControl } from '../helpers/mock-control.js';
import { freePort } from './binary.js';
import { startLoadBalancer, type LoadBalancer } from './haproxy.js';

/** The settings of the run, in one place: the scenarios, the test and the figures read them here. */
export const SETTINGS = {
  instances: 3,
  /** Per client per window, shared through Redis: low, so the scenario shows where it stops. */
  rateLimitPoints: 40,
  rateLimitWindowS: 60,
  /** How long a dead instance's delivery stays locked before another takes it (BullMQ's lock). */
  lockMs: 2000,
  deliveryConcurrency: 4,
  shutdownGraceMs: 8000,
  /** SIGKILL one instance this long into a load of this length, notifications this slow meanwhile. */
  kill: { loadMs: 9000, killAfterMs: 3000, notificationLatencyMs: 3000 },
  /** SIGTERM one instance this long into a load of this length, the catalog this slow meanwhile. */
  drain: { loadMs: 5000, termAfterMs: 1500, catalogLatencyMs: 1200 },
} as const;

export interface Instance {
  /** HAProxy's name for it: bff1, bff2, bff3. */
  readonly name: string;
  readonly url: string;
  readonly child: Child;
  /** SIGKILL, as a crash or the OOM killer would (node:cluster workers exit once their primary is gone). */
  kill(): Promise<void>;
  /** SIGTERM to the process (it forwards to its workers), as Kubernetes and Docker stop it; resolves with how it exited. */
  terminate(): Promise<string>;
}

export interface Cluster {
  readonly mocks: MockBackends;
  readonly backend: Record<ServiceName, MockControl>;
  readonly instances: readonly Instance[];
  readonly lb: LoadBalancer;
  /** A connection of our own, to look at what the instances share. */
  readonly redis: Redis;
  /** The instances' delivery queue (BullMQ), read-only from here. */
  readonly queue: Queue;
  /** This run's DELIVERY_PREFIX: nothing it writes collides with another run on the same Redis. */
  readonly prefix: string;
  /** A nonce for this run's tokens and keys. */
  readonly runId: string;
  readonly logDir: string;
  close(): Promise<void>;
}

export interface ClusterOptions {
  readonly redisUrl: string;
  readonly haproxy: string;
  /** Extra environment for every instance. */
  readonly env?: Record<string, string>;
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const runId = `c${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;
  const prefix = `cluster-${runId}`;
  const logDir = mkdtempSync(join(tmpdir(), 'bff-cluster-'));
  const cleanups: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const mocks = await startMockBackends({ ports: Object.fromEntries(SERVICE_NAMES.map((s) => [s, 0])) });
    cleanups.push(() => mocks.close());
    const backend = Object.fromEntries(SERVICE_NAMES.map((s) => [s, new MockControl(mocks.urls[s])])) as Record<ServiceName, MockControl>;

    const env: Record<string, string> = {
      // development: the instances run as `npm start` runs them, configured explicitly below.
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      LOG_PRETTY: 'off',
      GRAPHIQL: 'off',
      FETCH_PLAN: 'off',
      // Every listing reaches the catalog: the drain scenario slows it down to hold requests in flight.
      BACKEND_CACHE: 'off',
      // One process per instance: the instances are what this run multiplies.
      WORKERS: '1',
      REDIS_URL: options.redisUrl,
      DELIVERY_PREFIX: prefix,
      DELIVERY_LOCK_MS: String(SETTINGS.lockMs),
      DELIVERY_CONCURRENCY: String(SETTINGS.deliveryConcurrency),
      DELIVERY_BACKOFF_MS: '200',
      DELIVERY_BACKOFF_MAX_MS: '2000',
      RATE_LIMIT_POINTS: String(SETTINGS.rateLimitPoints),
      RATE_LIMIT_WINDOW_S: String(SETTINGS.rateLimitWindowS),
      // HAProxy appends the client's address to X-Forwarded-For.
      TRUST_PROXY: '1',
      SHUTDOWN_GRACE_MS: String(SETTINGS.shutdownGraceMs),
      // Slow notifications (the kill scenario) stay in progress, rather than time out and wait for a retry.
      NOTIFICATIONS_TIMEOUT_MS: '8000',
      ...Object.fromEntries(SERVICE_NAMES.map((s) => [`${s.toUpperCase()}_URL`, mocks.urls[s]])),
      ...options.env,
    };
    const ports = await Promise.all(Array.from({ length: SETTINGS.instances }, () => freePort()));
    const instances: Instance[] = ports.map((port, i) => {
      const name = `bff${i + 1}`;
      const child = spawnTs(name, 'src/main.ts', { ...env, PORT: String(port) }, ROOT);
      return {
        name,
        url: `http://127.0.0.1:${port}`,
        child,
        async kill() {
          process.kill(child.pid, 'SIGKILL');
          await child.exited;
        },
        async terminate() {
          process.kill(child.pid, 'SIGTERM');
          return child.exited;
        },
      };
    });
    cleanups.push(() => Promise.all(instances.map((i) => i.child.stop(3000))));
    const children = instances.map((i) => i.child);
    await waitUntil('the BFF instances to answer /health', async () => (await Promise.all(instances.map((i) => isOk(`${i.url}/health`)))).every(Boolean), {
      timeoutMs: 90_000,
      watch: children,
    });

    const lb = await startLoadBalancer(
      options.haproxy,
      ports.map((p) => `127.0.0.1:${p}`),
      logDir,
    );
    cleanups.push(() => lb.stop());
    // HAProxy starts every server as UP before its first check: wait for checks that passed.
    await waitUntil('HAProxy to see every instance ready', async () => Object.values(await lb.stats()).every((s) => s.status === 'UP' && s.check === 'L7OK'), {
      timeoutMs: 30_000,
      intervalMs: 100,
      watch: children,
    });

    const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 1 });
    cleanups.push(async () => {
      // Leave nothing of this run in a shared Redis.
      const keys: string[] = [];
      let cursor = '0';
      do {
        const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        cursor = next;
        keys.push(...found);
      } while (cursor !== '0');
      for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
      await redis.quit();
    });
    // The instances' queue, by the same name and prefix as src/queue/bullmq-queue.ts.
    const queueRedis = redis.duplicate();
    const queue = new Queue('deliveries', { connection: queueRedis, prefix });
    cleanups.push(async () => {
      await queue.close();
      await queueRedis.quit();
    });

    return { mocks, backend, instances, lb, redis, queue, prefix, runId, logDir, close };
  } catch (error) {
    await close();
    throw error;
  }
}
