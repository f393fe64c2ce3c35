import type { IncomingHttpHeaders } from 'node:http';

/**
 * Small helpers shared by the service files: the error type handlers throw,
 * and the parsers for the contract's query parameters, so every service
 * rejects bad input with the same wording.
 */

/** The contract's bulk limit: at most this many ids per bulk call. */
export const MAX_BULK_IDS = 100;

/**
 * Thrown by a handler to answer with `status` and `{ error: message, ...extra }`.
 * Messages restate the contract and show the offending value, so a failing BFF
 * test says what the BFF sent wrong.
 */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  get body(): Record<string, unknown> {
    return { error: this.message, ...this.extra };
  }
}

export function badRequest(message: string, extra?: Record<string, unknown>): HttpError {
  return new HttpError(400, message, extra);
}

export function notFound(what: string, id: string): HttpError {
  return new HttpError(404, `${what} ${JSON.stringify(id)} not found`, { id });
}

/**
 * Reads a bulk id parameter given either comma-separated (`ids=1,2,3`) or
 * repeated (`ids=1&ids=2`), or both mixed, since clients differ. Duplicates are
 * answered once. The limit counts ids as sent, before de-duplication, so a
 * client that would break a real backend's limit is told so here too.
 */
export function readIds(query: URLSearchParams, name: string): string[] {
  const values = query.getAll(name);
  if (values.length === 0) {
    throw badRequest(`${name} is required: pass ${name}=1,2,3 or ${name}=1&${name}=2 (at most ${MAX_BULK_IDS} ids)`);
  }
  const ids = values
    .flatMap((v) => v.split(','))
    .map((id) => id.trim())
    .filter((id) => id !== '');
  if (ids.length > MAX_BULK_IDS) {
    throw badRequest(`${name} takes at most ${MAX_BULK_IDS} ids per request, got ${ids.length}; split the batch`, {
      limit: MAX_BULK_IDS,
      received: ids.length,
    });
  }
  return [...new Set(ids)];
}

/** An optional integer query parameter within [min, max]. */
export function readInt(query: URLSearchParams, name: string, options: { default: number; min: number; max: number }): number {
  const raw = query.get(name);
  if (raw === null) return options.default;
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < options.min || value > options.max) {
    throw badRequest(`${name} must be an integer from ${options.min} to ${options.max}, got ${JSON.stringify(raw)}`, {
      parameter: name,
    });
  }
  return value;
}

/**
 * The user id in `authorization: Bearer token-<userId>` (the mocks' token
 * scheme), or undefined when the header is absent or has another shape.
 */
export function bearerUserId(headers: IncomingHttpHeaders): string | undefined {
  const match = /^Bearer\s+token-(\S+)$/i.exec(headers.authorization ?? '');
  return match?.[1];
}

export function unauthorized(message: string): HttpError {
  return new HttpError(401, message, {}, { 'www-authenticate': 'Bearer' });
}

/** Looks up each id and drops the unknown ones, as the contract asks of bulk calls. */
export function lookUpAll<T>(ids: readonly string[], byId: ReadonlyMap<string, T>): T[] {
  const found: T[] = [];
  for (const id of ids) {
    const item = byId.get(id);
    if (item !== undefined) found.push(item);
  }
  return found;
}

/**
 * Bulk answers are deliberately NOT in request order (the contract says the
 * order is not guaranteed): reversing guarantees that a BFF which maps results
 * by position instead of by key gets wrong data in its tests, not by luck right.
 */
export function notInRequestOrder<T>(items: T[]): T[] {
  return items.reverse();
}

// --- request body helpers -------------------------------------------------

export function requireObject(body: unknown, what: string): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest(`body must be a JSON object ${what}, got ${JSON.stringify(body) ?? 'no body'}`);
  }
  return body as Record<string, unknown>;
}

export function requireString(object: Record<string, unknown>, field: string): string {
  const value = object[field];
  if (typeof value !== 'string' || value === '') {
    throw badRequest(`${field} must be a non-empty string (ids are strings), got ${JSON.stringify(value) ?? 'nothing'}`);
  }
  return value;
}

export interface LineItem {
  productId: string;
  quantity: number;
}

/** `items: [{ productId, quantity }]`, non-empty, quantities positive integers. */
export function requireLineItems(object: Record<string, unknown>): LineItem[] {
  const items = object.items;
  if (!Array.isArray(items) || items.length === 0 || items.length > MAX_BULK_IDS) {
    throw badRequest(`items must be a non-empty array of at most ${MAX_BULK_IDS} { productId, quantity }, got ${JSON.stringify(items) ?? 'nothing'}`);
  }
  return items.map((item: unknown, index) => {
    const line = requireObject(item, `for items[${index}]`);
    const productId = requireString(line, 'productId');
    const quantity = line.quantity;
    if (typeof quantity !== 'number' || !Number.isSafeInteger(quantity) || quantity < 1 || quantity > 1000) {
      throw badRequest(`items[${index}].quantity must be an integer from 1 to 1000, got ${JSON.stringify(quantity) ?? 'nothing'}`);
    }
    return { productId, quantity };
  });
}
