import { PothosValidationError } from '@pothos/core';
import { GraphQLError } from 'graphql';
import { createGraphQLError, createYoga, maskError, type Plugin, type YogaServerOptions } from 'graphql-yoga';
import { createLoaders, type AppServices, type GraphQLContext } from '../graphql/context.js';
import { subgraphSchema } from '../graphql/schema.js';
import { yogaLogger, type Logger } from '../logger.js';
import { MAX_REQUEST_BODY_BYTES, useBodyLimit } from './body-limit.js';
import { ownsBodyLimit } from './routes/webhooks.js';
import { graphiqlDocument, graphiqlVariables } from './graphiql.js';
import { useGraphiQLPage, type GraphiQLPageOptions } from './graphiql-page.js';
import { useMaxPageSize } from './use-max-page-size.js';
import { useArgumentChecks } from './use-argument-checks.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../graphql/builder.js';
import type { GraphQLLimitsConfig } from '../config.js';
import { useCsrfPrevention } from './use-csrf-prevention.js';
import { usePrincipalAuth } from './use-principal-auth.js';
import { useIntrospectionSwitch } from './use-introspection-switch.js';
import { useQueryLimits, type ListLimits } from './use-query-limits.js';
import { useRateLimit, type PrincipalRateLimits } from './use-rate-limit.js';
import { useRequestTimeout } from './use-request-timeout.js';
import { useJitExecution } from './use-jit-execution.js';
import type { InFlight } from './in-flight.js';

export interface YogaOptions {
  services: AppServices;
  logger: Logger;
  /** Extra routes and cross-cutting concerns (OAuth callbacks, webhooks...), as yoga plugins. */
  plugins?: Plugin[];
  /** Shared with the other APIs on this server (MCP); default: GraphQL's own. */
  rateLimits?: PrincipalRateLimits;
  /** Path prefixes whose routes enforce their own body limits (the push contract). */
  ownBodyLimits?: readonly string[];
  /** Work that outlives its request (an operation the timeout answered early): drained at shutdown. */
  inFlight?: InFlight;
}

/** CORS_ORIGINS: '*' any origin, a list (others get no CORS headers), null none at all. No cookies are used, so never credentials. */
function corsOptions(origins: GraphQLLimitsConfig['corsOrigins']) {
  if (origins === null) return false as const;
  const common = { credentials: false, methods: ['GET', 'POST', 'OPTIONS'], exposedHeaders: ['Retry-After'], maxAge: 600 };
  if (origins === '*') return { ...common, origin: '*' };
  return (request: Request) => {
    const origin = request.headers.get('origin');
    return origin && origins.includes(origin) ? { ...common, origin: [origin] } : false;
  };
}

/**
 * Internal errors stay masked ("Unexpected error."); what Pothos refuses as invalid input (a
 * cursor or global ID it cannot read, when it gets past the argument checks) answers BAD_USER_INPUT.
 */
const maskErrors: NonNullable<YogaServerOptions<object, object>['maskedErrors']> = {
  maskError: (error, message, isDev) => {
    if (error instanceof GraphQLError && !error.extensions.code) {
      const cause = error.originalError ?? error;
      if (cause instanceof PothosValidationError) {
        return createGraphQLError(error.message, { nodes: error.nodes, path: error.path, extensions: { code: 'BAD_USER_INPUT' } });
      }
    }
    return maskError(error, message, isDev);
  },
};

/**
 * Page sizes and list lengths of the cost estimate: a list argument holds at most one page
 * (`nodes(ids:)`), except `_entities(representations:)`, into which a federation gateway batches
 * every reference of one response.
 */
const LIST_LIMITS: ListLimits = {
  defaultPageSize: DEFAULT_PAGE_SIZE,
  maxPageSize: MAX_PAGE_SIZE,
  maxListLength: MAX_PAGE_SIZE,
  listLengthOverrides: { '_entities.representations': 1000 },
};

/** GraphiQL's first visit: the starting document with this server's URL and today's dates, the Headers tab open for the key. */
export function graphiqlPageOptions(publicUrl: string, now = new Date()): GraphiQLPageOptions {
  const context = { publicUrl, today: now.toISOString().slice(0, 10) };
  return {
    title: 'Wearable health graph',
    defaultQuery: graphiqlDocument(context),
    variables: graphiqlVariables(context),
    headers: JSON.stringify({ Authorization: 'Bearer <paste your API key here>' }, null, 2),
    shouldPersistHeaders: true,
    defaultEditorToolsVisibility: 'headers',
  };
}

export function createYogaServer({ services, logger, plugins = [], rateLimits, ownBodyLimits = [], inFlight }: YogaOptions) {
  const limits = services.config.graphql;
  return createYoga<Record<string, unknown>, GraphQLContext>({
    // The public schema plus Federation v2's `_service`/`_entities` (src/graphql/federation.ts).
    schema: subgraphSchema,
    graphqlEndpoint: '/graphql',
    healthCheckEndpoint: '/health',
    landingPage: false,
    logging: yogaLogger(logger),
    maskedErrors: maskErrors,
    cors: corsOptions(limits.corsOrigins),
    // Batched requests (a JSON array of operations) are refused: one operation per request, so
    // the rate limit and the query limits apply to each.
    batching: false,
    // GraphiQL is served by useGraphiQLPage (small page, compressed and cached assets, offline).
    graphiql: false,
    // principal, boundary, the boundary's prisma and the loaders are added by usePrincipalAuth.
    context: () => ({ ...services }) as Partial<GraphQLContext> as GraphQLContext,
    plugins: [
      ...(limits.introspection ? [useGraphiQLPage({ graphqlPath: '/graphql', options: () => graphiqlPageOptions(services.config.publicUrl) })] : []),
      useBodyLimit(MAX_REQUEST_BODY_BYTES, { exempt: (url) => ownsBodyLimit(url) || ownBodyLimits.some((prefix) => url.pathname.startsWith(prefix)) }),
      ...plugins,
      useCsrfPrevention(),
      useIntrospectionSwitch(limits.introspection),
      useMaxPageSize(MAX_PAGE_SIZE),
      useQueryLimits(limits, LIST_LIMITS),
      usePrincipalAuth({
        resolver: services.principals,
        boundaries: services.boundaries,
        extend: (boundary) => ({ loaders: createLoaders(services.prisma, boundary) }),
      }),
      useRateLimit({ perMinute: limits.rateLimitPerMinute, userPerMinute: services.config.userTokens.rateLimitPerMinute, limits: rateLimits }),
      useArgumentChecks(subgraphSchema),
      useJitExecution({ schema: subgraphSchema, logger }),
      useRequestTimeout(limits.requestTimeoutSeconds * 1000, inFlight),
    ],
  });
}

export type YogaServer = ReturnType<typeof createYogaServer>;
