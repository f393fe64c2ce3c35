// Checks of docker-compose.yml's scale profile (three BFFs behind HAProxy, one Redis), on the
// interpolated data. Each returns a list of problems (empty = fine), like test/infra/lib/compose.ts.
import { BFF, envOf, isObj, parseDuration, publishedPorts, services, type Obj } from '../lib/compose.js';
import { HAPROXY_CONFIG, directives, environmentNames, haproxyTimeMs, healthCheckOf, parseHaproxyConfig, section } from './haproxy-config.js';
import { SCALE_PROFILE, servicesInProfile } from './profile.js';

/** Where the official haproxy image reads its configuration. */
export const HAPROXY_IMAGE_CONFIG = '/usr/local/etc/haproxy/haproxy.cfg';
export const REDIS_PORT = '6379';

const stringEnv = (svc: Obj): Record<string, string> => Object.fromEntries(Object.entries(envOf(svc)).filter((e): e is [string, string] => e[1] !== null));

const dependsOn = (svc: Obj): Record<string, string> =>
  isObj(svc.depends_on)
    ? Object.fromEntries(Object.entries(svc.depends_on).map(([k, v]) => [k, isObj(v) ? String(v.condition ?? 'service_started') : 'service_started']))
    : {};

/** The scale profile's BFFs: its services running the bff's image. */
export function replicasOf(data: Obj): string[] {
  const all = services(data);
  const image = all[BFF]?.image;
  return servicesInProfile(data, SCALE_PROFILE)
    .filter((name) => all[name]?.image === image)
    .sort();
}

/** The profile's service running `image` (`haproxy:`, `redis:`), if exactly one does. */
function oneByImage(data: Obj, prefix: string): [string, Obj] | string {
  const all = services(data);
  const found = servicesInProfile(data, SCALE_PROFILE).filter((name) => String(all[name]?.image ?? '').startsWith(prefix));
  if (found.length !== 1) return `the ${SCALE_PROFILE} profile should have one ${prefix} service, has ${found.length}`;
  return [found[0]!, all[found[0]!]!];
}

const PINNED = (name: string) => new RegExp(`^${name}:\\d+\\.\\d+\\.\\d+(-alpine)?$`);

/**
 * What a replica sets differently from the bff: the shared Redis, the proxy in front of it, and
 * the kind of delivery queue, which goes with Redis (a bff without Redis may say `memory`).
 */
export const REPLICA_OWN_SETTINGS = ['REDIS_URL', 'TRUST_PROXY', 'DELIVERY_QUEUE'];

/**
 * Each replica is the bff as it is (image, every setting) plus Redis: `REDIS_URL` names the
 * profile's Redis service on its port (and nothing switches the delivery queue back to
 * memory), it waits for that Redis and every backend the bff waits for, publishes nothing
 * (only HAProxy is reachable), and Docker gives it the same drain time as the bff.
 */
export function checkReplicas(data: Obj, shutdownGraceDefaultMs: number): string[] {
  const all = services(data);
  const bff = all[BFF];
  if (!bff) return ['no bff service'];
  const redis = oneByImage(data, 'redis:');
  const p: string[] = typeof redis === 'string' ? [redis] : [];
  const replicas = replicasOf(data);
  if (replicas.length < 2) p.push(`the ${SCALE_PROFILE} profile runs ${replicas.length} BFF(s); several are the point`);
  const bffEnv = stringEnv(bff);
  for (const name of replicas) {
    const svc = all[name]!;
    const env = stringEnv(svc);
    for (const [key, value] of Object.entries(bffEnv)) {
      if (REPLICA_OWN_SETTINGS.includes(key)) continue;
      if (env[key] !== value) p.push(`${name}: ${key} is ${JSON.stringify(env[key] ?? null)}, the bff's is ${JSON.stringify(value)}: run the same settings`);
    }
    if (svc.pull_policy !== 'never') p.push(`${name}: uses the locally built ${String(svc.image)}: set pull_policy: never`);
    if (publishedPorts(svc).length > 0) p.push(`${name}: publishes ports; only the load balancer should be reachable`);
    if ((env.DELIVERY_QUEUE ?? '').toLowerCase() === 'memory') p.push(`${name}: DELIVERY_QUEUE=memory: each replica would keep its own queue`);
    let url: URL | undefined;
    try {
      url = new URL(env.REDIS_URL ?? '');
    } catch {
      p.push(`${name}: REDIS_URL is ${JSON.stringify(env.REDIS_URL ?? null)}, not a URL: the replicas would not share anything`);
    }
    if (url && typeof redis !== 'string') {
      if (url.hostname !== redis[0]) p.push(`${name}: REDIS_URL points at "${url.hostname}", not the profile's Redis service "${redis[0]}"`);
      if ((url.port || REDIS_PORT) !== REDIS_PORT) p.push(`${name}: REDIS_URL uses port ${url.port}, Redis listens on ${REDIS_PORT}`);
    }
    const deps = dependsOn(svc);
    if (typeof redis !== 'string' && deps[redis[0]] !== 'service_healthy') p.push(`${name}: does not wait for ${redis[0]} to be healthy`);
    for (const [dep, condition] of Object.entries(dependsOn(bff))) {
      if (deps[dep] !== condition) p.push(`${name}: depends_on ${dep} is ${deps[dep] ?? 'missing'}, the bff's is ${condition}`);
    }
    const grace = svc.stop_grace_period === undefined ? null : parseDuration(String(svc.stop_grace_period));
    const drain = Number(env.SHUTDOWN_GRACE_MS ?? shutdownGraceDefaultMs);
    if (grace === null || grace < drain + 5_000)
      p.push(`${name}: stop_grace_period ${String(svc.stop_grace_period ?? 'unset')} leaves under 5s beyond SHUTDOWN_GRACE_MS (${drain} ms)`);
  }
  return p;
}

