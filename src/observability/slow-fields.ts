import { ROOT_CONTEXT, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { GraphQLFieldResolver, GraphQLResolveInfo } from 'graphql';
import { activeTracer } from './tracing.js';

type Resolver = GraphQLFieldResolver<unknown, unknown>;

/**
 * Slow calls of one field in one operation: `Product.stock` waiting on its backend is slow for
 * every product of a list at once, so it gets one span (first start to last end, with the
 * count), not one per item.
 */
interface SlowField {
  start: number;
  end: number;
  calls: number;
  failed: number;
  /** The path of the first call of the first slow run, e.g. `products.nodes.0.stock`. */
  path: string;
  type: string;
  field: string;
}

/**
 * The calls of one field that the executor made in one run of the event loop's turn (a list's
 * items, one after the other, until the next microtask): they share one start, taken at the
 * first of them, and one pair of settle callbacks, so a call costs a Map lookup and the `.then` itself
 * instead of two closures and their scope. Under load those live as long as the backend wait
 * (20 ms … seconds), long enough to be promoted: on the `deep` benchmark query (~1,500
 * resolver calls) they were most of what resolver spans added to a worker's old generation.
 * The run's start is earlier than a later item's own by the time the executor took to reach it
 * (well under a millisecond for a 100-item list): a call can count as slow that fell short of
 * the threshold (≥ 1 ms, 100 by default) by that much.
 */
class CallRun {
  constructor(
    private readonly operation: WithSlowFields,
    private readonly name: string,
    private readonly info: GraphQLResolveInfo,
    readonly started: number,
    private readonly minMs: number,
  ) {}

  readonly settled = (): void => this.record(performance.now(), undefined);
  readonly failed = (error: unknown): void => this.record(performance.now(), error ?? new Error('resolver rejected with a nullish value'));

  record(end: number, error: unknown): void {
    if (end - this.started < this.minMs) return;
    const fields = (this.operation[SLOW_FIELDS] ??= new Map());
    const slow = fields.get(this.name);
    if (slow) {
      slow.start = Math.min(slow.start, this.started);
      slow.end = Math.max(slow.end, end);
      slow.calls++;
      if (error !== undefined) slow.failed++;
    } else {
      fields.set(this.name, {
        start: this.started,
        end,
        calls: 1,
        failed: error === undefined ? 0 : 1,
        path: pathOf(this.info.path),
        type: this.info.parentType.name,
        field: this.info.fieldName,
      });
    }
  }
}

/** An operation's slow fields and its open runs, kept on its GraphQL context like its span. */
const SLOW_FIELDS = Symbol('bff.slowFields');
const RUNS = Symbol('bff.callRuns');
type WithSlowFields = { [SLOW_FIELDS]?: Map<string, SlowField>; [RUNS]?: Map<string, CallRun> };

/**
 * Records calls that took at least `minMs` under their operation's context; nothing else. A
 * resolver's promise is watched beside the executor, not wrapped: the executor still awaits the
 * resolver's own promise, so a field costs it no extra promise or tick. On the `deep` benchmark
 * query (~1,500 resolver calls, each waiting on a backend), traced, resolver spans cost +37–55 %
 * CPU per query over none when wrapped (a `.then` whose promise the executor awaited), +21–27 %
 * and ~10 MB less RSS per worker watched with a closure pair per call (bench/node-flags.ts with
 * TRACE_RESOLVER_MS=-1 beside it, README "Memory"); one pair per run, below, since.
 */
export function slowCalls(resolve: Resolver, name: string, minMs: number): Resolver {
  return (source, args, ctx, info) => {
    const started = performance.now();
    let result: unknown;
    try {
      result = resolve(source, args, ctx, info);
    } catch (error) {
      if (typeof ctx === 'object' && ctx !== null)
        runOf(ctx, name, info, started, minMs).record(performance.now(), error ?? new Error('resolver threw a nullish value'));
      throw error;
    }
    if (typeof ctx !== 'object' || ctx === null) return result;
    if (result && typeof (result as Promise<unknown>).then === 'function') {
      const run = runOf(ctx, name, info, started, minMs);
      // This handles the rejection, so it is never unhandled; the executor sees it on the resolver's own promise.
      (result as Promise<unknown>).then(run.settled, run.failed);
    } else {
      const end = performance.now();
      // A value at hand is almost always instant: only a slow one needs its run.
      if (end - started >= minMs) runOf(ctx, name, info, started, minMs).record(end, undefined);
    }
    return result;
  };
}

/** The field's open run in this operation, or a new one that closes when this synchronous run of the executor ends. */
function runOf(ctx: object, name: string, info: GraphQLResolveInfo, started: number, minMs: number): CallRun {
  const operation = ctx as WithSlowFields;
  let runs = operation[RUNS];
  if (!runs) {
    runs = operation[RUNS] = new Map();
  } else {
    const open = runs.get(name);
    if (open) return open;
  }
  if (runs.size === 0) queueMicrotask(() => runs.clear());
  const run = new CallRun(operation, name, info, started, minMs);
  runs.set(name, run);
  return run;
}

export function pathOf(path: GraphQLResolveInfo['path'] | undefined): string {
  const parts: (string | number)[] = [];
  for (let p = path; p; p = p.prev) parts.push(p.key);
  return parts.reverse().join('.');
}

/** The operation's slow fields, as children of its span, made when the operation ends. */
export function endSlowFieldSpans(ctx: object, operation: Span): void {
  const fields = (ctx as WithSlowFields)[SLOW_FIELDS];
  const tracer = activeTracer();
  if (!fields || !tracer) return;
  // Not `delete`: that would turn the context into a slow dictionary-mode object.
  (ctx as WithSlowFields)[SLOW_FIELDS] = undefined;
  const parent = trace.setSpan(ROOT_CONTEXT, operation);
  for (const [name, slow] of fields) {
    const span = tracer.startSpan(
      `resolve ${name}`,
      {
        startTime: slow.start,
        attributes: {
          'graphql.field.name': slow.field,
          'graphql.field.type': slow.type,
          'graphql.field.path': slow.path,
          'bff.resolver.slow': true,
          'bff.resolver.calls': slow.calls,
        },
      },
      parent,
    );
    if (slow.failed > 0) span.setStatus({ code: SpanStatusCode.ERROR, message: `${slow.failed} of ${slow.calls} calls failed` });
    span.end(slow.end);
  }
}
