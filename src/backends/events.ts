/**
 * What a backend call tells the outside, declared here and implemented elsewhere
 * (src/observability/backend-observer.ts: fetch plan, call counts, metrics, spans), so the
 * transport never imports observability: the dependency points from observability to backends.
 */
import type { Context as TraceContext } from '@opentelemetry/api';
import type { ServiceName } from '../config.js';
import type { BackendError } from './errors.js';
import type { RequestScope } from './scope.js';
import type { BackendRequest, Sent } from './request.js';

/** One call's events, from a resolver's ask to its answer, in the order they happen. */
export interface CallEvents {
  /** For the transport's log lines about this call, when it is traced. */
  readonly traceId?: string;
  readonly spanId?: string;
  /** Dedupe: this call either started the shared call for `key`, or joined it (`joined`). */
  shared(key: string, joined: boolean): void;
  /** A retry was decided; the next attempt follows after `delayMs`. */
  retrying(retry: number, delayMs: number, error: BackendError): void;
  /**
   * One attempt on the wire: `send` gets the attempt's trace context, for the transport to send
   * as `traceparent`; the observer records the attempt's outcome and duration around it.
   */
  attempt<T>(send: (trace: TraceContext | undefined) => Promise<Sent<T>>): Promise<Sent<T>>;
  /** The call answered (from the network, a shared call, or the HTTP cache: `cached`). */
  succeeded(cached: boolean): void;
  /** The call failed: with a BackendError, or the caller's own abort reason. */
  failed(error: unknown): void;
}

export type CircuitEvent = 'open' | 'half_open' | 'closed';

/** One backend's observer: `begin()` once per call. */
export interface CallObserver {
  begin(scope: RequestScope, request: BackendRequest, ids: number | undefined): CallEvents;
  /** A breaker transition. */
  circuit(state: CircuitEvent): void;
}

/** Makes each backend's observer (src/server/server.ts passes observability's). */
export type CallObserverFactory = (service: ServiceName, origin: string) => CallObserver;

/** What a call reports to when nobody observes (a client built without an observer, in tests). */
export const UNOBSERVED: CallObserver & CallEvents = {
  begin: () => UNOBSERVED,
  circuit() {},
  shared() {},
  retrying() {},
  attempt: (send) => send(undefined),
  succeeded() {},
  failed() {},
};
