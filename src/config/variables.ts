/**
 * The kinds of value an environment variable holds: each a zod schema from the variable's text
 * (trimmed; an empty value counts as unset, see `readEnv`) to its typed value, with the
 * check that refuses a typo at start.
 *
 * A message names no variable: a schema does not know the key it is read under, so the loader
 * puts the name in front (`MAX_DEPTH` + `must be an integer from 1 to …, got "0"`). Each kind
 * also says in words what it accepts (`meta.accepts`), which the README's tables print.
 */
import { z } from 'zod';

/** What a kind's check accepts, and where a section states a default that depends on more than the mode. */
declare module 'zod' {
  interface GlobalMeta {
    /** What passes the check, in words, for the README (`integer from 1 to 100`). */
    accepts?: string;
    /** The default in words, where no single value is it (one per backend; a terminal; another variable). */
    defaultText?: string;
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

/** The variables `names` of `env`, trimmed, an empty one left out: only those names are looked up. */
export function readEnv(env: Env, names: Iterable<string>): Record<string, string | undefined> {
  const input: Record<string, string | undefined> = {};
  for (const name of names) {
    const value = env[name]?.trim();
    input[name] = value === '' ? undefined : value;
  }
  return input;
}

const got = (value: unknown) => `got ${JSON.stringify(value)}`;
const TRUE = ['1', 'true', 'yes', 'on'];
const FALSE = ['0', 'false', 'no', 'off'];

function range(min: number, max: number): string {
  if (max === Number.MAX_SAFE_INTEGER) return `integer ≥ ${min}`;
  return `integer ${min} to ${max}`;
}

/** A whole number from `min` to `max`; the message is the same for a word and for a number out of range. */
export function integer(min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER) {
  return z
    .string()
    .refine(
      (text) => {
        const n = Number(text);
        return Number.isInteger(n) && n >= min && n <= max;
      },
      { error: (issue) => `must be an integer from ${min} to ${max}, ${got(issue.input)}` },
    )
    .transform(Number)
    .meta({ accepts: range(min, max) });
}

/** On or off: `1`/`true`/`yes`/`on` or `0`/`false`/`no`/`off`, in any case. */
export function flag() {
  return z
    .string()
    .transform((text, ctx) => {
      const value = text.toLowerCase();
      if (TRUE.includes(value)) return true;
      if (FALSE.includes(value)) return false;
      ctx.issues.push({ code: 'custom', message: `must be true or false, ${got(value)}`, input: text });
      return z.NEVER;
    })
    .meta({ accepts: 'on/off' });
}

/** One of a fixed list of words, as written (case counts). */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z
    .enum(values, { error: (issue) => `must be one of ${values.join(', ')}, ${got(issue.input)}` })
    .meta({ accepts: values.map((value) => `\`${value}\``).join(', ') });
}

/** Any text. */
export function text() {
  return z.string().meta({ accepts: 'text' });
}

/** A backend's base URL: its origin only, since pools are per origin and a path would be silently dropped. */
export function origin() {
  return z
    .string()
    .transform((text, ctx) => {
      try {
        const url = new URL(text);
        if ((url.protocol === 'http:' || url.protocol === 'https:') && url.pathname === '/' && !url.search) return url.origin;
      } catch {
        // reported below
      }
      ctx.issues.push({ code: 'custom', message: `must be an http(s) origin such as http://users:4001, ${got(text)}`, input: text });
      return z.NEVER;
    })
    .meta({ accepts: 'http(s) origin, no path' });
}

/** An http(s) URL, path allowed, as `URL` spells it; undefined when it is none. */
export function httpUrlOf(text: string): string | undefined {
  try {
    const url = new URL(text);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.href;
  } catch {
    // not a URL
  }
  return undefined;
}

/** The message for a value `httpUrlOf` refused. */
export const notAnHttpUrl = (text: string) => `must be an http(s) URL such as http://jaeger:4318, ${got(text)}`;

/** A Redis URL. The message never repeats a password that came with it. */
export function redisUrl() {
  return z
    .string()
    .refine((text) => /^rediss?:\/\/[^\s]+$/.test(text), {
      error: (issue) => `must be a redis:// or rediss:// URL, ${got(String(issue.input).replace(/\/\/[^@/]*@/, '//***@'))}`,
    })
    .meta({ accepts: 'redis:// or rediss:// URL' });
}

/** How many proxies in front to trust: `true` is one, `false` none, or a number of proxies in a chain. */
export function proxyHops() {
  return z
    .string()
    .transform((text, ctx) => {
      const value = text.toLowerCase();
      if (FALSE.includes(value)) return 0;
      if (TRUE.includes(value)) return 1;
      const n = Number(value);
      if (Number.isInteger(n) && n >= 1 && n <= 10) return n;
      ctx.issues.push({ code: 'custom', message: `must be true, false or a number of proxies from 0 to 10, ${got(value)}`, input: text });
      return z.NEVER;
    })
    .meta({ accepts: 'true, false or 0 to 10' });
}

/** Comma-separated HTTP header names, lower-cased. */
export function headerNames() {
  return z
    .string()
    .transform((text, ctx) => {
      const names = text
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter((h) => h !== '');
      if (names.length > 0 && names.every((h) => /^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(h))) return Object.freeze(names);
      ctx.issues.push({ code: 'custom', message: `must be comma-separated header names, ${got(text)}`, input: text });
      return z.NEVER;
    })
    .meta({ accepts: 'comma-separated header names' });
}

/** `*`, or comma-separated origins such as `https://shop.example,https://m.shop.example`; each bad one is named. */
export function origins() {
  return z
    .string()
    .transform((text, ctx): readonly string[] | '*' => {
      if (text === '*') return '*';
      const list: string[] = [];
      for (const item of text
        .split(',')
        .map((o) => o.trim())
        .filter((o) => o !== '')) {
        let url: URL | undefined;
        try {
          url = new URL(item);
        } catch {
          // reported below
        }
        // A browser's Origin header is scheme://host[:port], nothing more: compare like for like.
        if (url && (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === item.replace(/\/$/, '')) list.push(url.origin);
        else ctx.issues.push({ code: 'custom', message: `must be "*" or comma-separated origins such as https://shop.example, ${got(item)}`, input: text });
      }
      return Object.freeze(list);
    })
    .meta({ accepts: '`*` or comma-separated origins' });
}
