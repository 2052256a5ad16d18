import { costLimitPlugin } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import type { GraphQLError } from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';

export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxCost: number;
}

/** The error every limit answers with: one code, a message naming the limit, HTTP 400. */
export function queryTooComplex(message: string) {
  return createGraphQLError(message, { extensions: { code: 'QUERY_TOO_COMPLEX', http: { status: 400 } } });
}

const reject = (_context: unknown, error: GraphQLError) => {
  throw queryTooComplex(error.message.replace(/^Syntax Error: /, ''));
};

/**
 * Static limits checked before anything runs (graphql-armor's plugins): selection depth, aliases,
 * lexical tokens (while parsing, so an enormous document is cut off early) and a cost estimate
 * (fields weighted by depth, multiplied by literal `first`/`last`). Introspection is exempt from
 * depth and cost (GraphiQL's introspection query is deep by nature).
 */
export function useQueryLimits(limits: QueryLimits): Plugin {
  const common = { exposeLimits: true, onReject: [reject], propagateOnRejection: true };
  return {
    onPluginInit({ addPlugin }) {
      addPlugin(maxTokensPlugin({ ...common, n: limits.maxTokens }) as Plugin);
      addPlugin(maxDepthPlugin({ ...common, n: limits.maxDepth, ignoreIntrospection: true, flattenFragments: true }) as Plugin);
      addPlugin(maxAliasesPlugin({ ...common, n: limits.maxAliases }) as Plugin);
      addPlugin(costLimitPlugin({ ...common, maxCost: limits.maxCost, ignoreIntrospection: true }) as Plugin);
    },
  };
}
