import {
  getArgumentValues,
  getNamedType,
  getOperationAST,
  getVariableValues,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
  type ASTNode,
} from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import { decodeGlobalID } from '@pothos/plugin-relay';
import { MAX_RANGE_DAYS } from '../graphql/dates.js';

/** Longest string argument accepted unless the argument says otherwise (`extensions.maxLength`). */
export const MAX_STRING_LENGTH = 2048;
/** PostgreSQL's `date` and `timestamptz` refuse year 0; nobody's wearable data is older than year 1 or newer than 9999. */
const FIRST_DATE = '0001-01-01';
const LAST_DATE = '9999-12-31';

/** The one error every refused argument answers with: BAD_USER_INPUT naming the argument (HTTP 400 before execution). */
export function badArgument(argument: string, message: string, node?: ASTNode) {
  return createGraphQLError(message, {
    nodes: node ? [node] : undefined,
    extensions: { code: 'BAD_USER_INPUT', argument, http: { status: 400 } },
  });
}

/** Extensions a field or argument may declare to tighten these checks (set in the Pothos type files). */
export interface ArgumentCheckExtensions {
  /** On an argument or input field: its longest accepted string. */
  maxLength?: number;
  /** On a field with `from`/`to`: the widest range in days (default MAX_RANGE_DAYS). */
  maxRangeDays?: number;
  /**
   * On a field: a check of its coerced arguments together (e.g. a series' bucket against its span),
   * run after the range check; the problem names the argument refused.
   */
  checkArguments?: (args: Record<string, unknown>) => { argument: string; message: string } | null;
}

const isCursorArgument = (name: string) => name === 'after' || name === 'before';

function isPothosCursor(value: string): boolean {
  return Buffer.from(value, 'base64').toString('utf8').startsWith('GPC:');
}

/**
 * Argument checks before anything runs, for every field of the operation, on the coerced values
 * (literal or variable alike):
 * - strings: no NUL characters (PostgreSQL refuses them) and at most MAX_STRING_LENGTH characters
 *   (or the argument's `maxLength`, e.g. an `externalId` that must fit its unique index);
 * - dates and instants: between 0001-01-01 and 9999-12-31 (the scalars accept year 0, PostgreSQL not);
 * - global IDs: well-formed and of a type the argument accepts (a Node type, or the `for` types);
 * - cursors: ones this API gave out;
 * - `from`/`to` pairs: `to` not before `from`, and at most `maxRangeDays` (366) days apart;
 * - a field's own `checkArguments` (series: metric, bucket against span, aggregate).
 * A refused argument answers BAD_USER_INPUT naming it (`extensions.argument`) and the limit, and
 * nothing runs: no resolver sees it, so no half-resolved parent is nulled by it.
 */
