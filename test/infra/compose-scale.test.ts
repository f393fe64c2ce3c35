// Offline checks of docker-compose.yml's scale profile: three BFF replicas behind HAProxy,
// sharing one Redis. The whole file (with the profile) against the compose-spec schema and the
// generic checks of test/infra/lib/compose.ts; the profile's own rules (compose-checks.ts);
// HAProxy's verdict on deploy/haproxy/haproxy.cfg with the profile's environment (`haproxy -c`);
// each replica's environment through the BFF's config loader; the health-check path asked of
// the BFF itself. The last block breaks the files and shows each check failing.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import {
  BFF,
  checkDependsOn,
  checkHealthchecks,
  checkImages,
  checkLoopbackPorts,
  checkVariablesHaveDefaults,
  envOf,
  interpolate,
  loadCompose,
  schemaErrors,
  services,
  type Obj,
} from './lib/compose.js';
import { effectiveConfig, parseDockerfile, stageByName } from './lib/dockerfile.js';
import { exists, mutate, read } from './lib/project.js';
import { bffStatuses, servesReadiness } from './deploy/bff-endpoints.js';
import { checkHealthCheckConfig, checkLoadBalancer, checkRedis, checkReplicas, replicasOf } from './deploy/compose-checks.js';
import { HAPROXY_CONFIG, checkWithHaproxy, haproxyBinary, healthCheckOf, parseHaproxyConfig } from './deploy/haproxy-config.js';
import { SCALE_PROFILE, servicesInProfile } from './deploy/profile.js';

const composeText = read('docker-compose.yml');
const haproxyText = read(HAPROXY_CONFIG);
const df = parseDockerfile(read('Dockerfile'));
const bffImageEnv = effectiveConfig(stageByName(df, 'bff')!).env;
const DEFAULTS = loadConfig({});

const load = (text: string) => {
  const { raw } = loadCompose(text);
  return { raw, data: interpolate(raw, {}).value };
};
const real = load(composeText);
const containerEnv = (data: Obj, name: string): Record<string, string> => ({
  ...bffImageEnv,
  ...Object.fromEntries(Object.entries(envOf(services(data)[name] ?? {})).filter((e): e is [string, string] => e[1] !== null)),
});
const haproxyEnvOf = (data: Obj) => Object.fromEntries(Object.entries(envOf(services(data).haproxy ?? {})).map(([k, v]) => [k, v ?? '']));

const HAPROXY = haproxyBinary();
if (!HAPROXY) console.warn(`compose-scale.test.ts: no haproxy binary (apt-get install -y haproxy): skipping \`haproxy -c\` of ${HAPROXY_CONFIG}`);
// CI installs haproxy (.ci/run): there, its absence is a failure, not a skip.
const haproxyIt = HAPROXY || process.env.CI ? it : it.skip;

