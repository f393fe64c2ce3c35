/**
 * A bulk answer's items by key, made once per answer rather than once per batch. The HTTP cache
 * hands every hit of an entry the same array (checked when stored, never mutated: frozen in
 * development and tests), so a loader that indexed it on each hit spent a Map over every item
 * of the answer, hundreds per request on a listing, to look up the few keys it asked. Indexes
 * are held weakly by the array they index: one lives as long as its answer, in the cache or in
 * a request. An answer that is not cached is indexed once, as before.
 */
export type AnswerIndex<V, T> = (items: readonly V[], freeze: boolean) => ReadonlyMap<string, T>;

/** One value per key (the last, if the backend sent a key twice). */
export function uniqueIndex<V>(keyOf: (value: V) => string): AnswerIndex<V, V> {
  return weaklyHeld((items) => {
    const byKey = new Map<string, V>();
    for (const item of items) byKey.set(keyOf(item), item);
    return byKey;
  });
}

/**
 * Every value of a key, in the answer's order. The lists are shared by every request that gets
 * the answer: with `freeze` (development and tests, as the HTTP cache freezes its values) they
 * are frozen, so a resolver sorting one in place throws instead of reordering another user's.
 * Not in production: V8 copies a frozen array (`slice`) ten times slower than a plain one.
 * (Typed mutable only because the generated resolver types ask for `V[]`.)
 */
export function groupedIndex<V>(keyOf: (value: V) => string): AnswerIndex<V, V[]> {
  return weaklyHeld((items, freeze) => {
    const byKey = new Map<string, V[]>();
    for (const item of items) {
      const key = keyOf(item);
      const group = byKey.get(key);
      if (group) group.push(item);
      else byKey.set(key, [item]);
    }
    if (freeze) for (const group of byKey.values()) Object.freeze(group);
    return byKey;
  });
}

/** `freeze` is the process's one setting (the configuration's environment): the first call's is kept. */
function weaklyHeld<V, T>(build: AnswerIndex<V, T>): AnswerIndex<V, T> {
  const indexes = new WeakMap<readonly V[], ReadonlyMap<string, T>>();
  return (items, freeze) => {
    let index = indexes.get(items);
    if (!index) indexes.set(items, (index = build(items, freeze)));
    return index;
  };
}
