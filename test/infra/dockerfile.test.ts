// Offline checks of Dockerfile and .dockerignore (no Docker engine needed).
// The second half breaks the real files in specific ways and shows each check reporting it.
import { describe, expect, it } from 'vitest';
import {
  checkNpm,
  checkNpmRunScripts,
  checkPinnedBaseImages,
  checkRuntimeTarget,
  checkScriptSource,
  checkStageReferences,
  contextSources,
  copiedInto,
  dockerfileProblems,
  effectiveConfig,
  healthcheckCommand,
  nodeScript,
  parseDockerfile,
  stageByName,
  workdirOf,
  type Dockerfile,
  type TsLayout,
} from './lib/dockerfile.js';
import { isExcluded, parseDockerignore, walk } from './lib/dockerignore.js';
import { imageNodeFlags } from '../../bench/runtime.js';
import { MOCKS } from './lib/compose.js';
import { ROOT, buildTsLayout, exists, mutate, packageJson, read } from './lib/project.js';

const TARGETS = ['bff', 'mocks'] as const;
const RUNTIME = { env: { NODE_ENV: 'production', HOST: '0.0.0.0' }, stopsignal: 'SIGTERM' };

const dockerfileText = read('Dockerfile');
const dockerignoreText = read('.dockerignore');
const df = parseDockerfile(dockerfileText);

function missingContextSources(d: Dockerfile, has: (rel: string) => boolean): string[] {
  return contextSources(d)
    .filter((s) => !has(s.path))
    .map((s) => `line ${s.ins.line}: COPY source "${s.path}" does not exist`);
}

function ignoredContextSources(d: Dockerfile, ignoreText: string): string[] {
  const patterns = parseDockerignore(ignoreText);
  const problems: string[] = [];
  for (const s of contextSources(d)) {
    const hit = walk(ROOT, s.path).filter((f) => isExcluded(patterns, f));
    if (hit.length)
      problems.push(`line ${s.ins.line}: COPY ${s.path}, but .dockerignore excludes ${hit.slice(0, 5).join(', ')}${hit.length > 5 ? ', ...' : ''}`);
  }
  return problems;
}

function nodeVersionOfImage(d: Dockerfile): string | null {
  const base = d.stages.find((s) => !s.parent && /(^|\/)node:/.test(s.from));
  return base ? (/:v?(\d+\.\d+(?:\.\d+)?)/.exec(base.from)?.[1] ?? null) : null;
}

/** `>=a.b.c` only (what package.json uses); anything else is reported so this test gets updated. */
function satisfiesEngines(version: string, range: string): boolean | 'unsupported' {
  const m = /^>=\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(range.trim());
  if (!m) return 'unsupported';
  const want = [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)];
  const have = version.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const h = have[i] ?? 0;
    if (h !== want[i]) return h > want[i];
  }
  return true;
}

/** Is the script's compiled output in the image, copied from the stage that compiled it? */
function scriptShipped(d: Dockerfile, target: string, script: string, ts: TsLayout): string[] {
  const stage = stageByName(d, target);
  if (!stage) return [`no stage ${target}`];
  const abs = `${workdirOf(stage)}/${script}`;
  const hit = copiedInto(d, target, abs);
  if (!hit) return [`${target}: nothing copies ${abs} into the image`];
  if (!hit.from) return [`${target}: ${abs} comes from the build context, not from a compile stage`];
  const src = stageByName(d, hit.from);
  if (!src) return [`${target}: ${abs} comes from unknown stage ${hit.from}`];
  const compiled = `${workdirOf(src)}/${ts.outDir}`;
  const copied = hit.landing.source.replace(/\/+$/, '');
  if (copied !== compiled) return [`${target}: copies ${copied} from stage ${hit.from}, but tsc writes to ${compiled} there`];
  const runsTsc = src.instructions.some((i) => i.keyword === 'RUN' && /\bnpm\s+run\s+build\b|\btsc\b/.test(i.rest));
  return runsTsc ? [] : [`${target}: stage ${hit.from} does not compile (no npm run build / tsc)`];
}

