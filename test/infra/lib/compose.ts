// Loading docker-compose.yml the way Compose does (YAML with merge keys, then ${VAR} interpolation,
// then the compose-spec JSON schema), and the semantic checks the schema cannot express.
// Each check returns a list of problems (empty = fine).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { isAlias, isMap, isScalar, parseDocument, type Document } from 'yaml';
import type { Dockerfile } from './dockerfile.js';
import { stageByName } from './dockerfile.js';
import { DEFAULT_PORTS } from '../../../mocks/index.js';

/**
 * The six mock backends and their ports, from the mocks themselves (DEFAULT_PORTS of mocks/index.ts);
 * test/infra/compose.test.ts checks that src/config.ts names the same six.
 */
export const MOCKS: Readonly<Record<string, number>> = { ...DEFAULT_PORTS };
export const BFF = 'bff';
export const BFF_PORT = 4000;

/** The fault knobs the mocks read from their environment (the FAULT_* names in mocks/env.ts). */
export function faultKnobs(envSource: string): string[] {
  return [...new Set([...envSource.matchAll(/['"](FAULT_[A-Z0-9_]+)['"]/g)].map((m) => m[1]))];
}

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type Obj = { [k: string]: Json };

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// ---------------------------------------------------------------------------------------------------
// loading

export interface LoadedCompose {
  /** the YAML document (for checks on how the file is written: anchors, merge keys) */
  doc: Document;
  /** the data after merge keys, before interpolation */
  raw: Obj;
}

export function loadCompose(text: string): LoadedCompose {
  const doc = parseDocument(text, { merge: true, prettyErrors: true, uniqueKeys: true });
  const errors = [...doc.errors, ...doc.warnings];
  if (errors.length) throw new Error(`invalid YAML:\n${errors.map((e) => e.message).join('\n')}`);
  const raw: unknown = doc.toJS({ maxAliasCount: 1000 });
  if (!isObj(raw)) throw new Error('the compose file is not a mapping');
  return { doc, raw };
}

export interface Interpolation {
  value: Obj;
  /** variables referenced, with whether each reference has a default (`${X:-d}` / `${X-d}`) */
  variables: { name: string; hasDefault: boolean; at: string }[];
  errors: string[];
}

/**
 * Compose interpolation of every string value: `$$`, `$VAR`, `${VAR}`, `${VAR:-default}`,
 * `${VAR-default}`, `${VAR:?err}`, `${VAR?err}`, `${VAR:+alt}`, `${VAR+alt}` (defaults may nest).
 * A `$` starting none of these is an error, as in Compose up to v2.2x ("invalid interpolation
 * format"; later versions pass it through, which is never what the author meant).
 *
 * Hand-written on purpose: no npm package implements Compose's grammar. dotenv-expand and the
 * envsubst ports know `${VAR:-default}` at most (no `?`/`+` forms, no "set but empty" rule, no
 * record of which variables lack a default), and @balena/compose-parser, which wraps Compose's
 * own compose-go, needs Node 22 and downloads a binary at install. The grammar is this small.
 */
export function interpolate(data: Obj, env: Record<string, string | undefined>): Interpolation {
  const variables: Interpolation['variables'] = [];
  const errors: string[] = [];

  const expand = (s: string, at: string): string => {
    let out = '';
    let i = 0;
    while (i < s.length) {
      const ch = s[i];
      if (ch !== '$') {
        out += ch;
        i++;
        continue;
      }
      const next = s[i + 1];
      if (next === '$') {
        out += '$';
        i += 2;
        continue;
      }
      if (next !== undefined && /[A-Za-z_]/.test(next)) {
        const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i + 1));
        const name = m ? m[0] : '';
        variables.push({ name, hasDefault: false, at });
        out += env[name] ?? '';
        i += 1 + name.length;
        continue;
      }
      if (next === '{') {
        // find the matching brace (defaults may contain ${...})
        let depth = 0;
        let j = i + 1;
        for (; j < s.length; j++) {
          if (s[j] === '{') depth++;
          else if (s[j] === '}' && --depth === 0) break;
        }
        if (j >= s.length) {
          errors.push(`${at}: unterminated "\${" in "${s}"`);
          return s;
        }
        const body = s.slice(i + 2, j);
        const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([\s\S]*))?$/.exec(body);
        if (!m) {
          errors.push(`${at}: invalid interpolation "\${${body}}"`);
          return s;
        }
        const [, name, op, word = ''] = m;
        const value = env[name];
        const set = value !== undefined;
        const nonEmpty = set && value !== '';
        variables.push({ name, hasDefault: op === ':-' || op === '-', at });
        switch (op) {
          case ':-':
            out += nonEmpty ? value : expand(word, at);
            break;
          case '-':
            out += set ? value : expand(word, at);
            break;
          case ':?':
          case '?':
            if (op === ':?' ? !nonEmpty : !set) errors.push(`${at}: required variable ${name} is missing: ${word}`);
            out += value ?? '';
            break;
          case ':+':
            out += nonEmpty ? expand(word, at) : '';
            break;
          case '+':
            out += set ? expand(word, at) : '';
            break;
          default:
            out += value ?? '';
        }
        i = j + 1;
        continue;
      }
      errors.push(`${at}: "$" must start $$, $NAME or \${...} in "${s}"`);
      return s;
    }
    return out;
  };

  const walk = (v: Json, at: string): Json => {
    if (typeof v === 'string') return expand(v, at);
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${at}[${i}]`));
    if (isObj(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, at ? `${at}.${k}` : k)]));
    return v;
  };

  return { value: walk(data, '') as Obj, variables, errors };
}

// ---------------------------------------------------------------------------------------------------
// schema

const require = createRequire(import.meta.url);

/** The compose-spec JSON schema that ships with dclint (the one `dclint` itself validates with). */
export function composeSchemaPath(): string {
  return join(dirname(require.resolve('dclint/package.json')), 'schemas', 'compose.schema.json');
}

export function dclintBin(): string {
  return join(dirname(require.resolve('dclint/package.json')), 'bin', 'dclint.cjs');
}

export function loadComposeSchema(): { schema: Obj; declared: string } {
  const schema: unknown = JSON.parse(readFileSync(composeSchemaPath(), 'utf8'));
  if (!isObj(schema)) throw new Error('compose schema is not an object');
  const declared = String(schema.$schema ?? '');
  return { schema, declared };
}

/**
 * Validate against the compose schema with ajv, listing every error. The schema declares draft-07
 * (checked by the caller) as `https://json-schema.org/draft-07/schema`, a spelling of the meta-schema
 * id ajv does not know, so `$schema` is dropped before compiling with ajv's default (draft-07) class.
 * `strict: false` because the schema uses annotations ajv does not know (e.g. `deprecated`).
 */
export function schemaErrors(data: unknown): string[] {
  const { schema } = loadComposeSchema();
  const { $schema: _ignored, ...rest } = schema;
  const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
  const validate = ajv.compile(rest);
  if (validate(data)) return [];
  return (validate.errors ?? []).map(formatAjvError);
}

function formatAjvError(e: ErrorObject): string {
  const extra = e.keyword === 'additionalProperties' ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})` : '';
  return `${e.instancePath || '/'} ${e.message ?? e.keyword}${extra} [${e.schemaPath}]`;
}

// ---------------------------------------------------------------------------------------------------
// helpers on the resolved data

export function services(data: Obj): Record<string, Obj> {
  const s = data.services;
  if (!isObj(s)) return {};
  return Object.fromEntries(Object.entries(s).filter((e): e is [string, Obj] => isObj(e[1])));
}

/** `environment` as a map (list form `A=b` converted; `A` alone = pass-through = null). */
export function envOf(svc: Obj): Record<string, string | null> {
  const e = svc.environment;
  const out: Record<string, string | null> = {};
  if (Array.isArray(e)) {
    for (const item of e) {
      const s = String(item);
      const eq = s.indexOf('=');
      if (eq < 0) out[s] = null;
      else out[s.slice(0, eq)] = s.slice(eq + 1);
    }
  } else if (isObj(e)) {
    for (const [k, v] of Object.entries(e)) out[k] = v === null ? null : String(v);
  }
  return out;
}

/** Images built by a service of this file (the rest are third-party, pulled from a registry). */
function localImages(data: Obj): Set<string> {
  return new Set(
    Object.values(services(data))
      .filter((s) => s.build !== undefined && typeof s.image === 'string')
      .map((s) => String(s.image)),
  );
}

/** Services running an image of this repository (built here), as opposed to third-party ones. */
function ownServices(data: Obj): Record<string, Obj> {
  const local = localImages(data);
  return Object.fromEntries(Object.entries(services(data)).filter(([, s]) => s.build !== undefined || local.has(String(s.image))));
}

function activeServices(data: Obj): Record<string, Obj> {
  // services in a profile only start with --profile; the default stack is the rest
  return Object.fromEntries(Object.entries(services(data)).filter(([, s]) => !Array.isArray(s.profiles) || s.profiles.length === 0));
}

function healthTest(svc: Obj): string[] | null {
  const hc = svc.healthcheck;
  if (!isObj(hc)) return null;
  const t = hc.test;
  if (Array.isArray(t)) return t.map(String);
  if (typeof t === 'string') return ['CMD-SHELL', t];
  return null;
}

export function parseDuration(s: string): number | null {
  const re = /(\d+(?:\.\d+)?)(h|ms|m|s|us|ns)/g;
  if (!/^(\d+(?:\.\d+)?(h|ms|m|s|us|ns))+$/.test(s)) return null;
  const unit: Record<string, number> = { h: 3600e3, m: 60e3, s: 1e3, ms: 1, us: 1e-3, ns: 1e-6 };
  let total = 0;
  for (const m of s.matchAll(re)) total += Number(m[1]) * unit[m[2]];
  return total;
}

// ---------------------------------------------------------------------------------------------------
// checks (on interpolated data unless said otherwise)

/** The default stack is exactly the BFF and the six mocks (extra services only behind a profile). */
export function checkServiceSet(data: Obj): string[] {
  const names = Object.keys(activeServices(data));
  const want = [BFF, ...Object.keys(MOCKS)];
  return [
    ...want.filter((n) => !names.includes(n)).map((n) => `service "${n}" is missing`),
    ...names.filter((n) => !want.includes(n)).map((n) => `unexpected service "${n}" (put extra services behind a profile)`),
  ];
}

/**
 * Every service running one of our images has an exec-form health check that probes /health on
 * the service's own port (written as a number, or as process.env.PORT when the service sets
 * PORT). Third-party services: checkThirdParty.
 */
export function checkHealthchecks(data: Obj): string[] {
  const p: string[] = [];
  for (const [name, svc] of Object.entries(ownServices(data))) {
    const test = healthTest(svc);
    const hc = svc.healthcheck;
    if (!test || !isObj(hc)) {
      p.push(`${name}: no healthcheck`);
      continue;
    }
    if (hc.disable === true || test[0] === 'NONE') {
      p.push(`${name}: healthcheck disabled`);
      continue;
    }
    if (test[0] !== 'CMD') p.push(`${name}: healthcheck test should be exec form ["CMD", ...], got ${JSON.stringify(test[0])}`);
    const script = test.slice(1).join(' ');
    if (!/\/health\b/.test(script)) p.push(`${name}: healthcheck does not probe /health`);
    const port = envOf(svc).PORT;
    const literal = /127\.0\.0\.1:(\d+)/.exec(script);
    if (literal) {
      if (literal[1] !== port) p.push(`${name}: healthcheck probes port ${literal[1]} but the service's PORT is ${port ?? 'unset'}`);
    } else if (/process\.env\.PORT/.test(script)) {
      if (!port) p.push(`${name}: healthcheck uses process.env.PORT but the service sets no PORT`);
    } else {
      p.push(`${name}: cannot tell which port the healthcheck probes`);
    }
    for (const k of ['interval', 'timeout', 'start_period'] as const) {
      const v = hc[k];
      if (v !== undefined && parseDuration(String(v)) === null) p.push(`${name}: healthcheck ${k} "${String(v)}" is not a duration`);
    }
  }
  return p;
}

