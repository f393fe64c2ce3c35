/**
 * Envoy's retry budget: retries in flight may be at most `percent` of the calls in flight to
 * this backend, but at least `min` at once. When a backend fails everything, retries stay a
 * small fraction of live traffic instead of multiplying it. (cockatiel has no budget; this is
 * the whole of it.)
 */
export class RetryBudget {
  private calls = 0;
  private retries = 0;

  constructor(
    private readonly percent: number,
    private readonly min: number,
  ) {}

  /** Counts a call as in flight until the returned function is called. */
  callStarted(): () => void {
    this.calls++;
    return once(() => this.calls--);
  }

  /** A retry slot, released by the returned function; undefined when the budget is spent. */
  tryRetry(): (() => void) | undefined {
    const allowed = Math.max(this.min, (this.calls * this.percent) / 100);
    if (this.retries >= allowed) return undefined;
    this.retries++;
    return once(() => this.retries--);
  }

  get inFlight() {
    return { calls: this.calls, retries: this.retries };
  }
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (!done) {
      done = true;
      fn();
    }
  };
}
