import { propagation, type Context as TraceContext } from '@opentelemetry/api';
import { errors as undiciErrors, type Dispatcher } from 'undici';
import type { ServiceName } from '../config.js';
import { BackendError, type BackendErrorCode } from './errors.js';

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
  /** Answered by the HTTP cache (undici adds `age` to what it serves from cache). */
  cached: boolean;
  /** The HTTP status, for metrics and spans. */
  status: number;
}

/**
 * One HTTP exchange with one backend, and nothing else: send, read, check, and turn every
 * failure into a BackendError with a stable code. `signal` carries the attempt's deadline;
 * `callerSignal` tells a deadline (ours to report) from a caller who hung up (nobody to tell).
 */
export interface Target {
  readonly service: ServiceName;
  /** e.g. `http://users:4001`; the HTTP cache keys on it. */
  readonly origin: string;
  readonly dispatcher: Dispatcher;
}

export async function send<T>(
  { service, origin, dispatcher }: Target,
  request: BackendRequest,
  requestId: string,
  signals: { attempt: AbortSignal; caller: AbortSignal; timeoutMs: number },
  check: ShapeCheck<T>,
  trace?: TraceContext,
): Promise<Sent<T>> {
  let response: Dispatcher.ResponseData;
  const outgoing: Record<string, string> = {
    accept: 'application/json',
    'x-request-id': requestId,
    ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
    ...request.headers,
  };
  // W3C `traceparent`: the attempt's span (CallObservation.attempt), when it is traced.
  if (trace) propagation.inject(trace, outgoing);
  try {
    response = await dispatcher.request({
      origin,
      method: request.method ?? 'GET',
      path: request.path + queryString(request.query),
      headers: outgoing,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      signal: signals.attempt,
    });
    const { statusCode: status, body, headers } = response;
    if (status >= 200 && status < 300) {
      const text = status === 204 ? '' : await body.text();
      return { value: parse(service, request, status, text, check), cached: headers.age !== undefined, status };
    }
    // The body of a failure is for nobody: drain it so the connection goes back to the pool.
    await body.dump().catch(() => undefined);
    if (request.nullOn?.includes(status)) return { value: null, cached: headers.age !== undefined, status };
    throw new BackendError(service, codeForStatus(status), `${request.method ?? 'GET'} ${request.path} answered ${status}`, {
      status,
      retryAfterMs: retryAfterMs(headers['retry-after']),
    });
  } catch (error) {
    throw classify(error, service, signals);
  }
}

function parse<T>(service: ServiceName, request: BackendRequest, status: number, text: string, check: ShapeCheck<T>): T {
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch (cause) {
    throw new BackendError(service, 'BACKEND_BAD_RESPONSE', `invalid JSON from ${request.path}`, { status, cause });
  }
  try {
    return check(parsed);
  } catch (cause) {
    throw new BackendError(service, 'BACKEND_BAD_RESPONSE', `unexpected shape from ${request.path}: ${(cause as Error).message}`, { status, cause });
  }
}

function classify(error: unknown, service: ServiceName, signals: { attempt: AbortSignal; caller: AbortSignal; timeoutMs: number }): unknown {
  if (error instanceof BackendError) return error;
  // A caller who hung up gets nothing, so keep its abort as it is; a deadline is ours to report.
  if (signals.caller.aborted) return signals.caller.reason ?? error;
  if (signals.attempt.aborted) {
    return new BackendError(service, 'BACKEND_TIMEOUT', `no answer within ${Math.round(signals.timeoutMs)} ms`, { cause: error });
  }
  if (error instanceof undiciErrors.ResponseExceededMaxSizeError) {
    return new BackendError(service, 'BACKEND_BAD_RESPONSE', 'response body too large', { cause: error });
  }
  return new BackendError(service, 'BACKEND_UNAVAILABLE', (error as Error)?.message ?? 'request failed', { cause: error });
}

function codeForStatus(status: number): BackendErrorCode {
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 429) return 'BACKEND_RATE_LIMITED';
  if (status >= 500 || status === 408) return 'BACKEND_UNAVAILABLE';
  // Any other status means the backend rejected what we sent, or broke its contract.
  return 'BACKEND_BAD_RESPONSE';
}

/** `Retry-After` is seconds or an HTTP date; anything else is ignored. */
function retryAfterMs(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

export function queryString(query: BackendRequest['query']): string {
  if (!query) return '';
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.map(encodeURIComponent).join(',') : encodeURIComponent(String(value));
    parts.push(`${encodeURIComponent(key)}=${text}`);
  }
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}
