// .dockerignore matching as Docker does it (github.com/moby/patternmatcher):
// - one pattern a line; blank lines and lines starting with `#` are ignored; `!` re-includes;
// - patterns are cleaned (`./a/` -> `a`, leading `/` dropped) and match from the context root;
// - `*` matches within one path segment, `?` one character, `**` any number of segments;
// - a pattern excludes a path if it matches the path or any directory above it;
// - the last pattern that matches decides.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';

export interface IgnorePattern {
  source: string;
  negate: boolean;
  regex: RegExp;
}

export function parseDockerignore(text: string): IgnorePattern[] {
  const out: IgnorePattern[] = [];
  for (const rawLine of text.split(/\r?\n/)) {
    let line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    let negate = false;
    if (line.startsWith('!')) {
      negate = true;
      line = line.slice(1).trim();
    }
    let pattern = posix.normalize(line);
    if (pattern.length > 1 && pattern.startsWith('/')) pattern = pattern.slice(1);
    pattern = pattern.replace(/\/+$/, '');
    out.push({ source: rawLine.trim(), negate, regex: compile(pattern) });
  }
  return out;
}

function compile(pattern: string): RegExp {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '*') {
      if (pattern[i + 1] === '*') {
        i++;
        if (pattern[i + 1] === '/') i++;
        re += i + 1 >= pattern.length ? '.*' : '(.*/)?';
      } else {
        re += '[^/]*';
      }
    } else if (ch === '?') {
      re += '[^/]';
    } else if (ch === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += `[${pattern.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else if (ch === '\\' && i + 1 < pattern.length) {
      i++;
      re += escapeRe(pattern[i]);
    } else {
      re += escapeRe(ch);
    }
  }
  return new RegExp(`${re}$`);
}

function escapeRe(ch: string): string {
  return /[.+^${}()|[\]\\]/.test(ch) ? `\\${ch}` : ch;
}

/** Is `relPath` (posix, relative to the context root) left out of the build context? */
export function isExcluded(patterns: IgnorePattern[], relPath: string): boolean {
  const path = posix.normalize(relPath).replace(/^\.\/+/, '').replace(/\/+$/, '');
  const parents: string[] = [];
  const parts = path.split('/');
  for (let i = 1; i < parts.length; i++) parents.push(parts.slice(0, i).join('/'));
  let excluded = false;
  for (const p of patterns) {
    const matches = p.regex.test(path) || parents.some((d) => p.regex.test(d));
    if (matches) excluded = !p.negate;
  }
  return excluded;
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
