import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

/**
 * What a mock has been asked, so tests can prove what the BFF did: how many
 * calls per route (batching), how many at once (concurrency limits), which
 * headers it forwarded, and whether it gave up on a call (cancellation).
 * Control requests (/health, /__stats, /__faults) are not counted: polling
 * them must not disturb the numbers under test.
 */
export interface StatsSnapshot {
  /** `"<METHOD> <route template>"` → count, e.g. `{ "GET /users": 2 }`. */
  requests: Record<string, number>;
  /** Requests being handled now, including delayed and hung ones. */
  inFlight: number;
  /** Highest inFlight since start or last reset. */
  peakInFlight: number;
  /** Headers of the most recent request (lower-cased names, as Node gives them). */
  lastHeaders: IncomingHttpHeaders;
  /** Requests whose client closed the connection before the response was finished. */
  aborted: number;
  /**
   * Trace id of each W3C `traceparent` received → requests that carried it (the latest
   * MAX_TRACES traces), so a test can follow one GraphQL request across every backend.
   */
  traces: Record<string, number>;
}

/** Traces remembered; the oldest are forgotten first, so a long benchmark cannot grow the map. */
export const MAX_TRACES = 10_000;
/** `version-traceid-parentid-flags`; an all-zero trace id is invalid (W3C Trace Context). */
const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** The trace id of a `traceparent` header, or undefined when absent or malformed. */
export function traceIdOf(traceparent: string | string[] | undefined): string | undefined {
  const match = typeof traceparent === 'string' ? TRACEPARENT.exec(traceparent.trim()) : null;
  return match && !/^0+$/.test(match[1]) ? match[1] : undefined;
}

export class RequestStats {
  private counts = new Map<string, number>();
  private inFlight = 0;
  private peakInFlight = 0;
  private lastHeaders: IncomingHttpHeaders = {};
  private aborted = 0;
  private traces = new Map<string, number>();

  /** Counts a request under `key` (and under its trace id) and follows it until its response closes. */
  track(key: string, req: IncomingMessage, res: ServerResponse): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    const traceId = traceIdOf(req.headers.traceparent);
    if (traceId !== undefined) {
      this.traces.set(traceId, (this.traces.get(traceId) ?? 0) + 1);
      if (this.traces.size > MAX_TRACES) this.traces.delete(this.traces.keys().next().value!);
    }
    this.lastHeaders = { ...req.headers };
    this.inFlight++;
    this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
    // 'close' fires both after a normal finish and when the client hangs up
    // first; only in the second case is the response unfinished. Listening on
    // the response (not the request) covers a client that disconnects while
    // we are still delaying or hanging.
    res.once('close', () => {
      this.inFlight--;
      if (!res.writableFinished) this.aborted++;
    });
  }

  /** Starts a new measurement; requests still in flight stay counted as in flight. */
  reset(): void {
    this.counts = new Map();
    this.peakInFlight = this.inFlight;
    this.lastHeaders = {};
    this.aborted = 0;
    this.traces = new Map();
  }

  snapshot(): StatsSnapshot {
    return {
      requests: Object.fromEntries(this.counts),
      inFlight: this.inFlight,
      peakInFlight: this.peakInFlight,
      lastHeaders: this.lastHeaders,
      aborted: this.aborted,
      traces: Object.fromEntries(this.traces),
    };
  }
}
