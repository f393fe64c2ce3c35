// Paths and files of the project under test, shared by the infra tests.
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import type { TsLayout } from './dockerfile.js';

/** The project root (this file is test/infra/lib/project.ts). */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export const read = (rel: string): string => readFileSync(join(ROOT, rel), 'utf8');
export const exists = (rel: string): boolean => existsSync(join(ROOT, rel));

const toPosix = (p: string): string => p.split(sep).join('/');

/** tsconfig.build.json (resolving `extends`), as TypeScript reads it. */
export function buildTsConfig(configFile = 'tsconfig.build.json'): ts.ParsedCommandLine {
  const path = join(ROOT, configFile);
  const { config, error } = ts.readConfigFile(path, ts.sys.readFile);
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  return ts.parseJsonConfigFileContent(config, ts.sys, ROOT, undefined, path);
}

/** rootDir / outDir / included files of tsconfig.build.json. */
export function buildTsLayout(configFile = 'tsconfig.build.json'): TsLayout {
  const parsed = buildTsConfig(configFile);
  const rel = (abs: string | undefined, fallback: string) => (abs ? toPosix(relative(ROOT, abs)) || '.' : fallback);
  const files = new Set(parsed.fileNames.map((f) => toPosix(relative(ROOT, f))));
  return {
    rootDir: rel(parsed.options.rootDir, '.'),
    outDir: rel(parsed.options.outDir, '.'),
    isIncluded: (file) => files.has(file),
  };
}

export interface PackageJson {
  scripts?: Record<string, string>;
  engines?: Record<string, string>;
  dependencies?: Record<string, string>;
}

export function packageJson(): PackageJson {
  return JSON.parse(read('package.json')) as PackageJson;
}

/** `text` with `from` replaced by `to`; throws if `from` is not there, so a mutation never silently does nothing. */
export function mutate(text: string, from: string | RegExp, to: string): string {
  const found = typeof from === 'string' ? text.includes(from) : from.test(text);
  if (!found) throw new Error(`mutation target not found: ${String(from)}`);
  return text.replace(from, to);
}
