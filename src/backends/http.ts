import { Pool, errors as undiciErrors } from 'undici';
import type { Dispatcher } from 'undici';
import type { Logger } from 'pino';
import type { BackendConfig, ServiceName } from '../config.js';
import { BackendError } from './errors.js';

/** What one GraphQL request lends to every backend call it makes. */
export interface RequestScope {
  /** Aborted when the client hangs up: its backend calls stop with it. */
  readonly signal: AbortSignal;
  /** Sent as `x-request-id`, so a backend's logs line up with ours. */
  readonly requestId: string;
  /** The request's `Authorization` header, for the clients that need it and no others. */
  readonly authorization?: string;
}

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

/** Backends answer small JSON documents; anything larger than this is a fault, not data. */
const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/**
 * The one HTTP client for one backend: a keep-alive pool, a deadline per call, and every
 * failure turned into a BackendError with a stable code. Resolvers and backend clients never
 * see undici; resilience policy added here applies to every call.
 */
export class BackendHttp {
  private readonly pool: Pool;

  constructor(
    readonly service: ServiceName,
    private readonly config: BackendConfig,
    private readonly logger: Logger,
  ) {
    this.pool = new Pool(config.url, {
      connections: config.connections,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      maxResponseSize: MAX_RESPONSE_BYTES,
    });
  }

  /**
   * Sends one request and returns its checked JSON body, or `null` for a `nullOn` status.
   * The call is aborted at the backend's deadline (`AbortSignal.timeout`, which fires on time,
   * unlike undici's `headersTimeout`) or as soon as the client of the GraphQL request hangs up.
   */
  async json<T>(scope: RequestScope, request: BackendRequest, check: ShapeCheck<T>): Promise<T | null> {
    const deadline = AbortSignal.timeout(this.config.timeoutMs);
    const signal = AbortSignal.any([scope.signal, deadline]);
    const started = performance.now();
    try {
      const response = await this.pool.request({
        method: request.method ?? 'GET',
        path: request.path + queryString(request.query),
        headers: {
          accept: 'application/json',
          'x-request-id': scope.requestId,
          ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...request.headers,
        },
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal,
      });
      return await this.readBody(response, request, check);
    } catch (error) {
      const failure = this.classify(error, scope, deadline);
      this.logger.warn(
        { reqId: scope.requestId, path: request.path, ms: Math.round(performance.now() - started), code: failure instanceof BackendError ? failure.code : 'ABORTED', err: error },
        'backend call failed',
      );
      throw failure;
    }
  }

  private async readBody<T>(response: Dispatcher.ResponseData, request: BackendRequest, check: ShapeCheck<T>): Promise<T | null> {
    const { statusCode: status, body } = response;
    if (status >= 200 && status < 300) {
      if (status === 204) return check(undefined);
      let parsed: unknown;
      try {
        parsed = JSON.parse(await body.text());
      } catch (cause) {
        if (isAbort(cause)) throw cause;
        throw new BackendError(this.service, 'BACKEND_BAD_RESPONSE', `invalid JSON from ${request.path}`, { status, cause });
      }
      try {
        return check(parsed);
      } catch (cause) {
        throw new BackendError(this.service, 'BACKEND_BAD_RESPONSE', `unexpected shape from ${request.path}: ${(cause as Error).message}`, { status, cause });
      }
    }
    // The body of a failure is for nobody: drain it so the connection goes back to the pool.
    await body.dump().catch(() => undefined);
    if (request.nullOn?.includes(status)) return null;
    throw new BackendError(this.service, codeForStatus(status), `${request.method ?? 'GET'} ${request.path} answered ${status}`, { status });
  }

  private classify(error: unknown, scope: RequestScope, deadline: AbortSignal): unknown {
    if (error instanceof BackendError) return error;
    // A deadline is ours to report; a client that hung up gets nothing, so keep its abort as is.
    if (deadline.aborted && !scope.signal.aborted) {
      return new BackendError(this.service, 'BACKEND_TIMEOUT', `no answer within ${this.config.timeoutMs} ms`, { cause: error });
    }
    if (scope.signal.aborted) return scope.signal.reason ?? error;
    if (error instanceof undiciErrors.ResponseExceededMaxSizeError) {
      return new BackendError(this.service, 'BACKEND_BAD_RESPONSE', 'response body too large', { cause: error });
    }
    return new BackendError(this.service, 'BACKEND_UNAVAILABLE', (error as Error)?.message ?? 'request failed', { cause: error });
  }

  /** Whether the backend answers its `/health` within `timeoutMs`; for the readiness check. */
  async isHealthy(timeoutMs = 1000): Promise<boolean> {
    try {
      const { statusCode, body } = await this.pool.request({ method: 'GET', path: '/health', signal: AbortSignal.timeout(timeoutMs) });
      await body.dump();
      return statusCode === 200;
    } catch {
      return false;
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  /** Forcibly ends every connection; for shutdown after the grace period. */
  destroy(): Promise<void> {
    return this.pool.destroy();
  }
}

function codeForStatus(status: number) {
  if (status === 401) return 'UNAUTHENTICATED' as const;
  if (status === 403) return 'FORBIDDEN' as const;
  if (status >= 500 || status === 429 || status === 408) return 'BACKEND_UNAVAILABLE' as const;
  // Any other status means the backend rejected what we sent, or broke its contract.
  return 'BACKEND_BAD_RESPONSE' as const;
}

function isAbort(error: unknown): boolean {
  return (error as Error)?.name === 'AbortError' || (error as { code?: string })?.code === 'UND_ERR_ABORTED';
}

function queryString(query: BackendRequest['query']): string {
  if (!query) return '';
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.map(encodeURIComponent).join(',') : encodeURIComponent(String(value));
    parts.push(`${encodeURIComponent(key)}=${text}`);
  }
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}
