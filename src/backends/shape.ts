import { z } from 'zod';
import type { ShapeCheck } from './http.js';

/**
 * DTO shapes are declared once with zod: the declaration is both the runtime check of what a
 * backend sent (a wrong shape is BACKEND_BAD_RESPONSE, never a crash deep in a resolver) and,
 * through `z.infer`, the TypeScript type the mappers use. Where the contract implies a range
 * (/work/shared/design/backends.md), the check enforces it, so a stock of -8 or a rating of 7
 * never reaches a client as if it were data.
 */

/** Ids are strings, and an empty one names nothing. */
export const Id = z.string().min(1);

/** Units (stock, an order line's quantity): whole, never negative. */
export const Count = z.number().int().min(0);

/** The contract's timestamps are ISO 8601 (`2024-05-01T10:00:00.000Z`, or with an offset). */
export const Timestamp = z.iso.datetime({ offset: true });

/**
 * `{ "amount": "12.50", "currency": "EUR" }`: a decimal string (never a float, never negative:
 * the contract's amounts are prices and totals) and an ISO 4217 code.
 */
export const Money = z.object({ amount: z.string().regex(/^\d+(\.\d+)?$/), currency: z.string().regex(/^[A-Z]{3}$/) });

/** `{ "items": [...] }`, the envelope of every bulk endpoint. */
export const itemsOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });

/** Adapts a zod schema to the HTTP client's check, with a message naming the first bad path. */
export function checkWith<T extends z.ZodType>(schema: T): ShapeCheck<z.infer<T>> {
  return (body) => {
    const result = schema.safeParse(body);
    if (result.success) return result.data;
    throw new Error(describeIssue(result.error.issues[0]));
  };
}

/**
 * One item of a bulk answer that broke the contract, kept in its place, so that only the key it
 * was for fails (see src/backends/bulk-answer.ts). It says where and what, never the value: the
 * rest of the item may be a user's data.
 */
export class InvalidItem {
  constructor(
    /** The item's own key (`id`, `productId`…) when that much is readable, else undefined. */
    readonly key: string | undefined,
    /** Where in the body, e.g. `items.3.available`. */
    readonly field: string,
    /** The rule it broke, in zod's words, e.g. `Too small: expected number to be >=0`. */
    readonly problem: string,
  ) {
    Object.freeze(this);
  }
}

const envelope = z.object({ items: z.array(z.unknown()) });

/**
 * The check of a bulk answer, in two steps: the envelope, whose failure fails the whole call,
 * then each item on its own, a bad one becoming an InvalidItem that names its key (`keyField`):
 * one bad item costs only the fields resolved from it, not the other items of the answer.
 */
export function checkItems<T extends z.ZodType>(item: T, keyField: string): ShapeCheck<{ items: Array<z.infer<T> | InvalidItem> }> {
  return (body) => {
    const parsed = envelope.safeParse(body);
    if (!parsed.success) throw new Error(describeIssue(parsed.error.issues[0]));
    return {
      items: parsed.data.items.map((raw, index) => {
        const result = item.safeParse(raw);
        if (result.success) return result.data;
        const issue = result.error.issues[0];
        return new InvalidItem(keyOf(raw, keyField), ['items', index, ...(issue?.path ?? [])].join('.'), issue?.message ?? 'invalid');
      }),
    };
  };
}

/** The key of an item that failed its check, if it still has a usable one. */
function keyOf(raw: unknown, keyField: string): string | undefined {
  const key = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>)[keyField] : undefined;
  return Id.safeParse(key).success ? (key as string) : undefined;
}

function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  return `${issue?.path.join('.') || '(root)'}: ${issue?.message}`;
}

/** For endpoints whose body we do not read (204, 202). */
export const ignoreBody: ShapeCheck<void> = () => undefined;