export function useArgumentChecks(schema: GraphQLSchema): Plugin {
  const nodeTypes = new Set(
    Object.values(schema.getTypeMap())
      .filter((type) => isObjectType(type) && type.getInterfaces().some((i) => i.name === 'Node'))
      .map((type) => type.name),
  );
  const check = (document: DocumentNode, operationName: string | null | undefined, inputs: Record<string, unknown>) => {
    const operation = getOperationAST(document, operationName);
    if (!operation) return;
    // Coerced as execution will coerce them (a DateTime variable becomes a Date); invalid ones are graphql-js's to report.
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], inputs);
    if (coerced.errors) return;
    const variables = coerced.coerced;
    const typeInfo = new TypeInfo(schema);
    // The whole document: fragments are visited under their type condition.
    visit(
      document,
      visitWithTypeInfo(typeInfo, {
        Field(node) {
          const field = typeInfo.getFieldDef();
          if (!field || field.args.length === 0) return;
          let values: Record<string, unknown>;
          try {
            values = getArgumentValues(field as GraphQLField<unknown, unknown>, node, variables);
          } catch {
            return; // invalid values: graphql-js reports them in its own words
          }
          for (const arg of field.args) {
            const argNode = node.arguments?.find((a) => a.name.value === arg.name) ?? node;
            checkValue(arg.name, arg.type, values[arg.name], arg, argNode);
          }
          checkRange(field as GraphQLField<unknown, unknown>, values, node);
          const problem = (field.extensions as ArgumentCheckExtensions | undefined)?.checkArguments?.(values);
          if (problem) throw badArgument(problem.argument, problem.message, node);
        },
      }),
    );
  };

  function checkValue(path: string, type: GraphQLInputType, value: unknown, arg: Pick<GraphQLArgument, 'name' | 'extensions'>, node: ASTNode): void {
    if (value == null) return;
    if (isNonNullType(type)) return checkValue(path, type.ofType, value, arg, node);
    if (isListType(type)) {
      if (Array.isArray(value)) value.forEach((item, i) => checkValue(`${path}[${i}]`, type.ofType, item, arg, node));
      return;
    }
    if (isInputObjectType(type)) {
      const fields = type.getFields();
      for (const [name, child] of Object.entries(value as Record<string, unknown>)) {
        if (fields[name]) checkValue(`${path}.${name}`, fields[name].type, child, fields[name], node);
      }
      return;
    }
    const named = getNamedType(type).name;
    const ext = (arg.extensions ?? {}) as ArgumentCheckExtensions & { isRelayGlobalID?: boolean; relayGlobalIDFor?: { typename: string }[] | null };
    if (typeof value === 'string') {
      if (value.includes('\u0000')) throw badArgument(path, `"${path}" must not contain NUL characters`, node);
      const max = ext.maxLength ?? MAX_STRING_LENGTH;
      if (value.length > max) throw badArgument(path, `"${path}" may be at most ${max} characters long (got ${value.length})`, node);
      if (named === 'LocalDate' && (value < FIRST_DATE || value > LAST_DATE)) {
        throw badArgument(path, `"${path}" must be a date from ${FIRST_DATE} to ${LAST_DATE} (got ${value})`, node);
      }
      if (named === 'ID' && ext.isRelayGlobalID) checkGlobalId(path, value, ext.relayGlobalIDFor?.map((t) => t.typename) ?? null, node);
      if (isCursorArgument(arg.name) && named === 'String' && !isPothosCursor(value)) {
        throw badArgument(path, `"${path}" is not a cursor of this connection (use an edge's cursor or pageInfo.endCursor)`, node);
      }
    }
    if (value instanceof Date) {
      const year = value.getUTCFullYear();
      if (year < 1 || year > 9999) throw badArgument(path, `"${path}" must be an instant from ${FIRST_DATE} to ${LAST_DATE} (got ${value.toISOString()})`, node);
    }
  }

  function checkGlobalId(path: string, value: string, forTypes: string[] | null, node: ASTNode) {
    let typename: string;
    let id: string;
    try {
      ({ typename, id } = decodeGlobalID(value));
    } catch {
      throw badArgument(path, `"${path}" is not a global ID (got "${value}")`, node);
    }
    if (id.includes('\u0000')) throw badArgument(path, `"${path}" is not a global ID (it holds a NUL character)`, node);
    const accepted = forTypes ?? [...nodeTypes];
    if (!accepted.includes(typename)) {
      throw badArgument(path, `"${path}" must be the global ID of a ${forTypes ? forTypes.join(' or ') : 'Node'} (got an ID of type ${typename})`, node);
    }
  }

  function checkRange(field: GraphQLField<unknown, unknown>, values: Record<string, unknown>, node: ASTNode) {
    const { from, to } = values;
    if (from == null || to == null) return;
    const toMs = (v: unknown) => (v instanceof Date ? v.getTime() : typeof v === 'string' ? Date.parse(`${v}T00:00:00Z`) : NaN);
    const start = toMs(from);
    const end = toMs(to);
    if (Number.isNaN(start) || Number.isNaN(end)) return;
    const show = (v: unknown) => (v instanceof Date ? v.toISOString() : String(v));
    if (end < start) throw badArgument('to', `"to" (${show(to)}) is before "from" (${show(from)})`, node);
    const maxDays = (field.extensions as ArgumentCheckExtensions | undefined)?.maxRangeDays ?? MAX_RANGE_DAYS;
    // Dates are inclusive (from..to is to - from + 1 days); instants are a half-open interval.
    const days = from instanceof Date ? (end - start) / 86_400_000 : Math.round((end - start) / 86_400_000) + 1;
    if (days > maxDays) {
      throw badArgument('to', `"from".."to" may cover at most ${maxDays} days (asked for ${Math.ceil(days)})`, node);
    }
  }

  return {
    onExecute({ args }) {
      check(args.document, args.operationName, (args.variableValues ?? {}) as Record<string, unknown>);
    },
    onSubscribe({ args }) {
      check(args.document, args.operationName, (args.variableValues ?? {}) as Record<string, unknown>);
    },
  };
}