describe('Dockerfile', () => {
  it("has no problem dockerfile-utils (the Docker language server's validator) can find", () => {
    expect(dockerfileProblems(dockerfileText)).toEqual([]);
  });

  it('has the stages compose and the docs rely on, with bff as the default (last) target', () => {
    const names = df.stages.map((s) => s.name);
    for (const n of ['build', 'prod-deps', 'runtime-base', 'mocks', 'bff']) expect(names).toContain(n);
    expect(df.stages[df.stages.length - 1].name).toBe('bff');
  });

  it('pins every base image to a version tag', () => {
    expect(checkPinnedBaseImages(df)).toEqual([]);
  });

  it("uses a Node version that satisfies package.json engines, on this machine's major line", () => {
    const version = nodeVersionOfImage(df);
    expect(version, 'no node:<version> base image found').not.toBeNull();
    const engines = packageJson().engines?.node;
    expect(engines, 'package.json has no engines.node').toBeDefined();
    expect(satisfiesEngines(String(version), String(engines))).toBe(true);
    expect(String(version).split('.')[0]).toBe(process.versions.node.split('.')[0]);
  });

  it('refers only to stages that exist (COPY --from, FROM <stage>)', () => {
    expect(checkStageReferences(df)).toEqual([]);
  });

  it.each(TARGETS)('target %s: non-root, HEALTHCHECK, exec-form node (under tini), production env, STOPSIGNAL', (target) => {
    expect(checkRuntimeTarget(df, target, RUNTIME)).toEqual([]);
  });

  it('bff listens on 4000; mocks expose the six mock ports', () => {
    const bff = effectiveConfig(stageByName(df, 'bff')!);
    expect(bff.env.PORT).toBe('4000');
    // A worker per usable CPU (README "Every core"); a deployment may still set WORKERS.
    expect(bff.env.WORKERS).toBe('auto');
    expect(bff.expose).toContain('4000');
    const mocks = effectiveConfig(stageByName(df, 'mocks')!);
    expect(mocks.expose.sort()).toEqual(Object.values(MOCKS).map(String).sort());
  });

  it("the mocks HEALTHCHECK's fallback ports are the mock ports", () => {
    const hc = effectiveConfig(stageByName(df, 'mocks')!).healthcheck;
    expect(hc).not.toBeNull();
    const js = healthcheckCommand(hc!).argv.join(' ');
    const table = /\{([^{}]*users:\d+[^{}]*)\}/.exec(js);
    expect(table, 'no {users:4001,...} table in the mocks HEALTHCHECK').not.toBeNull();
    const parsed = Object.fromEntries(
      table![1]
        .split(',')
        .map((kv) => kv.split(':').map((x) => x.trim()))
        .map(([k, v]) => [k, Number(v)]),
    );
    expect(parsed).toEqual({ ...MOCKS });
  });

  describe.each(TARGETS)('target %s runs compiled code that exists', (target) => {
    const ts = buildTsLayout();
    const script = nodeScript(df, target);

    it('runs a script (node <file>.js)', () => {
      expect(script).toMatch(/\.[cm]?js$/);
    });
    it('whose TypeScript source exists and is compiled by tsconfig.build.json', () => {
      expect(checkScriptSource(String(script), ts, exists)).toEqual([]);
    });
    it('and whose compiled output is copied in from the compile stage', () => {
      expect(scriptShipped(df, target, String(script), ts)).toEqual([]);
    });
  });

  it.each(TARGETS)('target %s contains schema/, package.json and production node_modules', (target) => {
    const wd = workdirOf(stageByName(df, target)!);
    for (const path of ['schema', 'package.json', 'node_modules', 'dist']) {
      expect(copiedInto(df, target, `${wd}/${path}`), `${path} is not copied into ${target}`).not.toBeNull();
    }
    expect(copiedInto(df, target, `${wd}/schema`)?.from, 'schema/ should come from the build context').toBeNull();
  });

  it('every COPY source from the build context exists in the repository', () => {
    expect(missingContextSources(df, exists)).toEqual([]);
  });

  it('.dockerignore excludes nothing the Dockerfile copies', () => {
    expect(ignoredContextSources(df, dockerignoreText)).toEqual([]);
  });

  it('.dockerignore keeps local dependencies, build output, VCS and test artefacts out', () => {
    const patterns = parseDockerignore(dockerignoreText);
    const mustExclude = [
      'node_modules/graphql/package.json',
      'mocks/node_modules/x/index.js',
      'dist/src/main.js',
      '.git/HEAD',
      'coverage/index.html',
      'test-results/results.xml',
      '.env',
      '.env.local',
      'npm-debug.log',
    ];
    expect(mustExclude.filter((f) => !isExcluded(patterns, f))).toEqual([]);
  });

  it('runs the BFF with the node flags that `npm start`, `npm run start:bff` and the benchmark use', () => {
    const flags = imageNodeFlags(dockerfileText);
    expect(flags).toContain('--max-old-space-size=1024');
    expect(flags).toContain('--max-semi-space-size=24');
    expect(flags).not.toContain('--enable-source-maps');
    expect(packageJson().scripts?.['start:bff']).toBe(['node', ...flags, 'dist/src/main.js'].join(' '));
    expect(packageJson().scripts?.start).toBe(['tsc -p tsconfig.build.json && node', ...flags, 'dist/src/dev.js'].join(' '));
  });

  it('installs with npm ci from the lockfile (never npm install), --omit=dev for the runtime', () => {
    expect(checkNpm(df, [...TARGETS])).toEqual([]);
  });

  it('every `npm run <script>` exists in package.json', () => {
    expect(checkNpmRunScripts(df, packageJson().scripts ?? {})).toEqual([]);
  });
});

