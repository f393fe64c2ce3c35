/**
 * Deadlines are absolute times on the monotonic clock (`performance.now()`), so they survive
 * being passed around and never drift with the wall clock.
 */

/** Below this, a call cannot do useful work: it is not started at all. */
export const MIN_USEFUL_MS = 5;

/**
 * Timers fire on the event loop's cached clock, which can run up to a loop turn behind
 * `performance.now()`: a timer that wakes up this close to its time counts as on time, one that
 * wakes up earlier sleeps again for the rest (see Deadline's timer).
 */
const EARLY_TOLERANCE_MS = 0.5;

export function remainingMs(deadline: number): number {
  return deadline - performance.now();
}

/**
 * What a wait rejects with when its deadline passes. Not a DOMException (AbortSignal.timeout's
 * reason), which costs a stack and a lookup of its name table each time; the step that owns the
 * request's budget turns it into BACKEND_TIMEOUT.
 */
export class DeadlineExceeded extends Error {
  constructor() {
    super('the deadline passed');
    this.name = 'DeadlineExceeded';
  }
}

type Stop = (reason: unknown) => void;

/**
 * When someone stops waiting for a backend: at a time (`at`), or when they are abandoned (the
 * client hung up; everyone waiting on a shared call left). One per GraphQL request, shared by
 * all its calls, and one per shared call (whose `at` a later participant may extend).
 *
 * Why not AbortSignal.timeout + AbortSignal.any per call (what this replaces): on Node 20 each
 * costs a timer, a DOMException when it fires, and weak references the GC must trace, twice per
 * call. Here a request costs nothing until a call has to wait: one listener on the client's
 * signal, registered on first need, and one timer, armed only while some call waits on this
 * deadline (a queue, a shared call) and cleared when the last of them is done.
 */
export class Deadline {
  #at: number;
  readonly #hangUp: AbortSignal | undefined;
  #listening = false;
  /** Set once abandoned; the reason waits and attempts are given. */
  #abandoned: { reason: unknown } | undefined;
  /** Attempts in flight, to abort if abandoned (their own timers cover the time). */
  #onAbandon: Set<Stop> | undefined;
  /** Waits in progress, to end at the deadline or if abandoned. */
  #waiters: Set<Stop> | undefined;
  #timer: NodeJS.Timeout | undefined;

  /** `hangUp`: the client's signal (yoga's request.signal); its abort abandons this deadline. */
  constructor(at: number, hangUp?: AbortSignal) {
    this.#at = at;
    this.#hangUp = hangUp;
  }

  get at(): number {
    return this.#at;
  }

  remainingMs(now = performance.now()): number {
    return this.#at - now;
  }

