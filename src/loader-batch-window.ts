import type { InFlightCalls } from './backends/in-flight.js';

/** DataLoader's `batchScheduleFn`: called when a batch opens, with the function that sends it. */
export type BatchSchedule = (dispatch: () => void) => void;

/**
 * When one request's DataLoader batches are sent. DataLoader's default sends a batch at the end
 * of the tick that opened it, so lookups of one level that come from answers arriving in
 * different ticks go out as separate calls: `viewer { reviews { product } orders { items {
 * product } } }` asked catalog twice, and the stock of a product lookup split into chunks was
 * asked once per chunk as each arrived.
 *
 * This window holds every batch of the request open for up to `windowMs`, so those merge, and
 * sends them all as soon as the request has no backend call in flight (checked after the
 * current turn of the event loop, when the resolvers that ran on the last answer have asked
 * their keys): then no answer can arrive that would add a key, and waiting longer would only
 * add latency. A level with nothing else in flight, the common case, waits for nothing.
 *
 * One window per request, shared by its loaders: batches are sent together, so what one level
 * asks of several backends still goes out in parallel.
 */
export function loaderBatchWindow(calls: InFlightCalls, windowMs: number): BatchSchedule {
  const waiting = new Set<{ dispatch: () => void; timer: NodeJS.Timeout }>();
  let checkPending = false;

  const sendAll = () => {
    for (const batch of waiting) {
      clearTimeout(batch.timer);
      batch.dispatch();
    }
    waiting.clear();
  };
  // After the current turn (setImmediate runs once its promise jobs and nextTicks are drained):
  // the answer that just settled has been handed to its resolvers, which have asked their keys.
  const check = () => {
    checkPending = false;
    if (calls.size === 0) sendAll();
  };
  const checkSoon = () => {
    if (checkPending || waiting.size === 0) return;
    checkPending = true;
    setImmediate(check);
  };
  calls.onIdle = checkSoon;

  return (dispatch) => {
    const batch = {
      dispatch,
      timer: setTimeout(() => {
        waiting.delete(batch);
        dispatch();
      }, windowMs),
    };
    waiting.add(batch);
    checkSoon();
  };
}
