import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The rules of `npm run deps:check` (.dependency-cruiser.cjs), run on a small src/ made to break
 * each of them once, beside files that break none: each rule must name exactly its offenders.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'bff-deps-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const files: Record<string, string> = {
  'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true }, include: ['src'] }),
  // backends → observability → backends: a cycle, and the arrow the transport must not have.
  'src/backends/http.ts': "import { record } from '../observability/metrics.js';\nexport const get = () => record();\n",
  'src/observability/metrics.ts':
    "import type { get } from '../backends/http.js';\nexport const record = (): ReturnType<typeof get> | undefined => undefined;\n",
  // Domain code reaching for the GraphQL context and the generated types (type-only imports count).
  'src/checkout/checkout.ts':
    "import type { Context } from '../graphql/context.js';\nimport type { Money } from '../schema/types.generated.js';\nexport const place = (_: Context, m: Money) => m;\n",
  'src/queue/queue.ts': "import type { Context } from '../graphql/context.js';\nexport const enqueue = (_: Context) => 1;\n",
  'src/graphql/context.ts': 'export interface Context { requestId: string }\n',
  'src/schema/types.generated.ts': 'export type Money = { amount: string };\n',
  // One way only, and a resolver may import both: no violation.
  'src/schema/resolvers/place-order.ts':
    "import type { Context } from '../../graphql/context.js';\nimport { place } from '../../checkout/checkout.js';\nexport const resolve = (ctx: Context) => place(ctx, { amount: '1' });\n",
};
for (const [path, text] of Object.entries(files)) {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), text);
}

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
  cycle?: { name: string }[];
}

/** depcruise as deps:check runs it (its exit code), and once more as JSON (what it found). */
async function depcruise(): Promise<{ code: number; violations: Violation[] }> {
  const run = (outputType: string) =>
    new Promise<{ code: number; stdout: string }>((resolve) => {
      const args = ['src', '--config', join(ROOT, '.dependency-cruiser.cjs'), '--output-type', outputType];
      execFile(join(ROOT, 'node_modules/.bin/depcruise'), args, { cwd: dir, maxBuffer: 16 << 20 }, (error, stdout) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout });
      });
    });
  const [err, json] = await Promise.all([run('err'), run('json')]);
  return { code: err.code, violations: (JSON.parse(json.stdout) as { summary: { violations: Violation[] } }).summary.violations };
}

describe('npm run deps:check rules', { timeout: 60_000 }, () => {
  it('name each offending import under its rule, and fail', async () => {
    const { code, violations } = await depcruise();
    const by = (rule: string) =>
      violations
        .filter((v) => v.rule.name === rule)
        .map((v) => `${v.from} → ${v.to}`)
        .sort();
    // A cycle is reported once, with its path.
    const cycles = violations.filter((v) => v.rule.name === 'no-cycle');
    expect(cycles).toHaveLength(1);
    expect([cycles[0]!.from, ...cycles[0]!.cycle!.map((c) => c.name)]).toEqual([
      'src/backends/http.ts',
      'src/observability/metrics.ts',
      'src/backends/http.ts',
    ]);
    expect(by('backends-not-observability')).toEqual(['src/backends/http.ts → src/observability/metrics.ts']);
    expect(by('domain-not-graphql')).toEqual([
      'src/checkout/checkout.ts → src/graphql/context.ts',
      'src/checkout/checkout.ts → src/schema/types.generated.ts',
      'src/queue/queue.ts → src/graphql/context.ts',
    ]);
    expect(violations).toHaveLength(5);
    expect(code).not.toBe(0);
  });
});
