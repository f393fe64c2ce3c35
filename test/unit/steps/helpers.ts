import { pino } from 'pino';
import type { BackendError } from '../../../src/backends/errors.js';
import type { CallEvents } from '../../../src/backends/events.js';
import type { Answer, Call, Handler } from '../../../src/backends/pipeline.js';
import { pathAndQuery, type BackendRequest } from '../../../src/backends/request.js';
import { Deadline } from '../../../src/backends/resilience/deadline.js';

export const silent = pino({ level: 'silent' });

/** Records what a call reported, in order. */
export class RecordedEvents implements CallEvents {
  readonly log: string[] = [];
  shared(key: string, joined: boolean) {
    this.log.push(`${joined ? 'joined' : 'started'} ${key}`);
  }
  retrying(retry: number, _delayMs: number, error: BackendError) {
    this.log.push(`retry ${retry} after ${error.code}`);
  }
  attempt<T>(send: (trace: undefined) => Promise<T>) {
    this.log.push('attempt');
    return send(undefined);
  }
  succeeded(cached: boolean) {
    this.log.push(cached ? 'ok (cached)' : 'ok');
  }
  failed(error: unknown) {
    this.log.push(`failed ${(error as BackendError).code ?? 'ABORTED'}`);
  }
}

/** A call as a step receives it: a GET of `path` with `budgetMs` left, unless told otherwise. */
export function makeCall(
  request: BackendRequest = { path: '/things' },
  { budgetMs = 1000, deadline, events }: { budgetMs?: number; deadline?: Deadline; events?: CallEvents } = {},
): Call {
  return {
    request,
    url: pathAndQuery(request),
    check: (body) => body,
    scope: { deadline: performance.now() + budgetMs, requestId: 'test' },
    deadline: deadline ?? new Deadline(performance.now() + budgetMs),
    events: events ?? new RecordedEvents(),
  };
}

export const answer = (value: unknown, cached = false): Answer => ({ value, cached, status: 200 });

/** A `next` that records the calls it gets and answers each with `respond`. */
export function recordingNext(respond: (call: Call, n: number) => Promise<Answer> | Answer = () => answer({ ok: true })) {
  const calls: Call[] = [];
  const next: Handler = async (call) => {
    calls.push(call);
    return respond(call, calls.length);
  };
  return { calls, next };
}

/** A promise with its resolve/reject outside, to hold a call in flight. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Settles `promise` into a value or the error it failed with, for asserting on either. */
export const settle = <T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown }> =>
  promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
