import {
  type GraphQLError,
  Kind,
  TypeInfo,
  getNamedType,
  getNullableType,
  getOperationAST,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { ServiceName } from '../config.js';
import { costTooHigh, listSizeOutOfRange } from '../errors/public-errors.js';

/**
 * How a field reaches a backend. What costs the backends (and the BFF, which sends, waits for
 * and checks every answer) is the calls and the ids in them, not the resolvers: a DataLoader
 * turns a hundred `Product.stock` resolvers into one bulk call with a hundred ids, and a field
 * read off an object already loaded (`name`, `price`) costs nothing anyone would notice.
 */
export type FieldSource =
  /** One call per parent object returning a page of `first` items (`Query.products`). */
  | { readonly service: ServiceName; readonly page: true }
  /** One call per parent object, no bulk endpoint (`Query.order`). */
  | { readonly service: ServiceName; readonly each: true }
  /**
   * One key per parent object into the DataLoader `loader` over a bulk endpoint: `ceil(keys /
   * maxBatchSize)` calls. `parent`: the key is the parent's id, so two fields with the same loader
   * on the same objects ask the same keys (once: DataLoader caches them); `argument`: the key
   * comes from the field's arguments (`product(id:)`), so each occurrence adds its own.
   */
  | { readonly service: ServiceName; readonly loader: string; readonly key: 'parent' | 'argument' }
  /** Asked at most once per request, however many fields need it (`me`, the viewer). */
  | { readonly service: ServiceName; readonly once: string };

/**
 * Which field is fed by which backend, and how: read off the resolvers (src/schema/resolvers)
 * and src/graphql/loaders.ts. A field not listed reads what its parent already holds and costs 0. Kept
 * as data so that a new backend-fed field is one line here, next to the others it batches with.
 */
export const BFF_FIELD_SOURCES: Readonly<Record<string, readonly FieldSource[]>> = {
  'Query.products': [{ service: 'catalog', page: true }],
  'Query.product': [{ service: 'catalog', loader: 'product', key: 'argument' }],
  'Query.user': [{ service: 'users', loader: 'user', key: 'argument' }],
  'Query.viewer': [{ service: 'users', once: 'viewer' }],
  'Query.order': [{ service: 'orders', each: true }],
  'Product.stock': [{ service: 'inventory', loader: 'stock', key: 'parent' }],
  // `reviews` and `averageRating` share one loader (it always asks for the most per product).
  'Product.reviews': [{ service: 'reviews', loader: 'reviewsByProduct', key: 'parent' }],
  'Product.averageRating': [{ service: 'reviews', loader: 'reviewsByProduct', key: 'parent' }],
  'Review.author': [{ service: 'users', loader: 'user', key: 'parent' }],
  'Review.product': [{ service: 'catalog', loader: 'product', key: 'parent' }],
  'User.reviews': [{ service: 'reviews', loader: 'reviewsByAuthor', key: 'parent' }],
  // Orders are checked against the viewer, asked once per request.
  'User.orders': [
    { service: 'orders', loader: 'ordersByUser', key: 'parent' },
    { service: 'users', once: 'viewer' },
  ],
  'Order.customer': [{ service: 'users', loader: 'user', key: 'parent' }],
  'OrderItem.product': [{ service: 'catalog', loader: 'product', key: 'parent' }],
  // The order and the reservation; the confirmation and the audit event are queued, not awaited.
  'Mutation.placeOrder': [
    { service: 'orders', each: true },
    { service: 'inventory', each: true },
  ],
};

/**
 * Items per parent of the list fields that take no `first`: what the backends hold on average
 * (the mocks' seeded data: 20 reviews per author, 3.5 orders per user, 1 to 4 lines per order),
 * rounded up. `parent`: the list of a connection, as long as the connection's `first`.
 */
export const BFF_LIST_SIZES: Readonly<Record<string, number | 'parent'>> = {
  'ProductConnection.nodes': 'parent',
  'User.reviews': 20,
  'User.orders': 5,
  'Order.items': 5,
};

export interface CostLimitOptions {
  /** Highest estimated cost: `calls × callCost + items × itemCost` (see useCostLimit). @default 5000 */
  maxCost?: number;
  /** Largest value of a list-size argument, whether written in the query or passed as a variable. @default 100 */
  maxListSize?: number;
  /** Arguments that say how many items a list field returns. @default ['first', 'last'] */
  listSizeArguments?: readonly string[];
  /** Which fields call which backend, and how. @default BFF_FIELD_SOURCES */
  fields?: Readonly<Record<string, readonly FieldSource[]>>;
  /** Items per parent of list fields without a size argument. @default BFF_LIST_SIZES */
  listSizes?: Readonly<Record<string, number | 'parent'>>;
  /** Size of an unlisted list without a size argument. @default 10 */
  defaultListSize?: number;
  /** Most ids in one bulk call (the backends' contract: 100). @default 100 */
  maxBatchSize?: number;
  /** Cost of one backend call: the round trip, the backend's fixed work, the BFF's parsing. @default 10 */
  callCost?: number;
  /** Cost of one id sent in a bulk call, or one item asked of a page. @default 1 */
  itemCost?: number;
}

/** The estimate of one operation: backend calls and the items they carry. */
export interface CostEstimate {
  readonly calls: number;
  readonly items: number;
  readonly cost: number;
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
  readonly operation: OperationDefinitionNode;
  readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  readonly sites: readonly Site[];
  /** Verdicts by effective list sizes: a document's traffic uses a handful of combinations. */
  readonly verdicts: Map<string, GraphQLError | null>;
}

const MAX_VERDICTS_PER_PLAN = 64;

/**
 * List sizes and the estimated cost of an operation, checked once its variables are known and
 * before any resolver runs, so `products(first: $n)` with `n = 1000000` is refused as surely as
 * `products(first: 1000000)` and no root field has started a backend call by then.
 *
 * The cost is what the operation makes the backends do: each field that reaches a backend
 * (`fields`) costs `callCost` per call and `itemCost` per id sent or item asked, with every
 * `first` at the value it will really have (literal, variable, or the schema's default, e.g.
 * `reviews(first: Int = 5)`). Batched lookups cost per batch (`ceil(keys / maxBatchSize)`
 * calls), since that is what DataLoader sends, and keys multiply down nested lists: a
 * storefront's page of 100 products with stock and three reviews with their authors is 6
 * calls and 600 ids (660); 100 products × 100 reviews × their authors is 102 calls and 10,200
 * ids (11,220). Hand-written, because graphql-armor's model (×1.5 per level, × `first`, per
 * field) counts resolvers, not calls, and refused that storefront page (10,625) while letting
 * through queries that cost the backends far more.
 *
 * Fragments count as the fields they hold, `@defer`red and `@stream`ed ones included (they are
 * fetched all the same, only later); `@include`/`@skip` are not read, so the estimate is an
 * upper bound. Yoga keeps parsed documents, so the per-document plan is made once; each
 * combination of list sizes is estimated once; a request whose sizes were seen before costs a
 * map lookup.
 */
export function useCostLimit(options: CostLimitOptions = {}): Plugin {
  const { maxCost = 5000, maxListSize = 100, listSizeArguments = ['first', 'last'] } = options;
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
        return listSizeOutOfRange(argument, maxListSize, size, field);
      }
    }
    const { cost } = estimatePlan(schema, plan, sizes, options);
    if (cost <= maxCost) return null;
    return costTooHigh(maxCost, cost);
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

