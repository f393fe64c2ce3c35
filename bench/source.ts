/**
 * Which BFF the figures belong to: a hash of every file under src/ and the newest change time.
 * Figures are compared across runs, and the code changes between them; without this, a result
 * file cannot say what it measured. (Computed from the files, so it also covers uncommitted work.)
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface SourceFingerprint {
  /** sha256 over the sorted paths and contents of src/**, first 12 hex digits. */
  hash: string;
  files: number;
  /** The most recently modified file and when, e.g. to spot an edit made during the run. */
  newest: { path: string; mtime: string };
}

/** Per-file hashes, to name what changed between two fingerprints (kept out of the JSON). */
const perFile = new WeakMap<SourceFingerprint, Map<string, string>>();

/** Files added, removed or changed from `before` to `after`. */
export function changedFiles(before: SourceFingerprint, after: SourceFingerprint): string[] {
  const a = perFile.get(before) ?? new Map<string, string>();
  const b = perFile.get(after) ?? new Map<string, string>();
  return [...new Set([...a.keys(), ...b.keys()])].filter((path) => a.get(path) !== b.get(path)).sort();
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(entries.map((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : Promise.resolve([join(dir, e.name)]))));
  return nested.flat();
}

export async function fingerprintSource(dir = 'src'): Promise<SourceFingerprint> {
  const files = (await listFiles(join(ROOT, dir))).sort();
  const hash = createHash('sha256');
  const hashes = new Map<string, string>();
  let newest = { path: '', mtimeMs: 0 };
  for (const file of files) {
    const path = relative(ROOT, file);
    const content = await readFile(file);
    hash.update(path).update('\0').update(content).update('\0');
    hashes.set(path, createHash('sha256').update(content).digest('hex'));
    const { mtimeMs } = await stat(file);
    if (mtimeMs > newest.mtimeMs) newest = { path, mtimeMs };
  }
  const fingerprint = {
    hash: hash.digest('hex').slice(0, 12),
    files: files.length,
    newest: { path: newest.path, mtime: new Date(newest.mtimeMs).toISOString() },
  };
  perFile.set(fingerprint, hashes);
  return fingerprint;
}
