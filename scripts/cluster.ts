/**
 * npm run cluster: the BFF as several instances behind a real load balancer, on this machine,
 * and what happens when one dies or is stopped, in figures (test/cluster/ has the details;
 * test/cluster/cluster.test.ts asserts the same).
 *
 *   npm run cluster                       # starts its own Redis on 127.0.0.1:6397 (redis-server)
 *   REDIS_URL=redis://127.0.0.1:6390 npm run cluster
 *
 * Needs haproxy and redis-server from Debian (apt-get install -y haproxy redis-server).
 * Takes about a minute; every process it starts is stopped before it exits.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { waitUntil } from '../bench/processes.js';
import { spawnBinary, type BinaryChild } from '../test/cluster/binary.js';
import { startCluster, SETTINGS } from '../test/cluster/cluster.js';
import { formatFigures, type Figures } from '../test/cluster/figures.js';
import { findHaproxy } from '../test/cluster/haproxy.js';
import { Customers, drainOnSigterm, killUnderLoad, replayAcrossInstances, sharedRateLimit } from '../test/cluster/scenarios.js';

const OWN_REDIS_PORT = 6397;

async function ownRedis(logDir: string): Promise<{ url: string; child: BinaryChild }> {
  const child = spawnBinary(
    'redis-server',
    'redis-server',
    ['--port', String(OWN_REDIS_PORT), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {},
    join(logDir, 'redis.log'),
  );
  const url = `redis://127.0.0.1:${OWN_REDIS_PORT}`;
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => undefined);
  await waitUntil(
    `redis-server on ${OWN_REDIS_PORT}`,
    async () => {
      if (!child.alive()) throw new Error(`redis-server exited (${await child.exited}):\n${child.tail()}`);
      await probe.connect().catch(() => undefined);
      return (await probe.ping().catch(() => '')) === 'PONG';
    },
    { timeoutMs: 10_000, intervalMs: 100 },
  );
  probe.disconnect();
  return { url, child };
}

async function main(): Promise<number> {
  const haproxy = findHaproxy();
  if (!haproxy) {
    console.error('haproxy is not installed: apt-get install -y haproxy');
    return 2;
  }
  const started = Date.now();
  const given = process.env.REDIS_URL ?? process.env.REDIS_TEST_URL;
  const redis = given ? { url: given, child: undefined } : await ownRedis(mkdtempSync(join(tmpdir(), 'bff-cluster-redis-')));
  const figures: Figures = {};
  console.log(`starting: mocks, ${SETTINGS.instances} BFF instances, HAProxy; Redis ${redis.url}`);
  const cluster = await startCluster({ redisUrl: redis.url, haproxy });
  console.log(`logs in ${cluster.logDir}; HAProxy on ${cluster.lb.url} (stats ${cluster.lb.statsUrl}/stats)`);
  try {
    const customers = new Customers();
    const phase = (label: string) => console.log(`${label} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    phase('1/4 shared rate limit');
    figures.rateLimit = await sharedRateLimit(cluster);
    phase('2/4 idempotent checkout across instances');
    figures.replay = await replayAcrossInstances(cluster, customers);
    phase(`3/4 SIGKILL ${cluster.instances.at(-1)!.name} under load`);
    figures.kill = await killUnderLoad(cluster, customers, SETTINGS.kill);
    phase(`4/4 SIGTERM ${cluster.instances[1]!.name} under load`);
    figures.drain = await drainOnSigterm(cluster, cluster.instances[1]!, SETTINGS.drain);
  } finally {
    await cluster.close();
    await redis.child?.stop('SIGTERM', 3000);
  }
  figures.totalMs = Date.now() - started;
  console.log(`\n${formatFigures(figures)}`);
  if (figures.kill?.answered.problems.length) console.log(`\nproblems:\n  ${figures.kill.answered.problems.join('\n  ')}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