describe('the Dockerfile checks catch', () => {
  const broken = (from: string | RegExp, to: string) => parseDockerfile(mutate(dockerfileText, from, to));
  const bffStart = dockerfileText.lastIndexOf('FROM runtime-base AS bff');

  it('what dockerfile-utils finds: a duplicate stage name, a misspelt instruction or flag, a duration without a unit', () => {
    expect(dockerfileProblems(mutate(dockerfileText, 'FROM runtime-base AS bff', 'FROM runtime-base AS mocks'))).toEqual([
      expect.stringMatching(/^line 74: duplicate name mocks/),
      expect.stringMatching(/^line 82: duplicate name mocks/),
    ]);
    expect(dockerfileProblems(mutate(dockerfileText, 'USER node', 'USR node'))).toEqual([expect.stringMatching(/^line 66: Unknown instruction: USR/)]);
    expect(dockerfileProblems(mutate(dockerfileText, '--from=build ', '--frm=build '))).toEqual([expect.stringMatching(/^line 65: Unknown flag: frm/)]);
    expect(dockerfileProblems(mutate(dockerfileText, '--interval=10s --timeout=3s', '--interval=10 --timeout=3s')).join()).toMatch(
      /missing unit in duration 10/,
    );
  });

  it('what Docker reads the same however it is written: quoted ENV values, continuations with comments, heredocs', () => {
    const quoted = broken('ENV NODE_ENV=production \\\n    HOST=0.0.0.0', 'ENV NODE_ENV="production" \\\n    # where the BFF listens\n    HOST=\'0.0.0.0\'');
    expect(effectiveConfig(stageByName(quoted, 'bff')!).env).toMatchObject({ NODE_ENV: 'production', HOST: '0.0.0.0' });
    expect(checkRuntimeTarget(quoted, 'bff', RUNTIME)).toEqual([]);
    // A heredoc's body is part of its RUN: an `npm install` in it is still caught.
    const heredoc = broken('RUN npm run build\n', 'RUN <<EOF\nnpm install\nnpm run build\nEOF\n');
    expect(checkNpm(heredoc, [...TARGETS]).join()).toMatch(/"npm install"/);
    // Where a COPY heredoc's file lands is not modelled: refused with the line, never misread.
    expect(() => contextSources(broken('COPY schema ./schema\n', 'COPY <<EOF ./schema/x.graphql\ntype Query\nEOF\n'))).toThrow(/line 64: COPY with a heredoc/);
  });

  it('an unpinned or floating base image', () => {
    expect(checkPinnedBaseImages(broken(/FROM node:\S+/, 'FROM node'))).toHaveLength(1);
    expect(checkPinnedBaseImages(broken(/FROM node:\S+/, 'FROM node:lts-bookworm-slim'))).toHaveLength(1);
    expect(checkPinnedBaseImages(broken(/ARG NODE_VERSION=\S+/, 'ARG NODE_VERSION=20'))).toHaveLength(1);
    expect(checkPinnedBaseImages(broken(/ARG NODE_VERSION=\S+/, 'ARG NODE_VERSION'))).toHaveLength(1);
  });

  it('a COPY --from or FROM naming a stage that does not exist (yet)', () => {
    expect(checkStageReferences(broken('--from=build ', '--from=biuld '))).toHaveLength(1);
    expect(checkStageReferences(broken('FROM runtime-base AS mocks', 'FROM bff AS mocks'))).toHaveLength(1);
  });

  it('a runtime target running as root, without HEALTHCHECK, in shell form or through npm', () => {
    expect(checkRuntimeTarget(broken('USER node\n', ''), 'bff', RUNTIME)).toEqual(['target "bff" runs as root (no USER)']);
    expect(checkRuntimeTarget(broken('USER node\n', 'USER root\n'), 'mocks', RUNTIME)).toHaveLength(1);
    const noHealth = parseDockerfile(dockerfileText.slice(0, bffStart) + dockerfileText.slice(bffStart).replace(/HEALTHCHECK[^\n]*\\\n[^\n]*\n/, ''));
    expect(checkRuntimeTarget(noHealth, 'bff', RUNTIME)).toEqual(['target "bff" has no HEALTHCHECK']);
    expect(checkRuntimeTarget(broken(/CMD \["node", [^\n]*"dist\/src\/main.js"\]/, 'CMD node dist/src/main.js'), 'bff', RUNTIME).join()).toMatch(/shell form/);
    expect(checkRuntimeTarget(broken(/CMD \["node", [^\n]*"dist\/src\/main.js"\]/, 'CMD ["npm", "start"]'), 'bff', RUNTIME).join()).toMatch(/through npm/);
    expect(checkRuntimeTarget(broken('HOST=0.0.0.0', 'HOST=127.0.0.1'), 'bff', RUNTIME).join()).toMatch(/HOST/);
    expect(checkRuntimeTarget(broken('STOPSIGNAL SIGTERM\n', ''), 'bff', RUNTIME).join()).toMatch(/STOPSIGNAL/);
  });

  it('a script that is not compiled from an existing, included source', () => {
    const layout: TsLayout = { rootDir: '.', outDir: 'dist', isIncluded: (f) => f.startsWith('src/') || f.startsWith('mocks/') };
    const has = (f: string) => f === 'src/main.ts' || f === 'scripts/tool.ts';
    expect(checkScriptSource('dist/src/main.js', layout, has)).toEqual([]);
    expect(checkScriptSource('dist/src/mian.js', layout, has)).toHaveLength(1);
    expect(checkScriptSource('build/src/main.js', layout, has)).toHaveLength(1);
    expect(checkScriptSource('dist/scripts/tool.js', layout, has)).toHaveLength(1); // exists, not compiled
    expect(checkScriptSource('dist/main.js', { ...layout, rootDir: 'src' }, has)).toEqual([]);
  });

  it('compiled output copied from the wrong place, or not at all', () => {
    const ts: TsLayout = { rootDir: '.', outDir: 'dist', isIncluded: () => true };
    expect(scriptShipped(broken('/app/dist ./dist', '/app/out ./dist'), 'bff', 'dist/src/main.js', ts)).toHaveLength(1);
    expect(scriptShipped(broken('COPY --from=build /app/dist ./dist', 'COPY dist ./dist'), 'bff', 'dist/src/main.js', ts)).toHaveLength(1);
    expect(scriptShipped(broken('COPY --from=build /app/dist ./dist\n', ''), 'bff', 'dist/src/main.js', ts)).toHaveLength(1);
  });

  it('a COPY source missing from the repository', () => {
    const none = () => false;
    expect(missingContextSources(df, none).length).toBe(contextSources(df).length);
    expect(missingContextSources(broken('COPY schema ./schema', 'COPY schemas ./schemas'), (f) => f !== 'schemas')).toHaveLength(1);
  });

  it('a .dockerignore that excludes something the Dockerfile copies', () => {
    expect(ignoredContextSources(df, `${dockerignoreText}\npackage-lock.json\n`)).toHaveLength(2);
    expect(ignoredContextSources(df, `${dockerignoreText}\n*.json\n`).length).toBeGreaterThanOrEqual(4);
    expect(ignoredContextSources(df, `${dockerignoreText}\n*.json\n!package*.json\n!tsconfig*.json\n`)).toEqual([]);
  });

  it('npm install, dev dependencies in the runtime, sources copied before npm ci', () => {
    expect(checkNpm(broken('RUN npm ci --ignore-scripts\n', 'RUN npm install\n'), [...TARGETS]).join()).toMatch(/npm install/);
    expect(checkNpm(broken('RUN npm ci --omit=dev', 'RUN npm ci'), [...TARGETS]).join()).toMatch(/keeps devDependencies/);
    expect(checkNpm(broken('COPY --from=prod-deps /app/node_modules', 'COPY --from=build /app/node_modules'), [...TARGETS]).join()).toMatch(
      /keeps devDependencies/,
    );
    expect(checkNpm(broken('COPY package.json package-lock.json ./\n# Local', 'COPY package.json ./\n# Local'), [...TARGETS]).join()).toMatch(
      /before package-lock.json/,
    );
    expect(checkNpm(broken('COPY stubs ./stubs\nRUN npm ci --ignore-scripts', 'COPY . ./\nRUN npm ci --ignore-scripts'), [...TARGETS]).join()).toMatch(
      /copied before npm ci/,
    );
  });

  it('an `npm run` of a script package.json does not have', () => {
    expect(checkNpmRunScripts(df, {})).toEqual([expect.stringMatching(/npm run build/)]);
    expect(checkNpmRunScripts(df, { build: 'tsc -p tsconfig.build.json' })).toEqual([]);
  });
});