/**
 * The estimate of `operationName` in `document` with these variables, as useCostLimit makes it
 * (for tests, and for the README's figures). Null when the document has no such operation.
 */
export function estimateCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  options: CostLimitOptions & { operationName?: string; variables?: Record<string, unknown> } = {},
): CostEstimate | null {
  const plan = makePlan(schema, document, options.operationName, options.listSizeArguments ?? ['first', 'last']);
  if (!plan) return null;
  return estimatePlan(
    schema,
    plan,
    plan.sites.map((site) => sizeAt(site, options.variables ?? {})),
    options,
  );
}

function makePlan(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, names: readonly string[]): Plan | null {
  const operation = getOperationAST(document, operationName);
  // No such operation: execution reports it; nothing to estimate.
  if (!operation) return null;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const variableDefaults = new Map<string, number>();
  for (const definition of operation.variableDefinitions ?? []) {
    if (definition.defaultValue?.kind === Kind.INT) variableDefaults.set(definition.variable.name.value, Number(definition.defaultValue.value));
  }
  const sites: Site[] = [];
  const typeInfo = new TypeInfo(schema);
  // Only the operation that runs counts, with every fragment (unused ones add nothing).
  const pruned: DocumentNode = { kind: Kind.DOCUMENT, definitions: [operation, ...fragments.values()] };
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
  return { operation, fragments, sites, verdicts: new Map() };
}

function sizeAt(site: Site, variables: Record<string, unknown>): number | undefined {
  if (site.literal !== undefined) return site.literal;
  if (site.variable !== undefined && site.variable in variables) {
    const value = variables[site.variable];
    return typeof value === 'number' ? value : undefined;
  }
  return site.fallback;
}

/** Keys asked of one loader by the fields of one selection set (on the same parent objects). */
interface LoaderKeys {
  keys: number;
  /** Parent-keyed fields ask the parents' ids: the same keys however many fields do. */
  parentKeyed: boolean;
}

