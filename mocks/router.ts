/**
 * A route table matched by path segments. Templates look like
 * `/orders/:id/cancel`; the route key (`"POST /orders/:id/cancel"`) is what
 * /__stats counts and what a fault's `routes` names.
 */

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type RouteMatch<T> =
  { kind: 'found'; value: T; key: string; params: Record<string, string> } | { kind: 'method-not-allowed'; allow: string[] } | { kind: 'not-found' };

interface Entry<T> {
  method: Method;
  segments: string[];
  key: string;
  value: T;
}

function split(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

export class Router<T> {
  private readonly entries: Entry<T>[] = [];

  add(method: Method, template: string, value: T): this {
    const key = `${method} ${template}`;
    if (this.entries.some((e) => e.key === key)) throw new Error(`route ${key} is defined twice`);
    this.entries.push({ method, segments: split(template), key, value });
    return this;
  }

  get keys(): string[] {
    return this.entries.map((e) => e.key);
  }

  /**
   * Matches a decoded-later pathname. Segments are percent-decoded here; a
   * malformed escape throws URIError, which the server answers with 400.
   */
  match(method: string, pathname: string): RouteMatch<T> {
    const segments = split(pathname);
    const allow: string[] = [];
    for (const entry of this.entries) {
      if (entry.segments.length !== segments.length) continue;
      const params: Record<string, string> = {};
      let matches = true;
      for (let i = 0; i < segments.length; i++) {
        const expected = entry.segments[i];
        if (expected.startsWith(':')) params[expected.slice(1)] = decodeURIComponent(segments[i]);
        else if (expected !== segments[i]) {
          matches = false;
          break;
        }
      }
      if (!matches) continue;
      if (entry.method === method) return { kind: 'found', value: entry.value, key: entry.key, params };
      allow.push(entry.method);
    }
    return allow.length > 0 ? { kind: 'method-not-allowed', allow } : { kind: 'not-found' };
  }
}
