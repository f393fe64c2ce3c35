/**
 * How the benchmark runs the BFF. By default as the Docker image does: compiled by tsc, and
 * started with the node flags of the image's CMD, read from the Dockerfile itself so the two
 * cannot drift (memory figures depend on them: V8's heap sizing flags). `BENCH_RUNTIME=tsx`
 * runs the sources instead: no build, but tsx's loader and esbuild add ~50 MB to each process.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Settings } from './settings.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SCRIPT = 'dist/src/main.js';

/** The node arguments before the script in the bff image's `CMD ["node", …, "dist/src/main.js"]` (the Dockerfile's last CMD: bff is its last stage). */
export function imageNodeFlags(dockerfile = readFileSync(`${ROOT}/Dockerfile`, 'utf8')): string[] {
  const cmd = [...dockerfile.matchAll(/^CMD\s+(\[.*\])\s*$/gm)].at(-1)?.[1];
  const argv = cmd ? (JSON.parse(cmd) as string[]) : [];
  if (argv[0] !== 'node' || argv.at(-1) !== SCRIPT) throw new Error(`the Dockerfile's last CMD should be ["node", …flags, "${SCRIPT}"], got ${cmd ?? 'none'}`);
  return argv.slice(1, -1);
}

let built = false;

/** The arguments of node that start the BFF; compiles it first (once per run) when it runs from dist. */
export function bffNodeArgs(settings: Pick<Settings, 'runtime' | 'nodeFlags'>): string[] {
  if (settings.runtime === 'tsx') return ['--import', 'tsx', 'src/main.ts'];
  if (!built) {
    console.error('compiling the BFF (tsc -p tsconfig.build.json), to run it as the image does…');
    execFileSync(process.execPath, [createRequire(import.meta.url).resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    built = true;
  }
  return [...nodeFlagsOf(settings), SCRIPT];
}

/** BENCH_NODE_FLAGS when given, else the image's. */
function nodeFlagsOf(settings: Pick<Settings, 'nodeFlags'>): readonly string[] {
  return settings.nodeFlags ?? imageNodeFlags();
}

/** What the report says about how the BFF ran. */
export function describeRuntime(settings: Pick<Settings, 'runtime' | 'workers' | 'nodeFlags'>): string {
  const how =
    settings.runtime === 'tsx'
      ? 'node --import tsx src/main.ts (from the sources)'
      : `node ${[...nodeFlagsOf(settings), SCRIPT].join(' ')} (compiled, ${settings.nodeFlags ? "with BENCH_NODE_FLAGS instead of the image's flags" : 'as the image runs it'})`;
  return `${how}, WORKERS=${settings.workers}`;
}
