import { getDocumentString } from '@envelop/core';
import { useGraphQlJit, type JITCache } from '@envelop/graphql-jit';
import {
  BREAK,
  GraphQLError,
  Kind,
  getOperationAST,
  getVariableValues,
  visit,
  type DocumentNode,
  type ExecutionArgs,
  type OperationDefinitionNode,
  type Source,
} from 'graphql';
import { compileQuery, isCompiledQuery } from 'graphql-jit';
import type { Plugin } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';

export interface JitExecutionOptions {
  /** Where the one debug line per document that cannot be compiled goes. */
  logger: Logger;
  /**
   * Compiled documents kept, least recently used dropped first. A compiled query is a few
   * closures per field; a storefront sends a few dozen distinct documents. @default 1000
   */
  maxDocuments?: number;
}

/** What the cache holds for one document: its compiled query, or why it runs on the default executor. */
type Verdict = { compiled: NonNullable<ReturnType<JITCache['get']>>; operation: OperationDefinitionNode } | { reason: string };

/**
 * Execution compiled by graphql-jit (@envelop/graphql-jit): each document is compiled to plain
 * JavaScript once, then every request of it skips the generic executor's per-field work (the
 * executor was most of the BFF's CPU on large lists). Answers are the same: the same resolvers,
 * the same `null` plus one error per failed field, masked by yoga's plugin afterwards.
 *
 * Some documents run on the default executor instead, each with one debug line saying why:
 *  - `@defer` / `@stream`: graphql-jit has no incremental delivery;
 *  - documents with several operations: the envelop plugin caches by document, not by
 *    operation, so `query A {…} query B {…}` would run A for B;
 *  - whatever graphql-jit refuses to compile.
 * And a request whose variables do not coerce runs there too (no log line: it is the client's
 * mistake), so it gets graphql-js's words and 400, not jit's own wording with 200.
 * The envelop plugin alone would answer a document it cannot compile with the compiler's
 * error; here it only ever sees documents already compiled (through its `cache` option), and
 * `enableIf` sends the rest to the default executor.
 *
 * What jit does not do: honour `args.signal` (useExecutionCancellation) mid-execution. A client
 * that hangs up still stops its backend calls (they carry the request's signal), so the
 * remaining levels fail at once instead of calling anything.
 */
export function useJitExecution({ logger, maxDocuments = 1000 }: JitExecutionOptions): Plugin {
  // Keyed by document text: yoga's parse cache may hand out a new DocumentNode for the same
  // text after an eviction, and the text is what a client repeats.
  const verdicts = new LRUCache<string, Verdict>({ max: maxDocuments });
  const cache: JITCache = {
    get: (source) => {
      const verdict = verdicts.get(source);
      return verdict && 'compiled' in verdict ? verdict.compiled : undefined;
    },
    // The plugin stores what it compiled itself; it only compiles what enableIf let through,
    // which is already here, so this is never reached with something new.
    set: () => undefined,
  };

  const verdictFor = (args: ExecutionArgs): Verdict | undefined => {
    const source = getDocumentString(args.document);
    // A document yoga did not parse (no text known): nothing to key a compiled query on.
    if (source === undefined) return { reason: 'document has no source text' };
    const known = verdicts.get(source);
    if (known) return known;
    // A request naming an operation the document lacks is the default executor's to refuse,
    // with its own message; that says nothing about the document, so nothing is remembered.
    const operation = getOperationAST(args.document, args.operationName);
    if (!operation) return undefined;
    const verdict = judge(args, operation);
    verdicts.set(source, verdict);
    const operationName = operation.name?.value;
    if ('reason' in verdict) logger.debug({ reason: verdict.reason, operation: operationName }, 'graphql-jit: this document runs on the default executor');
    else logger.debug({ operation: operationName }, 'graphql-jit: compiled');
    return verdict;
  };

  const jit = useGraphQlJit(
    {},
    {
      cache,
      enableIf(args) {
        const verdict = verdictFor(args);
        if (verdict === undefined || !('compiled' in verdict)) return false;
        // graphql-jit words variable errors its own way and answers them 200; the default
        // executor's answer (400, graphql-js's words) is the contract, so it gives it.
        const definitions = verdict.operation.variableDefinitions;
        return !definitions?.length || getVariableValues(args.schema, definitions, (args.variableValues ?? {}) as Record<string, unknown>).errors === undefined;
      },
    },
  ) as Plugin;
  return {
    onPluginInit({ addPlugin }) {
      addPlugin(jit);
    },
    onExecute({ args }) {
      return {
        // Before yoga's masking (a later plugin), which rebuilds errors from their source and positions.
        onExecuteDone({ result, setResult }) {
          if (!('errors' in result) || !result.errors?.some(isJitError)) return;
          const source = args.document.loc?.source;
          setResult({ ...result, errors: result.errors.map((error) => (isJitError(error) ? asGraphQLError(error, source) : error)) });
        },
      };
    },
  };
}

/**
 * graphql-jit's field errors carry `locations` but no `source` and `positions`, which the
 * error mask (ours and yoga's) copies into the error the client gets: rebuilt from
 * those, the client would see no `locations`. Only errors are touched, so a clean answer pays
 * one property check.
 */
function isJitError(error: GraphQLError): boolean {
  return error.positions === undefined && error.locations !== undefined && error.locations.length > 0;
}

function asGraphQLError(error: GraphQLError, source: Source | undefined): GraphQLError {
  const starts = source && lineStarts(source);
  const positions = starts && error.locations!.map(({ line, column }) => (starts[line - 1] ?? 0) + column - 1);
  return new GraphQLError(error.message, {
    source: positions ? source : undefined,
    positions,
    path: error.path,
    originalError: error.originalError,
    extensions: error.extensions,
  });
}

const lineStartsBySource = new WeakMap<Source, number[]>();

/** Offsets where each line of the document begins (graphql counts \r\n, \n and \r as line ends). */
function lineStarts(source: Source): number[] {
  let starts = lineStartsBySource.get(source);
  if (!starts) {
    starts = [0];
    for (const match of source.body.matchAll(/\r\n|[\n\r]/g)) starts.push(match.index + match[0].length);
    lineStartsBySource.set(source, starts);
  }
  return starts;
}

function judge(args: ExecutionArgs, operation: OperationDefinitionNode): Verdict {
  if (operationCount(args.document) > 1) return { reason: 'several operations in one document' };
  if (usesIncrementalDelivery(args.document)) return { reason: '@defer/@stream: graphql-jit has no incremental delivery' };
  let result: ReturnType<typeof compileQuery<Record<string, unknown>, Record<string, unknown>>>;
  try {
    result = compileQuery<Record<string, unknown>, Record<string, unknown>>(args.schema, args.document, args.operationName ?? undefined);
  } catch (error) {
    return { reason: `graphql-jit failed: ${(error as Error).message}` };
  }
  if (!isCompiledQuery(result)) return { reason: result.errors?.map((e) => e.message).join('; ') ?? 'graphql-jit could not compile it' };
  // The same shape as the envelop plugin's own entries: query, subscribe and stringify.
  return { compiled: { query: result.query, subscribe: result.subscribe, stringify: result.stringify }, operation };
}

function operationCount(document: DocumentNode): number {
  return document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION).length;
}

/** Whether `@defer` or `@stream` appears anywhere, fragments included. */
export function usesIncrementalDelivery(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Directive(node) {
      if (node.name.value === 'defer' || node.name.value === 'stream') {
        found = true;
        return BREAK;
      }
      return undefined;
    },
  });
  return found;
}
