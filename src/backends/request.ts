/** What a backend client asks of the transport, and what it gets back: plain types, no behaviour. */

export type QueryValue = string | number | readonly string[] | undefined;

export interface BackendRequest {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** A path template's rendering, e.g. `/orders/42`; ids in it must already be encoded. */
  readonly path: string;
  /** Arrays are joined with commas (`ids=1,2,3`), the form every backend accepts. */
  readonly query?: Readonly<Record<string, QueryValue>>;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  /** Statuses that mean "no such thing" and resolve to `null` instead of failing, e.g. 404. */
  readonly nullOn?: readonly number[];
}

/** Checks that a parsed body has the shape we rely on; returns it typed, or throws. */
export type ShapeCheck<T> = (body: unknown) => T;

export interface Sent<T> {
  value: T | null;
  /** Answered by the HTTP cache. */
  cached: boolean;
  /** The HTTP status, for metrics and spans. */
  status: number;
  /** The response's headers, when it came from the backend just now (the HTTP cache reads them). */
  headers?: Readonly<Record<string, string | string[] | undefined>>;
  /** The body as received, for a cache shared between instances (which stores text, not values). */
  text?: string;
  /** From the HTTP cache: how many more seconds the stored answer is fresh for a shared cache. */
  freshForSeconds?: number;
  /**
   * From the HTTP cache: until when (`Date.now()` clock) it would answer this URL with this same
   * value at once, so what the value says may be given again without asking (see
   * src/graphql/fresh-items.ts). Set only for an answer it stored or served fresh under the
   * shared-cache rules whose freshness no request header changes (no `Vary`); absent otherwise.
   */
  reusableUntil?: number;
}

/** A bulk lookup's answer: its items, and until when the HTTP cache holds them fresh (0: it does not). */
export interface BulkItems<V> {
  readonly items: readonly V[];
  readonly reusableUntil: number;
}

/** `path?query` as sent: what the HTTP cache and dedupe key on. */
export function pathAndQuery(request: BackendRequest): string {
  return request.path + queryString(request.query);
}

export function queryString(query: BackendRequest['query']): string {
  if (!query) return '';
  let text = '';
  for (const key in query) {
    const value = query[key];
    if (value === undefined) continue;
    text += `${text === '' ? '?' : '&'}${encodeURIComponent(key)}=${Array.isArray(value) ? encodedList(value) : encodeURIComponent(String(value))}`;
  }
  return text;
}

/** Characters encodeURIComponent leaves as they are (ids are almost always only these). */
const UNRESERVED = /^[A-Za-z0-9\-_.!~*'()]*$/;

/**
 * `a,b,c`, each encoded. Ids are built into a URL on every bulk call, hundreds per request: one
 * test of them all (joined without separators, so an id's own comma is still encoded) spares
 * encoding each one when none needs it, which is 4× faster for 100 numeric ids.
 */
function encodedList(values: readonly string[]): string {
  return UNRESERVED.test(values.join('')) ? values.join(',') : values.map(encodeURIComponent).join(',');
}
