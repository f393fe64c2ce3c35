import type { InFlightCalls } from '../backends/in-flight.js';

/** DataLoader's `batchScheduleFn`: called when a batch opens, with the function that sends it. */
export type BatchSchedule = (dispatch: () => void) => void;

interface WaitingBatch {
  readonly dispatch: () => void;
  timer: NodeJS.Timeout | undefined;
}

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
export class LoaderBatchWindow {
  private readonly waiting = new Set<WaitingBatch>();
  private checkPending = false;

  constructor(
    private readonly calls: InFlightCalls,
    private readonly windowMs: number,
  ) {
    calls.onIdle = this;
  }

  /** DataLoader's `batchScheduleFn`. */
  readonly schedule: BatchSchedule = (dispatch) => {
    const batch: WaitingBatch = { dispatch, timer: undefined };
    batch.timer = setTimeout(sendAtWindowEnd, this.windowMs, this, batch);
    this.waiting.add(batch);
    this.checkSoon();
  };

  /** Called by InFlightCalls when the request's last call in flight has settled. */
  idle(): void {
    this.checkSoon();
  }

  // After the current turn (setImmediate runs once its promise jobs and nextTicks are drained):
  // the answer that just settled has been handed to its resolvers, which have asked their keys.
  private checkSoon(): void {
    if (this.checkPending || this.waiting.size === 0) return;
    this.checkPending = true;
    setImmediate(sendIfIdle, this);
  }

  /** @internal for sendIfIdle */
  sendIfIdle(): void {
    this.checkPending = false;
    if (this.calls.size > 0) return;
    for (const batch of this.waiting) {
      clearTimeout(batch.timer);
      batch.dispatch();
    }
    this.waiting.clear();
  }

  /** @internal for sendAtWindowEnd */
  sendOne(batch: WaitingBatch): void {
    if (this.waiting.delete(batch)) batch.dispatch();
  }
}

// Module-level callbacks with their arguments passed along: no closure per batch or request.
function sendIfIdle(window: LoaderBatchWindow): void {
  window.sendIfIdle();
}

function sendAtWindowEnd(window: LoaderBatchWindow, batch: WaitingBatch): void {
  window.sendOne(batch);
}