/** depends_on targets exist; service_healthy targets have health checks; the BFF waits for every mock. */
export function checkDependsOn(data: Obj): string[] {
  const p: string[] = [];
  const all = services(data);
  for (const [name, svc] of Object.entries(all)) {
    const dep = svc.depends_on;
    const entries: [string, string][] = Array.isArray(dep)
      ? dep.map((d) => [String(d), 'service_started'])
      : isObj(dep)
        ? Object.entries(dep).map(([k, v]) => [k, isObj(v) ? String(v.condition ?? 'service_started') : 'service_started'])
        : [];
    for (const [target, condition] of entries) {
      if (!all[target]) p.push(`${name}: depends_on "${target}", which is not a service`);
      else if (condition === 'service_healthy' && !healthTest(all[target])) {
        p.push(`${name}: waits for "${target}" to be healthy, but it has no healthcheck`);
      }
    }
    if (name === BFF) {
      const conds = Object.fromEntries(entries);
      for (const mock of Object.keys(MOCKS)) {
        if (conds[mock] !== 'service_healthy') {
          p.push(`bff: depends_on ${mock} should be { condition: service_healthy }, is ${conds[mock] ?? 'missing'}`);
        }
      }
    }
  }
  return p;
}

/** Every *_URL of the BFF is http://<service>:<that service's PORT>, and every backend has one. */
export function checkBffBackendUrls(data: Obj): string[] {
  const p: string[] = [];
  const all = services(data);
  const bff = all[BFF];
  if (!bff) return ['no bff service'];
  const env = envOf(bff);
  for (const [key, value] of Object.entries(env)) {
    if (!key.endsWith('_URL')) continue;
    let url: URL;
    try {
      url = new URL(String(value));
    } catch {
      p.push(`bff: ${key}=${String(value)} is not a URL`);
      continue;
    }
    const target = all[url.hostname];
    if (url.protocol !== 'http:') p.push(`bff: ${key} should be http://, is ${url.protocol}`);
    if (!target) {
      p.push(`bff: ${key} points at host "${url.hostname}", which is not a service`);
      continue;
    }
    const port = envOf(target).PORT;
    if (url.port !== port) p.push(`bff: ${key} uses port ${url.port || '(default)'} but ${url.hostname} listens on PORT=${port ?? 'unset'}`);
    const expected = key.slice(0, -'_URL'.length).toLowerCase();
    if (expected in MOCKS && url.hostname !== expected) p.push(`bff: ${key} points at "${url.hostname}", expected "${expected}"`);
  }
  for (const mock of Object.keys(MOCKS)) {
    const key = `${mock.toUpperCase()}_URL`;
    if (!(key in env)) p.push(`bff: ${key} is not set`);
  }
  return p;
}

