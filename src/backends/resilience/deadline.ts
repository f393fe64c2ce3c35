/**
 * Deadlines are absolute times on the monotonic clock (`performance.now()`), so they survive
 * being passed around and never drift with the wall clock.
 */

/** Below this, a call cannot do useful work: it is not started at all. */
export const MIN_USEFUL_MS = 5;

export function remainingMs(deadline: number): number {
  return deadline - performance.now();
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Settles with `promise`, or rejects as soon as `signal` aborts, whichever is first. The work
 * behind `promise` is not cancelled by this: it is for waiting on something shared.
 */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** `AbortSignal.timeout` for a fractional, possibly negative, number of ms (it takes integers ≥ 0). */
export function timeoutSignal(ms: number): AbortSignal {
  return AbortSignal.timeout(Math.max(0, Math.ceil(ms)));
}