describe('.dockerignore matching (Docker semantics)', () => {
  const m = (rules: string, path: string) => isExcluded(parseDockerignore(rules), path);

  it('matches from the root, directories exclude their contents, `**` spans segments', () => {
    expect(m('node_modules', 'node_modules/a/b.js')).toBe(true);
    expect(m('node_modules', 'mocks/node_modules/a.js')).toBe(false);
    expect(m('**/node_modules', 'mocks/node_modules/a.js')).toBe(true);
    expect(m('/dist/', 'dist/src/main.js')).toBe(true);
    expect(m('*.log', 'a.log')).toBe(true);
    expect(m('*.log', 'logs/a.log')).toBe(false);
    expect(m('**/*.log', 'logs/a.log')).toBe(true);
    expect(m('.env.*', '.env.local')).toBe(true);
    expect(m('.env.*', '.envrc')).toBe(false);
    expect(m('src/?.ts', 'src/a.ts')).toBe(true);
  });

  it('the last matching pattern wins, `!` re-includes', () => {
    expect(m('*.json\n!package.json', 'package.json')).toBe(false);
    expect(m('*.json\n!package.json', 'tsconfig.json')).toBe(true);
    expect(m('!package.json\n*.json', 'package.json')).toBe(true);
    expect(m('# comment\n\nschema', 'schema/users/users.graphql')).toBe(true);
  });
});
