import { createHash } from 'node:crypto';
import http from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { DEFAULT_ERROR_STATUS, FaultConfigError, faultsApplyTo, takeInjectedError, validateFaults, type Faults } from './faults.js';
import { HttpError } from './http.js';
import { IDEMPOTENCY_HEADER, IdempotencyStore, REPLAYED_HEADER, type StoredReply } from './idempotency.js';
import { Router, type Method } from './router.js';
import { RequestStats } from './stats.js';
import { mulberry32 } from './data/random.js';

/**
 * The one server every mock runs on: a route table, JSON in and out, and the
 * test controls (/health, /__stats, /__faults). Services only declare routes;
 * counting, faults and idempotency live here so they behave the same on all six.
 */

export interface RouteRequest {
  /** Decoded path parameters, e.g. `{ id: "42" }` for `/users/:id`. */
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, or undefined when there was none. */
  body: unknown;
}

/** What a handler answers: status, JSON body (omit for 204) and extra headers. */
export type Reply = StoredReply;

export interface RouteSpec {
  method: Method;
  /** Template such as `/orders/:id/cancel`. */
  path: string;
  /** Synchronous on purpose: a handler runs to completion, so two requests can never interleave inside one write. */
  handle(request: RouteRequest): Reply;
  /** Replays the first answer for a repeated `idempotency-key`. @default false */
  idempotent?: boolean;
  /** `Cache-Control` for its 200 answers, which then also carry an `ETag` (and honour `If-None-Match`). @default none */
  cacheControl?: string;
}

export interface ServiceDefinition {
  name: string;
  routes: readonly RouteSpec[];
}

export interface MockServerOptions {
  /** Serve /__stats and /__faults; when false they answer 404. @default true */
  controls?: boolean;
  /** Faults active from the start. @default none */
  faults?: Faults;
}

export interface MockServer {
  readonly name: string;
  readonly server: http.Server;
  /** Route keys as counted in /__stats and named in a fault's `routes`. */
  readonly routeKeys: readonly string[];
  /** Resolves with the bound port (useful with port 0). */
  listen(port: number, host: string): Promise<number>;
  /** Stops listening and destroys every open socket, hung requests included. */
  close(): Promise<void>;
}

export const ok = (body: unknown): Reply => ({ status: 200, body });
export const created = (body: unknown): Reply => ({ status: 201, body });

/** Bodies are small JSON documents; anything bigger is a client bug. */
const MAX_BODY_BYTES = 1 << 20;
/** Longer than any BFF pool's idle timeout, so the mock never closes a connection a client is about to reuse. */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;
/** Valid JSON cut short: what a proxy that dropped the connection mid-body delivers. */
const MALFORMED_BODY = '{"items":[{"id":"1","name":"Trunc';
const FAULT_SEED = 0xfa017;

function sendJson(res: ServerResponse, reply: Reply): void {
  // The client may have gone (abort) or a fault may have answered already.
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string | number> = { ...reply.headers };
  if (reply.status === 204 || reply.body === undefined) {
    res.writeHead(reply.status, headers);
    res.end();
    return;
  }
  const text = JSON.stringify(reply.body);
  headers['content-type'] = 'application/json; charset=utf-8';
  headers['content-length'] = Buffer.byteLength(text);
  res.writeHead(reply.status, headers);
  res.end(text);
}

/**
 * Real services mark what may be cached; the BFF's HTTP cache is tested against that. A 200
 * on a route with `cacheControl` gets it and a strong ETag of the body; a matching
 * `If-None-Match` gets 304 with no body.
 */
function withValidators(route: RouteSpec, req: IncomingMessage, reply: Reply): Reply {
  if (!route.cacheControl || reply.status !== 200) return reply;
  const etag = `"${createHash('sha1').update(JSON.stringify(reply.body)).digest('base64url')}"`;
  const headers = { ...reply.headers, 'cache-control': route.cacheControl, etag };
  if (req.headers['if-none-match'] === etag) return { status: 304, headers };
  return { ...reply, headers };
}

