// .dockerignore as Docker reads it, with @balena/dockerignore (a port of Docker's own matcher,
// moby/patternmatcher): `#` comments, `!` re-includes, `*`/`?`/`**`, a pattern excluding a
// directory excludes what is below it, the last matching pattern decides.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import dockerignore, { type Ignore } from '@balena/dockerignore';

// A CommonJS module whose types declare an ES default export: under NodeNext the import is the
// module object, so its (real, self-referencing) `default` property is the factory.
const ignore = dockerignore.default;

export type Dockerignore = Ignore;

export function parseDockerignore(text: string): Dockerignore {
  return ignore().add(text.split(/\r?\n/));
}

/** Is `relPath` (posix, relative to the context root) left out of the build context? */
export function isExcluded(patterns: Dockerignore, relPath: string): boolean {
  return patterns.ignores(relPath);
}

/** The path itself and, for a directory, every file and directory below it (posix, relative to root). */
export function walk(root: string, rel: string): string[] {
  const abs = join(root, rel);
  if (!existsSync(abs)) return [rel];
  if (!statSync(abs).isDirectory()) return [rel];
  const out = [rel];
  for (const entry of readdirSync(abs)) out.push(...walk(root, rel === '.' ? entry : `${rel}/${entry}`));
  return out;
}