/**
 * Each mock runs the backend it is named after, on that backend's port, listening on 0.0.0.0, with
 * every fault knob and MOCK_CONTROLS passed in; a published port is loopback-only and the same number.
 */
export function checkMocks(data: Obj, knobs: readonly string[]): string[] {
  const p: string[] = [];
  const all = services(data);
  const ports = new Map<string, string>();
  for (const [mock, port] of Object.entries(MOCKS)) {
    const svc = all[mock];
    if (!svc) continue; // reported by checkServiceSet
    const env = envOf(svc);
    if (env.MOCK_SERVICE !== mock) p.push(`${mock}: MOCK_SERVICE is ${env.MOCK_SERVICE ?? 'unset'}, expected ${mock}`);
    if (env.PORT !== String(port)) p.push(`${mock}: PORT is ${env.PORT ?? 'unset'}, expected ${port}`);
    if (env.HOST !== '0.0.0.0') p.push(`${mock}: HOST is ${env.HOST ?? 'unset'}, expected 0.0.0.0 (reachable from the bff container)`);
    if (env.PORT) {
      const other = ports.get(env.PORT);
      if (other) p.push(`${mock}: PORT ${env.PORT} is also used by ${other}`);
      ports.set(env.PORT, mock);
    }
    for (const knob of [...knobs, 'MOCK_CONTROLS']) if (!(knob in env)) p.push(`${mock}: ${knob} is not passed to the container`);
    for (const m of publishedPorts(svc)) {
      if (m.container !== env.PORT) p.push(`${mock}: publishes container port ${m.container}, but the mock listens on ${env.PORT ?? 'unset'}`);
      if (m.host !== m.container) p.push(`${mock}: published as ${m.host}, not on its own port ${m.container}`);
      if (m.ip !== '127.0.0.1') p.push(`${mock}: published on ${m.ip || 'all interfaces'}, expected 127.0.0.1`);
    }
  }
  return p;
}

