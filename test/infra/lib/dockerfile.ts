// The Dockerfile as dockerfile-ast reads it (the parser behind the Docker language server:
// parser directives, continuations, comments inside them, flags, exec and shell form, heredocs,
// ARG expansion in FROM), dockerfile-utils' validation of it, and the checks that
// test/infra/dockerfile.test.ts runs on our Dockerfile: what only this project knows (its
// stages, where copied paths land, what the runtime targets run).
//
// Every check is a pure function returning a list of problems (empty = fine), so the tests can run
// it on the real Dockerfile and on broken snippets (to prove that it can fail).
import { DockerfileParser, Env, From, Healthcheck, JSONInstruction, ModifiableInstruction, type Instruction as AstInstruction } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';

export interface Instruction {
  /** upper-case keyword, e.g. COPY */
  keyword: string;
  /** 1-based line of the keyword */
  line: number;
  /** `--name=value` / `--name` flags before the arguments */
  flags: Record<string, string | true>;
  /** the arguments after the flags, continuation lines joined (and heredoc bodies included) */
  rest: string;
  /** the arguments parsed as a JSON string array (exec form), or null for shell form */
  json: string[] | null;
  /** dockerfile-ast's node, for what the fields above do not say */
  node: AstInstruction;
}

export interface Stage {
  index: number;
  /** `AS name`, lower-cased (stage names are case-insensitive) */
  name: string | null;
  /** the FROM argument as written */
  fromRaw: string;
  /** the FROM argument with global ARGs substituted */
  from: string;
  /** set when `from` names an earlier stage */
  parent: Stage | null;
  line: number;
  /** instructions after FROM, up to the next FROM */
  instructions: Instruction[];
}

export interface Dockerfile {
  /** ARGs declared before the first FROM, with their default values */
  globalArgs: Record<string, string | undefined>;
  stages: Stage[];
  instructions: Instruction[];
}

export function parseDockerfile(text: string): Dockerfile {
  const ast = DockerfileParser.parse(text);
  const globalArgs: Record<string, string | undefined> = {};
  for (const arg of ast.getInitialARGs()) {
    const property = arg.getProperty();
    if (property) globalArgs[property.getName()] = property.getValue() ?? undefined;
  }
  const instructions = ast.getInstructions().map(toInstruction);
  const stages: Stage[] = [];
  let stage: Stage | null = null;
  for (const ins of instructions) {
    if (ins.node instanceof From) {
      const fromRaw = ins.node.getImage() ?? '';
      // dockerfile-ast expands ${ARG} (with defaults) from the ARGs before the first FROM, as Docker does.
      const from = ins.node.getExpandedArguments()[0]?.getValue() ?? fromRaw;
      const name = ins.node.getBuildStage()?.toLowerCase() ?? null;
      const parent = stages.find((s) => s.name !== null && s.name === from.toLowerCase()) ?? null;
      stage = { index: stages.length, name, fromRaw, from, parent, line: ins.line, instructions: [] };
      stages.push(stage);
    } else if (stage) {
      stage.instructions.push(ins);
    }
    // Before the first FROM only ARG is allowed; anything else is in dockerfileProblems().
  }
  return { globalArgs, stages, instructions };
}

function toInstruction(node: AstInstruction): Instruction {
  const flags: Record<string, string | true> = {};
  if (node instanceof ModifiableInstruction) for (const flag of node.getFlags()) flags[flag.getName()] = flag.getValue() ?? true;
  const rest = node.getArgumentsContent() ?? '';
  return {
    keyword: node.getKeyword(),
    line: node.getRange().start.line + 1,
    flags,
    rest,
    json: node instanceof JSONInstruction && node.getOpeningBracket() ? jsonForm(rest) : null,
    node,
  };
}

/**
 * The exec form's strings. Docker reads `[...]` as JSON and falls back to the shell form when it
 * is not a JSON array of strings; JSON.parse does the same here. (dockerfile-ast's own
 * getJSONStrings() drops the spaces inside each string, so its values are not used.)
 */
