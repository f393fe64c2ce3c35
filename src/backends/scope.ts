import type { Context as TraceContext } from '@opentelemetry/api';
import type { ServiceName } from '../config.js';
import type { FetchPlan } from './fetch-plan.js';
import { Deadline } from './resilience/deadline.js';

/**
 * How long a shared cache in front of the BFF (a CDN) could keep an answer built from a request's
 * backend answers: told of every call the request makes and of every answer it gets, with the
 * seconds a shared cache may keep that answer (src/edge/answer-cacheability.ts implements it).
 */
export interface AnswerFreshness {
  began(): void;
  answered(freshForSeconds: number): void;
}

/** Calls per backend made by one GraphQL request, for its log line. */
export type CallCounts = Partial<Record<ServiceName, number>>;

/** What one GraphQL request (or one background job) lends to every backend call it makes. */
export interface RequestScope {
  /** Aborted when the client hangs up: its backend calls stop with it. Unset: nobody can hang up. */
  readonly signal?: AbortSignal;
  /** When the request's time budget runs out (`performance.now()` clock). */
  readonly deadline: number;
  /** Sent as `x-request-id`, so a backend's logs line up with ours. */
  readonly requestId: string;
  /** The request's `Authorization` header, for the clients that need it and no others. */
  readonly authorization?: string;
  /** Where calls are recorded for `extensions.fetchPlan`, when it is on. */
  readonly plan?: FetchPlan;
  /** Calls per backend, counted for the request's log line. */
  readonly calls?: CallCounts;
  /** The operation's trace context, when it is traced: the calls' spans are its children. */
  readonly trace?: TraceContext;
  /** Told of every call and answer, when the answer may be kept by a CDN (a GET): see AnswerFreshness. */
  readonly freshness?: AnswerFreshness;
  /**
   * `deadline` and `signal` as one object shared by every call of the request: one listener on
   * the client's signal and one timer for all of them (see Deadline). Made by
   * createRequestScope; a scope written by hand (tests) gets one per call instead.
   */
  readonly budget?: Deadline;
}

export type RequestScopeInit = Omit<RequestScope, 'budget'>;

/**
 * The one way to make a RequestScope: for a GraphQL request (src/graphql/context.ts) and a queued
 * delivery's attempt (src/checkout/follow-up-jobs.ts); a checkout derives its own from the request's
 * (detachedScope). Costs two small objects; nothing is armed until used.
 */
export function createRequestScope(init: RequestScopeInit): RequestScope {
  return { ...init, budget: new Deadline(init.deadline, init.signal) };
}

/**
 * `scope` without its signal: the same deadline, request id, credentials, fetch plan, call
 * counts and trace, for writes that must finish once sent even if the client hangs up (the
 * checkout, src/checkout/place-order.ts). Derived rather than rebuilt, so it cannot drift from
 * the request's own (it once lacked the trace, and its calls started traces of their own).
 */
export function detachedScope(scope: RequestScope): RequestScope {
  const { signal: _signal, budget: _budget, ...init } = scope;
  return createRequestScope(init);
}

/** The scope's Deadline: the request's own, or, for a scope written by hand, a new one. */
export function deadlineOf(scope: RequestScope): Deadline {
  return scope.budget ?? new Deadline(scope.deadline, scope.signal);
}
