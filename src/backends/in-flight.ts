import type { BackendHttp, BackendRequest, BulkItems, RequestScope, ShapeCheck } from './http.js';

/** What a backend client needs of the HTTP client: its two ways of calling. */
export type BackendCalls = Pick<BackendHttp, 'items' | 'json'>;

/**
 * The backend calls one request has in flight, counted as they start and settle. Its loaders'
 * batch window (src/graphql/loader-batch-window.ts) watches it: while a call is in flight, an answer may
 * still come that adds keys to a batch; when none is, nothing can, and waiting is pure delay.
 */
export class InFlightCalls {
  private count = 0;
  /** Told each time the count falls to zero (one listener: the request's batch window). */
  onIdle: { idle(): void } | undefined = undefined;
  private readonly settled = (): void => {
    if (--this.count === 0) this.onIdle?.idle();
  };

  get size(): number {
    return this.count;
  }

  /** Counts `call` until it settles; returns it unchanged (its rejection stays the caller's). */
  track<T>(call: Promise<T>): Promise<T> {
    this.count++;
    call.then(this.settled, this.settled);
    return call;
  }
}

/** A shared HTTP client seen through one request: the same calls, counted in its InFlightCalls. */
export class CountedCalls implements BackendCalls {
  constructor(
    private readonly http: BackendCalls,
    private readonly calls: InFlightCalls,
  ) {}

  items<V>(
    scope: RequestScope,
    request: BackendRequest & { idsParam: string; ids: readonly string[] },
    check: ShapeCheck<{ items: V[] }>,
  ): Promise<BulkItems<V>> {
    return this.calls.track(this.http.items(scope, request, check));
  }

  json<T>(scope: RequestScope, request: BackendRequest, check: ShapeCheck<T>): Promise<T | null> {
    return this.calls.track(this.http.json(scope, request, check));
  }
}