/** Short-syntax (`[ip:]host:container[/proto]`) or long-syntax port mappings of a service. */
export function publishedPorts(svc: Obj): { ip: string; host: string; container: string }[] {
  const ports = Array.isArray(svc.ports) ? svc.ports : [];
  return ports.map((x) => {
    if (isObj(x)) return { ip: String(x.host_ip ?? ''), host: String(x.published ?? ''), container: String(x.target ?? '') };
    const parts = String(x)
      .replace(/\/(tcp|udp)$/, '')
      .split(':');
    const container = parts.pop() ?? '';
    const host = parts.pop() ?? '';
    return { ip: parts.join(':'), host, container };
  });
}

/**
 * The knobs are read from the shell running compose: with one set there, every mock gets exactly
 * that value. (Unset, they may be empty: the mocks read an empty variable as "not set".)
 */
export function checkKnobsFollowShell(raw: Obj, knobs: readonly string[]): string[] {
  const p: string[] = [];
  for (const knob of knobs) {
    const set = services(interpolate(raw, { [knob]: '123' }).value);
    for (const mock of Object.keys(MOCKS)) {
      const got = envOf(set[mock] ?? {})[knob];
      if (got !== '123') p.push(`${mock}: ${knob}=123 in the shell gives ${got === undefined ? 'nothing' : JSON.stringify(got)} in the container`);
    }
  }
  return p;
}

