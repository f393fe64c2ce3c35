import { propagation, type Context as TraceContext } from '@opentelemetry/api';
import { errors as undiciErrors, type Dispatcher } from 'undici';
import type { ServiceName } from '../config.js';
import { BackendError, type BackendErrorCode } from './errors.js';
import type { Answer, Call, Handler } from './pipeline.js';
import type { BackendRequest, ShapeCheck } from './request.js';
import { AttemptTimer } from './resilience/deadline.js';
import { PublicCode } from '../errors/public-errors.js';

export interface Target {
  readonly service: ServiceName;
  /** e.g. `http://users:4001`; the HTTP cache keys on it. */
  readonly origin: string;
  readonly dispatcher: Dispatcher;
}

/**
 * The end of the line (src/backends/policy.ts): one attempt on the wire, with its own timer:
 * the backend's `timeoutMs`, or the call's deadline if that comes first (see AttemptTimer).
 */
export function transport(target: Target, timeoutMs: number): Handler {
  return async (call) => {
    const timer = new AttemptTimer(call.deadline, timeoutMs);
    try {
      return await call.events.attempt((trace) => send(target, call, timer, trace));
    } finally {
      timer.done();
    }
  };
}

/** What every backend receives: JSON, our request id, and the client's own headers (credentials where it sends them). */
export function outgoingHeaders(request: BackendRequest, requestId: string): Record<string, string> {
  return {
    accept: 'application/json',
    'x-request-id': requestId,
    ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
    ...request.headers,
  };
}

/**
 * One HTTP exchange with one backend, and nothing else: send, read, check, and turn every
 * failure into a BackendError with a stable code. `timer` is the attempt's abort signal, and
 * says why it fired: a timeout (ours to report) or a caller who left (nobody to tell). A 304
 * is an answer only to a revalidation (the HTTP cache step asked for it).
 */
export async function send(
  { service, origin, dispatcher }: Target,
  { request, url, check, scope, revalidating }: Call,
  timer: AttemptTimer,
  trace?: TraceContext,
): Promise<Answer> {
  let response: Dispatcher.ResponseData;
  const outgoing = outgoingHeaders(request, scope.requestId);
  // W3C `traceparent`: the attempt's span (CallObservation.attempt), when it is traced.
  if (trace) propagation.inject(trace, outgoing);
  try {
    response = await dispatcher.request({
      origin,
      method: request.method ?? 'GET',
      path: url,
      headers: outgoing,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      signal: timer.signal,
    });
    const { statusCode: status, body, headers } = response;
    if (status >= 200 && status < 300) {
      const text = status === 204 ? '' : await body.text();
      return { value: parseBody(service, request, status, text, check), cached: false, status, headers, text };
    }
    // The body of a failure is for nobody: drain it so the connection goes back to the pool.
    await body.dump().catch(() => undefined);
    if (request.nullOn?.includes(status) || (status === 304 && revalidating)) return { value: null, cached: false, status, headers };
    throw new BackendError(service, codeForStatus(status), `${request.method ?? 'GET'} ${request.path} answered ${status}`, {
      status,
      retryAfterMs: retryAfterMs(headers['retry-after']),
    });
  } catch (error) {
    throw classify(error, service, timer);
  }
}

/** The body as JSON, checked: BACKEND_BAD_RESPONSE when it is neither. */
export function parseBody<T>(service: ServiceName, request: BackendRequest, status: number, text: string, check: ShapeCheck<T>): T {
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch (cause) {
    throw new BackendError(service, PublicCode.BACKEND_BAD_RESPONSE, `invalid JSON from ${request.path}`, { status, cause });
  }
  try {
    return check(parsed);
  } catch (cause) {
    throw new BackendError(service, PublicCode.BACKEND_BAD_RESPONSE, `unexpected shape from ${request.path}: ${(cause as Error).message}`, { status, cause });
  }
}

function classify(error: unknown, service: ServiceName, timer: AttemptTimer): unknown {
  if (error instanceof BackendError) return error;
  // A caller who hung up gets nothing, so keep its abort as it is; a deadline is ours to report.
  if (timer.cause === 'abandoned') return timer.signal.reason ?? error;
  if (timer.cause === 'timeout') return new BackendError(service, PublicCode.BACKEND_TIMEOUT, `no answer within ${timer.timeoutMs} ms`, { cause: error });
  if (timer.cause === 'budget') {
    return new BackendError(service, PublicCode.BACKEND_TIMEOUT, "no answer before the request's deadline", { cause: error, cutShortByBudget: true });
  }
  if (error instanceof undiciErrors.ResponseExceededMaxSizeError) {
    return new BackendError(service, PublicCode.BACKEND_BAD_RESPONSE, 'response body too large', { cause: error });
  }
  return new BackendError(service, PublicCode.BACKEND_UNAVAILABLE, (error as Error)?.message ?? 'request failed', { cause: error });
}

function codeForStatus(status: number): BackendErrorCode {
  if (status === 401) return PublicCode.UNAUTHENTICATED;
  if (status === 403) return PublicCode.FORBIDDEN;
  if (status === 429) return PublicCode.BACKEND_RATE_LIMITED;
  if (status >= 500 || status === 408) return PublicCode.BACKEND_UNAVAILABLE;
  // Any other status means the backend rejected what we sent, or broke its contract.
  return PublicCode.BACKEND_BAD_RESPONSE;
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

export { queryString, type BackendRequest, type QueryValue, type Sent, type ShapeCheck } from './request.js';
