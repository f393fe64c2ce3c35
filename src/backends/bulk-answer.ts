import type { ServiceName } from '../config.js';
import { BackendError } from './errors.js';
import type { BulkItems } from './request.js';
import { InvalidItem } from './shape.js';
import { PublicCode } from '../errors/public-errors.js';

/** An item of a bulk answer that broke the contract, as the key it was for will fail. */
export interface ItemFailure {
  /** The key the item was for; undefined when even that could not be read. */
  readonly key: string | undefined;
  readonly error: BackendError;
}

/** A bulk lookup's answer: the items that kept the contract, and a failure for each that did not. */
export interface BulkAnswer<V> {
  readonly items: readonly V[];
  readonly failures: readonly ItemFailure[];
  /** Until when the HTTP cache holds this answer fresh (Sent.reusableUntil); 0 when it does not, or when an item was bad. */
  readonly reusableUntil: number;
  /** Who answered, and where: what a reuse of the answer is reported as. */
  readonly service: ServiceName;
  readonly path: string;
}

/** What is logged of a bad item: where it was and what rule it broke, never its content. */
export interface InvalidItemDetails {
  readonly service: ServiceName;
  /** The backend's path, e.g. `/stock`. */
  readonly path: string;
  /** The offending field in the body, e.g. `items.3.available`. */
  readonly field: string;
  readonly key: string | undefined;
  readonly problem: string;
}

/** Where a client reports each bad item it is given (the log). */
export type InvalidItemReport = (details: InvalidItemDetails) => void;

const NO_FAILURES: readonly ItemFailure[] = Object.freeze([]);

/**
 * Answers already seen to hold no bad item. The HTTP cache hands every hit of an entry the same
 * checked array, so it is scanned once, not on every hit; held weakly, as long as the answer.
 */
const allGood = new WeakSet<ReadonlyArray<unknown>>();

/**
 * Splits a checked bulk answer (see checkItems) into its good items and one BACKEND_BAD_RESPONSE
 * per bad one, reporting each bad item this request asked for once. Items for keys it did not
 * ask for (merged in from other requests, see Coalescer) are theirs to report.
 */
export function bulkAnswer<V>(
  service: ServiceName,
  path: string,
  asked: readonly string[],
  answer: BulkItems<V | InvalidItem>,
  report: InvalidItemReport | undefined,
): BulkAnswer<V> {
  const checked = answer.items;
  // The common case costs one scan per answer and no copy.
  if (allGood.has(checked) || !checked.some((item) => item instanceof InvalidItem)) {
    allGood.add(checked);
    return { items: checked as readonly V[], failures: NO_FAILURES, reusableUntil: answer.reusableUntil, service, path };
  }
  const wanted = new Set(asked);
  const items: V[] = [];
  const failures: ItemFailure[] = [];
  for (const item of checked) {
    if (!(item instanceof InvalidItem)) {
      items.push(item);
      continue;
    }
    if (item.key !== undefined && !wanted.has(item.key)) continue;
    report?.({ service, path, field: item.field, key: item.key, problem: item.problem });
    const error = new BackendError(service, PublicCode.BACKEND_BAD_RESPONSE, `${path} sent an item outside the contract, ${item.field}: ${item.problem}`);
    failures.push({ key: item.key, error });
  }
  // Not reusable: what a bad item's key gets is this request's failure, not a fact to repeat.
  return { items, failures, reusableUntil: 0, service, path };
}