/** Every ${VAR} the file uses has a default, so `docker compose up` works without an .env file. */
export function checkVariablesHaveDefaults(raw: Obj): string[] {
  const { variables, errors } = interpolate(raw, {});
  return [...errors, ...variables.filter((v) => !v.hasDefault).map((v) => `${v.at}: \${${v.name}} has no default`)];
}

/**
 * Images: services that build use context ".", an existing Dockerfile target, and `pull_policy: build`
 * when they also name the image; every image tag is built by exactly one service; services that only
 * reference a tag use one built here with `pull_policy: never` (local tags are never pulled); all
 * mocks share one image built from the `mocks` target, the BFF is built from `bff`.
 */
export function checkImages(data: Obj, df: Dockerfile, dockerfileExists: (rel: string) => boolean): string[] {
  const p: string[] = [];
  const all = services(data);
  const builders = new Map<string, { service: string; target: string }[]>();
  for (const [name, svc] of Object.entries(all)) {
    const build = svc.build;
    if (build === undefined) continue;
    const b: Obj = typeof build === 'string' ? { context: build } : isObj(build) ? build : {};
    const context = String(b.context ?? '.');
    const dockerfile = String(b.dockerfile ?? 'Dockerfile');
    const target = b.target === undefined ? null : String(b.target);
    if (context !== '.') p.push(`${name}: build context is "${context}", expected "."`);
    if (!dockerfileExists(dockerfile)) p.push(`${name}: build.dockerfile "${dockerfile}" does not exist`);
    if (!target) p.push(`${name}: build has no target (would build the Dockerfile's last stage)`);
    else if (!stageByName(df, target)) p.push(`${name}: build target "${target}" is not a stage of the Dockerfile`);
    if (typeof svc.image === 'string') {
      if (svc.pull_policy !== 'build') p.push(`${name}: builds and names image ${svc.image}: set pull_policy: build (else compose first tries to pull it)`);
      const list = builders.get(svc.image) ?? [];
      list.push({ service: name, target: target ?? '' });
      builders.set(svc.image, list);
    }
  }
  for (const [image, list] of builders) {
    if (list.length > 1) p.push(`image ${image} is built by ${list.map((l) => l.service).join(', ')}; build it once`);
  }
  const targetOf = (svc: Obj): string | null => {
    if (isObj(svc.build)) return String(svc.build.target ?? '');
    if (typeof svc.image === 'string') return builders.get(svc.image)?.[0]?.target ?? null;
    return null;
  };
  for (const [name, svc] of Object.entries(all)) {
    if (svc.build !== undefined) continue;
    if (typeof svc.image !== 'string') {
      p.push(`${name}: neither build nor image`);
      continue;
    }
    // A third-party image (Jaeger, Prometheus) is allowed behind a profile; checkThirdParty pins it.
    if (!builders.has(svc.image) && Array.isArray(svc.profiles) && svc.profiles.length > 0) continue;
    if (!builders.has(svc.image)) p.push(`${name}: image ${svc.image} is not built by any service of this file`);
    if (svc.pull_policy !== 'never') p.push(`${name}: uses the locally built ${svc.image}: set pull_policy: never`);
  }
  const mockImages = new Set(Object.keys(MOCKS).map((m) => all[m]?.image));
  if (mockImages.size !== 1) p.push(`mocks use ${mockImages.size} different images; they should share one`);
  for (const m of Object.keys(MOCKS)) {
    if (all[m] && targetOf(all[m]) !== 'mocks') p.push(`${m}: image is not built from the Dockerfile target "mocks"`);
  }
  if (all[BFF] && targetOf(all[BFF]) !== 'bff') p.push('bff: image is not built from the Dockerfile target "bff"');
  return p;
}