describe('docker-compose.yml, scale profile', () => {
  it('is three BFF replicas, HAProxy and Redis, none of them in the default stack', () => {
    expect(servicesInProfile(real.data, SCALE_PROFILE).sort()).toEqual(['bff-1', 'bff-2', 'bff-3', 'haproxy', 'redis']);
    expect(replicasOf(real.data)).toEqual(['bff-1', 'bff-2', 'bff-3']);
    for (const name of servicesInProfile(real.data, SCALE_PROFILE)) expect(services(real.data)[name]!.profiles).toEqual([SCALE_PROFILE]);
  });

  it('the whole file, profile included, validates against the compose-spec schema and uses only defaulted variables', () => {
    expect(schemaErrors(real.data)).toEqual([]);
    expect(checkVariablesHaveDefaults(real.raw)).toEqual([]);
  });

  it("the profile passes the file's generic checks: health checks, depends_on, images, loopback ports", () => {
    expect(checkHealthchecks(real.data)).toEqual([]);
    expect(checkDependsOn(real.data)).toEqual([]);
    expect(checkImages(real.data, df, exists)).toEqual([]);
    expect(checkLoopbackPorts(real.data)).toEqual([]);
  });

  it("each replica is the bff's image and settings plus the profile's Redis, unpublished, with time to drain", () => {
    expect(checkReplicas(real.data, DEFAULTS.shutdownGraceMs)).toEqual([]);
  });

  it("each replica's environment passes the BFF's config loader and shares Redis for limits and writes", () => {
    for (const name of replicasOf(real.data)) {
      const config = loadConfig(containerEnv(real.data, name));
      expect(config).toMatchObject({ env: 'production', host: '0.0.0.0', port: 4000 });
      expect(config.edge.redisUrl).toBe('redis://redis:6379');
      expect(config.delivery.redisUrl).toBe('redis://redis:6379');
      expect(config.edge.trustProxy).toBe(1);
    }
  });

  it('HAProxy: pinned, the repository config mounted, servers = the replicas, ports on loopback, its own health check', () => {
    expect(checkLoadBalancer(real.data, haproxyText)).toEqual([]);
  });

  it('HAProxy routes on GET /ready = 200, checked every ≤ 1 s, retries only what is safe, outwaits the BFF', () => {
    expect(checkHealthCheckConfig(haproxyText, DEFAULTS.requestTimeoutMs)).toEqual([]);
  });

  it("the path HAProxy checks is the BFF's readiness endpoint", async () => {
    const path = healthCheckOf(parseHaproxyConfig(haproxyText), 'bff').path!;
    const statuses = await bffStatuses([path, '/no-such-probe']);
    expect(servesReadiness(statuses[path]), `GET ${path} answered ${statuses[path]}`).toBe(true);
    expect(statuses['/no-such-probe']).toBe(404);
  });

  it('Redis: pinned, health-checked, never evicts, not published', () => {
    expect(checkRedis(real.data)).toEqual([]);
  });

  haproxyIt('HAProxy itself accepts the config with the environment the profile gives it (haproxy -c)', () => {
    const r = checkWithHaproxy(HAPROXY!, haproxyText, haproxyEnvOf(real.data));
    expect(r.ok, r.output).toBe(true);
  });
});