function errorReply(error: HttpError): Reply {
  return { status: error.status, body: error.body, headers: error.headers };
}

async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) throw new HttpError(413, `body must be at most ${MAX_BODY_BYTES} bytes, got ${declared}`);
  const chunks: Buffer[] = [];
  let size = 0;
  // Async iteration rejects if the client disconnects mid-body, which the
  // caller treats like any other failure on a response nobody will read.
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `body must be at most ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, `body must be JSON (content-type: application/json): ${(error as Error).message}`);
  }
}

/**
 * Waits `ms`, unless the client disconnects first: then the timer is cleared
 * (no work is left behind for a request nobody waits for) and it resolves false.
 */
function delay(ms: number, res: ServerResponse): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onClose = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      res.off('close', onClose);
      resolve(true);
    }, ms);
    res.once('close', onClose);
  });
}

function isControlPath(pathname: string): boolean {
  return pathname === '/__stats' || pathname.startsWith('/__stats/') || pathname === '/__faults';
}

export function createMockServer(definition: ServiceDefinition, options: MockServerOptions = {}): MockServer {
  const controls = options.controls ?? true;
  const router = new Router<RouteSpec>();
  for (const route of definition.routes) router.add(route.method, route.path, route);
  const stats = new RequestStats();
  const idempotency = new IdempotencyStore();
  let faults: Faults = options.faults ? validateFaults(options.faults) : {};
  // Seeded so that an errorRate below 1 fails the same requests on every run.
  let faultRandom = mulberry32(FAULT_SEED);

  function setFaults(next: Faults): void {
    faults = next;
    faultRandom = mulberry32(FAULT_SEED);
  }

  async function handleControl(req: IncomingMessage, res: ServerResponse, method: string, pathname: string): Promise<void> {
    if (!controls) return sendJson(res, { status: 404, body: { error: 'test controls are off (MOCK_CONTROLS=off)' } });
    const route = `${method} ${pathname}`;
    switch (route) {
      case 'GET /__stats':
        return sendJson(res, ok(stats.snapshot()));
      case 'POST /__stats/reset':
        stats.reset();
        return sendJson(res, { status: 204 });
      case 'GET /__faults':
        return sendJson(res, ok(faults));
      case 'PUT /__faults': {
        const body = await readJsonBody(req);
        try {
          setFaults(validateFaults(body ?? {}, 'PUT /__faults body'));
        } catch (error) {
          if (error instanceof FaultConfigError) throw new HttpError(400, error.message);
          throw error;
        }
        return sendJson(res, { status: 204 });
      }
      case 'DELETE /__faults':
        setFaults({});
        return sendJson(res, { status: 204 });
      default:
        return sendJson(res, {
          status: pathname === '/__stats' || pathname === '/__faults' || pathname === '/__stats/reset' ? 405 : 404,
          body: { error: `no control ${route}; controls are GET /__stats, POST /__stats/reset, GET|PUT|DELETE /__faults` },
        });
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const pathname = q === -1 ? rawUrl : rawUrl.slice(0, q);
    const query = new URLSearchParams(q === -1 ? '' : rawUrl.slice(q + 1));

    // Health answers even with controls off and is never faulted: orchestrators
    // probe it, and a "slow backend" demo must not look like a dead container.
    if (pathname === '/health') {
      if (method !== 'GET') return sendJson(res, { status: 405, body: { error: 'use GET /health' }, headers: { allow: 'GET' } });
      return sendJson(res, ok({ status: 'ok' }));
    }
    if (isControlPath(pathname)) return handleControl(req, res, method, pathname);

    let match;
    try {
      match = router.match(method, pathname);
    } catch {
      stats.track(`${method} ${pathname} (no route)`, req, res);
      throw new HttpError(400, `path is not validly percent-encoded: ${JSON.stringify(pathname)}`);
    }
    if (match.kind !== 'found') {
      // Counted under the raw path, so a test can see what the BFF wrongly called.
      stats.track(`${method} ${pathname} (no route)`, req, res);
      if (match.kind === 'method-not-allowed') {
        throw new HttpError(405, `${method} is not allowed on ${pathname}; use ${match.allow.join(' or ')}`, {}, { allow: match.allow.join(', ') });
      }
      throw new HttpError(404, `no route ${method} ${pathname} on the ${definition.name} mock; routes are ${router.keys.join(', ')}`);
    }

    stats.track(match.key, req, res);
    // Snapshot: a PUT /__faults while this request waits does not change its fate.
    const active = faultsApplyTo(faults, match.key) ? faults : {};

    if (active.hang) return; // Never answer; the 'close' listener counts the abort.
    const body = method === 'GET' ? undefined : await readJsonBody(req);
    const waitMs = (active.latencyMs ?? 0) + (active.jitterMs ? faultRandom() * active.jitterMs : 0);
    if (!(await delay(waitMs, res))) return;
    if (takeInjectedError(active, faultRandom)) {
      const status = active.errorStatus ?? DEFAULT_ERROR_STATUS;
      const headers: Record<string, string> = active.retryAfterS !== undefined ? { 'retry-after': String(active.retryAfterS) } : {};
      return sendJson(res, { status, body: { error: `injected fault: ${status} on ${match.key}`, injected: true }, headers });
    }
    if (active.malformedBody) {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(MALFORMED_BODY) });
      res.end(MALFORMED_BODY);
      return;
    }

    const request: RouteRequest = { params: match.params, query, headers: req.headers, body };
    const key = req.headers[IDEMPOTENCY_HEADER];
    if (!match.value.idempotent || typeof key !== 'string' || key === '') {
      return sendJson(res, withValidators(match.value, req, runHandler(match.value, request)));
    }
    // Keys are scoped to method and path, so one key can safely be reused for
    // related writes (e.g. an order and its cancel) without colliding.
    const storeKey = `${method} ${pathname} ${key}`;
    const stored = idempotency.get(storeKey);
    if (stored) return sendJson(res, { ...stored, headers: { ...stored.headers, [REPLAYED_HEADER]: 'true' } });
    const reply = runHandler(match.value, request);
    // A 5xx means the write did not happen; the client should be free to retry it for real.
    if (reply.status < 500) idempotency.set(storeKey, reply);
    return sendJson(res, reply);
  }

  function runHandler(route: RouteSpec, request: RouteRequest): Reply {
    try {
      return route.handle(request);
    } catch (error) {
      if (error instanceof HttpError) return errorReply(error);
      throw error;
    }
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (error instanceof HttpError) return sendJson(res, errorReply(error));
      if (res.destroyed) return; // The client left mid-body; nobody to answer.
      // A bug in a mock must not take the whole mock down mid-test.
      console.error(`[mock ${definition.name}] ${req.method} ${req.url} failed:`, error);
      sendJson(res, { status: 500, body: { error: `mock ${definition.name} failed: ${(error as Error)?.message ?? String(error)}` } });
    });
  });
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  // Must exceed keepAliveTimeout, or Node may cut a reused connection before its idle timer.
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
  // Garbage on the wire answers 400 and closes that socket, never the server.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
  });

  return {
    name: definition.name,
    server,
    routeKeys: router.keys,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        const onError = (error: NodeJS.ErrnoException): void => {
          reject(
            new Error(
              `mock ${definition.name} could not listen on ${host}:${port}: ${error.code ?? error.message}` +
                (error.code === 'EADDRINUSE' ? ' (another process holds the port; choose another port, or 0 for an ephemeral one)' : ''),
              { cause: error },
            ),
          );
        };
        server.once('error', onError);
        server.listen({ port, host }, () => {
          server.off('error', onError);
          resolve((server.address() as AddressInfo).port);
        });
      });
    },
    close() {
      return new Promise((resolve, reject) => {
        if (!server.listening) return resolve();
        server.close((error) => (error ? reject(error) : resolve()));
        // close() only stops accepting; without this, a hung request or an
        // idle keep-alive socket would keep the callback (and a test) waiting.
        server.closeAllConnections();
      });
    },
  };
}