/**
 * HAProxy: a pinned image, the repository's config mounted where the image reads it, every
 * `${NAME}` of that config set, its servers exactly the replicas (each at its PORT), the
 * frontend and stats ports published on loopback, its own health check on the stats port's
 * /healthz, and it starts with the replicas (its checks decide which get traffic).
 */
export function checkLoadBalancer(data: Obj, configText: string): string[] {
  const lb = oneByImage(data, 'haproxy:');
  if (typeof lb === 'string') return [lb];
  const [name, svc] = lb;
  const p: string[] = [];
  if (!PINNED('haproxy').test(String(svc.image))) p.push(`${name}: image ${String(svc.image)} is not pinned to a release (haproxy:X.Y.Z[-alpine])`);
  const mounts = (Array.isArray(svc.volumes) ? svc.volumes : []).map(String);
  const mount = mounts.find((v) => v.split(':')[1] === HAPROXY_IMAGE_CONFIG);
  if (!mount) p.push(`${name}: nothing mounted at ${HAPROXY_IMAGE_CONFIG}`);
  else {
    const [source, , mode] = mount.split(':');
    if (source?.replace(/^\.\//, '') !== HAPROXY_CONFIG) p.push(`${name}: mounts ${source} at ${HAPROXY_IMAGE_CONFIG}, expected ./${HAPROXY_CONFIG}`);
    if (mode !== 'ro') p.push(`${name}: mounts its config read-write; use :ro`);
  }
  const env = stringEnv(svc);
  for (const variable of environmentNames(configText)) if (!env[variable]) p.push(`${name}: ${HAPROXY_CONFIG} needs \${${variable}}, which is not set`);

  const all = services(data);
  const replicas = replicasOf(data);
  const sections = parseHaproxyConfig(configText);
  const substitute = (s: string) => s.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, v: string) => env[v] ?? '');
  const targets = healthCheckOf(sections, 'bff').servers.map((s) => substitute(s.address));
  const expected = replicas.map((r) => `${r}:${envOf(all[r]!).PORT ?? '?'}`);
  for (const t of expected) if (!targets.includes(t)) p.push(`${name}: no server for ${t}`);
  for (const t of targets) if (!expected.includes(t)) p.push(`${name}: server ${t || '(empty address)'} is not a replica at its PORT`);
  if (new Set(targets).size !== targets.length) p.push(`${name}: a replica is listed twice (${targets.join(', ')})`);

  const port = (bind: string | undefined) => bind?.split(':').pop() ?? '';
  const published = publishedPorts(svc);
  for (const [what, bind] of [
    ['frontend graphql', directives(section(sections, 'frontend', 'graphql'), 'bind')[0]?.[1]],
    ['frontend stats', directives(section(sections, 'frontend', 'stats'), 'bind')[0]?.[1]],
  ] as const) {
    const container = port(bind === undefined ? undefined : substitute(bind));
    if (!container) p.push(`${name}: ${what} has no bind port`);
    else if (!published.some((m) => m.container === container && m.ip === '127.0.0.1'))
      p.push(`${name}: ${what} listens on ${container}, which is not published on 127.0.0.1`);
  }
  const statsPort = port(substitute(directives(section(sections, 'frontend', 'stats'), 'bind')[0]?.[1] ?? ''));
  const test = isObj(svc.healthcheck) && Array.isArray(svc.healthcheck.test) ? svc.healthcheck.test.map(String) : [];
  if (test[0] !== 'CMD' || !test.slice(1).join(' ').includes(`http://127.0.0.1:${statsPort}/healthz`)) {
    p.push(`${name}: healthcheck should be exec form probing http://127.0.0.1:${statsPort}/healthz, is ${JSON.stringify(test)}`);
  }
  if (!directives(section(sections, 'frontend', 'stats'), 'http-request', 'return').some((w) => w.join(' ').includes('/healthz'))) {
    p.push(`${HAPROXY_CONFIG}: the stats frontend does not answer /healthz`);
  }
  const deps = dependsOn(svc);
  for (const r of replicas) if (!deps[r]) p.push(`${name}: does not depend on ${r}`);
  return p;
}