describe('the scale checks catch', () => {
  const broken = (from: string | RegExp, to: string) => load(mutate(composeText, from, to)).data;
  const brokenCfg = (from: string | RegExp, to: string) => mutate(haproxyText, from, to);

  it('a replica without Redis, with another Redis, or with other settings than the bff', () => {
    const withoutRedis = broken('      REDIS_URL: redis://redis:6379\n', '');
    expect(checkReplicas(withoutRedis, DEFAULTS.shutdownGraceMs).join('\n')).toMatch(/bff-1: REDIS_URL is null/);
    expect(checkReplicas(broken('redis://redis:6379', 'redis://cache:6379'), DEFAULTS.shutdownGraceMs)).toHaveLength(3);
    expect(checkReplicas(broken('redis://redis:6379', 'redis://redis:6380'), DEFAULTS.shutdownGraceMs)).toHaveLength(3);
    const ownSettings = broken('      TRUST_PROXY: "1"\n', '      TRUST_PROXY: "1"\n      LOG_LEVEL: debug\n');
    expect(checkReplicas(ownSettings, DEFAULTS.shutdownGraceMs)).toEqual(
      ['bff-1', 'bff-2', 'bff-3'].map((r) => `${r}: LOG_LEVEL is "debug", the bff's is "info": run the same settings`),
    );
    const memory = broken('      DELIVERY_QUEUE: redis\n', '      DELIVERY_QUEUE: memory\n');
    expect(checkReplicas(memory, DEFAULTS.shutdownGraceMs)).toHaveLength(3);
  });

  it('a replica that does not wait for Redis, is published, or is killed before it drains', () => {
    const deps = /( {6}orders:\n {8}condition: service_healthy\n) {6}redis:\n {8}condition: service_healthy\n/;
    expect(checkReplicas(broken(deps, '$1'), DEFAULTS.shutdownGraceMs)).toHaveLength(3);
    const published = broken(/(bff-1: &bff-replica\n {4}image: storefront-bff:local\n)/, "$1    ports:\n      - '127.0.0.1:4001:4000'\n");
    expect(checkReplicas(published, DEFAULTS.shutdownGraceMs)).toHaveLength(3);
    const hurried = broken(/(bff-1: &bff-replica[\s\S]*?)stop_grace_period: 20s/, '$1stop_grace_period: 12s');
    expect(checkReplicas(hurried, DEFAULTS.shutdownGraceMs)).toHaveLength(3);
  });

  it('HAProxy without one replica, with a wrong address, an unset variable, or its config not mounted', () => {
    expect(checkLoadBalancer(broken('BFF3_ADDR: bff-3:4000', 'BFF3_ADDR: bff-2:4000'), haproxyText)).toEqual([
      'haproxy: no server for bff-3:4000',
      'haproxy: a replica is listed twice (bff-1:4000, bff-2:4000, bff-2:4000)',
    ]);
    expect(checkLoadBalancer(real.data, brokenCfg('    server bff3 "${BFF3_ADDR}"\n', ''))).toEqual(['haproxy: no server for bff-3:4000']);
    expect(checkLoadBalancer(broken('BFF2_ADDR: bff-2:4000', 'BFF2_ADDR: bff-2:4010'), haproxyText)).toHaveLength(2);
    expect(checkLoadBalancer(broken('      BFF1_ADDR: bff-1:4000\n', ''), haproxyText).join('\n')).toMatch(/needs \$\{BFF1_ADDR\}/);
    expect(checkLoadBalancer(broken(':/usr/local/etc/haproxy/haproxy.cfg:ro', ':/etc/haproxy.cfg:ro'), haproxyText)).toEqual([
      'haproxy: nothing mounted at /usr/local/etc/haproxy/haproxy.cfg',
    ]);
    expect(checkLoadBalancer(broken("'127.0.0.1:4080:4080'", "'4080:4080'"), haproxyText)).toHaveLength(1);
    expect(checkLoadBalancer(broken('haproxy:2.6.12-alpine', 'haproxy:latest'), haproxyText)).toHaveLength(1);
  });

  it('health checks on the wrong path or status, too rarely, unsafe retries, a short server timeout', () => {
    const t = DEFAULTS.requestTimeoutMs;
    expect(checkHealthCheckConfig(brokenCfg('option httpchk GET /ready', 'option httpchk GET /health'), t)).toHaveLength(1);
    expect(checkHealthCheckConfig(brokenCfg('http-check expect status 200', 'http-check expect status 503'), t)).toHaveLength(1);
    expect(checkHealthCheckConfig(brokenCfg('check inter 500ms', 'check inter 5s'), t)).toHaveLength(1);
    expect(checkHealthCheckConfig(brokenCfg('retry-on conn-failure empty-response', 'retry-on all-retryable-errors'), t)).toHaveLength(1);
    expect(checkHealthCheckConfig(brokenCfg('timeout server 30s', 'timeout server 3s'), t)).toHaveLength(1);
    expect(checkHealthCheckConfig(brokenCfg('    option forwardfor\n', ''), t)).toHaveLength(1);
  });

  it('a Redis that evicts, is not checked, or is floating', () => {
    expect(checkRedis(broken('"noeviction"', '"allkeys-lru"'))).toHaveLength(1);
    expect(checkRedis(broken('["CMD", "redis-cli", "ping"]', '["CMD", "true"]'))).toHaveLength(1);
    expect(checkRedis(broken('redis:7.0.15-alpine', 'redis:7'))).toHaveLength(1);
  });

  haproxyIt('haproxy -c refuses a broken config, or one missing its environment', () => {
    const env = haproxyEnvOf(real.data);
    expect(checkWithHaproxy(HAPROXY!, brokenCfg('balance roundrobin', 'balance round-robin'), env).ok).toBe(false);
    expect(checkWithHaproxy(HAPROXY!, haproxyText, { ...env, LB_BIND: '' }).ok).toBe(false);
  });

  it('the default bff is untouched by the profile', () => {
    expect(services(real.data)[BFF]!.profiles).toBeUndefined();
  });
});
