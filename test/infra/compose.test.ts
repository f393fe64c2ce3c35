// Offline checks of docker-compose.yml (no Docker engine or compose plugin needed): the file is
// read as Compose reads it (YAML + merge keys, then ${VAR} interpolation), validated against the
// compose-spec JSON schema shipped with dclint, linted with the dclint CLI, cross-checked with the
// Dockerfile, and each container's environment is fed to the BFF's and the mocks' own config
// parsers. The second half breaks the real file in specific ways and shows each check failing.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mockOptionsFromEnv } from '../../mocks/index.js';
import { SERVICE_NAMES, loadConfig } from '../../src/config.js';
import {
  BFF,
  MOCKS,
  checkBff,
  checkBffBackendUrls,
  checkDependsOn,
  checkHealthchecks,
  checkImages,
  checkKnobsFollowShell,
  checkLoopbackPorts,
  checkMockAnchors,
  checkMocks,
  checkObservability,
  checkProfiles,
  checkServiceSet,
  checkThirdParty,
  checkVariablesHaveDefaults,
  dclintBin,
  envOf,
  faultKnobs,
  interpolate,
  loadCompose,
  loadComposeSchema,
  schemaErrors,
  services,
  type Obj,
} from './lib/compose.js';
import { effectiveConfig, parseDockerfile, stageByName } from './lib/dockerfile.js';
import { ROOT, exists, mutate, read } from './lib/project.js';
import { SCALE_PROFILE, withoutProfile } from './deploy/profile.js';

const COMPOSE_FILE = 'docker-compose.yml';
const DCLINT_CONFIG = join(ROOT, 'test/infra/dclint.config.yml');

const composeText = read(COMPOSE_FILE);
const df = parseDockerfile(read('Dockerfile'));
const imageEnv = {
  bff: effectiveConfig(stageByName(df, 'bff')!).env,
  mocks: effectiveConfig(stageByName(df, 'mocks')!).env,
};
/** FAULT_* variables the mocks understand (mocks/env.ts). */
const KNOBS = faultKnobs(read('mocks/env.ts'));
/** The BFF's built-in drain time on SIGTERM (src/config.ts default). */
const SHUTDOWN_GRACE_DEFAULT_MS = loadConfig({}).shutdownGraceMs;

/** The file as `docker compose` sees it, with `shell` as the environment it runs in. */
function load(text: string, shell: Record<string, string> = {}): { raw: Obj; data: Obj; doc: ReturnType<typeof loadCompose>['doc'] } {
  const { raw: all, doc } = loadCompose(text);
  // The scale profile (three BFFs, HAProxy, Redis) has checks of its own: compose-scale.test.ts.
  const raw = withoutProfile(all, SCALE_PROFILE);
  return { raw, doc, data: interpolate(raw, shell).value };
}

/** What the process in a service's container sees: the image's ENV overlaid with compose's environment. */
function containerEnv(data: Obj, service: string): Record<string, string> {
  const fromImage = service === BFF ? imageEnv.bff : imageEnv.mocks;
  const fromCompose = Object.entries(envOf(services(data)[service] ?? {})).filter((e): e is [string, string] => e[1] !== null);
  return { ...fromImage, ...Object.fromEntries(fromCompose) };
}

