import { Deadline } from './deadline.js';

interface Shared<T> {
  readonly promise: Promise<T>;
  /** The call's own lifetime: the latest deadline among those waiting; abandoned when all left. */
  readonly lifetime: Deadline;
  waiting: number;
}

/**
 * Identical calls in flight at the same time share one: the first starts it, the others join.
 * The shared call lives as long as the latest deadline among those waiting on it (a later
 * joiner extends it), so a client with a short budget never cuts the call short for others;
 * each participant still stops waiting at its own deadline, or when it hangs up, and the call
 * itself is abandoned (its attempts aborted) only when every participant has gone. Results are
 * shared as they are (parsed, checked DTOs), so they must not be mutated.
 *
 * Hand-written rather than undici's `deduplicate` interceptor because there the first request
 * owns the call: its abort, or its deadline, fails everyone who joined it.
 */
export class SharedCalls<T> {
  private readonly inFlight = new Map<string, Shared<T>>();

  /**
   * Runs `start` for `key` under a lifetime of its own, or joins the call already running for
   * it (extending that lifetime to `participant`'s deadline); either way, waits for the answer
   * until `participant`'s own deadline.
   */
  run(key: string, participant: Deadline, start: (lifetime: Deadline) => Promise<T>): { promise: Promise<T>; joined: boolean } {
    let shared = this.inFlight.get(key);
    const joined = shared !== undefined;
    if (shared) {
      shared.lifetime.extend(participant.at);
    } else {
      const lifetime = new Deadline(participant.at);
      const promise = start(lifetime);
      shared = { promise, lifetime, waiting: 0 };
      this.inFlight.set(key, shared);
      const entry = shared;
      const forget = () => {
        if (this.inFlight.get(key) === entry) this.inFlight.delete(key);
      };
      promise.then(forget, forget);
    }
    return { promise: this.wait(key, shared, participant), joined };
  }

  get size(): number {
    return this.inFlight.size;
  }

  private async wait(key: string, shared: Shared<T>, participant: Deadline): Promise<T> {
    shared.waiting++;
    try {
      return await participant.race(shared.promise);
    } catch (error) {
      // Still in flight (a settled call has forgotten itself by now: its `forget` ran first), so
      // this participant left, at its deadline or hanging up; if it was the last, nobody needs
      // the answer any more.
      if (shared.waiting === 1 && this.inFlight.get(key) === shared) {
        this.inFlight.delete(key);
        shared.lifetime.abandon(error);
      }
      throw error;
    } finally {
      shared.waiting--;
    }
  }
}
