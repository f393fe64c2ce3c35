/**
 * `use` of a loader's value: at once when the loader had it at hand (see ReusingLoader), else
 * when it arrives, so a field whose value is at hand resolves in the same turn.
 * Not @whatwg-node/promise-helpers' handleMaybePromise: that wraps every value in fake-promise
 * objects, and this runs once per item of a list.
 */
export function whenLoaded<V, R>(value: V | Promise<V>, use: (value: V) => R): R | Promise<R> {
  return value instanceof Promise ? value.then(use) : use(value);
}
