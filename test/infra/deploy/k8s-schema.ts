// Every rendered Kubernetes object against the API's own schemas, offline, in two passes:
//
// 1. kubernetes-models' validators (JSON Schema, compiled from the Kubernetes 1.27 OpenAPI
//    spec): required fields, types, enums, formats.
// 2. The same package's TypeScript types, for what those validators let through: a field the API
//    does not have (`readinessProb:`, `securityContext.runAsNonroot`) is silently dropped by
//    the API server, which is the worst kind of mistake in a manifest. Each object is walked
//    alongside its model's interface (TypeScript's checker resolves the types), and every key
//    the type does not have is reported with its path. (Compiling the objects as typed literals
//    would report only the first excess property of each literal.)
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { ROOT } from '../lib/project.js';
import type { K8sObject } from './kustomize.js';

/** `apps/v1` → `kubernetes-models/apps/v1`; the core group `v1` → `kubernetes-models/v1`. */
const modelModule = (apiVersion: string): string => `kubernetes-models/${apiVersion}`;

const label = (o: K8sObject) => `${o.kind}/${o.metadata?.name ?? '?'}`;

/** Schema errors of one object (empty = valid); an apiVersion/kind the models do not know is an error too. */
export async function schemaErrors(object: K8sObject): Promise<string[]> {
  let models: Record<string, unknown>;
  try {
    models = (await import(modelModule(object.apiVersion))) as Record<string, unknown>;
  } catch {
    return [`${label(object)}: no Kubernetes model for apiVersion ${object.apiVersion}`];
  }
  const Model = models[object.kind] as (new (data: unknown) => { validate(): void }) | undefined;
  if (typeof Model !== 'function') return [`${label(object)}: no Kubernetes model for ${object.apiVersion} ${object.kind}`];
  try {
    new Model(object).validate();
    return [];
  } catch (error) {
    // The validator's message lists every error, one per line ("data/spec/replicas must be integer").
    return String((error as Error).message)
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
      .map((line) => `${label(object)}: ${line}`);
  }
}

interface ModelTypes {
  readonly checker: ts.TypeChecker;
  /** `apps/v1 Deployment` → its interface's type, and a node to resolve property types at. */
  readonly byKind: ReadonlyMap<string, { type: ts.Type; at: ts.Node }>;
}

const kindKey = (o: Pick<K8sObject, 'apiVersion' | 'kind'>) => `${o.apiVersion} ${o.kind}`;
let cached: ModelTypes | undefined;

/** One TypeScript program with the model interface of each kind (seconds; reused for objects of kinds it has). */
function modelTypes(objects: readonly K8sObject[]): ModelTypes {
  if (cached && objects.every((o) => cached!.byKind.has(kindKey(o)))) return cached;
  // The kinds asked for now and those loaded before, so that overlays in turn reuse one program.
  const kinds = [
    ...new Map(
      [...objects, ...[...(cached?.byKind.keys() ?? [])].map((k) => ({ apiVersion: k.split(' ')[0]!, kind: k.split(' ')[1]! }))].map((o) => [kindKey(o), o]),
    ).values(),
  ];
  const fileName = join(ROOT, 'test/infra/deploy/.k8s-models.generated.ts');
  const source = kinds
    .map((o, i) => `import type { I${o.kind} as T${i} } from '${modelModule(o.apiVersion)}/${o.kind}';\nexport type O${i} = T${i};`)
    .join('\n');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  // The file exists only in memory: nothing is written next to the tests.
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (name, version, ...rest) =>
    name === fileName ? ts.createSourceFile(name, source, version) : getSourceFile.call(host, name, version, ...rest);
  host.fileExists = (name) => name === fileName || fileExists.call(host, name);
  host.readFile = (name) => (name === fileName ? source : readFile.call(host, name));
  host.getCurrentDirectory = () => dirname(fileName);
  const program = ts.createProgram([fileName], options, host);
  const checker = program.getTypeChecker();
  const aliases = program.getSourceFile(fileName)!.statements.filter(ts.isTypeAliasDeclaration);
  const byKind = new Map(kinds.map((o, i) => [kindKey(o), { type: checker.getTypeAtLocation(aliases[i]!.type), at: aliases[i]! as ts.Node }]));
  cached = { checker, byKind };
  return cached;
}

/** Fields the API does not know, at any depth, with their paths. */
export function unknownFieldErrors(objects: readonly K8sObject[]): string[] {
  const { checker, byKind } = modelTypes(objects);
  const problems: string[] = [];
  for (const object of objects) {
    const { type, at } = byKind.get(kindKey(object))!;
    // An import that did not resolve is an error type with no properties.
    if (checker.getPropertiesOfType(type).length === 0) {
      problems.push(`${label(object)}: no model type I${object.kind} in ${modelModule(object.apiVersion)}`);
      continue;
    }
    walk(checker, at, object, type, '', (path, typeName) => problems.push(`${label(object)}: ${path} is not a field of ${typeName}`));
  }
  return problems;
}

/** A model type's readable name: `IIoK8sApiCoreV1Container` → `Container`. */
function shortName(checker: ts.TypeChecker, type: ts.Type): string {
  return checker
    .typeToString(type)
    .replace(/^IIoK8s(Api|Apimachinery)[A-Za-z]*?V\d+(?:(?:alpha|beta)\d+)?(?=[A-Z])/, '')
    .replace(/^I(?=[A-Z][a-z])/, '');
}

function walk(checker: ts.TypeChecker, at: ts.Node, value: unknown, type: ts.Type, path: string, report: (path: string, typeName: string) => void): void {
  if (value === null || typeof value !== 'object') return;
  const t = checker.getNonNullableType(type);
  if (Array.isArray(value)) {
    const element = checker.isArrayType(t) ? checker.getTypeArguments(t as ts.TypeReference)[0] : undefined;
    if (element) value.forEach((v, i) => walk(checker, at, v, element, `${path}[${i}]`, report));
    return;
  }
  // A union (`number | string`, `IFoo | undefined`): the object members are what a map can be.
  const members = (t.isUnion() ? t.types : [t]).filter((m) => (m.flags & ts.TypeFlags.Object) !== 0);
  if (members.length === 0) return;
  for (const [key, v] of Object.entries(value)) {
    const where = path ? `${path}.${key}` : key;
    const index = members.map((m) => checker.getIndexTypeOfType(m, ts.IndexKind.String)).find(Boolean);
    const property = members.map((m) => checker.getPropertyOfType(m, key)).find(Boolean);
    if (property) walk(checker, at, v, checker.getTypeOfSymbolAtLocation(property, at), where, report);
    else if (index) walk(checker, at, v, index, where, report);
    else report(where, shortName(checker, members[0]!));
  }
}
