import DataLoader from 'dataloader';
import type { BulkAnswer } from '../backends/bulk-answer.js';
import type { FreshItems, ItemSource } from './fresh-items.js';

/** One batch's values, key by key (an Error fails its key), and the answer they came from. */
export interface Batched<V> {
  readonly values: ReadonlyArray<V | Error>;
  readonly answer: BulkAnswer<unknown>;
}

/** Sends one batch of keys (a bulk call) and maps its answer back to them, in their order. */
export type BatchLoad<V> = (keys: readonly string[]) => Promise<Batched<V>>;

/** How a loader's keys go to the backend: its batches, the endpoint's id limit, and when a batch is sent. */
export interface Batching<V> {
  readonly batch: BatchLoad<V>;
  readonly options: Pick<DataLoader.Options<string, V>, 'maxBatchSize' | 'batchScheduleFn'>;
}

/** Keys of one kind a request was given from fresh answers held, reported once per turn as one cached call. */
export type ReuseReport = (source: ItemSource, ids: number, freshForSeconds: number) => void;

/**
 * One request's loader of one kind of lookup. A key that a fresh answer already gave (see
 * FreshItems) is answered at once with that value, not a promise: no DataLoader promise, no
 * batch, no bulk call, no cache lookup; graphql-jit then resolves the field in the same turn.
 * Any other key goes to DataLoader, which batches it into a bulk call as before, and each
 * reusable answer that call gets is kept for the next requests.
 *
 * Within the request, a key keeps the first value it was given: a key asked of DataLoader
 * stays with DataLoader (its cache holds the promise), one answered from FreshItems is
 * remembered here, so two fields of the same product never disagree if an answer goes stale,
 * or a newer one arrives, between them.
 *
 * What a reuse costs the outside: nothing is lost. The keys a turn reused are reported as one
 * cached bulk call with that many ids, as the HTTP cache's hit of a batch was before (fetch
 * plan, call metrics, span), with the freshness the response's `Cache-Control` is judged by.
 */
export class ReusingLoader<V> {
  /** DataLoader and its cache, made (with `batching`) on the first key it is asked: a request whose keys are all reused makes neither. */
  private loads: Map<string, Promise<V>> | undefined = undefined;
  private loader: DataLoader<string, V> | undefined = undefined;
  private given: Map<string, V> | undefined = undefined;
  /** Keys reused this turn, and the earliest end of freshness among them. */
  private reused = 0;
  private reusedUntil = Number.POSITIVE_INFINITY;
  /** The clock at this turn's first look at FreshItems (0: none yet), see clock(). */
  private turnStarted = 0;

  constructor(
    private readonly held: FreshItems<V>,
    private readonly batching: () => Batching<V>,
    private readonly onReuse?: ReuseReport,
  ) {}

  /** The key's value: at once when this request or a fresh answer already has it, else a promise. */
  load(key: string): V | Promise<V> {
    const given = this.given?.get(key);
    if (given !== undefined) return given;
    if (this.loads?.has(key) !== true) {
      const held = this.held.get(key, this.clock());
      if (held !== undefined) {
        (this.given ??= new Map()).set(key, held.value);
        this.count(held.until);
        return held.value;
      }
    }
    return (this.loader ??= this.dataLoader()).load(key);
  }

  /**
   * A value this request already has for `key` (DataLoader's prime). Kept in DataLoader, not
   * handed out at once: DataLoader gives a primed key with its batch's answers, so what is
   * asked below it (a listed product's stock) goes in the same batch as its siblings'.
   */
  prime(key: string, value: V): void {
    if (!this.given?.has(key)) (this.loader ??= this.dataLoader()).prime(key, value);
  }

  private dataLoader(): DataLoader<string, V> {
    const { held } = this;
    const { batch, options } = this.batching();
    return new DataLoader<string, V>(
      async (keys) => {
        const { values, answer } = await batch(keys);
        if (answer.failures.length === 0) held.remember(answer, keys, values as readonly V[]);
        return values;
      },
      { ...options, cacheMap: (this.loads = new Map()) },
    );
  }

  /**
   * Freshness is judged once per turn: the keys of a list (100 products' stock) are asked in
   * one synchronous run, which is what freshness at "the time of the request" means, and one
   * read per turn spares ~500 per 100-product listing (estimated at ~1 % of its CPU, not
   * measured: the in-process A/B was within its noise).
   */
  private clock(): number {
    if (this.turnStarted === 0) {
      this.turnStarted = Date.now();
      queueMicrotask(this.endOfTurn);
    }
    return this.turnStarted;
  }

  private count(until: number): void {
    this.reused++;
    if (until < this.reusedUntil) this.reusedUntil = until;
  }

  // After the turn's resolvers have asked their keys: one report for all that were reused.
  private readonly endOfTurn = (): void => {
    const { reused, reusedUntil } = this;
    this.turnStarted = 0;
    if (reused === 0) return;
    this.reused = 0;
    this.reusedUntil = Number.POSITIVE_INFINITY;
    if (this.onReuse && this.held.source) this.onReuse(this.held.source, reused, Math.max(0, (reusedUntil - Date.now()) / 1000));
  };
}