/**
 * Walks the operation, multiplying the number of parent objects down every list, and adds up
 * the calls and ids of every backend-fed field (see useCostLimit).
 */
function estimatePlan(schema: GraphQLSchema, plan: Plan, sizes: readonly (number | undefined)[], options: CostLimitOptions): CostEstimate {
  const {
    fields = BFF_FIELD_SOURCES,
    listSizes = BFF_LIST_SIZES,
    defaultListSize = 10,
    maxBatchSize = 100,
    callCost = 10,
    itemCost = 1,
    listSizeArguments = ['first', 'last'],
  } = options;
  const sizeByField = new Map<FieldNode, number>();
  for (const [i, site] of plan.sites.entries()) {
    const size = sizes[i];
    // `first` and `last` both given: the larger one bounds what can come back.
    if (size !== undefined && listSizeArguments.includes(site.argument)) sizeByField.set(site.field, Math.max(size, sizeByField.get(site.field) ?? 0));
  }
  let calls = 0;
  let items = 0;
  const once = new Set<string>();

  /** `parents`: how many objects of `type` this selection set is resolved on. */
  const walkSet = (type: GraphQLCompositeType, selectionSet: SelectionSetNode, parents: number, pageSize: number | undefined) => {
    const loaders = new Map<string, LoaderKeys>();
    walkSelections(type, selectionSet, parents, pageSize, loaders, new Set());
    for (const { keys } of loaders.values()) {
      calls += Math.ceil(keys / maxBatchSize);
      items += keys;
    }
  };

  const walkSelections = (
    type: GraphQLCompositeType,
    selectionSet: SelectionSetNode,
    parents: number,
    pageSize: number | undefined,
    loaders: Map<string, LoaderKeys>,
    spread: Set<string>,
  ) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        // `... on X`, `... @defer`: the same parents, the same batches.
        const condition = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : type;
        if (condition && isCompositeType(condition)) walkSelections(condition, selection.selectionSet, parents, pageSize, loaders, spread);
      } else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const name = selection.name.value;
        const fragment = plan.fragments.get(name);
        // A cycle is a validation error already reported; never loop on one here.
        if (!fragment || spread.has(name)) continue;
        const condition = schema.getType(fragment.typeCondition.name.value);
        if (condition && isCompositeType(condition)) walkSelections(condition, fragment.selectionSet, parents, pageSize, loaders, new Set([...spread, name]));
      } else {
        walkField(type, selection, parents, pageSize, loaders);
      }
    }
  };

  const walkField = (type: GraphQLCompositeType, field: FieldNode, parents: number, pageSize: number | undefined, loaders: Map<string, LoaderKeys>) => {
    // Meta fields (`__typename`, introspection) call no backend.
    if (field.name.value.startsWith('__') || !(isObjectType(type) || isInterfaceType(type))) return;
    const definition = type.getFields()[field.name.value];
    if (!definition) return;
    const coordinate = `${type.name}.${field.name.value}`;
    const argumentSize = sizeByField.get(field);
    for (const source of fields[coordinate] ?? []) {
      if ('page' in source) {
        const size = argumentSize ?? defaultListSize;
        if (size > 0) {
          calls += parents;
          items += parents * size;
        }
      } else if ('each' in source) {
        calls += parents;
        items += parents;
      } else if ('once' in source) {
        if (once.has(source.once)) continue;
        once.add(source.once);
        calls += 1;
        items += 1;
      } else {
        const asked = loaders.get(source.loader);
        if (!asked) loaders.set(source.loader, { keys: parents, parentKeyed: source.key === 'parent' });
        // DataLoader asks a key once: parent-keyed fields on these parents add nothing new.
        else if (!(asked.parentKeyed && source.key === 'parent')) asked.keys += parents;
      }
    }
    const returned = getNamedType(definition.type);
    if (!field.selectionSet || !isCompositeType(returned)) return;
    if (isListType(getNullableType(definition.type))) {
      const listed = listSizes[coordinate];
      const size = argumentSize ?? (listed === 'parent' ? pageSize : listed) ?? defaultListSize;
      walkSet(returned, field.selectionSet, parents * size, undefined);
    } else {
      // A connection: its `first` sizes the list inside it.
      walkSet(returned, field.selectionSet, parents, argumentSize);
    }
  };

  const root = schema.getRootType(plan.operation.operation);
  if (root) walkSet(root, plan.operation.selectionSet, 1, undefined);
  const cost = Math.min(Number.MAX_SAFE_INTEGER, Math.ceil(calls * callCost + items * itemCost));
  return { calls, items, cost };
}
