import type { BackendHttp } from './http.js';

/** What a backend client needs of the HTTP client: its two ways of calling. */
export type BackendCalls = Pick<BackendHttp, 'items' | 'json'>;

/**
 * The backend calls one request has in flight, counted as they start and settle. Its loaders'
 * batch window (src/loader-batch-window.ts) watches it: while a call is in flight, an answer may
 * still come that adds keys to a batch; when none is, nothing can, and waiting is pure delay.
 */
export class InFlightCalls {
  private count = 0;
  /** Told each time the count falls to zero (one listener: the request's batch window). */
  onIdle: (() => void) | undefined;

  get size(): number {
    return this.count;
  }

  /** Counts `call` until it settles; returns it unchanged (its rejection stays the caller's). */
  track<T>(call: Promise<T>): Promise<T> {
    this.count++;
    call.then(this.settled, this.settled);
    return call;
  }

  /** `http`'s calls, counted here. */
  through(http: BackendCalls): BackendCalls {
    return {
      items: (scope, request, check) => this.track(http.items(scope, request, check)),
      json: (scope, request, check) => this.track(http.json(scope, request, check)),
    };
  }

  private readonly settled = (): void => {
    if (--this.count === 0) this.onIdle?.();
  };
}
