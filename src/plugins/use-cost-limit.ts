import { ApolloArmor } from '@escape.tech/graphql-armor';
import {
  GraphQLError,
  Kind,
  TypeInfo,
  getOperationAST,
  validate,
  visit,
  visitWithTypeInfo,
  type ArgumentNode,
  type DocumentNode,
  type FieldNode,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';

export interface CostLimitOptions {
  /** Highest estimated cost (graphql-armor's model: objects 2, scalars 1, ×1.5 per level, × `first`). @default 5000 */
  maxCost?: number;
  /** Largest value of a list-size argument, whether written in the query or passed as a variable. @default 100 */
  maxListSize?: number;
  /** Arguments that say how many items a list field returns. @default ['first', 'last'] */
  listSizeArguments?: readonly string[];
}

/** Where a list-size argument gets its value from. */
interface Site {
  readonly field: FieldNode;
  readonly argument: string;
  readonly literal?: number;
  readonly variable?: string;
  /** The variable's default in the operation, or else the argument's default in the schema. */
  readonly fallback?: number;
}

/** What one operation of one document needs checked, worked out once. */
interface Plan {
  readonly document: DocumentNode;
  readonly sites: readonly Site[];
  /** Verdicts by effective list sizes: a document's traffic uses a handful of combinations. */
  readonly verdicts: Map<string, GraphQLError | null>;
}

const MAX_VERDICTS_PER_PLAN = 64;

/**
 * List sizes and the estimated cost of an operation, checked once its variables are known and
 * before any resolver runs, so `products(first: $n)` with `n = 1000000` is refused as surely as
 * `products(first: 1000000)` and no other root field has started a backend call by then.
 *
 * The cost is graphql-armor's estimate, computed on the operation with each `first` replaced
 * by the value it will really have (literal, variable, or the schema's default, e.g.
 * `reviews(first: Int = 5)`): armor alone reads literals only, so a variable would count as 1.
 * Yoga keeps parsed documents, so the per-document plan (a TypeInfo walk) is made once; each
 * combination of list sizes is estimated once; a request whose sizes were seen before costs a
 * map lookup.
 */
export function useCostLimit(options: CostLimitOptions = {}): Plugin {
  const { maxCost = 5000, maxListSize = 100, listSizeArguments = ['first', 'last'] } = options;
  const estimate = armorCostEstimator();
  const plans = new WeakMap<DocumentNode, Map<string, Plan | null>>();

  const planFor = (schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined): Plan | null => {
    let byOperation = plans.get(document);
    if (!byOperation) plans.set(document, (byOperation = new Map()));
    const key = operationName ?? '';
    let plan = byOperation.get(key);
    if (plan === undefined) {
      plan = makePlan(schema, document, operationName, listSizeArguments);
      byOperation.set(key, plan);
    }
    return plan;
  };

  const judge = (schema: GraphQLSchema, plan: Plan, sizes: readonly (number | undefined)[]): GraphQLError | null => {
    for (const [i, size] of sizes.entries()) {
      // Non-integers are left to GraphQL's own coercion of Int, which says so better.
      if (size !== undefined && Number.isInteger(size) && (size < 0 || size > maxListSize)) {
        const { argument, field } = plan.sites[i];
        // The resolvers' wording and code: the contract is the same, only enforced earlier.
        return new GraphQLError(`\`${argument}\` must be from 0 to ${maxListSize}, got ${size}.`, {
          nodes: [field],
          extensions: { code: 'BAD_USER_INPUT', argument, http: { status: 400 } },
        });
      }
    }
    const cost = estimate(schema, withListSizes(plan, sizes));
    if (cost <= maxCost) return null;
    return new GraphQLError(
      `Query cost limit of ${maxCost} exceeded, found ${Math.ceil(cost)}: ask for fewer items (\`first\`) or fewer nested lists.`,
      { extensions: { code: 'COST_ESTIMATED_TOO_EXPENSIVE', cost: Math.ceil(cost), maxCost, http: { status: 400 } } },
    );
  };

  return {
    onExecute({ args, setResultAndStopExecution }) {
      const plan = planFor(args.schema, args.document, args.operationName);
      if (!plan) return;
      const variables = (args.variableValues ?? {}) as Record<string, unknown>;
      const sizes = plan.sites.map((site) => sizeAt(site, variables));
      const key = sizes.join(',');
      let verdict = plan.verdicts.get(key);
      if (verdict === undefined) {
        verdict = judge(args.schema, plan, sizes);
        // A client cycling through every `first` from 0 to 100 must not grow this without bound.
        if (plan.verdicts.size >= MAX_VERDICTS_PER_PLAN) plan.verdicts.clear();
        plan.verdicts.set(key, verdict);
      }
      // `data: null` as when a resolver refuses `first`; status 400 because nothing ran.
      if (verdict) setResultAndStopExecution({ data: null, errors: [verdict] });
    },
  };
}

function makePlan(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, names: readonly string[]): Plan | null {
  const operation = getOperationAST(document, operationName);
  // No such operation: execution reports it; nothing to estimate.
  if (!operation) return null;
  // Only the operation that runs counts, with every fragment (unused ones add nothing).
  const pruned: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: [operation, ...document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION)],
  };
  const variableDefaults = new Map<string, number>();
  for (const definition of operation.variableDefinitions ?? []) {
    if (definition.defaultValue?.kind === Kind.INT) variableDefaults.set(definition.variable.name.value, Number(definition.defaultValue.value));
  }
  const sites: Site[] = [];
  const typeInfo = new TypeInfo(schema);
  visit(
    pruned,
    visitWithTypeInfo(typeInfo, {
      Field(field) {
        for (const argument of typeInfo.getFieldDef()?.args ?? []) {
          if (!names.includes(argument.name)) continue;
          const schemaDefault = typeof argument.defaultValue === 'number' ? argument.defaultValue : undefined;
          const value = field.arguments?.find((a) => a.name.value === argument.name)?.value;
          if (value?.kind === Kind.INT) sites.push({ field, argument: argument.name, literal: Number(value.value) });
          else if (value?.kind === Kind.VARIABLE) {
            const variable = value.name.value;
            sites.push({ field, argument: argument.name, variable, fallback: variableDefaults.get(variable) ?? schemaDefault });
          } else if (value === undefined) sites.push({ field, argument: argument.name, fallback: schemaDefault });
          // `first: null` or a wrong literal: validation or the resolver refuses it.
        }
      },
    }),
  );
  return { document: pruned, sites, verdicts: new Map() };
}