/**
 * What the load balancer does with the instances: it routes only to those whose `/ready` says
 * 200, checked often enough that a dead one is out within about a second; it retries only what
 * is safe to retry for this API (a connection refused or closed without an answer: see the
 * comment in the config); and it waits longer than the BFF's own request budget.
 */
export function checkHealthCheckConfig(configText: string, requestTimeoutMs: number): string[] {
  const sections = parseHaproxyConfig(configText);
  const hc = healthCheckOf(sections, 'bff');
  const p: string[] = [];
  if (hc.method !== 'GET' || hc.path !== '/ready') p.push(`backend bff: option httpchk should be GET /ready, is ${hc.method ?? '?'} ${hc.path ?? '?'}`);
  if (hc.expectStatus !== '200') p.push(`backend bff: http-check expect status should be 200, is ${hc.expectStatus ?? 'unset'}`);
  if (hc.interMs === undefined || hc.interMs > 1000)
    p.push(`backend bff: check inter ${hc.interMs ?? 'unset'} ms; at most 1000 ms so a dead instance is out quickly`);
  if (hc.fall === undefined || hc.fall < 2) p.push(`backend bff: fall ${hc.fall ?? 'unset'}; at least 2, so one slow check does not take an instance out`);
  if (hc.servers.length === 0) p.push('backend bff: no servers');
  const defaults = section(sections, 'defaults');
  const retryOn = directives(defaults, 'retry-on')[0]?.slice(1) ?? [];
  const unsafe = retryOn.filter((r) => !['conn-failure', 'empty-response'].includes(r));
  if (unsafe.length > 0) p.push(`defaults: retry-on ${unsafe.join(' ')} could repeat a request the BFF already worked on`);
  const serverTimeout = haproxyTimeMs(directives(defaults, 'timeout', 'server')[0]?.[2]);
  if (serverTimeout === undefined || serverTimeout <= requestTimeoutMs) {
    p.push(`defaults: timeout server ${serverTimeout ?? 'unset'} ms should exceed the BFF's request budget (${requestTimeoutMs} ms), so the BFF answers first`);
  }
  if (directives(defaults, 'option', 'forwardfor').length === 0) p.push('defaults: no option forwardfor: the BFF would see every client as the load balancer');
  return p;
}

/** The profile's Redis: pinned, health-checked with redis-cli, never evicting (BullMQ's jobs), not published. */
export function checkRedis(data: Obj): string[] {
  const redis = oneByImage(data, 'redis:');
  if (typeof redis === 'string') return [redis];
  const [name, svc] = redis;
  const p: string[] = [];
  if (!PINNED('redis').test(String(svc.image))) p.push(`${name}: image ${String(svc.image)} is not pinned to a release (redis:X.Y.Z[-alpine])`);
  const test = isObj(svc.healthcheck) && Array.isArray(svc.healthcheck.test) ? svc.healthcheck.test.map(String) : [];
  if (test[0] !== 'CMD' || !test.includes('redis-cli') || !test.includes('ping'))
    p.push(`${name}: healthcheck should be ["CMD", "redis-cli", "ping"], is ${JSON.stringify(test)}`);
  const command = Array.isArray(svc.command) ? svc.command.map(String) : String(svc.command ?? '').split(/\s+/);
  const policy = command[command.indexOf('--maxmemory-policy') + 1];
  if (!command.includes('--maxmemory-policy') || policy !== 'noeviction')
    p.push(`${name}: --maxmemory-policy should be noeviction (BullMQ's jobs must not be evicted), is ${policy ?? 'unset'}`);
  if (publishedPorts(svc).length > 0) p.push(`${name}: published; only the replicas need it`);
  return p;
}
