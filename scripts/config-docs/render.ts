/** The README's settings tables from the configuration's schemas: what `npm run docs:config` prints (scripts/config-docs.ts says how). */
import { z } from 'zod';
import { ALL_SECTIONS } from '../../src/config.js';
import { MODES } from '../../src/config/deployment.js';
import type { Mode, Section } from '../../src/config/section.js';

const MARKER = /(<!-- config-docs:([a-z-]+) -->\n)([\s\S]*?)(<!-- \/config-docs:\2 -->)/g;

/** What the README says of one variable. */
export interface VariableFacts {
  readonly names: readonly string[];
  readonly default: string;
  readonly accepts: string;
  readonly meaning: string;
}

/** Description, default and what the check accepts, from the schema's layers (default and optional wrap the kind). */
function factsOf(schema: z.ZodType): { meaning: string; accepts: string; defaultText?: string; default?: { value: unknown } } {
  const facts: { meaning?: string; accepts?: string; defaultText?: string; default?: { value: unknown } } = {};
  for (let layer: z.ZodType | undefined = schema; layer;) {
    const meta = layer.meta() ?? {};
    facts.meaning ??= meta.description;
    facts.accepts ??= meta.accepts;
    facts.defaultText ??= meta.defaultText;
    if (layer instanceof z.ZodDefault) {
      facts.default ??= { value: layer.def.defaultValue };
      layer = layer.def.innerType as z.ZodType;
    } else if (layer instanceof z.ZodOptional) layer = layer.def.innerType as z.ZodType;
    else layer = undefined;
  }
  return { meaning: facts.meaning ?? '', accepts: facts.accepts ?? '', defaultText: facts.defaultText, default: facts.default };
}

function valueText(value: unknown): string {
  if (value === undefined) return 'unset';
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.map((item) => `\`${String(item)}\``).join(', ');
  return `\`${String(value)}\``;
}

/** One default, or the one most modes share and the exceptions: "on; off in production". */
function defaultText(byMode: ReadonlyMap<Mode, string>): string {
  const modesOf = new Map<string, Mode[]>();
  for (const [mode, text] of byMode) modesOf.set(text, [...(modesOf.get(text) ?? []), mode]);
  const groups = [...modesOf].sort((a, b) => b[1].length - a[1].length);
  const [[usual], ...others] = groups as [[string, Mode[]], ...[string, Mode[]][]];
  return [usual, ...others.map(([text, modes]) => `${text} in ${modes.join(' and ')}`)].join('; ');
}

/** Every variable of `section`, with its defaults as each mode reads them. */
export function variablesOf(section: Section<unknown>): VariableFacts[] {
  const byMode = MODES.map((mode) => section.variables({ env: mode, redisUrl: undefined, terminal: false }));
  return byMode[0]!.map((variable, index) => {
    const facts = factsOf(variable.schema);
    const defaults = new Map(MODES.map((mode, m) => [mode, valueText(factsOf(byMode[m]![index]!.schema).default?.value)]));
    return { names: variable.names, default: facts.defaultText ?? defaultText(defaults), accepts: facts.accepts, meaning: facts.meaning };
  });
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderTable(section: Section<unknown>): string {
  const rows = variablesOf(section).map(
    (v) => `| ${cell(v.names.map((name) => `\`${name}\``).join(', '))} | ${cell(v.default)} | ${cell(v.accepts)} | ${cell(v.meaning)} |`,
  );
  return ['| variable | default | accepts | meaning |', '|---|---|---|---|', ...rows].join('\n') + '\n';
}

/** What stands between the markers named `id`. */
export function renderBlock(id: string, sections: readonly Section<unknown>[] = ALL_SECTIONS): string {
  if (id === 'all') return sections.map((section) => `**${section.title}** (\`${section.file}\`)\n\n${renderTable(section)}`).join('\n');
  const section = sections.find((s) => s.id === id);
  if (!section) throw new Error(`config-docs:${id} names no section; there are: all, ${sections.map((s) => s.id).join(', ')}`);
  return renderTable(section);
}

/** The README with every marked table printed afresh. */
export function updateReadme(readme: string, sections: readonly Section<unknown>[] = ALL_SECTIONS): string {
  const shown = new Set<string>();
  const updated = readme.replace(MARKER, (_, begin: string, id: string, _old: string, end: string) => {
    if (id === 'all') sections.forEach((s) => shown.add(s.id));
    else shown.add(id);
    return begin + renderBlock(id, sections) + end;
  });
  const missing = sections.filter((s) => !shown.has(s.id)).map((s) => s.id);
  if (missing.length > 0) throw new Error(`no table in the README shows the section(s) ${missing.join(', ')}: add <!-- config-docs:all --> or one per section`);
  return updated;
}
