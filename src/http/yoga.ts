import { createYoga, type Plugin } from 'graphql-yoga';
import { useApiKeyAuth } from '../auth/use-api-key-auth.js';
import { createLoaders, type AppServices, type GraphQLContext } from '../graphql/context.js';
import { schema } from '../graphql/schema.js';
import { yogaLogger, type Logger } from '../logger.js';
import { GRAPHIQL_DEFAULT_QUERY } from './graphiql.js';
import { useMaxPageSize } from './use-max-page-size.js';
import { MAX_PAGE_SIZE } from '../graphql/builder.js';

export interface YogaOptions {
  services: AppServices;
  logger: Logger;
  /** Extra routes and cross-cutting concerns (OAuth callbacks, webhooks...), as yoga plugins. */
  plugins?: Plugin[];
}

export function createYogaServer({ services, logger, plugins = [] }: YogaOptions) {
  return createYoga<Record<string, unknown>, GraphQLContext>({
    schema,
    graphqlEndpoint: '/graphql',
    healthCheckEndpoint: '/health',
    landingPage: false,
    logging: yogaLogger(logger),
    graphiql: {
      title: 'Wearable health graph',
      defaultQuery: GRAPHIQL_DEFAULT_QUERY,
      headers: JSON.stringify({ Authorization: 'Bearer <paste your API key here>' }, null, 2),
      shouldPersistHeaders: true,
    },
    context: () => ({ ...services, loaders: createLoaders(services.prisma) }) as Partial<GraphQLContext> as GraphQLContext,
    plugins: [...plugins, useApiKeyAuth({ prisma: services.prisma }), useMaxPageSize(MAX_PAGE_SIZE)],
  });
}

export type YogaServer = ReturnType<typeof createYogaServer>;
