import { describe, expect, it } from 'vitest';
import { renderBlock, updateReadme, variablesOf } from '../../scripts/config-docs/render.js';
import { ALL_SECTIONS, loadConfig } from '../../src/config.js';
import { edgeSection } from '../../src/config/edge.js';

/** The README's settings tables, printed from the schemas (scripts/config-docs.ts). */
describe('config docs', () => {
  it('lists every variable the loader reads, each once', () => {
    const listed = ALL_SECTIONS.flatMap((section) => variablesOf(section).flatMap((v) => v.names));
    expect(new Set(listed).size).toBe(listed.length);
    // What loadConfig looks up in an empty environment, the per-service names folded into `<SERVICE>_X`.
    const read = new Set<string>();
    const recording = new Proxy({} as Record<string, string | undefined>, {
      get(_, name) {
        read.add(String(name));
        return undefined;
      },
    });
    loadConfig(recording);
    const folded = new Set([...read].map((name) => name.replace(/^(USERS|CATALOG|REVIEWS|INVENTORY|ORDERS|NOTIFICATIONS)_/, '<SERVICE>_')));
    expect(new Set(listed)).toEqual(folded);
  });

  it('prints one row per variable with its default, check and description; a default that depends on the mode says so', () => {
    const table = renderBlock('edge').split('\n');
    expect(table[0]).toBe('| variable | default | accepts | meaning |');
    expect(table).toContain('| `MAX_DEPTH` | `10` | integer ≥ 1 | deepest field nesting, fragments flattened |');
    expect(table.find((row) => row.startsWith('| `INTROSPECTION` |'))).toMatch(/^\| `INTROSPECTION` \| on; off in production \| on\/off \|/);
    expect(table.find((row) => row.startsWith('| `CORS_ORIGINS` |'))).toMatch(/^\| `CORS_ORIGINS` \| `\*`; none in production \|/);
    expect(table.filter((row) => row.startsWith('| `'))).toHaveLength(variablesOf(edgeSection).length);
  });

  it('rewrites a stale table between its markers and leaves the rest of the README alone', () => {
    const stale = 'before\n<!-- config-docs:all -->\n| `MAX_DEPTH` | `12` |\n<!-- /config-docs:all -->\nafter\n';
    const updated = updateReadme(stale);
    expect(updated).not.toBe(stale);
    expect(updated.startsWith('before\n<!-- config-docs:all -->\n**Deployment**')).toBe(true);
    expect(updated.endsWith('<!-- /config-docs:all -->\nafter\n')).toBe(true);
    expect(updateReadme(updated)).toBe(updated);
  });

  it('refuses a marker that names no section, and a README that shows a section nowhere', () => {
    expect(() => updateReadme('<!-- config-docs:nope -->\n<!-- /config-docs:nope -->')).toThrow(/config-docs:nope names no section/);
    expect(() => updateReadme('<!-- config-docs:edge -->\n<!-- /config-docs:edge -->')).toThrow(
      /no table in the README shows the section\(s\) deployment, server/,
    );
  });
});
