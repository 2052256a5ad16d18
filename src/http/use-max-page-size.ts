import { Kind, visit, type ValueNode } from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';

/**
 * Relay connections clamp `first`/`last` silently; a client asking for 5000 rows deserves to
 * hear that it gets at most `max`. Checks literal and variable values before execution.
 */
export function useMaxPageSize(max: number): Plugin {
  return {
    onExecute({ args }) {
      const variables = (args.variableValues ?? {}) as Record<string, unknown>;
      const valueOf = (node: ValueNode): unknown =>
        node.kind === Kind.INT ? Number(node.value) : node.kind === Kind.VARIABLE ? variables[node.name.value] : undefined;
      visit(args.document, {
        Argument(node) {
          if (node.name.value !== 'first' && node.name.value !== 'last') return;
          const value = valueOf(node.value);
          if (typeof value === 'number' && (value > max || value < 0)) {
            throw createGraphQLError(`"${node.name.value}" must be between 0 and ${max} (got ${value})`, {
              extensions: { code: 'BAD_USER_INPUT' },
            });
          }
        },
      });
    },
  };
}