function jsonForm(text: string): string[] | null {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) && value.every((x) => typeof x === 'string') ? (value as string[]) : null;
  } catch {
    return null;
  }
}

/** What dockerfile-utils (the Docker language server's validator) finds: `line N: message`, errors and warnings. */
export function dockerfileProblems(text: string): string[] {
  return validate(text).map((d) => `line ${d.range.start.line + 1}: ${d.message}`);
}

export function stageByName(df: Dockerfile, name: string): Stage | undefined {
  return df.stages.find((s) => s.name === name.toLowerCase());
}

/** The stage and its ancestors (stages it is built FROM), the stage itself last. */
export function stageChain(stage: Stage): Stage[] {
  const chain: Stage[] = [];
  for (let s: Stage | null = stage; s; s = s.parent) chain.unshift(s);
  return chain;
}

export interface EffectiveConfig {
  user: string | null;
  workdir: string;
  env: Record<string, string>;
  expose: string[];
  entrypoint: Instruction | null;
  cmd: Instruction | null;
  healthcheck: Instruction | null;
  stopsignal: string | null;
}

/** What an image built with `--target <stage>` ends up with (inherited through FROM <stage>). */
export function effectiveConfig(stage: Stage): EffectiveConfig {
  const cfg: EffectiveConfig = {
    user: null,
    workdir: '/',
    env: {},
    expose: [],
    entrypoint: null,
    cmd: null,
    healthcheck: null,
    stopsignal: null,
  };
  for (const s of stageChain(stage)) {
    for (const ins of s.instructions) {
      switch (ins.keyword) {
        case 'USER':
          cfg.user = ins.rest;
          break;
        case 'WORKDIR':
          cfg.workdir = ins.rest.startsWith('/') ? normalizePosix(ins.rest) : joinPosix(cfg.workdir, ins.rest);
          break;
        case 'ENV':
          if (ins.node instanceof Env) for (const p of ins.node.getProperties()) cfg.env[p.getName()] = unquote(p.getUnescapedValue() ?? '');
          break;
        case 'EXPOSE':
          cfg.expose.push(...ins.node.getArguments().map((a) => a.getValue()));
          break;
        case 'ENTRYPOINT':
          cfg.entrypoint = ins;
          cfg.cmd = null; // Docker resets CMD when ENTRYPOINT is set
          break;
        case 'CMD':
          cfg.cmd = ins;
          break;
        case 'HEALTHCHECK':
          cfg.healthcheck = ins;
          break;
        case 'STOPSIGNAL':
          cfg.stopsignal = ins.rest;
          break;
      }
    }
  }
  return cfg;
}