  /** Moves the deadline later (never earlier): a shared call lives as long as its last participant. */
  extend(at: number): void {
    // An armed timer fires at the old time and sleeps again for the rest (see #fire).
    if (at > this.#at) this.#at = at;
  }

  /** Whether the waiting ended for a reason other than time: the client hung up, or everyone left. */
  get abandoned(): boolean {
    this.#listen();
    return this.#abandoned !== undefined;
  }

  /** The reason it was abandoned with (the client's abort reason), when it was. */
  get abandonReason(): unknown {
    return this.#abandoned?.reason;
  }

  /** Ends every wait and attempt linked to this deadline with `reason`; once. */
  abandon(reason: unknown): void {
    if (this.#abandoned) return;
    this.#abandoned = { reason };
    this.#clearTimer();
    const stops = [...(this.#onAbandon ?? []), ...(this.#waiters ?? [])];
    this.#onAbandon = this.#waiters = undefined;
    for (const stop of stops) stop(reason);
  }

  /**
   * Calls `stop(reason)` if this deadline is abandoned, until the returned function is called.
   * For attempts, whose own timer already covers the time. Called at once when already abandoned.
   */
  onAbandon(stop: Stop): () => void {
    if (this.abandoned) {
      stop(this.#abandoned!.reason);
      return noop;
    }
    const stops = (this.#onAbandon ??= new Set());
    stops.add(stop);
    return () => stops.delete(stop);
  }

  /**
   * Settles with `work`, or rejects when the deadline passes (DeadlineExceeded) or the wait is
   * abandoned (its reason), whichever is first. Does not cancel `work`: it is for waiting on
   * something that may go on for others (a shared call, a queue).
   */
  race<T>(work: Promise<T>): Promise<T> {
    if (this.abandoned || this.remainingMs() <= EARLY_TOLERANCE_MS) {
      // Nobody waits for `work` now: its failure must not surface as an unhandled rejection.
      work.then(undefined, noop);
      return Promise.reject(this.abandoned ? this.#abandoned!.reason : new DeadlineExceeded());
    }
    return new Promise<T>((resolve, reject) => {
      const waiters = (this.#waiters ??= new Set());
      waiters.add(reject);
      this.#arm();
      const leave = () => {
        waiters.delete(reject);
        if (waiters.size === 0 && this.#waiters === waiters) this.#clearTimer();
      };
      work.then(
        (value) => {
          leave();
          resolve(value);
        },
        (error: unknown) => {
          leave();
          reject(error);
        },
      );
    });
  }

  /** Waits `ms` (bounded by the caller, e.g. the rate limiter), or rejects as soon as abandoned. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const unlink = this.onAbandon((reason) => {
        clearTimeout(timer);
        reject(reason);
      });
      const timer = setTimeout(
        () => {
          unlink();
          resolve();
        },
        Math.max(0, Math.ceil(ms)),
      );
    });
  }

  /** Once per deadline: the client's signal is read and listened to on first need only. */
  #listen(): void {
    if (this.#listening || !this.#hangUp) return;
    this.#listening = true;
    const hangUp = this.#hangUp;
    if (hangUp.aborted) this.abandon(hangUp.reason);
    else hangUp.addEventListener('abort', () => this.abandon(hangUp.reason), { once: true });
  }

  #arm(): void {
    if (this.#timer === undefined) this.#timer = setTimeout(this.#fire, Math.max(0, Math.ceil(this.remainingMs())));
  }

  readonly #fire = (): void => {
    this.#timer = undefined;
    // Early (the loop's clock), or extended since: sleep again for the rest.
    if (this.remainingMs() > EARLY_TOLERANCE_MS) return this.#arm();
    const waiters = this.#waiters;
    this.#waiters = undefined;
    if (!waiters) return;
    const exceeded = new DeadlineExceeded();
    for (const stop of waiters) stop(exceeded);
  };

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

/**
 * One attempt's abort signal for undici: it fires at the attempt's own timeout (the backend's
 * `timeoutMs` from now), at the deadline if that comes first, or when the deadline is abandoned.
 * One AbortController and one timer, cleared by `done()`; `cause` says which of the three it was.
 */
export class AttemptTimer {
  readonly #controller = new AbortController();
  readonly #deadline: Deadline;
  readonly #ends: number;
  #timer: NodeJS.Timeout | undefined;
  readonly #unlink: () => void;
  /** Why the signal fired, once it has. */
  cause: 'timeout' | 'budget' | 'abandoned' | undefined;

  constructor(
    deadline: Deadline,
    readonly timeoutMs: number,
  ) {
    this.#deadline = deadline;
    this.#ends = performance.now() + timeoutMs;
    this.#unlink = deadline.onAbandon((reason) => this.#abort('abandoned', reason));
    if (!this.cause) this.#arm();
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Whether the deadline (not the backend's own timeout) cut this attempt short. */
  get cutShortByBudget(): boolean {
    return this.cause === 'budget';
  }

  done(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#unlink();
  }

  #arm(): void {
    const until = Math.min(this.#ends, this.#deadline.at);
    this.#timer = setTimeout(this.#fire, Math.max(0, Math.ceil(until - performance.now())));
  }

  readonly #fire = (): void => {
    this.#timer = undefined;
    const now = performance.now();
    if (this.#ends - now <= EARLY_TOLERANCE_MS) return this.#abort('timeout', new DeadlineExceeded());
    if (this.#deadline.remainingMs(now) <= EARLY_TOLERANCE_MS) return this.#abort('budget', new DeadlineExceeded());
    // Woken early, or the deadline was extended (a later participant joined a shared call).
    this.#arm();
  };

  #abort(cause: 'timeout' | 'budget' | 'abandoned', reason: unknown): void {
    if (this.cause) return;
    this.cause = cause;
    this.done();
    this.#controller.abort(reason);
  }
}

function noop(): void {}
