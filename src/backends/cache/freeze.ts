/**
 * Freezes a value and everything it holds. A cached DTO is handed to every request that hits
 * it: a resolver that mutated one would change other users' answers. Frozen in development and
 * tests (where such a mutation then throws at once), left as is in production (it costs a walk
 * over every stored value).
 */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const child of Object.values(value as Record<string, unknown>)) deepFreeze(child);
  return value;
}
