import { z } from 'zod';
import type { ShapeCheck } from './http.js';

/**
 * DTO shapes are declared once with zod: the declaration is both the runtime check of what a
 * backend sent (a wrong shape is BACKEND_BAD_RESPONSE, never a crash deep in a resolver) and,
 * through `z.infer`, the TypeScript type the mappers use.
 */
export const Money = z.object({ amount: z.string().regex(/^-?\d+(\.\d+)?$/), currency: z.string().length(3) });

/** `{ "items": [...] }`, the envelope of every bulk endpoint. */
export const itemsOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });

/** Adapts a zod schema to the HTTP client's check, with a message naming the first bad path. */
export function checkWith<T extends z.ZodType>(schema: T): ShapeCheck<z.infer<T>> {
  return (body) => {
    const result = schema.safeParse(body);
    if (result.success) return result.data;
    const issue = result.error.issues[0];
    throw new Error(`${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
  };
}

/** For endpoints whose body we do not read (204, 202). */
export const ignoreBody: ShapeCheck<void> = () => undefined;
