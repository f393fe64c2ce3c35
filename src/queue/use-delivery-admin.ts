import { createHash, timingSafeEqual } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { DeliveryQueue } from './index.js';

export interface DeliveryAdminOptions {
  /** The bearer token operators send (`ADMIN_TOKEN`); the plugin is not installed without one. */
  token: string;
  queue: DeliveryQueue;
  logger: Logger;
  /** Where the endpoint lives. @default '/admin/deliveries' */
  path?: string;
}

/** Dead letters listed at most, unless `?limit=` asks for another number (1 to 1000). */
const DEFAULT_LIMIT = 100;

/**
 * The delivery queue, for operators (`Authorization: Bearer <ADMIN_TOKEN>`):
 *
 *   GET    /admin/deliveries                 counts and dead letters (`?limit=`, oldest first)
 *   POST   /admin/deliveries/<id>/retry      put a dead letter back in the queue
 *   DELETE /admin/deliveries/<id>            drop a dead letter for good
 *
 * Answers JSON; 401 without the token, 404 for an id that is not a dead letter. Not GraphQL on
 * purpose: it is not part of the storefront's API, and a plain path is easy to block at the
 * edge and to call from a shell (`npm run deliveries`, or curl).
 */
export function useDeliveryAdmin({ token, queue, logger, path = '/admin/deliveries' }: DeliveryAdminOptions): Plugin {
  // Compared as digests: equal length, and timingSafeEqual then leaks nothing about the token.
  const expected = digest(`Bearer ${token}`);
  const log = logger.child({ component: 'delivery-admin' });
  return {
    onRequest({ request, url, fetchAPI, endResponse }) {
      if (url.pathname !== path && !url.pathname.startsWith(`${path}/`)) return;
      const json = (status: number, body?: unknown, headers: Record<string, string> = {}) =>
        endResponse(
          new fetchAPI.Response(body === undefined ? null : JSON.stringify(body, null, 2), {
            status,
            headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
          }),
        );
      if (!timingSafeEqual(digest(request.headers.get('authorization') ?? ''), expected)) {
        return json(401, { error: `send Authorization: Bearer <ADMIN_TOKEN> to use ${path}` }, { 'www-authenticate': 'Bearer' });
      }
      // onRequest errors are not caught by the server adapter: a failure must become a response.
      return route(request.method, url, path, queue).then(
        ({ status, body }) => json(status, body),
        (error: unknown) => {
          log.error({ err: error }, 'delivery admin request failed');
          json(503, { error: 'the delivery queue could not be reached' });
        },
      );
    },
  };
}

async function route(method: string, url: URL, path: string, queue: DeliveryQueue): Promise<{ status: number; body?: unknown }> {
  const rest = url.pathname.slice(path.length);
  if (rest === '' || rest === '/') {
    if (method !== 'GET') return { status: 405, body: { error: `use GET ${path}` } };
    const limit = Number(url.searchParams.get('limit') ?? DEFAULT_LIMIT);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      return { status: 400, body: { error: `limit must be an integer from 1 to 1000, got ${JSON.stringify(url.searchParams.get('limit'))}` } };
    const [stats, deadLetters] = await Promise.all([queue.stats(), queue.deadLetters(limit)]);
    return { status: 200, body: { stats, deadLetters } };
  }
  const match = /^\/([^/]+)(\/retry)?$/.exec(rest);
  if (!match) return { status: 404, body: { error: `no such route; use GET ${path}, POST ${path}/<id>/retry or DELETE ${path}/<id>` } };
  let id: string;
  try {
    id = decodeURIComponent(match[1]!);
  } catch {
    return { status: 400, body: { error: `the id is not validly percent-encoded: ${JSON.stringify(match[1])}` } };
  }
  if (match[2] && method === 'POST') {
    return (await queue.retryDeadLetter(id)) ? { status: 200, body: { id, retried: true } } : notADeadLetter(id);
  }
  if (!match[2] && method === 'DELETE') {
    return (await queue.dropDeadLetter(id)) ? { status: 204 } : notADeadLetter(id);
  }
  return { status: 405, body: { error: match[2] ? `use POST ${path}/<id>/retry` : `use DELETE ${path}/<id>` } };
}

function notADeadLetter(id: string) {
  return { status: 404, body: { error: `no dead-lettered delivery ${JSON.stringify(id)}` } };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
