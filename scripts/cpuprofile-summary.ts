/**
 * Reads a V8 `.cpuprofile` (node --cpu-prof) and prints where the time went: self time by
 * function and by package, and total (inclusive) time by package, as shares of the window.
 *
 *   tsx scripts/cpuprofile-summary.ts <file.cpuprofile> [--top 30] [--focus functionName] [--from µs --to µs]
 *
 * `--focus` splits one function's inclusive time by its callers (who makes all those
 * DOMExceptions?). `--from/--to` (the profile's own clock, microseconds) keep a window only.
 *
 * Hand-written because the tools that read profiles (Chrome DevTools, speedscope, 0x) are
 * interactive or pull a browser; this is a hundred lines of arithmetic over the file's JSON.
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** The package a frame belongs to: what the integrator can act on ("our code", "graphql-tools executor", …). */
export function packageOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (functionName === '(garbage collector)') return 'GC';
  if (functionName === '(program)' || functionName === '(idle)' || functionName === '(root)') return functionName;
  if (url === '') return 'V8/native';
  if (url.startsWith('node:')) return 'node internals';
  const inModules = url.lastIndexOf('/node_modules/');
  if (inModules >= 0) {
    const rest = url.slice(inModules + '/node_modules/'.length).split('/');
    const name = rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
    if (name === '@graphql-tools/executor') return 'graphql-tools executor';
    if (name.startsWith('@whatwg-node/')) return '@whatwg-node';
    if (name === 'graphql-yoga' || name.startsWith('@graphql-yoga/') || name.startsWith('@envelop/')) return 'yoga/envelop';
    if (name === 'pino' || name.startsWith('pino-') || name === 'sonic-boom' || name === 'fast-redact') return 'pino';
    return name;
  }
  if (url.includes('/src/')) return 'our code';
  if (url.includes('/mocks/') || url.includes('/bench/')) return 'harness';
  return url;
}

export interface Summary {
  windowMs: number;
  /** The sampling interval every sample stands for. */
  intervalMs: number;
  byFunction: { name: string; pkg: string; selfMs: number }[];
  byPackageSelf: Map<string, number>;
  byPackageTotal: Map<string, number>;
  /** Inclusive time per file of our own code (src/…), each file counted once per sample. */
  byOwnFileTotal: Map<string, number>;
  /**
   * Each sample charged to the nearest file of our code on its stack (library time included):
   * what each of our files costs, with what it calls in other files of ours charged to those.
   */
  byNearestOwnFile: Map<string, number>;
  /** Inclusive time of the functions named in `focus`, split by the caller frames above them. */
  callersOf: Map<string, number>;
}

export function summarize(profile: Profile, from = -Infinity, to = Infinity, focus?: string): Summary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const selfByNode = new Map<number, number>();
  // Every sample counts the same: one sampling interval (the median gap). The gaps are wall
  // time, and on a shared machine a process waiting for a core gets one sample with a long gap
  // when it runs again (pending signals coalesce): weighting by gap would charge that wait to
  // whatever function happened to run next. Counting samples approximates CPU time.
  const sorted = [...profile.timeDeltas].sort((a, b) => a - b);
  const us = sorted[Math.floor(sorted.length / 2)] ?? 1000;
  let t = profile.startTime;
  let windowUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i]!;
    if (t < from || t > to) continue;
    selfByNode.set(profile.samples[i]!, (selfByNode.get(profile.samples[i]!) ?? 0) + us);
    windowUs += us;
  }
  const key = (f: CallFrame) => `${f.functionName || '(anonymous)'} ${shortUrl(f.url)}:${f.lineNumber + 1}`;
  const fnSelf = new Map<string, { name: string; pkg: string; selfMs: number }>();
  const byPackageSelf = new Map<string, number>();
  const byPackageTotal = new Map<string, number>();
  const byOwnFileTotal = new Map<string, number>();
  const byNearestOwnFile = new Map<string, number>();
  const callersOf = new Map<string, number>();
  for (const [id, us] of selfByNode) {
    const frame = byId.get(id)!.callFrame;
    const k = key(frame);
    const entry = fnSelf.get(k) ?? { name: k, pkg: packageOf(frame), selfMs: 0 };
    entry.selfMs += us / 1000;
    fnSelf.set(k, entry);
    byPackageSelf.set(entry.pkg, (byPackageSelf.get(entry.pkg) ?? 0) + us / 1000);
    // Inclusive: each package on the stack counts once per sample.
    const seen = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) seen.add(packageOf(byId.get(n)!.callFrame));
    for (const pkg of seen) byPackageTotal.set(pkg, (byPackageTotal.get(pkg) ?? 0) + us / 1000);
    const files = new Set<string>();
    let focusCaller: string | undefined;
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const frame = byId.get(n)!.callFrame;
      if (packageOf(frame) === 'our code') files.add(shortUrl(frame.url));
      if (focus && focusCaller === undefined && frame.functionName === focus) {
        const up = parent.get(n);
        focusCaller = up === undefined ? '(none)' : key(byId.get(up)!.callFrame);
      }
    }
    for (const file of files) byOwnFileTotal.set(file, (byOwnFileTotal.get(file) ?? 0) + us / 1000);
    const nearest = files.values().next().value;
    if (nearest !== undefined) byNearestOwnFile.set(nearest, (byNearestOwnFile.get(nearest) ?? 0) + us / 1000);
    if (focusCaller !== undefined) callersOf.set(focusCaller, (callersOf.get(focusCaller) ?? 0) + us / 1000);
  }
  return {
    windowMs: windowUs / 1000,
    intervalMs: us / 1000,
    byFunction: [...fnSelf.values()].sort((a, b) => b.selfMs - a.selfMs),
    byPackageSelf,
    byPackageTotal,
    byOwnFileTotal,
    byNearestOwnFile,
    callersOf,
  };
}

