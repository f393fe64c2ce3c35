import { createHash } from 'node:crypto';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, propagation, trace, type Span, type TextMapGetter } from '@opentelemetry/api';
import { getOperationAST, isObjectType, print, type DocumentNode, type GraphQLFieldResolver, type GraphQLResolveInfo, type GraphQLSchema } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import { requestStateOf } from '../observability/request-state.js';
import { whenAnswered } from './whole-answer.js';
import { activeTracer, operationTraceOf, setOperationTrace } from '../observability/tracing.js';
import { PublicCode } from '../errors/public-errors.js';
import { endSlowFieldSpans, pathOf, slowCalls } from './slow-fields.js';

export interface TracingOptions {
  /**
   * Resolver spans, children of the operation like the backend calls (DataLoader batches calls
   * across resolvers, so a call has no one resolver for parent): -1 none; 0 a span for every
   * call of every resolver that has code of its own; n > 0 one span per field whose resolver
   * took at least n ms (for a list, one span for all its items), made when the operation ends.
   * @default 100
   */
  resolverMinMs?: number;
}

/**
 * OpenTelemetry spans for GraphQL: one SERVER span per operation, from parsing to the result,
 * kept with the operation's context object, where contextFactory finds it for the backend calls
 * (children of it, see src/observability/backend-observer.ts); resolver spans as configured. A
 * W3C `traceparent` sent by the caller (a browser with OpenTelemetry, a gateway) makes the
 * operation part of its trace. Added only when tracing is on; otherwise none of this runs.
 */
export function useTracing({ resolverMinMs = 100 }: TracingOptions = {}): Plugin {
  return {
    instrumentation: {
      operation({ context: operation, request }, wrapped) {
        const tracer = activeTracer();
        if (!tracer) return wrapped();
        const parent = propagation.extract(ROOT_CONTEXT, request.headers, traceHeaders);
        // Named once the operation is known (onExecute); a request that never gets that far keeps this name.
        const state = requestStateOf(request);
        const span = tracer.startSpan('graphql', { kind: SpanKind.SERVER, attributes: { 'bff.request_id': state.requestId } }, parent);
        setOperationTrace(operation, trace.setSpan(parent, span));
        state.traceId ??= span.spanContext().traceId;
        // An incremental answer's span ends with its last part (onExecuteDone below), not here.
        const end = () => streaming.has(operation) || span.end();
        try {
          const result = wrapped();
          if (result && typeof (result as Promise<void>).then === 'function') return (result as Promise<void>).finally(end);
          end();
          return result;
        } catch (error) {
          end();
          throw error;
        }
      },
    },
    onParse({ context }) {
      return ({ result }) => {
        if (result instanceof Error) fail(spanOf(context), PublicCode.GRAPHQL_PARSE_FAILED, result.message);
      };
    },
    onValidate({ context }) {
      return ({ valid, result }) => {
        if (!valid) fail(spanOf(context), PublicCode.GRAPHQL_VALIDATION_FAILED, result.map((e) => e.message).join('; '));
      };
    },
    onExecute({ args }) {
      const span = spanOf(args.contextValue);
      if (!span) return;
      const operation = getOperationAST(args.document, args.operationName);
      const type = operation?.operation ?? 'query';
      const name = operation?.name?.value;
      span.updateName(name ? `${type} ${name}` : type);
      span.setAttributes({
        'graphql.operation.type': type,
        ...(name ? { 'graphql.operation.name': name } : {}),
        'graphql.document.hash': documentHash(args.document),
      });
      return {
        onExecuteDone({ result }) {
          const streamed = isAsyncIterable(result);
          if (streamed) streaming.add(args.contextValue);
          return whenAnswered(result, ({ errors, hasData }) => {
            endSlowFieldSpans(args.contextValue, span);
            if (errors.length > 0) {
              span.setAttribute('graphql.error.count', errors.length);
              // A partial answer (some fields null) is the design working; only no data at all is a failed operation.
              if (!hasData) fail(span, 'GRAPHQL_EXECUTION_FAILED', errors[0]!.message);
            }
            if (streamed) span.end();
          });
        },
      };
    },
    onSchemaChange({ schema }) {
      if (resolverMinMs >= 0) traceResolvers(schema, resolverMinMs);
    },
  };
}