/** ENV B="x y": dockerfile-ast keeps the quotes of a value, Docker does not. */
function unquote(s: string): string {
  return /^(["']).*\1$/.test(s) ? s.slice(1, -1) : s;
}

function joinPosix(a: string, b: string): string {
  return normalizePosix(`${a}/${b}`);
}

export function normalizePosix(p: string): string {
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return `/${out.join('/')}`;
}

/** The argv of the container's main process: ENTRYPOINT (exec form) + CMD (exec form). */
export function processArgv(cfg: EffectiveConfig): string[] {
  return [...(cfg.entrypoint?.json ?? []), ...(cfg.cmd?.json ?? [])];
}

/** The HEALTHCHECK's command: { form: 'exec' | 'shell' | 'none', argv }. */
export function healthcheckCommand(ins: Instruction): { form: 'exec' | 'shell' | 'none'; argv: string[] } {
  const subcommand = ins.node instanceof Healthcheck ? ins.node.getSubcommand()?.getValue().toUpperCase() : undefined;
  if (subcommand !== 'CMD') return { form: 'none', argv: [] };
  const command = ins.rest.replace(/^\S+\s*/, '');
  const json = command.startsWith('[') ? jsonForm(command) : null;
  return json ? { form: 'exec', argv: json } : { form: 'shell', argv: [command] };
}

/**
 * The sources and destination of a COPY/ADD. A heredoc (`COPY <<EOF /etc/x`) writes a file from
 * the Dockerfile itself: where it lands is not modelled here, so it is refused, not misread.
 */
function copyArguments(ins: Instruction): string[] {
  if (/(^|\s)<<-?["']?[A-Za-z_]/.test(ins.rest))
    throw new Error(`Dockerfile line ${ins.line}: ${ins.keyword} with a heredoc; the checks of copied paths do not cover it`);
  return ins.json ?? ins.node.getArguments().map((a) => a.getValue());
}

export interface CopySource {
  stage: Stage;
  ins: Instruction;
  /** path in the build context, as written (no leading ./) */
  path: string;
}

/** Sources of COPY/ADD instructions that read from the build context (not `--from`). */
export function contextSources(df: Dockerfile): CopySource[] {
  const out: CopySource[] = [];
  for (const stage of df.stages) {
    for (const ins of stage.instructions) {
      if ((ins.keyword !== 'COPY' && ins.keyword !== 'ADD') || 'from' in ins.flags) continue;
      const args = copyArguments(ins);
      for (const src of args.slice(0, -1)) {
        if (/^[a-z]+:\/\//i.test(src)) continue; // ADD <url>
        out.push({ stage, ins, path: src.replace(/^\.\/+/, '').replace(/\/+$/, '') || '.' });
      }
    }
  }
  return out;
}

export interface Landing {
  ins: Instruction;
  stage: Stage;
  /** the source as written */
  source: string;
  /** where it lands in the image (absolute) */
  path: string;
}

/**
 * Where the sources of the COPY/ADD instructions of a stage's chain land in the image. A destination
 * ending in `/` (or `.`) receives `<dest>/<basename of source>`; otherwise the destination is the
 * path of the (single) source. (A directory copied into `./` would spread its contents instead; we
 * never write that, and this model would flag the missing path rather than hide it.)
 */
export function copyLandings(stage: Stage): Landing[] {
  const out: Landing[] = [];
  let workdir = '/';
  for (const s of stageChain(stage)) {
    for (const ins of s.instructions) {
      if (ins.keyword === 'WORKDIR') workdir = ins.rest.startsWith('/') ? normalizePosix(ins.rest) : joinPosix(workdir, ins.rest);
      if (ins.keyword !== 'COPY' && ins.keyword !== 'ADD') continue;
      const args = copyArguments(ins);
      const destRaw = args[args.length - 1] ?? '';
      const dest = destRaw.startsWith('/') ? normalizePosix(destRaw) : joinPosix(workdir, destRaw);
      const intoDir = destRaw.endsWith('/') || destRaw === '.' || args.length > 2;
      for (const source of args.slice(0, -1)) {
        const base = source.replace(/\/+$/, '').split('/').pop() ?? '';
        out.push({ ins, stage: s, source, path: intoDir ? joinPosix(dest, base) : dest });
      }
    }
  }
  return out;
}

/** Working directory in effect at the end of a stage (inherited). */
export function workdirOf(stage: Stage): string {
  return effectiveConfig(stage).workdir;
}

const FLOATING_TAGS = new Set(['latest', 'lts', 'current', 'stable', 'slim', 'alpine', 'bookworm', 'bookworm-slim', 'edge']);

/** Every FROM names an earlier stage, `scratch`, or an image pinned to a version tag or digest. */
export function checkPinnedBaseImages(df: Dockerfile): string[] {
  const problems: string[] = [];
  for (const s of df.stages) {
    const where = `line ${s.line} (FROM ${s.fromRaw})`;
    if (s.parent || s.from === 'scratch') continue;
    if (s.from.includes('$')) {
      problems.push(`${where}: unresolved variable in base image "${s.from}" (declare it with a default in an ARG before the first FROM)`);
      continue;
    }
    if (/@sha256:[0-9a-f]{64}$/.test(s.from)) continue;
    const lastSegment = s.from.split('/').pop() ?? '';
    const colon = lastSegment.indexOf(':');
    if (colon < 0) {
      problems.push(`${where}: base image "${s.from}" has no tag (means :latest)`);
      continue;
    }
    const tag = lastSegment.slice(colon + 1);
    if (FLOATING_TAGS.has(tag) || !/^v?\d+\.\d+(\.\d+)*([-_.][\w.-]+)?$/.test(tag)) {
      problems.push(`${where}: tag "${tag}" of "${s.from}" is not a version (at least major.minor)`);
    }
  }
  return problems;
}

/** COPY --from and FROM refer to earlier stages (not to images by accident). Duplicate stage names: dockerfileProblems(). */
export function checkStageReferences(df: Dockerfile): string[] {
  const problems: string[] = [];
  for (const s of df.stages) {
    const later = df.stages.find((t) => t.index > s.index && t.name === s.from.toLowerCase());
    if (later) problems.push(`line ${s.line}: FROM ${s.from} refers to a stage defined later (Docker would pull an image of that name)`);
    for (const ins of s.instructions) {
      const from = ins.flags.from;
      if (ins.keyword !== 'COPY' || from === undefined) continue;
      if (from === true || from === '') {
        problems.push(`line ${ins.line}: COPY --from without a value`);
        continue;
      }
      const ref = from.toLowerCase();
      const earlier = df.stages.find((t) => t.index < s.index && (t.name === ref || String(t.index) === ref));
      if (!earlier) problems.push(`line ${ins.line}: COPY --from=${from} does not name an earlier stage`);
      else if (earlier === s) problems.push(`line ${ins.line}: COPY --from=${from} copies from its own stage`);
    }
  }
  return problems;
}

const SHELLS = new Set(['sh', '/bin/sh', 'bash', '/bin/bash']);
const PACKAGE_MANAGERS = new Set(['npm', 'npx', 'yarn', 'pnpm', 'corepack']);

function isRootUser(user: string | null): boolean {
  if (user === null) return true;
  const name = user.split(':')[0];
  return name === 'root' || name === '0' || name === '';
}

export interface RuntimeExpectations {
  env: Record<string, string>;
  stopsignal: string;
}

/**
 * A runtime target: non-root USER, a HEALTHCHECK in exec form, CMD/ENTRYPOINT in exec form running
 * node directly (optionally under tini), the expected ENV, an EXPOSE and an explicit STOPSIGNAL.
 */
export function checkRuntimeTarget(df: Dockerfile, target: string, expect: RuntimeExpectations): string[] {
  const stage = stageByName(df, target);
  if (!stage) return [`no stage named "${target}"`];
  const cfg = effectiveConfig(stage);
  const p: string[] = [];
  const t = `target "${target}"`;
  if (isRootUser(cfg.user)) p.push(`${t} runs as ${cfg.user === null ? 'root (no USER)' : `USER ${cfg.user}`}`);
  if (!cfg.healthcheck) p.push(`${t} has no HEALTHCHECK`);
  else {
    const hc = healthcheckCommand(cfg.healthcheck);
    if (hc.form === 'none') p.push(`${t}: HEALTHCHECK NONE`);
    if (hc.form === 'shell') p.push(`${t}: HEALTHCHECK CMD is in shell form (line ${cfg.healthcheck.line}); use a JSON array`);
  }
  if (!cfg.cmd) p.push(`${t} has no CMD`);
  for (const ins of [cfg.entrypoint, cfg.cmd]) {
    if (ins && !ins.json) p.push(`${t}: ${ins.keyword} at line ${ins.line} is in shell form; use a JSON array so signals reach the process`);
  }
  const argv = processArgv(cfg);
  let rest = argv;
  if (rest[0] && /(^|\/)(tini|dumb-init|docker-init)$/.test(rest[0])) {
    rest = rest.slice(1);
    if (rest[0] === '--') rest = rest.slice(1);
  }
  const exe = rest[0] ?? '';
  if (SHELLS.has(exe)) p.push(`${t}: the process is started through a shell (${argv.join(' ')})`);
  else if (PACKAGE_MANAGERS.has(exe.split('/').pop() ?? '')) p.push(`${t}: the process is started through ${exe} (signals do not reach node)`);
  else if (!/(^|\/)node$/.test(exe)) p.push(`${t}: the main process is "${exe}", expected node (${argv.join(' ')})`);
  for (const [k, v] of Object.entries(expect.env)) {
    if (cfg.env[k] !== v) p.push(`${t}: ENV ${k} is ${cfg.env[k] === undefined ? 'not set' : `"${cfg.env[k]}"`}, expected "${v}"`);
  }
  if (cfg.expose.length === 0) p.push(`${t} has no EXPOSE`);
  if (cfg.stopsignal !== expect.stopsignal) p.push(`${t}: STOPSIGNAL is ${cfg.stopsignal ?? 'not set'}, expected ${expect.stopsignal}`);
  return p;
}

/** The script node runs (first argument ending in .js/.mjs/.cjs after `node` and its options). */
export function nodeScript(df: Dockerfile, target: string): string | null {
  const stage = stageByName(df, target);
  if (!stage) return null;
  const argv = processArgv(effectiveConfig(stage));
  const nodeAt = argv.findIndex((a) => /(^|\/)node$/.test(a));
  if (nodeAt < 0) return null;
  return argv.slice(nodeAt + 1).find((a) => /\.[cm]?js$/.test(a)) ?? null;
}

/** The last COPY/ADD of the target's chain that puts `absPath` (or a directory above it) in the image. */
export function copiedInto(df: Dockerfile, target: string, absPath: string): { from: string | null; landing: Landing } | null {
  const stage = stageByName(df, target);
  if (!stage) return null;
  const hit = copyLandings(stage)
    .filter((l) => absPath === l.path || absPath.startsWith(`${l.path}/`))
    .pop();
  if (!hit) return null;
  const from = hit.ins.flags.from;
  return { from: typeof from === 'string' ? from.toLowerCase() : null, landing: hit };
}

/** Commands of the RUN instructions of a stage (only that stage, not its parents). */
function runs(stage: Stage): Instruction[] {
  return stage.instructions.filter((i) => i.keyword === 'RUN');
}

function runText(ins: Instruction): string {
  return ins.json ? ins.json.join(' ') : ins.rest;
}

/**
 * npm: `npm ci` (never `npm install`) with the lockfile copied in first and nothing else before it
 * (so the dependency layer is cached); the node_modules that reach a runtime target come from a
 * `npm ci --omit=dev` stage.
 */
/**
 * What `npm ci` reads: the manifest, the lockfile, and `stubs/`, the local packages that
 * package.json's overrides point at (`file:./stubs/…`), which change as rarely as the lockfile.
 */
const DEPENDENCY_MANIFEST = ['package.json', 'package-lock.json', 'stubs'];

export function checkNpm(df: Dockerfile, runtimeTargets: string[]): string[] {
  const p: string[] = [];
  let sawCi = false;
  for (const s of df.stages) {
    let copiedBefore: string[] = [];
    for (const ins of s.instructions) {
      if (ins.keyword === 'COPY' || ins.keyword === 'ADD') {
        const args = copyArguments(ins);
        copiedBefore = copiedBefore.concat(args.slice(0, -1).map((a) => a.replace(/^\.\//, '')));
      }
      if (ins.keyword !== 'RUN') continue;
      const text = runText(ins);
      for (const m of text.matchAll(/\bnpm\s+(install|i|add|isntall|update)\b/g)) {
        p.push(`line ${ins.line}: "npm ${m[1]}" — use "npm ci" (installs exactly the lockfile)`);
      }
      if (/\bnpm\s+ci\b/.test(text)) {
        sawCi = true;
        if (!copiedBefore.includes('package-lock.json')) p.push(`line ${ins.line}: npm ci runs before package-lock.json is copied in`);
        const extra = copiedBefore.filter((c) => !DEPENDENCY_MANIFEST.includes(c));
        if (extra.length) p.push(`line ${ins.line}: ${extra.join(', ')} copied before npm ci (every change would re-install dependencies)`);
      }
    }
  }
  if (!sawCi) p.push('no RUN npm ci');
  for (const target of runtimeTargets) {
    const stage = stageByName(df, target);
    if (!stage) continue;
    const wd = workdirOf(stage);
    const nm = copiedInto(df, target, `${wd}/node_modules`);
    if (!nm) {
      p.push(`target "${target}": nothing copies node_modules into ${wd}`);
      continue;
    }
    if (!nm.from) {
      p.push(`target "${target}": node_modules comes from the build context`);
      continue;
    }
    const src = stageByName(df, nm.from) ?? df.stages[Number(nm.from)];
    const ci = src
      ? stageChain(src)
          .flatMap(runs)
          .map(runText)
          .find((t) => /\bnpm\s+ci\b/.test(t))
      : undefined;
    if (!ci) p.push(`target "${target}": node_modules comes from stage "${nm.from}", which runs no npm ci`);
    else if (!/--omit[= ]dev\b|--production\b|--only[= ]prod/.test(ci)) {
      p.push(`target "${target}": node_modules comes from stage "${nm.from}", whose npm ci keeps devDependencies (add --omit=dev)`);
    }
  }
  return p;
}

/** Every `npm run <script>` in a RUN exists in package.json. */
export function checkNpmRunScripts(df: Dockerfile, scripts: Record<string, string>): string[] {
  const p: string[] = [];
  for (const ins of df.instructions.filter((i) => i.keyword === 'RUN')) {
    for (const m of runText(ins).matchAll(/\bnpm\s+run(?:-script)?\s+([\w:.-]+)/g)) {
      if (!(m[1] in scripts)) p.push(`line ${ins.line}: npm run ${m[1]}, but package.json has no "${m[1]}" script`);
    }
  }
  return p;
}

export interface TsLayout {
  /** tsc rootDir and outDir, relative to the project root (posix) */
  rootDir: string;
  outDir: string;
  /** is this source file (relative, posix) part of the build tsconfig's program? */
  isIncluded: (rel: string) => boolean;
}

/** The source file tsc compiles to `script` (`<outDir>/<rel>.js` <- `<rootDir>/<rel>.ts`, ...), if it exists. */
export function scriptSourceFile(script: string, ts: TsLayout, exists: (rel: string) => boolean): { found: string | null; candidates: string[] } | null {
  const clean = (d: string) => d.replace(/^\.\/?/, '').replace(/\/+$/, '');
  const out = clean(ts.outDir);
  const rel = script.replace(/^\.\/+/, '');
  if (!rel.startsWith(`${out}/`)) return null;
  const inRoot = rel.slice(out.length + 1);
  const root = clean(ts.rootDir);
  const base = (root ? `${root}/` : '') + inRoot.replace(/\.[cm]?js$/, '');
  const ext = /\.mjs$/.test(inRoot) ? ['.mts', '.mjs'] : /\.cjs$/.test(inRoot) ? ['.cts', '.cjs'] : ['.ts', '.tsx', '.js'];
  const candidates = ext.map((e) => base + e);
  return { found: candidates.find(exists) ?? null, candidates };
}

/**
 * The script a target runs is compiled output: `<outDir>/<rel>.js` must come from
 * `<rootDir>/<rel>.ts` (or .tsx/.js; .mts for .mjs, .cts for .cjs), a source file that exists and
 * that the build tsconfig compiles.
 */
export function checkScriptSource(script: string, ts: TsLayout, exists: (rel: string) => boolean): string[] {
  const src = scriptSourceFile(script, ts, exists);
  if (!src) return [`${script} is not under the tsc outDir "${ts.outDir}/"`];
  if (!src.found) return [`${script} would be compiled from ${src.candidates.join(' or ')}, which does not exist`];
  return ts.isIncluded(src.found) ? [] : [`${src.found} exists but the build tsconfig does not compile it`];
}
