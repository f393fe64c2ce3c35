// The runtime images install production dependencies only (`npm ci --omit=dev`). This follows the
// imports of what each image runs (the Dockerfile's CMD, mapped back to its TypeScript source) and
// checks that every package they load is in package.json "dependencies".
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeScript, parseDockerfile, scriptSourceFile } from './lib/dockerfile.js';
import { checkProductionDeps, runtimeImports } from './lib/imports.js';
import { ROOT, buildTsConfig, buildTsLayout, exists, packageJson, read } from './lib/project.js';

const df = parseDockerfile(read('Dockerfile'));
const layout = buildTsLayout();
const options = buildTsConfig().options;
const dependencies = packageJson().dependencies ?? {};

describe.each(['bff', 'mocks'])('the %s image', (target) => {
  const entry = scriptSourceFile(String(nodeScript(df, target)), layout, exists)?.found ?? null;

  it('runs a script compiled from a source file', () => {
    expect(entry).not.toBeNull();
  });

  it('loads only production dependencies at run time', () => {
    const found = runtimeImports(ROOT, [String(entry)], options);
    expect(found.files.length).toBeGreaterThan(1);
    expect(checkProductionDeps(found, dependencies)).toEqual([]);
  });
});

describe('the runtime import check catches', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runtime-imports-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a dev dependency loaded through a local import, and not a type-only one', () => {
    writeFileSync(
      join(dir, 'main.ts'),
      "import { a } from './a.js';\nimport type { Plugin } from 'vite';\nexport type { Config } from 'prettier';\nconsole.log(a);\n",
    );
    writeFileSync(
      join(dir, 'a.ts'),
      "import { parse } from 'graphql';\nimport { describe } from 'vitest/config';\nexport const a = [parse, describe, await import('@scope/pkg/sub')];\n",
    );
    const found = runtimeImports(dir, ['main.ts'], options);
    expect([...found.packages.keys()].sort()).toEqual(['@scope/pkg', 'graphql', 'vitest']);
    expect(checkProductionDeps(found, { graphql: '16', '@scope/pkg': '1' })).toEqual([expect.stringMatching(/^vitest is loaded at run time \(a\.ts\)/)]);
  });
});
