import {
  getNamedType,
  getNullableType,
  isListType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import { queryTooComplex } from './use-query-limits.js';

export interface QueryCostOptions {
  /** GRAPHQL_MAX_COST. */
  maxCost: number;
  /** What a connection returns when `first`/`last` are absent or null. */
  defaultPageSize: number;
  /** The largest page a connection serves: the estimate of a page size that is not a number yet. */
  maxPageSize: number;
  /** Most items any list argument (`nodes(ids:)`, ...) may hold. */
  maxListLength: number;
  /** Exceptions by `field.argument`, e.g. `_entities.representations` (a gateway batches every reference of a response into one call). */
  listLengthOverrides?: Record<string, number>;
}

// The weights of graphql-armor's cost-limit, which this replaces: a literal query gets the cost it always got.
const OBJECT_COST = 2;
const SCALAR_COST = 1;
const DEPTH_FACTOR = 1.5;

/**
 * The cost estimate, checked when the operation is about to run, with its variables: a page size
 * or a list given as a variable counts exactly as the same value written in the document (an
 * absent or null `first`/`last` as the connection's default page size, a value not yet a number
 * at the maximum page size). Fields weigh 1 (scalar) or 2 plus 1.5 x their selections, times the
 * page size of a connection or the length of a list argument of a field returning a list
 * (`nodes(ids:)`). Every list argument is bounded too: BAD_USER_INPUT naming it and the limit,
 * before graphql-js (or graphql-jit) coerces a single item of it. Introspection is exempt.
 */
export function useQueryCost(options: QueryCostOptions): Plugin {
  const check = ({ args }: { args: { schema: GraphQLSchema; document: DocumentNode; operationName?: string | null; variableValues?: unknown } }) => {
    const cost = estimateCost(args.schema, args.document, args.operationName, (args.variableValues ?? {}) as Record<string, unknown>, options);
    if (cost > options.maxCost) throw queryTooComplex(`Query Cost limit of ${options.maxCost} exceeded, found ${cost}.`);
  };
  return { onExecute: check, onSubscribe: check };
}

export function estimateCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown>,
  options: Omit<QueryCostOptions, 'maxCost'>,
): number {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  if (!operation) return 0; // graphql-js answers that itself
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const defaults = new Map<string, ValueNode | undefined>();
  for (const v of operation.variableDefinitions ?? []) defaults.set(v.variable.name.value, v.defaultValue);

  /** A value as the resolver will see it: the variable's value, else its default; undefined when absent. */
  const valueOf = (node: ValueNode): unknown => {
    if (node.kind === Kind.VARIABLE) {
      const name = node.name.value;
      if (variables[name] !== undefined) return variables[name];
      const fallback = defaults.get(name);
      return fallback ? valueOf(fallback) : undefined;
    }
    if (node.kind === Kind.INT) return Number(node.value);
    if (node.kind === Kind.NULL) return null;
    if (node.kind === Kind.LIST) return node.values;
    return node;
  };
  const pageSize = (node: ValueNode | undefined): number => {
    const value = node ? valueOf(node) : undefined;
    if (value === undefined || value === null) return options.defaultPageSize;
    return typeof value === 'number' && Number.isFinite(value) ? Math.max(0, value) : options.maxPageSize;
  };
  const listLength = (node: ValueNode): number => {
    const value = valueOf(node);
    if (value === undefined || value === null) return 0;
    return Array.isArray(value) ? value.length : 1;
  };

  const multiplier = (node: FieldNode, field: GraphQLField<unknown, unknown>): number => {
    let m = 1;
    const given = new Map((node.arguments ?? []).map((a) => [a.name.value, a.value]));
    for (const arg of field.args) {
      if (arg.name === 'first' || arg.name === 'last') {
        // Both absent: the connection serves its default page.
        if (given.has(arg.name) || (arg.name === 'first' && !given.has('last'))) m = Math.max(m, pageSize(given.get(arg.name)));
        continue;
      }
      const value = given.get(arg.name);
      if (!value || !isListType(getNullableType(arg.type))) continue;
      const length = listLength(value);
      const limit = options.listLengthOverrides?.[`${field.name}.${arg.name}`] ?? options.maxListLength;
      if (length > limit) {
        throw createGraphQLError(`"${arg.name}" of ${field.name} may hold at most ${limit} items (got ${length})`, {
          extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
        });
      }
      if (isListType(getNullableType(field.type))) m = Math.max(m, length);
    }
    return m;
  };

  const fragmentCosts = new Map<string, number>();
  const selectionsCost = (set: SelectionSetNode, parent: GraphQLNamedType | undefined): number => {
    let cost = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        cost += DEPTH_FACTOR * fieldCost(selection, parent);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        cost += DEPTH_FACTOR * (OBJECT_COST + selectionsCost(selection.selectionSet, type ?? undefined));
      } else {
        const name = selection.name.value;
        let fragmentCost = fragmentCosts.get(name);
        if (fragmentCost === undefined) {
          const fragment = fragments.get(name);
          fragmentCosts.set(name, 0); // validation refuses cycles; this only guards the recursion
          fragmentCost = fragment ? OBJECT_COST + selectionsCost(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value) ?? undefined) : 0;
          fragmentCosts.set(name, fragmentCost);
        }
        cost += DEPTH_FACTOR * (SCALAR_COST + DEPTH_FACTOR * fragmentCost);
      }
    }
    return cost;
  };
  const fieldCost = (node: FieldNode, parent: GraphQLNamedType | undefined): number => {
    if (node.name.value === '__schema' || node.name.value === '__type') return 0;
    const field = parent && 'getFields' in parent ? (parent.getFields() as Record<string, GraphQLField<unknown, unknown>>)[node.name.value] : undefined;
    if (!node.selectionSet) return SCALAR_COST;
    const m = field ? multiplier(node, field) : 1;
    return m * (OBJECT_COST + selectionsCost(node.selectionSet, field ? getNamedType(field.type) : undefined));
  };

  const root = schema.getRootType(operation.operation) ?? undefined;
  let total = 0;
  for (const selection of operation.selectionSet.selections) {
    // The operation's own selections are not weighted by depth (graphql-armor's rule).
    total += selection.kind === Kind.FIELD ? fieldCost(selection, root) : selectionsCost({ kind: Kind.SELECTION_SET, selections: [selection] }, root) / DEPTH_FACTOR;
  }
  return total;
}
