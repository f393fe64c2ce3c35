import type { ServiceName } from '../config.js';

/** One backend call as the request saw it. */
export interface FetchPlanEntry {
  service: ServiceName;
  /** e.g. `GET /products` (no query string: ids are data, not plan). */
  call: string;
  /** How many ids the call carried, for bulk calls. */
  ids?: number;
  /**
   * `network`: made here; `deduped`: joined an identical call in flight; `cached`: answered from
   * the HTTP cache, or (with 0 attempts) keys reused from its fresh answers (src/graphql/fresh-items.ts).
   */
  source: 'network' | 'deduped' | 'cached';
  /** Attempts made (1 + retries); 0 when the call was not started (circuit open, no time left). */
  attempts: number;
  /** Failure code, when it failed. */
  error?: string;
  /** From the start of the call to its answer, in ms. */
  ms?: number;
  /** Start, in ms since the request began: overlapping calls ran in parallel. */
  at: number;
}

/**
 * What one GraphQL request asked of the backends: which calls, batched how, deduped,
 * cached or retried, and how long each took. Shown in development as `extensions.fetchPlan`.
 */
export class FetchPlan {
  readonly entries: FetchPlanEntry[] = [];
  private readonly started = performance.now();

  begin(service: ServiceName, call: string, ids?: number): FetchPlanEntry {
    const entry: FetchPlanEntry = { service, call, ids, source: 'network', attempts: 0, at: Math.round(performance.now() - this.started) };
    this.entries.push(entry);
    return entry;
  }

  end(entry: FetchPlanEntry, startedAt: number, error?: { code?: string }): void {
    entry.ms = Math.round(performance.now() - startedAt);
    if (error) entry.error = error.code ?? 'ABORTED';
  }
}
