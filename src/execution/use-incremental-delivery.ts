import { useDeferStream } from '@graphql-yoga/plugin-defer-stream';
import type { GraphQLError, ValidationRule } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import { maskErrorForClients } from '../edge/mask-error.js';
import { originalOfMasked } from '../errors/masked-original.js';
import { isAbort } from '../observability/yoga-logger.js';
import { requestIdOf } from '../observability/use-request-id.js';

export interface IncrementalDeliveryOptions {
  /** Where a deferred field's unexpected error is logged in full (the client sees it masked). */
  logger: Logger;
}

/** A subsequent payload of an incremental answer (graphql-tools' executor, the 2022 format). */
interface IncrementalPayload {
  incremental?: Array<{ errors?: readonly GraphQLError[] }>;
}

/**
 * `@defer` and `@stream` (yoga's plugin: the directives and their validation rules; yoga's
 * default executor runs them), answered as `multipart/mixed` or `text/event-stream`, whichever
 * the client accepts (one that accepts neither gets 406). Everything before execution (the
 * edge's shape limits, the cost check) sees the whole document, deferred parts included.
 *
 * Yoga's error mask only looks at a payload's top-level `errors`; a deferred field's error
 * travels inside `incremental[]` and would reach the client unmasked (a backend's status line,
 * a bug's message). Every part's errors go through the same mask here, so a failing deferred
 * field is `null` plus its public error in its own part, like any other field, and an
 * unexpected one is logged in full as useRequestLogging does for single answers.
 *
 * graphql-jit has no incremental delivery: use-jit-execution.ts sends these documents to the
 * default executor.
 */
export function useIncrementalDelivery({ logger }: IncrementalDeliveryOptions): Plugin {
  const mask = (error: GraphQLError, request: Request | undefined): GraphQLError => {
    const masked = maskErrorForClients(error, 'Unexpected error.') as GraphQLError;
    const original = originalOfMasked(masked);
    if (original && !isAbort(error.originalError ?? error)) {
      logger.error({ reqId: request && requestIdOf(request), path: error.path?.join('.'), err: original }, 'unexpected error in a resolver');
    }
    return masked;
  };
  return {
    onPluginInit({ addPlugin }) {
      addPlugin(withFixedValidationRules(useDeferStream() as Plugin));
    },
    onExecute({ args }) {
      const request = (args.contextValue as { request?: Request }).request;
      return {
        onExecuteDone({ result }) {
          if (!isAsyncIterable(result)) return;
          return {
            onNext({ result: part, setResult }) {
              const { incremental } = part as IncrementalPayload;
              if (!incremental?.some((item) => item.errors?.length)) return;
              setResult({
                ...part,
                incremental: incremental.map((item) => (item.errors?.length ? { ...item, errors: item.errors.map((error) => mask(error, request)) } : item)),
              } as typeof part);
            },
          };
        },
      };
    },
  };
}

/**
 * Yoga's defer-stream plugin, its validation rules added from a list made once. Its hook adds
 * the same four rules to every request, and first filters the request's rule list by name,
 * into a copy that nothing reads (envelop hands each hook a fresh `params`, and validates with
 * its own list): 1 % of the CPU on the listing, for every request, cached validation or not.
 * The rules are recorded by calling the plugin's own hook once, so they stay whatever it adds.
 */
function withFixedValidationRules(plugin: Plugin): Plugin {
  const { onValidate } = plugin;
  if (!onValidate) return plugin;
  const rules: ValidationRule[] = [];
  const record = { params: { rules: [] }, addValidationRule: (rule: ValidationRule) => void rules.push(rule) };
  (onValidate as (payload: typeof record) => unknown)(record);
  return {
    ...plugin,
    onValidate({ addValidationRule }) {
      for (const rule of rules) addValidationRule(rule);
    },
  };
}
