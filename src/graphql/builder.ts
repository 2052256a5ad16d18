import SchemaBuilder from '@pothos/core';
import { createGraphQLError } from 'graphql-yoga';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin, { AuthScopeFailureType, type AuthFailure } from '@pothos/plugin-scope-auth';
import DirectivePlugin from '@pothos/plugin-directives';
import FederationPlugin from '@pothos/plugin-federation';
import type PrismaTypes from '../generated/pothos-types.js';
import { getDatamodel } from '../generated/pothos-types.js';
import { scopeFor, type Capability } from '../auth/principal.js';
import type { GraphQLContext } from './context.js';

/** The scopes a failed scope-auth check asked for (`{ write: true }` -> ['write']). */
function missingScopes(failure: AuthFailure): string[] {
  if (failure.kind === AuthScopeFailureType.AuthScope) return [failure.scope];
  if (failure.kind === AuthScopeFailureType.AnyAuthScopes || failure.kind === AuthScopeFailureType.AllAuthScopes) {
    return [...new Set(failure.failures.flatMap(missingScopes))];
  }
  return [];
}

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
    unauthorizedError: (_parent, ctx, info, result) => {
      const field = `${info.parentType.name}.${info.fieldName}`;
      const scopes = missingScopes(result.failure);
      // Named as the caller's kind of credential knows them (a user token's SELF_CONNECT, a key's WRITE).
      const kind = ctx.principal?.kind ?? 'apiKey';
      const capabilities = scopes.filter((s): s is Capability => s !== 'apiKey');
      const named = [...new Set(capabilities.map((s) => scopeFor(kind, s)).filter((s): s is string => s !== null))];
      const credential = kind === 'user' ? 'a user token' : 'an API key';
      const keyOnly = scopes.includes('apiKey') || (kind === 'user' && capabilities.length > 0 && named.length === 0);
      const keyScopes = [...new Set(capabilities.map((s) => scopeFor('apiKey', s)))];
      const message =
        named.length > 0 ? `Forbidden: ${field} needs ${credential} with the ${named.join(' or ')} scope`
        : keyOnly ? `Forbidden: ${field} needs an API key${keyScopes.length ? ` with the ${keyScopes.join(' or ')} scope` : ''} (a user token cannot use it)`
        : `Forbidden: ${field} is not allowed to this ${credential.replace(/^an? /, '')}`;
      return createGraphQLError(message, { extensions: { code: 'FORBIDDEN', requiredScopes: named } });
    },
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