function dclint(file: string): { status: number | null; messages: unknown[]; output: string } {
  const r = spawnSync(process.execPath, [dclintBin(), file, '-c', DCLINT_CONFIG, '--max-warnings', '0', '-f', 'json', '--no-color'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  let messages: unknown[] = [];
  try {
    messages = (JSON.parse(r.stdout) as { messages: unknown[] }[]).flatMap((f) => f.messages);
  } catch {
    messages = [`unparsable dclint output: ${r.stdout}`];
  }
  return { status: r.status, messages, output: `${r.stdout}\n${r.stderr}` };
}

const real = load(composeText);
const readText = (rel: string) => (exists(rel) ? read(rel) : undefined);

describe('docker-compose.yml', () => {
  it('uses ${VAR}s that all have defaults (runs without an .env file)', () => {
    expect(checkVariablesHaveDefaults(real.raw)).toEqual([]);
  });

  it('validates against the compose-spec JSON schema (draft-07) with zero errors', () => {
    expect(loadComposeSchema().declared).toMatch(/json-schema\.org\/draft-07\/schema#?$/);
    expect(schemaErrors(real.data)).toEqual([]);
  });

  it('passes the dclint CLI with zero errors and zero warnings', () => {
    const r = dclint(COMPOSE_FILE);
    expect(r.messages, r.output).toEqual([]);
    expect(r.status, r.output).toBe(0);
  });

  it('runs exactly the bff and the six mocks (extras only behind a profile)', () => {
    expect(checkServiceSet(real.data)).toEqual([]);
  });

  it('gives every service an exec-form health check on its own port', () => {
    expect(checkHealthchecks(real.data)).toEqual([]);
  });

  it('starts the bff only once every mock is healthy', () => {
    expect(checkDependsOn(real.data)).toEqual([]);
  });

  it("points each of the bff's *_URL at an existing service and that service's PORT", () => {
    expect(checkBffBackendUrls(real.data)).toEqual([]);
  });

  it('runs each mock as the backend it is named after, on its port, with every knob passed in', () => {
    expect(KNOBS.length, 'no FAULT_* names found in mocks/env.ts: update faultKnobs()').toBeGreaterThanOrEqual(2);
    expect(checkMocks(real.data, KNOBS)).toEqual([]);
  });

  it('takes the fault knobs and MOCK_CONTROLS from the shell', () => {
    expect(checkKnobsFollowShell(real.raw, [...KNOBS, 'MOCK_CONTROLS'])).toEqual([]);
  });

  it('builds each image once, from Dockerfile targets that exist, and never pulls local tags', () => {
    expect(checkImages(real.data, df, exists)).toEqual([]);
  });

  it('publishes the bff on 4000 with restart policy, production env, and time to drain on SIGTERM', () => {
    expect(checkBff(real.data, imageEnv.bff, SHUTDOWN_GRACE_DEFAULT_MS)).toEqual([]);
  });

  it('keeps the mocks DRY with the x-mock / x-mock-env anchors', () => {
    expect(checkMockAnchors(real.doc)).toEqual([]);
  });

  it('publishes every port on 127.0.0.1 only', () => {
    expect(checkLoopbackPorts(real.data)).toEqual([]);
  });

  it('puts the optional services in the observability profile, third-party images pinned and health-checked', () => {
    expect(checkProfiles(real.data)).toEqual([]);
    expect(checkThirdParty(real.data)).toEqual([]);
    const profiled = Object.entries(services(real.data))
      .filter(([, s]) => s.profiles !== undefined)
      .map(([name]) => name);
    expect(profiled.sort()).toEqual(['bff-traced', 'jaeger', 'prometheus']);
  });

  it('wires the profile: an untraced bff, a traced one exporting to Jaeger by OTLP, Prometheus scraping both', () => {
    expect(checkObservability(real.data, readText)).toEqual([]);
    const traced = loadConfig(containerEnv(real.data, 'bff-traced'));
    expect(traced.observability.otlpTracesUrl).toBe('http://jaeger:4318/v1/traces');
    expect(loadConfig(containerEnv(real.data, BFF)).observability.otlpTracesUrl).toBeUndefined();
  });
});

describe('the containers as the code sees them', () => {
  it('the bff (src/config.ts) and the mocks name the same six backends, on the same ports', () => {
    expect([...SERVICE_NAMES].sort()).toEqual(Object.keys(MOCKS).sort());
    const defaults = loadConfig({}).backends;
    for (const name of SERVICE_NAMES) expect(new URL(defaults[name].url).port).toBe(String(MOCKS[name]));
  });

  it("the bff's environment passes the BFF's own config loader", () => {
    const config = loadConfig(containerEnv(real.data, BFF));
    expect(config).toMatchObject({ env: 'production', host: '0.0.0.0', port: 4000, logLevel: 'info', graphiql: true });
    for (const name of SERVICE_NAMES) expect(config.backends[name].url).toBe(`http://${name}:${MOCKS[name]}`);
  });

  it.each(Object.keys(MOCKS))("the %s container's environment passes mocks/env.ts and selects that backend alone", (mock) => {
    const options = mockOptionsFromEnv(containerEnv(real.data, mock));
    expect(options).toEqual({ host: '0.0.0.0', services: [mock], ports: { [mock]: MOCKS[mock] }, controls: true });
  });

  it('fault knobs set in the shell reach every mock as faults', () => {
    const slow = load(composeText, { FAULT_LATENCY_MS: '300', FAULT_ERROR_RATE: '0.1', FAULT_ROUTES: 'GET /stock', MOCK_CONTROLS: 'off' });
    for (const mock of Object.keys(MOCKS)) {
      const options = mockOptionsFromEnv(containerEnv(slow.data, mock));
      expect(options.faults).toEqual({ latencyMs: 300, errorRate: 0.1, routes: ['GET /stock'] });
      expect(options.controls).toBe(false);
    }
  });
});

describe('the compose checks catch', () => {
  const broken = (from: string | RegExp, to: string) => load(mutate(composeText, from, to));
  const tmp = mkdtempSync(join(tmpdir(), 'compose-check-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('schema violations (unknown condition, misspelt key, wrong type)', () => {
    expect(schemaErrors(broken('condition: service_healthy', 'condition: service_ready').data).length).toBeGreaterThan(0);
    expect(schemaErrors(broken('stop_grace_period: 20s', 'stop_grace_perod: 20s').data).join()).toMatch(/stop_grace_perod/);
    expect(schemaErrors(broken('retries: 5', 'retries: [5]').data).length).toBeGreaterThan(0);
  });

  it('dclint findings (unquoted port, version field)', () => {
    const f1 = join(tmp, 'unquoted.yml');
    writeFileSync(f1, mutate(composeText, "- '127.0.0.1:4000:4000'", '- 127.0.0.1:4000:4000'));
    expect(dclint(f1).status).not.toBe(0);
    const f2 = join(tmp, 'version.yml');
    writeFileSync(f2, `version: "3.9"\n${composeText}`);
    expect(dclint(f2).status).not.toBe(0);
  });

  it('variables without defaults and bad interpolation', () => {
    // Reported once per service using it: bff, and bff-traced which merges the bff's environment.
    expect(checkVariablesHaveDefaults(broken('${LOG_LEVEL:-info}', '${LOG_LEVEL}').raw)).toEqual([
      expect.stringMatching(/^services\.bff\..*LOG_LEVEL/),
      expect.stringMatching(/^services\.bff-traced\..*LOG_LEVEL/),
    ]);
    expect(checkVariablesHaveDefaults(broken('${LOG_LEVEL:-info}', '$(LOG_LEVEL)').raw)).toHaveLength(2);
  });

  it('a missing or extra service', () => {
    expect(checkServiceSet(broken(/\n {2}reviews:\n/, '\n  review:\n').data)).toHaveLength(2);
  });

  it('a missing health check, or one probing the wrong port', () => {
    expect(checkHealthchecks(broken("'http://127.0.0.1:4000/health'", "'http://127.0.0.1:4001/health'").data)).toHaveLength(1);
    expect(checkHealthchecks(broken(/ {4}healthcheck:\n {6}# \/health[\s\S]*?start_period: 10s\n/, '').data)).toEqual(['bff: no healthcheck']);
    expect(checkHealthchecks(broken('PORT: "4003"', 'PORTS: "4003"').data)).toHaveLength(1);
  });

  it('the bff not waiting for a mock to be healthy', () => {
    expect(checkDependsOn(broken(/( {6}users:\n {8}condition: )service_healthy/, '$1service_started').data)).toHaveLength(1);
    expect(checkDependsOn(broken(/ {6}users:\n {8}condition: service_healthy\n/, '').data)).toHaveLength(1);
  });

  it('a backend URL pointing at the wrong host or port', () => {
    expect(checkBffBackendUrls(broken('http://orders:4005', 'http://orders:4006').data)).toHaveLength(1);
    expect(checkBffBackendUrls(broken('http://orders:4005', 'http://order:4005').data)).toHaveLength(1);
    expect(checkBffBackendUrls(broken('http://orders:4005', 'http://inventory:4004').data)).toHaveLength(1);
    expect(checkBffBackendUrls(broken('      ORDERS_URL: http://orders:4005\n', '').data)).toEqual(['bff: ORDERS_URL is not set']);
  });

  it('a mock with the wrong MOCK_SERVICE, PORT or published port, or a knob not passed in', () => {
    expect(checkMocks(broken('MOCK_SERVICE: orders', 'MOCK_SERVICE: order').data, KNOBS)).toHaveLength(1);
    expect(checkMocks(broken('PORT: "4005"', 'PORT: "4004"').data, KNOBS)).toHaveLength(3); // wrong port, a clash, publishes 4005
    expect(checkMocks(broken("'127.0.0.1:4005:4005'", "'4005:4005'").data, KNOBS)).toEqual(['orders: published on all interfaces, expected 127.0.0.1']);
    expect(checkMocks(broken('  FAULT_HANG: ${FAULT_HANG:-}\n', '').data, KNOBS)).toHaveLength(6);
  });

  it('knobs not taken from the shell, or lost to a shallow merge', () => {
    expect(checkKnobsFollowShell(broken('FAULT_LATENCY_MS: ${FAULT_LATENCY_MS:-}', 'FAULT_LATENCY_MS: "0"').raw, KNOBS)).toHaveLength(6);
    const shallow = broken('      <<: *mock-env\n      MOCK_SERVICE: orders', '      MOCK_SERVICE: orders\n      HOST: 0.0.0.0');
    expect(checkMocks(shallow.data, KNOBS)).toHaveLength(KNOBS.length + 1);
    expect(checkMockAnchors(shallow.doc)).toEqual(['orders: environment does not merge the x-mock-env anchor']);
  });

  it('environments the BFF or the mocks would refuse to start with', () => {
    expect(() => loadConfig(containerEnv(broken('${LOG_LEVEL:-info}', '${LOG_LEVEL:-loud}').data, BFF))).toThrow(/LOG_LEVEL/);
    expect(() => loadConfig(containerEnv(broken('GRAPHIQL: ${GRAPHIQL:-on}', 'GRAPHIQL: ${GRAPHIQL:-sure}').data, BFF))).toThrow(/GRAPHIQL/);
    expect(() => mockOptionsFromEnv(containerEnv(broken('${MOCK_CONTROLS:-on}', '${MOCK_CONTROLS:-maybe}').data, 'users'))).toThrow(/MOCK_CONTROLS/);
    expect(() => mockOptionsFromEnv(containerEnv(load(composeText, { FAULT_ERROR_RATE: '2' }).data, 'users'))).toThrow(/FAULT_ERROR_RATE/);
  });

  it('wrong build targets, duplicate builds and pulls of local tags', () => {
    expect(checkImages(broken('target: mocks', 'target: mock').data, df, exists).join()).toMatch(/"mock" is not a stage/);
    expect(checkImages(broken('target: bff', 'target: mocks').data, df, exists).join()).toMatch(/bff: image is not built from the Dockerfile target "bff"/);
    expect(checkImages(broken('dockerfile: Dockerfile\n      target: bff', 'dockerfile: Dockerfile.bff\n      target: bff').data, df, exists)).toHaveLength(1);
    expect(checkImages(broken(/( {4}pull_policy: build\n)(\n {2}# --- observability)/, '$2').data, df, exists)).toHaveLength(1);
    expect(checkImages(broken('  pull_policy: never\n', '').data, df, exists)).toHaveLength(5);
    const twice = broken(/( {2}catalog:\n {4}<<: \*mock\n)/, '$1    build:\n      context: .\n      target: mocks\n    pull_policy: build\n');
    expect(checkImages(twice.data, df, exists).join()).toMatch(/built by catalog, users/);
    expect(checkImages(broken('image: storefront-mocks:local', 'image: storefront-mocks:1').data, df, exists)).toEqual([]); // a consistent rename is fine
  });

  it('the bff published on the wrong port, without restart policy, or killed before it drains', () => {
    const check = (b: { data: Obj }) => checkBff(b.data, imageEnv.bff, SHUTDOWN_GRACE_DEFAULT_MS);
    expect(check(broken("'127.0.0.1:4000:4000'", "'127.0.0.1:4000:4001'"))).toHaveLength(1);
    expect(check(broken(/( {4}ports:\n {6}# [^\n]*\n {6}- '127.0.0.1:4000:4000'\n {4})restart: unless-stopped/, '$1restart: "no"'))).toHaveLength(1);
    expect(check(broken('stop_grace_period: 20s', 'stop_grace_period: 12s'))).toHaveLength(1);
    expect(check(broken('SHUTDOWN_GRACE_MS: "10000"', 'SHUTDOWN_GRACE_MS: "30000"'))).toHaveLength(1);
    expect(check(broken('      SHUTDOWN_GRACE_MS: "10000"\n', ''))).toEqual([]); // the BFF's default (10 s) applies
    expect(check(broken('      NODE_ENV: production\n', '      NODE_ENV: development\n'))).toHaveLength(1);
    expect(checkBff(real.data, { ...imageEnv.bff, HOST: '127.0.0.1' }, SHUTDOWN_GRACE_DEFAULT_MS)).toEqual([]); // compose sets HOST too
  });

  it('ports published beyond loopback', () => {
    expect(checkLoopbackPorts(broken("'127.0.0.1:9090:9090'", "'9090:9090'").data)).toEqual([
      'prometheus: publishes 9090:9090 on all interfaces, expected 127.0.0.1',
    ]);
    expect(checkLoopbackPorts(broken("'127.0.0.1:16686:16686'", "'0.0.0.0:16686:16686'").data)).toHaveLength(1);
  });

  it('third-party images not pinned, outside the profile, or without a health check', () => {
    expect(checkThirdParty(broken('jaegertracing/jaeger:2.10.0', 'jaegertracing/jaeger:latest').data)).toEqual([
      expect.stringMatching(/^jaeger: .*not pinned/),
    ]);
    expect(checkThirdParty(broken('prom/prometheus:v3.5.0', 'prom/prometheus:v3').data)).toHaveLength(1);
    const unprofiled = broken(/(\n {2}prometheus:[\s\S]*?) {4}profiles:\n {6}- observability\n/, '$1');
    expect(checkThirdParty(unprofiled.data)).toEqual(['prometheus: a third-party service outside any profile']);
    expect(checkServiceSet(unprofiled.data)).toEqual(['unexpected service "prometheus" (put extra services behind a profile)']);
    expect(checkThirdParty(broken(/ {4}healthcheck:\n {6}# its health-check[\s\S]*?start_period: 10s\n/, '').data)).toEqual(['jaeger: no healthcheck']);
    expect(checkThirdParty(broken('http://127.0.0.1:9090/-/healthy', 'http://prometheus:9090/-/healthy').data)).toHaveLength(1);
    expect(checkProfiles(broken('      - observability\n', '      - tracing\n').data)).toHaveLength(1);
  });

  it('tracing switched on outside the profile, exported to the wrong place, or with other settings', () => {
    const check = (b: { data: Obj }) => checkObservability(b.data, readText);
    expect(check(broken('      NODE_ENV: production\n', '      NODE_ENV: production\n      OTEL_EXPORTER_OTLP_ENDPOINT: http://jaeger:4318\n'))).toEqual([
      expect.stringMatching(/^bff: sets an OTLP endpoint/),
    ]);
    expect(check(broken('http://jaeger:4318', 'http://jaeger:4317'))).toEqual([expect.stringMatching(/not OTLP\/HTTP's 4318/)]);
    expect(check(broken('http://jaeger:4318', 'http://zipkin:4318'))).toEqual([
      expect.stringMatching(/"zipkin", which is not a service/),
      expect.stringMatching(/does not wait for zipkin/),
    ]);
    expect(check(broken(/( {6}inventory:\n {8}condition: service_healthy\n) {6}jaeger:\n {8}condition: service_healthy\n/, '$1'))).toEqual([
      'bff-traced: does not wait for jaeger to be healthy',
    ]);
    expect(check(broken('      OTEL_EXPORTER_OTLP_ENDPOINT: http://jaeger:4318\n', ''))).toEqual([
      'no BFF in the observability profile exports traces (OTEL_EXPORTER_OTLP_ENDPOINT)',
    ]);
    // bff-traced's own merge (the scale profile's replicas merge the same anchor before it)
    expect(check(broken(/(\n {2}bff-traced:\n[\s\S]*?) {6}<<: \*bff-env\n/, '$1      NODE_ENV: production\n'))).not.toEqual([]);
  });

  it('Prometheus not scraping a BFF, or scraping what is not there', () => {
    const withConfig = (config: string) => checkObservability(real.data, (rel) => (rel === 'observability/prometheus.yml' ? config : readText(rel)));
    const config = read('observability/prometheus.yml');
    expect(withConfig(mutate(config, "- targets: ['bff-traced:4000']", "- targets: ['bff-traced:4010']"))).toEqual([
      'prometheus: scrapes bff-traced:4010, but bff-traced listens on PORT=4000',
      'prometheus: does not scrape bff-traced:4000/metrics',
    ]);
    expect(withConfig(mutate(config, "'bff:4000'", "'bff-untraced:4000'"))).toHaveLength(2);
    expect(withConfig(mutate(config, 'metrics_path: /metrics', 'metrics_path: /stats'))).toHaveLength(2);
    expect(checkObservability(broken('./observability/prometheus.yml:', './observability/prom.yml:').data, readText)).toEqual([
      expect.stringMatching(/no readable config/),
    ]);
  });

  it('mocks that repeat their settings instead of merging the anchor', () => {
    const copied = broken(/( {2}inventory:\n) {4}<<: \*mock\n/, '$1    image: storefront-mocks:local\n    pull_policy: never\n');
    expect(checkMockAnchors(copied.doc)).toEqual([expect.stringMatching(/^inventory: does not merge the x-mock anchor/)]);
  });
});

describe('compose interpolation', () => {
  const value = (s: string, env: Record<string, string>) => (interpolate({ v: s }, env).value as { v: string }).v;

  it('follows the Compose rules', () => {
    expect(value('${A:-d}', {})).toBe('d');
    expect(value('${A:-d}', { A: '' })).toBe('d');
    expect(value('${A-d}', { A: '' })).toBe('');
    expect(value('${A:-}', {})).toBe('');
    expect(value('${A:-${B:-x}}', { B: 'b' })).toBe('b');
    expect(value('$A/$$B', { A: 'a' })).toBe('a/$B');
    expect(value('${A:+set}', { A: '1' })).toBe('set');
    expect(interpolate({ v: '${A:?needed}' }, {}).errors).toHaveLength(1);
    expect(interpolate({ v: 'cost: $5' }, {}).errors).toHaveLength(1);
  });
});