/**
 * The BFF container: published on 4000 (container port = its PORT), listens on 0.0.0.0, production,
 * restarts unless stopped, and Docker waits for its graceful shutdown (SHUTDOWN_GRACE_MS, else the
 * BFF's default) with 5 s to spare before SIGKILL.
 */
export function checkBff(data: Obj, imageEnv: Record<string, string>, shutdownGraceDefaultMs: number): string[] {
  const svc = services(data)[BFF];
  if (!svc) return ['no bff service'];
  const p: string[] = [];
  const env = { ...imageEnv, ...Object.fromEntries(Object.entries(envOf(svc)).filter((e): e is [string, string] => e[1] !== null)) };
  if (env.PORT !== String(BFF_PORT)) p.push(`bff: PORT is ${env.PORT ?? 'unset'}, expected ${BFF_PORT}`);
  if (env.HOST !== '0.0.0.0') p.push(`bff: HOST is ${env.HOST ?? 'unset'} (image + compose), expected 0.0.0.0`);
  if (env.NODE_ENV !== 'production') p.push(`bff: NODE_ENV is ${env.NODE_ENV ?? 'unset'}, expected production`);
  const published = publishedPorts(svc);
  if (!published.some((x) => x.host === String(BFF_PORT) && x.container === env.PORT)) {
    p.push(`bff: no port mapping ${BFF_PORT}:${env.PORT ?? '?'} (ports: ${JSON.stringify(svc.ports ?? [])})`);
  }
  if (svc.restart !== 'unless-stopped') p.push(`bff: restart is ${String(svc.restart ?? 'unset')}, expected unless-stopped`);
  const grace = svc.stop_grace_period === undefined ? null : parseDuration(String(svc.stop_grace_period));
  const drain = Number(env.SHUTDOWN_GRACE_MS ?? shutdownGraceDefaultMs);
  if (grace === null) p.push('bff: stop_grace_period is not set (or not a duration)');
  else if (!(grace >= drain + 5_000)) {
    p.push(
      `bff: stop_grace_period ${String(svc.stop_grace_period)} leaves under 5s beyond the BFF's own drain time (SHUTDOWN_GRACE_MS ${drain} ms) before SIGKILL`,
    );
  }
  return p;
}

/**
 * DRY: the mocks take their shared settings from the `x-mock` extension field through a merge key
 * (`<<: *mock`), and their environment from `x-mock-env` (a service's own `environment:` would
 * otherwise replace the shared one: merge keys are shallow). Checked on the YAML as written.
 */
