import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import type { GraphQLError } from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import { useQueryCost, type QueryCostOptions } from './use-query-cost.js';

export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxCost: number;
}

/** Page sizes and list lengths the cost estimate assumes and bounds (src/http/use-query-cost.ts). */
export type ListLimits = Omit<QueryCostOptions, 'maxCost'>;

/** The error every limit answers with: one code, a message naming the limit, HTTP 400. */
export function queryTooComplex(message: string) {
  return createGraphQLError(message, { extensions: { code: 'QUERY_TOO_COMPLEX', http: { status: 400 } } });
}

const reject = (_context: unknown, error: GraphQLError) => {
  throw queryTooComplex(error.message.replace(/^Syntax Error: /, ''));
};

/**
 * Limits checked before anything runs: selection depth, aliases, lexical tokens (while parsing, so
 * an enormous document is cut off early; graphql-armor's plugins) and a cost estimate with the
 * operation's variables (fields weighted by depth, multiplied by page sizes and list lengths
 * whether written or passed as variables; use-query-cost.ts), which also bounds every list
 * argument. Introspection is exempt from depth and cost (GraphiQL's introspection query is deep
 * by nature).
 */
export function useQueryLimits(limits: QueryLimits, lists: ListLimits): Plugin {
  const common = { exposeLimits: true, onReject: [reject], propagateOnRejection: true };
  return {
    onPluginInit({ addPlugin }) {
      addPlugin(maxTokensPlugin({ ...common, n: limits.maxTokens }) as Plugin);
      addPlugin(maxDepthPlugin({ ...common, n: limits.maxDepth, ignoreIntrospection: true, flattenFragments: true }) as Plugin);
      addPlugin(maxAliasesPlugin({ ...common, n: limits.maxAliases }) as Plugin);
      addPlugin(useQueryCost({ maxCost: limits.maxCost, ...lists }));
    },
  };
}
