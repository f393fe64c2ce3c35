import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import type { GraphQLArmorRejectCallback } from '@escape.tech/graphql-armor-types';
import { Kind, type SelectionSetNode, type ValidationContext, type ValidationRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { PublicCode, rootFieldLimitExceeded, shapeLimitExceeded, type ShapeLimitCode } from '../errors/public-errors.js';

export interface RequestLimitsOptions {
  /** Deepest field nesting; fragments count as the fields they hold, not as a level. @default 10 */
  maxDepth?: number;
  /** Aliases in one operation: each one can run its field again. @default 15 */
  maxAliases?: number;
  /** Directives in one operation (`@include(if:) @include(if:) …` is cheap to send, not to run). @default 20 */
  maxDirectives?: number;
  /** Lexical tokens, counted while parsing, so a huge document stops before its AST is built. @default 2000 */
  maxTokens?: number;
  /** Top-level fields in one operation: each one starts its own backend calls. @default 10 */
  maxRootFields?: number;
}

/**
 * The shape limits of a document, which depend on the document alone: graphql-armor's depth,
 * alias, directive and token limits, and a root-field limit. They run in validation (tokens: in
 * parsing), which yoga caches per document, so a query the frontend sends a million times is
 * checked once. A violation is a 400 with a stable `extensions.code` and no backend call.
 * Limits that depend on variables (list sizes, cost) are `useCostLimit`'s.
 */
export function useRequestLimits(options: RequestLimitsOptions = {}): Plugin {
  const { maxDepth = 10, maxAliases = 15, maxDirectives = 20, maxTokens = 2000, maxRootFields = 10 } = options;
  // Armor's default rejection throws from inside a validation rule, which yoga turns into a
  // 200 without a code; reported to the validation context instead, it is a 400 like any other
  // validation error, and we choose its code.
  const rejectWith = (code: ShapeLimitCode) => ({
    propagateOnRejection: false,
    onReject: [(context, error) => context?.reportError(shapeLimitExceeded(code, error.message))] as GraphQLArmorRejectCallback[],
  });
  const armor = EnvelopArmorPlugin({
    maxDepth: { n: maxDepth, flattenFragments: true, ...rejectWith(PublicCode.MAX_DEPTH_LIMIT) },
    maxAliases: { n: maxAliases, ...rejectWith(PublicCode.MAX_ALIASES_LIMIT) },
    maxDirectives: { n: maxDirectives, ...rejectWith(PublicCode.MAX_DIRECTIVES_LIMIT) },
    // Tokens are counted by the parser, where there is no validation context to report to
    // (armor passes `null`): the rejection must be thrown, and yoga answers a parse error, 400.
    maxTokens: {
      n: maxTokens,
      propagateOnRejection: true,
      onReject: [
        (_context, error) => {
          throw shapeLimitExceeded(PublicCode.MAX_TOKENS_LIMIT, error.message);
        },
      ],
    },
    // Cost depends on the variables (`first: $n`), so useCostLimit estimates it after them.
    costLimit: { enabled: false },
    // Suggestions are hidden in production by useProductionHardening, not here.
    blockFieldSuggestion: { enabled: false },
  });
  // Made once: the hook below runs on every request, cached validation or not.
  const rootFieldsRule = maxRootFieldsRule(maxRootFields);
  return {
    onPluginInit({ addPlugin }) {
      addPlugin(armor as Plugin);
      addPlugin({
        onValidate({ addValidationRule }) {
          addValidationRule(rootFieldsRule);
        },
      });
    },
  };
}

/**
 * At most `max` top-level fields per operation, counting those reached through fragments;
 * `__typename` is free. Each root field is resolved independently, so twenty of them are twenty
 * fan-outs that batching cannot merge.
 */
export function maxRootFieldsRule(max: number): ValidationRule {
  return function MaxRootFieldsRule(context: ValidationContext) {
    return {
      OperationDefinition(operation) {
        const count = countFields(context, operation.selectionSet, new Set());
        if (count > max) {
          context.reportError(rootFieldLimitExceeded(max, count, operation));
        }
      },
    };
  };
}

function countFields(context: ValidationContext, selectionSet: SelectionSetNode, seen: Set<string>): number {
  let count = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value !== '__typename') count++;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      count += countFields(context, selection.selectionSet, seen);
    } else if (!seen.has(selection.name.value)) {
      // A fragment spread twice selects the same fields twice: they merge, so count it once
      // (and never loop on a cycle, which validation reports on its own).
      seen.add(selection.name.value);
      const fragment = context.getFragment(selection.name.value);
      if (fragment) count += countFields(context, fragment.selectionSet, seen);
    }
  }
  return count;
}