function sizeAt(site: Site, variables: Record<string, unknown>): number | undefined {
  if (site.literal !== undefined) return site.literal;
  if (site.variable !== undefined && site.variable in variables) {
    const value = variables[site.variable];
    return typeof value === 'number' ? value : undefined;
  }
  return site.fallback;
}

/** The plan's document with every list-size argument written out as the number it will be. */
function withListSizes(plan: Plan, sizes: readonly (number | undefined)[]): DocumentNode {
  const byField = new Map<FieldNode, { argument: string; size: number }[]>();
  for (const [i, site] of plan.sites.entries()) {
    const size = sizes[i];
    if (size === undefined) continue;
    const list = byField.get(site.field) ?? [];
    list.push({ argument: site.argument, size });
    byField.set(site.field, list);
  }
  if (byField.size === 0) return plan.document;
  return visit(plan.document, {
    Field(field) {
      const replacements = byField.get(field);
      if (!replacements) return undefined;
      const rest = (field.arguments ?? []).filter((a) => !replacements.some((r) => r.argument === a.name.value));
      const written = replacements.map(
        ({ argument, size }): ArgumentNode => ({
          kind: Kind.ARGUMENT,
          name: { kind: Kind.NAME, value: argument },
          value: { kind: Kind.INT, value: String(size) },
        }),
      );
      return { ...field, arguments: [...written, ...rest] };
    },
  });
}

/**
 * graphql-armor's cost model as a function. Armor hands its rules out as plain validation rules
 * through `ApolloArmor` (for Apollo Server's `validationRules` option); we run that rule
 * ourselves, with a ceiling it never reaches, and read the estimate it accepts.
 */
function armorCostEstimator(): (schema: GraphQLSchema, document: DocumentNode) => number {
  let estimate = 0;
  const off = { enabled: false };
  const [costRule] = new ApolloArmor({
    costLimit: {
      maxCost: Number.MAX_SAFE_INTEGER,
      // A fragment is a way of writing fields, not a level of nesting.
      flattenFragments: true,
      propagateOnRejection: false,
      onAccept: [(_context, details: { n: number }) => (estimate = details.n)],
      onReject: [],
    },
    blockFieldSuggestion: off,
    maxTokens: off,
    maxAliases: off,
    maxDirectives: off,
    maxDepth: off,
  }).protect().validationRules as ValidationRule[];
  return (schema, document) => {
    estimate = 0;
    validate(schema, document, [costRule]);
    return estimate;
  };
}
