import { untilAborted } from './deadline.js';

/** Someone waiting on a shared call: their signal says when they stop waiting. */
export interface Participant {
  readonly signal: AbortSignal;
  readonly deadline: number;
}

interface Shared<T> {
  readonly promise: Promise<T>;
  readonly controller: AbortController;
  waiting: number;
}

/**
 * Identical calls in flight at the same time share one: the first starts it, the others
 * join. Each participant stops waiting when its own signal aborts; the call itself is
 * aborted only when every participant has gone, so one client hanging up never fails the
 * others. Results are shared as they are (parsed, checked DTOs), so they must not be mutated.
 *
 * Hand-written rather than undici's `deduplicate` interceptor because there the first
 * request owns the call: its abort fails everyone who joined it.
 */
export class SharedCalls<T> {
  private readonly inFlight = new Map<string, Shared<T>>();

  /** Runs `start` for `key`, or joins the call already running for it. */
  run(key: string, participant: Participant, start: (shared: Participant) => Promise<T>): { promise: Promise<T>; joined: boolean } {
    let shared = this.inFlight.get(key);
    const joined = shared !== undefined;
    if (!shared) {
      const controller = new AbortController();
      const promise = start({ signal: controller.signal, deadline: participant.deadline });
      shared = { promise, controller, waiting: 0 };
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

  private async wait(key: string, shared: Shared<T>, participant: Participant): Promise<T> {
    shared.waiting++;
    try {
      return await untilAborted(shared.promise, participant.signal);
    } finally {
      if (--shared.waiting === 0 && participant.signal.aborted) {
        // The last one waiting has gone: nobody needs the answer any more.
        if (this.inFlight.get(key) === shared) this.inFlight.delete(key);
        shared.controller.abort(participant.signal.reason);
      }
    }
  }
}
