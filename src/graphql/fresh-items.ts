import type { BulkAnswer } from '../backends/bulk-answer.js';
import type { ServiceName } from '../config.js';

/** What one key was given by a fresh answer, and until when that answer is fresh. */
export interface HeldItem<V> {
  readonly value: V;
  /** `Date.now()` clock: the answer's BulkAnswer.reusableUntil. */
  readonly until: number;
}

/** Where a kind's answers come from: what a reuse of them is reported as (a cached call). */
export interface ItemSource {
  readonly service: ServiceName;
  readonly path: string;
}

/**
 * Keys held per loader kind. An entry lives at most its answer's freshness (seconds: the
 * backends send `max-age` of 1 to 60), so this bounds memory only against a burst of distinct
 * keys: about 100 bytes each, on top of the values the HTTP cache already holds.
 */
const MAX_KEYS = 10_000;

/**
 * What fresh bulk answers said of each key, for one kind of lookup (stock by product, users by
 * id…), shared by every request of a server: the value each asked key got (`null` for an
 * unknown id, `[]` for none in a grouped lookup) and until when its answer is fresh.
 *
 * Why: the HTTP cache answers a repeated bulk URL at once, but a request's keys reach it one
 * DataLoader promise each, batched a tick later, and a 100-product listing asks ~500 of them.
 * While the answer that gave a key is fresh, the HTTP cache would hand back the same value
 * for it, so the key can be answered at once, as a plain value (see ReusingLoader).
 *
 * Only answers the HTTP cache itself holds fresh are kept (`reusableUntil`): a `private` or
 * `no-store` answer, one that varies with request headers, one with a bad item, or any answer
 * of a backend whose cache is off, never is. Bulk lookups never carry credentials (see
 * BackendHttp.items), so what one request is given here is what any other would be.
 *
 * A Map, not lru-cache, by design: a hit is one Map lookup and a clock read, and entries leave
 * by age (insertion order, as a refreshed key is re-inserted), which is what freshness wants.
 */
export class FreshItems<V> {
  private readonly byKey = new Map<string, HeldItem<V>>();
  /** Set by the first answer kept. */
  source: ItemSource | undefined = undefined;

  constructor(private readonly maxKeys = MAX_KEYS) {}

  /** What a fresh answer gave `key`; undefined when none is held, or its answer went stale. */
  get(key: string, now: number): HeldItem<V> | undefined {
    const held = this.byKey.get(key);
    if (held === undefined || now < held.until) return held;
    this.byKey.delete(key);
    return undefined;
  }

  /** Keeps what `answer` gave each of `keys` (`values`, in the same order), if it is reusable. */
  remember(answer: BulkAnswer<unknown>, keys: readonly string[], values: readonly V[]): void {
    const until = answer.reusableUntil;
    if (until <= Date.now()) return;
    this.source ??= { service: answer.service, path: answer.path };
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      this.byKey.delete(key);
      this.byKey.set(key, { value: values[i]!, until });
    }
    let excess = this.byKey.size - this.maxKeys;
    if (excess <= 0) return;
    for (const key of this.byKey.keys()) {
      this.byKey.delete(key);
      if (--excess === 0) break;
    }
  }

  get size(): number {
    return this.byKey.size;
  }
}
