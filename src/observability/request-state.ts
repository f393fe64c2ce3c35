/**
 * What the BFF keeps about one HTTP request while serving it: its id, when it began, its
 * operation's name, its trace id, and the backend calls it made. One object per request, made
 * when first asked for (at `onRequest`, by the plugins that time the request) and hung on the
 * Request itself under a private symbol.
 *
 * Why on the Request: it is the one object every place that needs this state is handed:
 * whatwg-node's and yoga's server-level hooks (`onRequest`, `onParams`, `onResultProcess`,
 * `onResponse`) get it, envelop's hooks and the resolvers reach it as `context.request`, and the
 * edge's helpers (the rate limiter's log line) and the checkout get nothing else. Yoga's
 * `serverContext` reaches the hooks too, but not the helpers that only hold the request. So
 * reading the state is one property load, where it used to be a WeakMap lookup in each of six
 * modules per hook (and six weak tables of ephemerons for every GC to trace).
 *
 * State of one GraphQL operation (its span, its slow resolvers) lives on the operation's context
 * instead (src/observability/tracing.ts): a batched request runs several operations.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { AnswerFreshness, CallCounts } from '../backends/scope.js';

/** The header a client may send its own request id in, and the BFF always answers with. */
export const REQUEST_ID_HEADER = 'x-request-id';
/** An incoming id is kept only if it is short and plain, so it cannot forge log lines. */
const SAFE_ID = /^[\w.:-]{1,128}$/;

const STATE = Symbol('bff.requestState');
type WithState = Request & { [STATE]?: RequestState };

export class RequestState {
  /** The client's `x-request-id` when it is safe, else a new UUID; in logs, backend calls and the response. */
  readonly requestId: string;
  /** `performance.now()` when the BFF first saw the request. */
  readonly started = performance.now();
  /** For the request's log line: the request's `operationName`, else the name in the document. */
  operationName: string | undefined = undefined;
  /** The trace id of the request's first traced operation, for its log line. */
  traceId: string | undefined = undefined;
  /**
   * Backend calls per service, for the request's log line: `undefined` when nobody will read
   * them (the line is not logged at the current level), so the calls count nothing.
   */
  calls: CallCounts | undefined = undefined;
  /** How long a CDN may keep the answer (src/edge/answer-cacheability.ts): only for GETs, made on first use. */
  cacheability: AnswerFreshness | undefined = undefined;
  /** Whether the request is for the GraphQL endpoint (what `bff_http_requests_total` counts). */
  graphql = false;

  private child: Logger | undefined = undefined;

  constructor(request: Request) {
    const incoming = request.headers.get(REQUEST_ID_HEADER);
    this.requestId = incoming && SAFE_ID.test(incoming) ? incoming : randomUUID();
  }

  /**
   * `root` with the request id bound, made when first asked for: a pino child costs objects and
   * a serialized bindings string, and most requests never log a line of their own.
   */
  loggerFrom(root: Logger): Logger {
    return (this.child ??= root.child({ reqId: this.requestId }));
  }
}

/**
 * The request's state, made on first use: at `onRequest` by useMetrics (GraphQL requests) or
 * useRequestLogging (at info), so `started` is the request's start for both.
 */
export function requestStateOf(request: Request): RequestState {
  return ((request as WithState)[STATE] ??= new RequestState(request));
}

/** The request's id: the client's `x-request-id` when it is safe, else a new UUID. */
export function requestIdOf(request: Request): string {
  return requestStateOf(request).requestId;
}
