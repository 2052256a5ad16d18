import { createGraphQLError } from 'graphql-yoga';
import { revokeUserTokens } from '../../auth/principal.js';
import { DEFAULT_USER_TOKEN_TTL_SECONDS, revisionOf, USER_TOKEN_SCOPES } from '../../auth/user-tokens.js';
import { builder } from '../builder.js';
import { UserRef } from './user.js';

const badInput = (message: string, argument: string) => createGraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', argument } });
const noSuchUser = () => createGraphQLError('No such user', { extensions: { code: 'NOT_FOUND' } });
const MIN_TTL_SECONDS = 60;

export const UserTokenScopeEnum = builder.enumType('UserTokenScope', {
  description:
    'What a user token may do, always for its own user only. SELF_READ: queries (me, its own records). ' +
    'SELF_CONNECT: connect, disconnect and resync its own providers. SELF_INGEST: push device data for itself.',
  values: USER_TOKEN_SCOPES,
});

const CreateUserTokenInput = builder.inputType('CreateUserTokenInput', {
  description: 'A token for one user\'s app.',
  fields: (t) => ({
    userId: t.globalID({ required: true, description: 'The user the token acts for (global ID).' }),
    scopes: t.field({ type: [UserTokenScopeEnum], required: true, description: 'What the token may do (at least one).' }),
    ttlSeconds: t.int({ description: `Lifetime in seconds (default ${DEFAULT_USER_TOKEN_TTL_SECONDS}; at least ${MIN_TTL_SECONDS}, at most USER_TOKEN_MAX_TTL_SECONDS, 30 days by default).` }),
  }),
});

const UserTokenRef = builder.objectRef<{ token: string; expiresAt: Date; scopes: string[]; userId: string }>('UserToken');
UserTokenRef.implement({
  description: 'A signed token (JWT) for "Authorization: Bearer <token>". Not stored: keep it in the app; revokeUserTokens ends it early.',
  fields: (t) => ({
    token: t.exposeString('token', { description: 'The token itself.' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', description: 'When it stops working.' }),
    scopes: t.field({ type: [UserTokenScopeEnum], description: 'What it may do.', resolve: (p) => p.scopes as never }),
    user: t.prismaField({
      type: 'User',
      description: 'The user it acts for.',
      resolve: (query, parent, _args, ctx) => ctx.prisma.user.findUniqueOrThrow({ ...query, where: { id: parent.userId } }),
    }),
  }),
});

builder.mutationFields((t) => ({
  createUserToken: t.field({
    type: UserTokenRef,
    description: "Mints a token that acts for one user only (an app, a phone, an LLM session). Needs a WRITE API key: call it from the operator's backend, never ship the key in the app.",
    authScopes: { write: true },
    args: { input: t.arg({ type: CreateUserTokenInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      if (input.userId.typename !== 'User') throw badInput('userId must be a User ID', 'userId');
      if (!input.scopes.length) throw badInput('scopes must name at least one scope', 'scopes');
      const ttl = input.ttlSeconds ?? DEFAULT_USER_TOKEN_TTL_SECONDS;
      const max = ctx.config.userTokens.maxTtlSeconds;
      if (ttl < MIN_TTL_SECONDS || ttl > max) throw badInput(`ttlSeconds must be between ${MIN_TTL_SECONDS} and ${max}`, 'ttlSeconds');
      const user = await ctx.prisma.user.findUnique({ where: { id: input.userId.id }, select: { id: true, tokensRevokedAt: true } });
      if (!user) throw noSuchUser();
      const scopes = USER_TOKEN_SCOPES.filter((s) => input.scopes.includes(s));
      const { token, expiresAt } = await ctx.principals.signer.mint({ userId: user.id, scopes, ttlSeconds: ttl, revision: revisionOf(user.tokensRevokedAt) });
      return { token, expiresAt, scopes, userId: user.id };
    },
  }),
  revokeUserTokens: t.field({
    type: 'DateTime',
    description:
      'Every user token of this user issued until now stops working at once, on every replica (minted and identity-provider tokens alike); ' +
      'open syncProgress streams end within a poll. Needs a WRITE API key. Returns the revocation time.',
    authScopes: { write: true },
    args: { userId: t.arg.globalID({ required: true, for: UserRef, description: 'The user (global ID).' }) },
    resolve: async (_root, args, ctx) => {
      const revokedAt = await revokeUserTokens(ctx.prisma, args.userId.id);
      if (!revokedAt) throw noSuchUser();
      return revokedAt;
    },
  }),
}));
