/**
 * The real load balancer of the cluster run: Debian's HAProxy with deploy/haproxy/haproxy.cfg
 * (the compose profile's file), the instances' addresses given in its environment, and its
 * stats page read as CSV to see what it thinks of each instance.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HAPROXY_CONFIG, haproxyBinary, healthCheckOf, parseHaproxyConfig } from '../infra/deploy/haproxy-config.js';
import { ROOT, read } from '../infra/lib/project.js';
import { isOk, waitUntil } from '../../bench/processes.js';
import { freePort, spawnBinary, type BinaryChild } from './binary.js';

/** One server line of the stats CSV (HAProxy's column names). */
export interface ServerStats {
  /** `bff1` … */
  readonly name: string;
  /** `UP`, `DOWN`, `UP 1/2` (going down), `DOWN 1/2` (coming up), `MAINT`, `NOLB`… */
  readonly status: string;
  /** Requests (sessions) sent to it in all. */
  readonly sessions: number;
  /** Open now. */
  readonly current: number;
  /** Connection errors, response errors, retries, redispatches (to another server). */
  readonly connectionErrors: number;
  readonly responseErrors: number;
  readonly retries: number;
  readonly redispatches: number;
  /** The last health check's result: `L7OK` (answered 200), `L4CON` (refused), `L7TOUT`, `L7STS` (another status)… */
  readonly check: string;
}

/** An instance going DOWN or UP, as HAProxy logged it. */
export interface StateChange {
  readonly server: string;
  readonly state: 'UP' | 'DOWN';
  /** When HAProxy decided, ms since the epoch (its log's ISO 8601 time). */
  readonly at: number;
  readonly reason: string;
}

export interface LoadBalancer {
  /** The frontend, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly statsUrl: string;
  readonly child: BinaryChild;
  /** Health-check settings from the config: how soon a dead instance is out. */
  readonly check: { readonly interMs: number; readonly fall: number; readonly rise: number };
  /** HAProxy's server names (bff1, bff2, …), in the order of the addresses given. */
  readonly servers: readonly string[];
  stats(): Promise<Record<string, ServerStats>>;
  /** Every DOWN and UP so far, in order. */
  stateChanges(): StateChange[];
  stop(): Promise<void>;
}

export function findHaproxy(): string | undefined {
  return haproxyBinary();
}

export async function startLoadBalancer(binary: string, instances: readonly string[], logDir: string): Promise<LoadBalancer> {
  const text = read(HAPROXY_CONFIG);
  const check = healthCheckOf(parseHaproxyConfig(text), 'bff');
  if (check.servers.length !== instances.length)
    throw new Error(`${HAPROXY_CONFIG} has ${check.servers.length} servers, the run has ${instances.length} instances`);
  const [port, statsPort] = [await freePort(), await freePort()];
  const env: Record<string, string> = { LB_BIND: `127.0.0.1:${port}`, STATS_BIND: `127.0.0.1:${statsPort}` };
  // Each server line names its address variable (`"${BFF1_ADDR}"`): fill them in order.
  check.servers.forEach((server, i) => {
    const variable = /^\$\{([A-Z0-9_]+)\}$/.exec(server.address)?.[1];
    if (!variable) throw new Error(`${HAPROXY_CONFIG}: server ${server.name} has a fixed address ${server.address}`);
    env[variable] = instances[i]!;
  });
  // -db: stay in the foreground, so the process we hold is HAProxy and dies with us.
  const child = spawnBinary('haproxy', binary, ['-db', '-f', join(ROOT, HAPROXY_CONFIG)], env, join(logDir, 'haproxy.log'));
  const url = `http://127.0.0.1:${port}`;
  const statsUrl = `http://127.0.0.1:${statsPort}`;
  await waitUntil('HAProxy to answer /healthz', () => isOk(`${statsUrl}/healthz`), { timeoutMs: 10_000, intervalMs: 50 }).catch((error: Error) => {
    throw new Error(`${error.message}\n${child.tail()}`);
  });

  const stats = async (): Promise<Record<string, ServerStats>> => {
    const response = await fetch(`${statsUrl}/stats;csv`, { signal: AbortSignal.timeout(2000) });
    const [header, ...rows] = (await response.text()).trim().split('\n');
    const columns = header!.replace(/^# /, '').split(',');
    const out: Record<string, ServerStats> = {};
    for (const row of rows) {
      const cell = Object.fromEntries(row.split(',').map((v, i) => [columns[i], v]));
      if (cell.pxname !== 'bff' || cell.svname === 'BACKEND' || cell.svname === 'FRONTEND') continue;
      const n = (k: string) => Number(cell[k] || 0);
      out[cell.svname!] = {
        name: cell.svname!,
        status: cell.status ?? '',
        sessions: n('stot'),
        current: n('scur'),
        connectionErrors: n('econ'),
        responseErrors: n('eresp'),
        retries: n('wretr'),
        redispatches: n('wredis'),
        check: (cell.check_status ?? '').replace(/^\* /, ''),
      };
    }
    return out;
  };
  return {
    url,
    statsUrl,
    child,
    check: { interMs: check.interMs ?? 2000, fall: check.fall ?? 3, rise: check.rise ?? 2 },
    servers: check.servers.map((s) => s.name),
    stats,
    stateChanges: () => {
      const changes: StateChange[] = [];
      // `2026-12-01T23:35:29.656529+00:00 Server bff/bff3 is DOWN, reason: Layer4 connection problem, …`
      for (const m of readFileSync(child.logFile, 'utf8').matchAll(/^(\S+) Server bff\/(\S+) is (UP|DOWN), reason: ([^,]*)/gm)) {
        changes.push({ at: Date.parse(m[1]!), server: m[2]!, state: m[3] as 'UP' | 'DOWN', reason: m[4]! });
      }
      return changes;
    },
    stop: () => child.stop('SIGTERM', 3000),
  };
}