function shortUrl(url: string): string {
  const inModules = url.lastIndexOf('/node_modules/');
  if (inModules >= 0) return url.slice(inModules + '/node_modules/'.length);
  const src = url.indexOf('/src/');
  return src >= 0 ? url.slice(src + 1) : url;
}

export function printSummary(summary: Summary, top = 30): void {
  const { windowMs } = summary;
  const busy = windowMs - (summary.byPackageSelf.get('(idle)') ?? 0);
  console.log(
    `${Math.round(windowMs / summary.intervalMs)} samples (${summary.intervalMs} ms apart), ${Math.round(busy / summary.intervalMs)} busy: shares below are of the busy ones`,
  );
  const ofBusy = (ms: number) => `${((100 * ms) / busy).toFixed(1).padStart(5)} %`;
  console.log('\nself time by package            self    total');
  for (const [pkg, ms] of [...summary.byPackageSelf].sort((a, b) => b[1] - a[1])) {
    if (pkg === '(idle)') continue;
    console.log(`  ${pkg.padEnd(28)} ${ofBusy(ms)}  ${ofBusy(summary.byPackageTotal.get(pkg) ?? 0)}`);
  }
  console.log(`\ntop ${top} functions by self time (of busy)`);
  for (const f of summary.byFunction.filter((f) => f.pkg !== '(idle)').slice(0, top)) {
    console.log(`  ${ofBusy(f.selfMs)}  ${f.pkg.padEnd(24)} ${f.name}`);
  }
  console.log('\nour files, inclusive (of busy)');
  for (const [file, ms] of [...summary.byOwnFileTotal].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${ofBusy(ms)}  ${file}`);
  console.log('\nour files, charged with the library time they call (of busy)');
  for (const [file, ms] of [...summary.byNearestOwnFile].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${ofBusy(ms)}  ${file}`);
  if (summary.callersOf.size > 0) {
    console.log('\ncallers of the focused function (inclusive, of busy)');
    for (const [caller, ms] of [...summary.callersOf].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${ofBusy(ms)}  ${caller}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, ...rest] = process.argv.slice(2);
  if (!file) {
    console.error('usage: tsx scripts/cpuprofile-summary.ts <file.cpuprofile> [--top n] [--focus fn] [--from µs --to µs]');
    process.exit(2);
  }
  const flag = (name: string) => {
    const i = rest.indexOf(name);
    return i >= 0 ? Number(rest[i + 1]) : undefined;
  };
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const focusAt = rest.indexOf('--focus');
  printSummary(summarize(profile, flag('--from'), flag('--to'), focusAt >= 0 ? rest[focusAt + 1] : undefined), flag('--top') ?? 30);
}
