import SchemaBuilder from '@pothos/core';
import { createGraphQLError } from 'graphql-yoga';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import DirectivePlugin from '@pothos/plugin-directives';
import FederationPlugin from '@pothos/plugin-federation';
import type PrismaTypes from '../generated/pothos-types.js';
import { getDatamodel } from '../generated/pothos-types.js';
import type { GraphQLContext } from './context.js';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  PrismaTypes: PrismaTypes;
  /** read/write/admin/connect/ingest: capabilities (src/auth/principal.ts); apiKey: any API key (not a user token). */
  AuthScopes: { read: boolean; write: boolean; admin: boolean; connect: boolean; ingest: boolean; apiKey: boolean };
  DefaultFieldNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    LocalDate: { Input: string; Output: string };
    UtcOffset: { Input: string; Output: string };
    JSON: { Input: unknown; Output: unknown };
  };
}>({
  // Directives + Federation last: federation wraps the resolvers the others produce (src/graphql/federation.ts).
  plugins: [ScopeAuthPlugin, RelayPlugin, PrismaPlugin, DirectivePlugin, FederationPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    authScopes: (ctx) => ({
      read: ctx.boundary.can('read'),
      write: ctx.boundary.can('write'),
      admin: ctx.boundary.can('admin'),
      connect: ctx.boundary.can('connect'),
      ingest: ctx.boundary.can('ingest'),
      apiKey: ctx.principal.kind === 'apiKey',
    }),
    unauthorizedError: (_parent, ctx) =>
      createGraphQLError(
        ctx.principal?.kind === 'user'
          ? 'Forbidden: this user token lacks the scope this field needs (or the field needs an API key)'
          : 'Forbidden: this API key lacks the scope this field needs',
        { extensions: { code: 'FORBIDDEN' } },
      ),
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    nodeTypeOptions: { description: 'An object with a stable global ID (usable as a cache key by Apollo and Relay).' },
    nodeQueryOptions: { description: 'Any object by its global ID.' },
    nodesQueryOptions: { description: 'Several objects by their global IDs, in the same order.' },
  },
  prisma: {
    client: (ctx) => ctx.prisma,
    dmmf: getDatamodel(),
    exposeDescriptions: false,
    filterConnectionTotalCount: true,
    defaultConnectionSize: DEFAULT_PAGE_SIZE,
    maxConnectionSize: MAX_PAGE_SIZE,
    onUnusedQuery: process.env.NODE_ENV === 'production' ? null : 'warn',
  },
});