/** Operations answered incrementally: their span ends with the last part. */
const streaming = new WeakSet<object>();

/** The operation's span, when it is traced. */
function spanOf(operation: object): Span | undefined {
  const traced = operationTraceOf(operation);
  return traced && trace.getSpan(traced);
}

function fail(span: Span | undefined, type: string, message: string): void {
  span?.setAttribute('error.type', type);
  span?.setStatus({ code: SpanStatusCode.ERROR, message });
}

/** Only trace context is taken from a caller: `baggage` from the internet is not forwarded inside. */
const traceHeaders: TextMapGetter<Headers> = {
  keys: () => ['traceparent', 'tracestate'],
  get: (headers, key) => (key === 'traceparent' || key === 'tracestate' ? (headers.get(key) ?? undefined) : undefined),
};

const hashes = new WeakMap<DocumentNode, string>();

/**
 * SHA-256 of the document as sent (the trusted-documents id when it came from the manifest).
 * Cached per parsed document: yoga reuses them for repeated queries.
 */
function documentHash(document: DocumentNode): string {
  let hash = hashes.get(document);
  if (hash === undefined) {
    hash = createHash('sha256')
      .update(document.loc?.source.body ?? print(document))
      .digest('hex');
    hashes.set(document, hash);
  }
  return hash;
}

const TRACED = Symbol('bff.traced');
type Resolver = GraphQLFieldResolver<unknown, unknown> & { [TRACED]?: true };

/**
 * Wraps every resolver that has code of its own (default property reads are left alone: they
 * are many and never slow), in place, once (the symbol guards a schema seen twice).
 */
function traceResolvers(schema: GraphQLSchema, minMs: number): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const resolve = field.resolve as Resolver | undefined;
      if (!resolve || resolve[TRACED]) continue;
      const name = `${type.name}.${field.name}`;
      const traced: Resolver = minMs === 0 ? everyCall(resolve, name) : slowCalls(resolve, name, minMs);
      traced[TRACED] = true;
      field.resolve = traced;
    }
  }
}

const attributesOf = (info: GraphQLResolveInfo) => ({
  'graphql.field.name': info.fieldName,
  'graphql.field.type': info.parentType.name,
  'graphql.field.path': pathOf(info.path),
});

/** A span around every call. */
function everyCall(resolve: Resolver, name: string): Resolver {
  return (source, args, ctx, info) => {
    const tracer = activeTracer();
    const parent = tracer && typeof ctx === 'object' && ctx !== null ? operationTraceOf(ctx) : undefined;
    if (!parent) return resolve(source, args, ctx, info);
    const span = tracer!.startSpan(`resolve ${name}`, { attributes: attributesOf(info) }, parent);
    return settle(
      () => resolve(source, args, ctx, info),
      (error) => endResolverSpan(span, error),
    );
  };
}

function endResolverSpan(span: Span, error: unknown): void {
  if (error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
  span.end();
}

/** Runs `fn`, and `done` when its value (or promise) settles, with the error if it failed. */
function settle(fn: () => unknown, done: (error?: unknown) => void): unknown {
  let result: unknown;
  try {
    result = fn();
  } catch (error) {
    done(error ?? new Error('resolver threw a nullish value'));
    throw error;
  }
  if (result && typeof (result as Promise<unknown>).then === 'function') {
    return (result as Promise<unknown>).then(
      (value) => {
        done();
        return value;
      },
      (error: unknown) => {
        done(error ?? new Error('resolver rejected with a nullish value'));
        throw error;
      },
    );
  }
  done();
  return result;
}