export function checkMockAnchors(doc: Document): string[] {
  const p: string[] = [];
  const root = doc.contents;
  if (!isMap(root)) return ['the compose file is not a mapping'];
  const xMock = root.get('x-mock', true);
  const xEnv = root.get('x-mock-env', true);
  if (!isMap(xMock) || !xMock.anchor) p.push('no `x-mock: &anchor` extension field');
  if (!isMap(xEnv) || !xEnv.anchor) p.push('no `x-mock-env: &anchor` extension field');
  const svcs = root.get('services', true);
  if (!isMap(svcs)) return [...p, 'no services mapping'];
  const mergesFrom = (node: unknown, anchor: string | undefined): boolean =>
    isMap(node) &&
    node.items.some(
      (pair) =>
        isScalar(pair.key) &&
        // with `merge: true` the yaml package gives the key the value Symbol(<<)
        (pair.key.value === '<<' || (typeof pair.key.value === 'symbol' && pair.key.value.description === '<<')) &&
        isAlias(pair.value) &&
        anchor !== undefined &&
        pair.value.source === anchor,
    );
  for (const mock of Object.keys(MOCKS)) {
    const node = svcs.get(mock, true);
    if (!isMap(node)) continue;
    if (!mergesFrom(node, isMap(xMock) ? xMock.anchor : undefined))
      p.push(`${mock}: does not merge the x-mock anchor (<<: *${isMap(xMock) ? xMock.anchor : 'mock'})`);
    const env = node.get('environment', true);
    if (!mergesFrom(env, isMap(xEnv) ? xEnv.anchor : undefined)) p.push(`${mock}: environment does not merge the x-mock-env anchor`);
  }
  return p;
}

// ---------------------------------------------------------------------------------------------------
// the observability profile

/** The one profile: optional services start only with `docker compose --profile observability up`. */
export const OBSERVABILITY_PROFILE = 'observability';
/** The OTLP/HTTP port (the BFF's exporter speaks OTLP over HTTP). */
export const OTLP_HTTP_PORT = 4318;

/** Every service with `profiles` is in the observability profile, and only that. */
export function checkProfiles(data: Obj): string[] {
  const p: string[] = [];
  for (const [name, svc] of Object.entries(services(data))) {
    if (svc.profiles === undefined) continue;
    if (JSON.stringify(svc.profiles) !== JSON.stringify([OBSERVABILITY_PROFILE])) {
      p.push(`${name}: profiles ${JSON.stringify(svc.profiles)}, expected ["${OBSERVABILITY_PROFILE}"]`);
    }
  }
  return p;
}

/** Every port any service publishes is bound to 127.0.0.1: nothing is reachable from the network. */
export function checkLoopbackPorts(data: Obj): string[] {
  const p: string[] = [];
  for (const [name, svc] of Object.entries(services(data))) {
    for (const m of publishedPorts(svc))
      if (m.ip !== '127.0.0.1') p.push(`${name}: publishes ${m.host}:${m.container} on ${m.ip || 'all interfaces'}, expected 127.0.0.1`);
  }
  return p;
}

/**
 * Third-party services (images not built here): pinned to a release (`name:1.2.3`, `name:v1.2.3`
 * or a digest; never `latest` or a bare major), only behind a profile, with an exec-form health
 * check probing http://127.0.0.1:<port>/ inside the container (their images have wget, not node).
 */
