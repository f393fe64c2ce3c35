import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * `npm run schema:check` (CI's schema contract step) run in a copy of the repository's SDL,
 * baseline and example operations, edited the way a careless change would edit them: it must
 * pass on the copy as it is and on an addition, and fail on a breaking change and on an
 * operation that no longer validates, saying which.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const copies: string[] = [];

function copyOfTheRepository(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bff-schema-check-'));
  copies.push(dir);
  for (const path of ['package.json', 'schema', 'contract', 'examples/web/src']) cpSync(join(ROOT, path), join(dir, path), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

function edit(dir: string, path: string, from: string, to: string): void {
  const file = join(dir, path);
  const text = readFileSync(file, 'utf8');
  // An edit that matches nothing would make a "fails" test pass for the wrong reason.
  expect(text).toContain(from);
  writeFileSync(file, text.replace(from, to));
}

function schemaCheck(dir: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    // Without the npm_* variables of an enclosing `npm test`, which would point npm back at the repository.
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_')));
    execFile('npm', ['run', '--silent', 'schema:check'], { cwd: dir, env: { ...env, NO_COLOR: '1', FORCE_COLOR: '0' } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, output: `${stdout}\n${stderr}` });
    });
  });
}

afterEach(() => {
  for (const dir of copies.splice(0)) rmSync(dir, { recursive: true, force: true });
});

// Each run starts graphql-inspector once or twice (several seconds each on a busy machine), so
// the edits are grouped: three runs in all, each with room past the default timeout.
describe('npm run schema:check', { timeout: 90_000 }, () => {
  it('passes on the repository as it is', async () => {
    const { code, output } = await schemaCheck(copyOfTheRepository());
    expect(output).toContain('All documents are valid');
    expect(code).toBe(0);
  });

  it('fails on breaking changes against contract/baseline.graphql, naming each, and lets an addition pass', async () => {
    const dir = copyOfTheRepository();
    // Safe: a new nullable field.
    edit(dir, 'schema/product/product.graphql', '  averageRating: Float\n', '  averageRating: Float\n  "Grams."\n  weight: Int\n');
    // Breaking: an optional argument made required, and a field removed that no example uses.
    edit(
      dir,
      'schema/product/product.graphql',
      'products(first: Int = 20, after: String, category: String)',
      'products(first: Int!, after: String, category: String)',
    );
    edit(dir, 'schema/review/review.graphql', '  body: String\n', '');
    const { code, output } = await schemaCheck(dir);
    expect(output).toMatch(/Field weight was added to object type Product/);
    expect(output).toMatch(/Type for argument first on field Query\.products changed from Int to Int!/);
    expect(output).toMatch(/Field body was removed from object type Review/);
    expect(output).toMatch(/Detected 2 breaking changes/);
    expect(code).not.toBe(0);
  });

  it('fails on example operations that no longer validate or that the edge would refuse (MAX_DEPTH 10), naming each', async () => {
    const dir = copyOfTheRepository();
    edit(dir, 'examples/web/src/operations.ts', '      email\n', '      emailAddress\n');
    const deep = 'author { reviews { product { reviews { author { reviews { product { reviews { author { id } } } } } } } } }';
    edit(dir, 'examples/web/src/operations.ts', '        author {\n          id\n          name\n        }\n', `        ${deep}\n`);
    const { code, output } = await schemaCheck(dir);
    expect(output).toMatch(/operations\.ts/);
    expect(output).toMatch(/Cannot query field "?emailAddress"? on type "?User"?/);
    expect(output).toMatch(/exceeds maximum depth of 10/);
    expect(code).not.toBe(0);
  });
});
