/**
 * The shape of the traffic policy: a call travels down an ordered list of steps to the
 * transport, and its answer (or failure) comes back up through them. Each step is a factory
 * `options => next => call => answer`, as undici composes its interceptors (`dispatch =>
 * dispatch`) and cockatiel `wrap`s policies: a step sees only the call and the rest of the
 * line, so adding one is adding one file and one entry to the list (src/backends/policy.ts).
 */
import type { CallEvents } from './events.js';
import type { Deadline } from './resilience/deadline.js';
import type { RequestScope } from './scope.js';
import type { BackendRequest, Sent, ShapeCheck } from './request.js';

/** One call, as it travels down the steps. Steps pass on a changed copy, never mutate it. */
export interface Call {
  readonly request: BackendRequest;
  /** `request`'s path and query string as sent (pathAndQuery), computed once per call. */
  readonly url: string;
  /** Checks the parsed body; the transport runs it (and the cache keeps what it returns). */
  readonly check: ShapeCheck<unknown>;
  /** The request it is made for: request id, credentials, fetch plan, trace. */
  readonly scope: RequestScope;
  /**
   * When to stop and whether the caller is still there. The request's own Deadline above the
   * dedupe step; below it, the shared call's (which lives as long as its last participant).
   */
  readonly deadline: Deadline;
  /** Where the call reports what happens to it (a no-op until the `reported` step). */
  readonly events: CallEvents;
  /**
   * A public bulk lookup whose ids (`request.query[param]`, an array) may be merged with other
   * requests' (the coalescing step); the answer is `{ items }` and may hold more than asked.
   */
  readonly bulk?: { readonly param: string };
  /** Set by the HTTP cache when it sends a conditional request: a 304 is then an answer. */
  readonly revalidating?: boolean;
}

/** What comes back up: the checked value (or null for a `nullOn` status), and how it was got. */
export type Answer = Sent<unknown>;

export type Handler = (call: Call) => Promise<Answer>;

/** One step of the policy: given the rest of the line, how to handle a call. */
export type Step = (next: Handler) => Handler;

/** `[a, b, c]` and `last` → a(b(c(last))): the first step is the outermost. */
export function compose(steps: ReadonlyArray<Step | undefined>, last: Handler): Handler {
  let handler = last;
  for (let i = steps.length - 1; i >= 0; i--) {
    const step = steps[i];
    if (step) handler = step(handler);
  }
  return handler;
}
