/**
 * A section of the configuration: a zod schema over its environment variables, keyed by their
 * names, each declared once with its kind (src/config/variables.ts), its default and a
 * one-line `.describe()`, and a `.transform()` into the section's part of `Config`, whose type
 * is that schema's `z.infer`. The loader (src/config.ts) reads every section; the README's
 * tables (scripts/config-docs.ts) are printed from the same declarations.
 */
import type { z } from 'zod';
import { readEnv, type Env } from './variables.js';

export type Mode = 'development' | 'production' | 'test';

/**
 * What other sections' defaults depend on, read first (src/config/deployment.ts): the mode, the
 * Redis shared by the instances, and whether the output is a terminal (pretty logs).
 */
export interface Deployment {
  readonly env: Mode;
  readonly redisUrl: string | undefined;
  readonly terminal: boolean;
}

/** One row of the README's tables: the variable (or variables) and the schema that reads it. */
export interface VariableDoc {
  readonly names: readonly string[];
  readonly schema: z.ZodType;
}

export interface Section<T> {
  /** The README's marker names it: `<!-- config:<id> -->`. */
  readonly id: string;
  readonly title: string;
  /** Its file, for the reader of the README. */
  readonly file: string;
  /** This section's part of Config, or the problems (each naming its variable) that stop the start. */
  read(env: Env, deployment: Deployment): { value?: T; problems: string[] };
  /** The section's variables as a deployment of that kind reads them (defaults may depend on the mode). */
  variables(deployment: Deployment): readonly VariableDoc[];
}

/** A section's schema: a zod object over its variables (by name), transformed into its part of Config. */
export type SectionSchema<T = unknown> = z.ZodPipe<z.ZodObject, z.ZodType<T>>;

/**
 * A problem as a person reads it: the variable's name, then what the kind said ("must be …").
 * A check across variables writes its whole sentence and marks it `params.whole`.
 */
export function problemOf(issue: z.core.$ZodIssue, name = issue.path[0]): string {
  if (name === undefined || (issue.code === 'custom' && issue.params?.whole)) return issue.message;
  return `${String(name)} ${issue.message}`;
}

/** A check across variables: its sentence is complete, and it is listed where `name` is declared. */
export function crossProblem(name: string, message: string): z.core.$ZodSuperRefineIssue {
  return { code: 'custom', path: [name], message, params: { whole: true }, input: undefined };
}

/**
 * For `.superRefine`: a check across `names` runs whatever the other variables hold (zod would
 * skip it after any problem), so every problem is listed at once; but not when one of `names`
 * itself has a problem, which is reported already.
 */
export function whenValid(...names: string[]): z.core.$ZodSuperRefineParams {
  return { when: (payload) => !payload.issues.some((issue) => names.includes(String(issue.path?.[0]))) };
}

/**
 * Problems in the order the variables are declared (zod lists checks across variables last),
 * so a list of problems reads like the section.
 */
export function problemsOf(issues: readonly z.core.$ZodIssue[], order: readonly string[], nameOf: (key: string) => string = (key) => key): string[] {
  const rank = (issue: z.core.$ZodIssue) => {
    const index = order.indexOf(String(issue.path[0]));
    return index === -1 ? order.length : index;
  };
  return [...issues]
    .sort((a, b) => rank(a) - rank(b))
    .map((issue) => problemOf(issue, issue.path[0] === undefined ? undefined : nameOf(String(issue.path[0]))));
}

/** A section whose schema is one object over its variables, by their names. */
export function envSection<T>(meta: { id: string; title: string; file: string }, schema: (deployment: Deployment) => SectionSchema<T>): Section<T> {
  return {
    ...meta,
    read(env, deployment) {
      const parser = schema(deployment);
      const names = Object.keys(parser.in.shape);
      const result = parser.safeParse(readEnv(env, names));
      return result.success ? { value: result.data, problems: [] } : { problems: problemsOf(result.error.issues, names) };
    },
    variables(deployment) {
      return Object.entries(schema(deployment).in.shape).map(([name, variable]) => ({ names: [name], schema: variable as z.ZodType }));
    },
  };
}
