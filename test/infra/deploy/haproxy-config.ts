// deploy/haproxy/haproxy.cfg as data, and HAProxy's own check of it (`haproxy -c`).
//
// Hand-written because no npm package parses HAProxy's format, and the checks need little: the
// sections, and each line's words (quotes kept together, comments dropped). Whether HAProxy
// accepts the file is not decided here: `haproxy -c` says so (checkWithHaproxy).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const HAPROXY_CONFIG = 'deploy/haproxy/haproxy.cfg';

export interface HaproxySection {
  /** `global`, `defaults`, `frontend`, `backend`, `resolvers`, … */
  readonly kind: string;
  /** The section's name (`bff` for `backend bff`); '' for `global` and unnamed `defaults`. */
  readonly name: string;
  /** Each directive as its words, e.g. ['option', 'httpchk', 'GET', '/ready']. */
  readonly lines: readonly string[][];
}

const SECTION_KINDS = new Set([
  'global',
  'defaults',
  'frontend',
  'backend',
  'listen',
  'resolvers',
  'peers',
  'userlist',
  'mailers',
  'cache',
  'program',
  'http-errors',
  'ring',
]);

/** Words of one line: spaces separate, double quotes group (and are dropped), `#` starts a comment. */
function words(line: string): string[] {
  const out: string[] = [];
  let word = '';
  let quoted = false;
  let inWord = false;
  for (const ch of line) {
    if (quoted) {
      if (ch === '"') quoted = false;
      else word += ch;
      continue;
    }
    if (ch === '"') {
      quoted = true;
      inWord = true;
    } else if (ch === '#') break;
    else if (/\s/.test(ch)) {
      if (inWord) out.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (inWord) out.push(word);
  return out;
}

export function parseHaproxyConfig(text: string): HaproxySection[] {
  const sections: { kind: string; name: string; lines: string[][] }[] = [];
  for (const line of text.split('\n')) {
    const w = words(line);
    if (w.length === 0) continue;
    if (SECTION_KINDS.has(w[0]!) && !/^\s/.test(line)) sections.push({ kind: w[0]!, name: w[1] ?? '', lines: [] });
    else if (sections.length === 0) throw new Error(`haproxy config: directive outside any section: ${line.trim()}`);
    else sections.at(-1)!.lines.push(w);
  }
  return sections;
}

export function section(sections: readonly HaproxySection[], kind: string, name = ''): HaproxySection | undefined {
  return sections.find((s) => s.kind === kind && s.name === name);
}

/** The directives of `sec` starting with `prefix`, e.g. directives(backend, 'server'). */
export function directives(sec: HaproxySection | undefined, ...prefix: string[]): string[][] {
  return (sec?.lines ?? []).filter((w) => prefix.every((p, i) => w[i] === p));
}

/** HAProxy's time format (`500ms`, `2s`, `1m`; a bare number is ms) in ms. */
export function haproxyTimeMs(value: string | undefined): number | undefined {
  const m = value === undefined ? null : /^(\d+)(us|ms|s|m|h|d)?$/.exec(value);
  if (!m) return undefined;
  const unit: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  return Number(m[1]) * unit[m[2] ?? 'ms']!;
}

/** The value following `keyword` among a line's words (`inter 500ms` → '500ms'). */
export function keywordValue(line: readonly string[], keyword: string): string | undefined {
  const i = line.indexOf(keyword);
  return i >= 0 ? line[i + 1] : undefined;
}

/** A `server` line of a backend. */
export interface BackendServer {
  readonly name: string;
  /** As written, e.g. `${BFF1_ADDR}`. */
  readonly address: string;
}

/** How the health checks of a backend run: path, expected status, timing (default-server, then the server line). */
export interface HealthCheck {
  readonly method: string | undefined;
  readonly path: string | undefined;
  readonly expectStatus: string | undefined;
  readonly interMs: number | undefined;
  readonly fall: number | undefined;
  readonly rise: number | undefined;
  readonly servers: readonly BackendServer[];
}

export function healthCheckOf(sections: readonly HaproxySection[], backend: string): HealthCheck {
  const sec = section(sections, 'backend', backend);
  const httpchk = directives(sec, 'option', 'httpchk')[0];
  const expect = directives(sec, 'http-check', 'expect', 'status')[0];
  const defaults = directives(sec, 'default-server')[0] ?? [];
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  return {
    method: httpchk?.[2],
    path: httpchk?.[3],
    expectStatus: expect?.[3],
    interMs: haproxyTimeMs(keywordValue(defaults, 'inter')),
    fall: num(keywordValue(defaults, 'fall')),
    rise: num(keywordValue(defaults, 'rise')),
    servers: directives(sec, 'server').map((w) => ({ name: w[1] ?? '', address: w[2] ?? '' })),
  };
}

/** `${NAME}` references in the file: what the environment must provide. */
export function environmentNames(text: string): string[] {
  return [...new Set([...text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1]!))].sort();
}

export function haproxyBinary(): string | undefined {
  for (const candidate of ['/usr/sbin/haproxy', '/usr/bin/haproxy', '/usr/local/sbin/haproxy']) {
    if (spawnSync(candidate, ['-v'], { encoding: 'utf8' }).status === 0) return candidate;
  }
  return undefined;
}

/** `haproxy -c`: HAProxy's own verdict on `text` with `env`; ok, and what it printed. */
export function checkWithHaproxy(binary: string, text: string, env: Record<string, string>): { ok: boolean; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'haproxy-check-'));
  try {
    const file = join(dir, 'haproxy.cfg');
    writeFileSync(file, text);
    const r = spawnSync(binary, ['-c', '-f', file], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env }, timeout: 10_000 });
    return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
