import { createGraphQLError } from 'graphql-yoga';
import { createApiKey } from '../../auth/api-keys.js';
import { builder } from '../builder.js';
import { ApiKeyScopeEnum } from './enums.js';

export const ApiKeyRef = builder.prismaNode('ApiKey', {
  id: { field: 'id' },
  nullable: true, // node(id) / nodes(ids) of a record that does not exist answer null, not an error
  description: 'An API key. The key itself is shown once, by createApiKey, and stored only as a hash.',
  authScopes: { admin: true },
  fields: (t) => ({
    name: t.exposeString('name', { description: 'What the key is for.' }),
    prefix: t.exposeString('prefix', { description: 'The first characters of the key, to tell keys apart.' }),
    scopes: t.expose('scopes', { type: [ApiKeyScopeEnum], description: 'What the key may do.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was created.' }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime', nullable: true, description: 'Last use, to the minute.' }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true, description: 'When it was revoked; revoked keys fail at once.' }),
  }),
});

const CreatedApiKeyRef = builder.objectRef<{ key: string; apiKeyId: string }>('CreatedApiKey');
CreatedApiKeyRef.implement({
  description: 'A new key. `key` is shown only here: store it now.',
  fields: (t) => ({
    key: t.exposeString('key', { description: 'The full key, for "Authorization: Bearer <key>".' }),
    apiKey: t.prismaField({
      type: 'ApiKey',
      description: 'The stored key record.',
      resolve: (query, parent, _args, ctx) => ctx.prisma.apiKey.findUniqueOrThrow({ ...query, where: { id: parent.apiKeyId } }),
    }),
  }),
});

const CreateApiKeyInput = builder.inputType('CreateApiKeyInput', {
  description: 'A new API key.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'What the key is for.' }),
    scopes: t.field({ type: [ApiKeyScopeEnum], required: true, description: 'READ, WRITE or ADMIN (each includes the ones before it).' }),
  }),
});

builder.queryField('apiKeys', (t) =>
  t.prismaConnection({
    type: 'ApiKey',
    cursor: 'id',
    description: 'All API keys, revoked ones included. Needs an ADMIN key.',
    authScopes: { admin: true },
    resolve: (query, _root, _args, ctx) => ctx.prisma.apiKey.findMany({ ...query, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
  }),
);

builder.mutationFields((t) => ({
  createApiKey: t.field({
    type: CreatedApiKeyRef,
    description: 'Creates an API key. Needs an ADMIN key.',
    authScopes: { admin: true },
    args: { input: t.arg({ type: CreateApiKeyInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const name = input.name.trim();
      if (!name) throw createGraphQLError('name must not be blank', { extensions: { code: 'BAD_USER_INPUT' } });
      if (input.scopes.length === 0) {
        throw createGraphQLError('scopes must name at least one scope', { extensions: { code: 'BAD_USER_INPUT' } });
      }
      const { key, record } = await createApiKey(ctx.prisma, { name, scopes: input.scopes });
      return { key, apiKeyId: record.id };
    },
  }),
  revokeApiKey: t.prismaField({
    type: 'ApiKey',
    description: 'Revokes an API key; it stops working immediately. Needs an ADMIN key.',
    authScopes: { admin: true },
    args: { id: t.arg.globalID({ required: true, for: ApiKeyRef }) },
    resolve: async (query, _root, args, ctx) => {
      const existing = await ctx.prisma.apiKey.findUnique({ where: { id: args.id.id } });
      if (!existing) throw createGraphQLError('No such API key', { extensions: { code: 'NOT_FOUND' } });
      return ctx.prisma.apiKey.update({ ...query, where: { id: existing.id }, data: { revokedAt: existing.revokedAt ?? new Date() } });
    },
  }),
}));
