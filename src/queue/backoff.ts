/**
 * How long a delivery waits before its next attempt: exponential (base, 2×base, 4×base, …)
 * up to `maxMs`, with ±20% jitter so that deliveries which failed together (a backend that
 * went down for everyone) do not all come back at the same instant.
 *
 * @param failures attempts failed so far, 1 after the first failure
 */
export function backoffMs(failures: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const exponential = baseMs * 2 ** Math.max(0, failures - 1);
  return Math.round(Math.min(maxMs, exponential * (0.8 + 0.4 * random())));
}
