// The packages a program loads at run time: follows the import graph of TypeScript sources from an
// entry file (static imports and re-exports, `import()`, `require()` and `require.resolve()` with a
// literal name), skipping what tsc erases (`import type`, `export type`). With verbatimModuleSyntax,
// `import { type A } from 'a'` still loads 'a', so it counts.
import { builtinModules } from 'node:module';
import { readFileSync } from 'node:fs';
import { relative, sep } from 'node:path';
import ts from 'typescript';

export interface RuntimeImports {
  /** package name -> files (relative to root) that load it */
  packages: Map<string, Set<string>>;
  /** local source files reached (relative to root) */
  files: string[];
  /** specifiers that resolved to nothing */
  unresolved: string[];
}

const BUILTINS = new Set(builtinModules);

export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function specifiers(file: ts.SourceFile): string[] {
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      if (!node.importClause?.isTypeOnly && ts.isStringLiteral(node.moduleSpecifier)) out.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node)) {
      if (!node.isTypeOnly && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) out.push(node.moduleSpecifier.text);
    } else if (ts.isImportEqualsDeclaration(node)) {
      const ref = node.moduleReference;
      if (!node.isTypeOnly && ts.isExternalModuleReference(ref) && ts.isStringLiteral(ref.expression)) out.push(ref.expression.text);
    } else if (ts.isCallExpression(node)) {
      const [arg] = node.arguments;
      const callee = node.expression;
      const isImport = callee.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(callee) && callee.text === 'require';
      const isResolve =
        ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'require' && callee.name.text === 'resolve';
      if ((isImport || isRequire || isResolve) && arg && ts.isStringLiteralLike(arg)) out.push(arg.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return out;
}

export function runtimeImports(root: string, entries: string[], options: ts.CompilerOptions): RuntimeImports {
  const rel = (abs: string) => relative(root, abs).split(sep).join('/');
  const packages = new Map<string, Set<string>>();
  const unresolved: string[] = [];
  const seen = new Set<string>();
  const queue = entries.map((e) => `${root.replace(/\/+$/, '')}/${e}`);
  while (queue.length) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    for (const spec of specifiers(source)) {
      if (spec.startsWith('node:') || BUILTINS.has(spec)) continue;
      if (!spec.startsWith('.') && !spec.startsWith('/')) {
        const name = packageName(spec);
        if (!packages.has(name)) packages.set(name, new Set());
        packages.get(name)!.add(rel(file));
        continue;
      }
      const resolved = ts.resolveModuleName(spec, file, options, ts.sys).resolvedModule;
      if (!resolved) unresolved.push(`${rel(file)}: ${spec}`);
      else if (/\.(ts|tsx|mts|cts|js|mjs|cjs)$/.test(resolved.resolvedFileName) && !resolved.resolvedFileName.endsWith('.d.ts')) {
        queue.push(resolved.resolvedFileName);
      }
    }
  }
  return { packages, files: [...seen].map(rel).sort(), unresolved };
}

/** Packages loaded at run time that are not production dependencies (so `npm ci --omit=dev` lacks them). */
export function checkProductionDeps(found: RuntimeImports, dependencies: Record<string, string>): string[] {
  const p = found.unresolved.map((u) => `cannot resolve ${u}`);
  for (const [name, files] of found.packages) {
    if (!(name in dependencies)) p.push(`${name} is loaded at run time (${[...files].join(', ')}) but is not in package.json "dependencies"`);
  }
  return p;
}