export function checkThirdParty(data: Obj): string[] {
  const p: string[] = [];
  const own = ownServices(data);
  for (const [name, svc] of Object.entries(services(data))) {
    if (own[name]) continue;
    const image = String(svc.image ?? '');
    if (!/@sha256:[0-9a-f]{64}$/.test(image) && !/:v?\d+\.\d+\.\d+$/.test(image))
      p.push(`${name}: image ${image || '(none)'} is not pinned to a release (name:1.2.3 or a digest)`);
    if (!Array.isArray(svc.profiles) || svc.profiles.length === 0) p.push(`${name}: a third-party service outside any profile`);
    const test = healthTest(svc);
    if (!test) {
      p.push(`${name}: no healthcheck`);
      continue;
    }
    if (test[0] !== 'CMD') p.push(`${name}: healthcheck test should be exec form ["CMD", ...], got ${JSON.stringify(test[0])}`);
    if (!/http:\/\/127\.0\.0\.1:\d+\//.test(test.slice(1).join(' '))) p.push(`${name}: healthcheck does not probe http://127.0.0.1:<port>/ in its container`);
  }
  return p;
}

/**
 * Tracing and metrics wired as the profile promises:
 * - the default bff sets no OTLP endpoint (tracing off, free);
 * - a BFF in the profile (same image as bff, same settings) exports to a profile service's
 *   OTLP/HTTP port, and waits for that service to be healthy;
 * - Prometheus (in the profile) mounts a config file that exists and scrapes every BFF's
 *   /metrics at <service>:<its PORT>, and no target that is not a service.
 */
export function checkObservability(data: Obj, readText: (rel: string) => string | undefined): string[] {
  const p: string[] = [];
  const all = services(data);
  const bff = all[BFF];
  if (!bff) return ['no bff service'];
  const inProfile = (svc: Obj | undefined) => Array.isArray(svc?.profiles) && svc.profiles.includes(OBSERVABILITY_PROFILE);
  const otlp = (svc: Obj) => envOf(svc).OTEL_EXPORTER_OTLP_ENDPOINT ?? envOf(svc).OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? '';
  if (otlp(bff) !== '') p.push(`bff: sets an OTLP endpoint (${otlp(bff)}): the default stack's BFF must run untraced`);

  const bffs = Object.entries(all).filter(([, s]) => s.image === bff.image);
  const traced = bffs.filter(([name, s]) => name !== BFF && inProfile(s) && otlp(s) !== '');
  if (traced.length === 0) p.push(`no BFF in the ${OBSERVABILITY_PROFILE} profile exports traces (OTEL_EXPORTER_OTLP_ENDPOINT)`);
  for (const [name, svc] of traced) {
    let url: URL | undefined;
    try {
      url = new URL(otlp(svc));
    } catch {
      p.push(`${name}: OTEL_EXPORTER_OTLP_ENDPOINT ${otlp(svc)} is not a URL`);
    }
    if (url) {
      if (!inProfile(all[url.hostname])) p.push(`${name}: exports to "${url.hostname}", which is not a service of the ${OBSERVABILITY_PROFILE} profile`);
      if (url.port !== String(OTLP_HTTP_PORT)) p.push(`${name}: exports to port ${url.port || '(default)'}, not OTLP/HTTP's ${OTLP_HTTP_PORT}`);
      const dep = isObj(svc.depends_on) ? svc.depends_on[url.hostname] : undefined;
      if (!isObj(dep) || dep.condition !== 'service_healthy') p.push(`${name}: does not wait for ${url.hostname} to be healthy`);
    }
    const mine = envOf(svc);
    for (const [key, value] of Object.entries(envOf(bff))) {
      if (mine[key] !== value) p.push(`${name}: ${key} is ${JSON.stringify(mine[key] ?? null)}, the bff's is ${JSON.stringify(value)}: run the same settings`);
    }
  }

  const prometheus = Object.entries(all).filter(([, s]) => String(s.image ?? '').startsWith('prom/prometheus:'));
  if (prometheus.length !== 1) return [...p, `expected one prom/prometheus service, found ${prometheus.length}`];
  const [promName, prom] = prometheus[0]!;
  if (!inProfile(prom)) p.push(`${promName}: not in the ${OBSERVABILITY_PROFILE} profile`);
  const mount = (Array.isArray(prom.volumes) ? prom.volumes : []).map(String).find((v) => v.split(':')[1] === '/etc/prometheus/prometheus.yml');
  const source = mount?.split(':')[0]?.replace(/^\.\//, '');
  const text = source === undefined ? undefined : readText(source);
  if (text === undefined) return [...p, `${promName}: no readable config mounted at /etc/prometheus/prometheus.yml (${mount ?? 'no mount'})`];
  const config: unknown = parseDocument(text).toJS();
  const jobs = isObj(config) && Array.isArray(config.scrape_configs) ? config.scrape_configs.filter(isObj) : [];
  const targets = new Map<string, string>();
  for (const job of jobs) {
    const path = String(job.metrics_path ?? '/metrics');
    for (const sc of Array.isArray(job.static_configs) ? job.static_configs.filter(isObj) : []) {
      for (const t of Array.isArray(sc.targets) ? sc.targets : []) targets.set(String(t), path);
    }
  }
  for (const [target] of targets) {
    const [host, port] = target.split(':');
    if (!all[host!]) p.push(`${promName}: scrapes ${target}, but "${host}" is not a service`);
    else if (envOf(all[host!]!).PORT !== port) p.push(`${promName}: scrapes ${target}, but ${host} listens on PORT=${envOf(all[host!]!).PORT ?? 'unset'}`);
  }
  for (const [name, svc] of bffs) {
    const target = `${name}:${envOf(svc).PORT ?? '?'}`;
    if (targets.get(target) !== '/metrics') p.push(`${promName}: does not scrape ${target}/metrics`);
  }
  return p;
}
