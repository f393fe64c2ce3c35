import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GraphQLError, Kind } from 'graphql';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { BACKEND_ERROR_CODES, PUBLIC_CODES, PublicCode, backendFailure, listSizeOutOfRange, rateLimited } from '../../src/errors/public-errors.js';
import { errorCodesTable, readmeTable } from '../../src/errors/readme-table.js';
import { typeDefs } from '../../src/schema/typeDefs.generated.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SRC = join(ROOT, 'src');
const CATALOG_FILE = join(SRC, 'errors', 'public-errors.ts');
const README = join(ROOT, 'README.md');
const CODES = new Set<string>(PUBLIC_CODES.map(([code]) => code));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

/**
 * Where a source writes a public code itself instead of asking the catalog: any string literal
 * that is a catalog code, and any string literal given as `code` in an object that is some
 * `extensions` (which catches a new code nobody added to the catalog). Read with TypeScript's
 * parser, so comments and identifiers that merely mention a code do not count.
 */
function codesWrittenIn(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const where = (node: ts.Node) => `${relative(ROOT, fileName)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  const isStringLiteral = (node: ts.Node): node is ts.StringLiteral | ts.NoSubstitutionTemplateLiteral =>
    ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node);
  const inExtensions = (node: ts.Node) => {
    const property = node.parent;
    if (!ts.isPropertyAssignment(property) || property.name.getText(source) !== 'code') return false;
    const object = property.parent;
    return ts.isObjectLiteralExpression(object) && ts.isPropertyAssignment(object.parent) && object.parent.name.getText(source) === 'extensions';
  };
  const visit = (node: ts.Node): void => {
    if (isStringLiteral(node) && CODES.has(node.text)) found.push(`${where(node)} '${node.text}'`);
    else if (ts.isPropertyAssignment(node) && inExtensions(node.initializer)) {
      const literals: string[] = [];
      const collect = (n: ts.Node): void => (isStringLiteral(n) ? void literals.push(n.text) : ts.forEachChild(n, collect));
      collect(node.initializer);
      for (const literal of literals) if (!CODES.has(literal)) found.push(`${where(node)} extensions.code '${literal}', not in the catalog`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('the catalog of public error codes', () => {
  it('no file in src/ but the catalog writes a public code, and no extensions.code is a literal the catalog lacks', () => {
    const files = sourceFiles(SRC).filter((file) => file !== CATALOG_FILE);
    expect(files.length).toBeGreaterThan(50);
    const found = files.flatMap((file) => codesWrittenIn(file, readFileSync(file, 'utf8')));
    expect(found, 'use PublicCode.X or a factory from src/errors/public-errors.ts').toEqual([]);
  });

  it('the scan finds what it looks for (so the test above can fail)', () => {
    const sample = [
      "const a = { extensions: { code: 'BAD_REQUEST' } };",
      "const b = { extensions: { code: ok ? 'SOMETHING_NEW' : `ANOTHER` } };",
      "if (error.code === 'BACKEND_TIMEOUT') retry();",
      '// BACKEND_TIMEOUT in a comment, and PublicCode.BACKEND_TIMEOUT, are fine',
      'const c = { extensions: { code: PublicCode.BAD_REQUEST, argument: "first" } };',
    ].join('\n');
    expect(codesWrittenIn(join(SRC, 'sample.ts'), sample)).toEqual([
      "src/sample.ts:1 'BAD_REQUEST'",
      "src/sample.ts:2 extensions.code 'SOMETHING_NEW', not in the catalog",
      "src/sample.ts:2 extensions.code 'ANOTHER', not in the catalog",
      "src/sample.ts:3 'BACKEND_TIMEOUT'",
    ]);
  });

  it('the README\'s "Error codes" table is the catalog, row for row', () => {
    const { table } = readmeTable(readFileSync(README, 'utf8'));
    const documented = table
      .split('\n')
      .slice(2)
      .map((row) => /^\| `([A-Z_]+)` \|/.exec(row)?.[1]);
    expect(documented, 'codes in the README table').toEqual([...CODES]);
    expect(table, 'run `npx tsx scripts/readme-error-codes.ts --write`').toBe(errorCodesTable());
  });

  it("no public code is also a value of a schema enum (placeOrder's error codes are data, not extensions)", () => {
    const enumValues = typeDefs.definitions.flatMap((definition) =>
      definition.kind === Kind.ENUM_TYPE_DEFINITION ? (definition.values ?? []).map((value) => `${definition.name.value}.${value.name.value}`) : [],
    );
    expect(enumValues).toContain('PlaceOrderErrorCode.OUT_OF_STOCK');
    expect(enumValues.filter((value) => CODES.has(value.split('.')[1]!))).toEqual([]);
  });

  it('every backend code is a public code, shown with a fixed message and the service', () => {
    for (const code of BACKEND_ERROR_CODES) expect(CODES.has(code)).toBe(true);
    const located = new GraphQLError('catalog: GET /products/7 answered 503 from catalog.internal:8080', { path: ['product'] });
    const shown = backendFailure(located, { code: PublicCode.BACKEND_UNAVAILABLE, service: 'catalog' });
    expect(shown.toJSON()).toEqual({
      message: 'The catalog service is unavailable.',
      path: ['product'],
      extensions: { code: 'BACKEND_UNAVAILABLE', service: 'catalog' },
    });
  });

  it("a factory takes the HTTP status from the catalog, and a field's error sets none", () => {
    const status = (code: PublicCode) => PUBLIC_CODES.find(([c]) => c === code)![1].status;
    expect(rateLimited(600, 60, 7).extensions).toEqual({ code: 'RATE_LIMITED', http: { status: status('RATE_LIMITED'), headers: { 'retry-after': '7' } } });
    expect(listSizeOutOfRange('first', 100, 101).extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'first' });
  });
});
