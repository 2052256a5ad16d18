import { createGraphQLError } from 'graphql-yoga';
import { defaultRedirectUri } from '../../http/routes/landing.js';
import { allowedRedirects, isAllowedRedirect, OAuthFlowError, startAuthorization } from '../../oauth/flow.js';
import { PROVIDERS } from '../../providers/registry.js';
import { dateRange } from '../dates.js';
import { builder } from '../builder.js';
import { ConnectionRef } from './connection.js';
import { ProviderEnum } from './enums.js';
import { SyncRunRef } from './sync-run.js';
import { UserRef } from './user.js';

/** The widest range one resync may fetch again. */
const RESYNC_MAX_DAYS = 730;
const badInput = (message: string) => createGraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });

const ConnectProviderInput = builder.inputType('ConnectProviderInput', {
  description: 'Starts connecting a user to a provider.',
  fields: (t) => ({
    userId: t.globalID({ description: 'The user (global ID). Required with an API key; a user token may leave it out (its own user).' }),
    provider: t.field({ type: ProviderEnum, required: true, description: 'The provider to connect.' }),
    redirectUri: t.string({
      required: false,
      description:
        'Where the browser returns afterwards, with status=connected&provider=...&connectionId=... or status=error&reason=...&provider=.... Must fall under an entry of ' +
        'OAUTH_REDIRECT_ALLOWLIST. Default: the gateway\'s own page PUBLIC_URL/connected ("Connected Polar — you can close this tab", or the error).',
    }),
  }),
});

const ConnectProviderPayload = builder.objectRef<{ authorizationUrl: string }>('ConnectProviderPayload').implement({
  description: 'Where to send the user.',
  fields: (t) => ({
    authorizationUrl: t.exposeString('authorizationUrl', { description: "The provider's consent page; valid for 10 minutes, once." }),
  }),
});

builder.mutationFields((t) => ({
  connectProvider: t.field({
    type: ConnectProviderPayload,
    description: 'Starts the OAuth flow: returns the URL to send the user to. Needs a WRITE key or a SELF_CONNECT user token.',
    authScopes: { connect: true },
    args: { input: t.arg({ type: ConnectProviderInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      if (input.userId && input.userId.typename !== 'User') throw badInput('userId must be a User ID');
      const userId = input.userId?.id ?? ctx.boundary.userId;
      if (!userId) throw badInput('userId is required with an API key');
      const user = await ctx.prisma.user.findUnique({ where: { id: userId }, select: { id: true } });
      if (!user) throw createGraphQLError('No such user', { extensions: { code: 'NOT_FOUND' } });
      // The gateway's own result page is always allowed: it is not a redirect anywhere else.
      const redirectUri = input.redirectUri ?? defaultRedirectUri(ctx.config);
      if (input.redirectUri != null && !isAllowedRedirect(ctx.config, redirectUri)) {
        throw badInput(`redirectUri is not allowed: it must fall under an entry of OAUTH_REDIRECT_ALLOWLIST (${allowedRedirects(ctx.config).join(', ')}), or be left out for ${defaultRedirectUri(ctx.config)}`);
      }
      const adapter = PROVIDERS.find((p) => p.id === input.provider);
      if (!adapter) {
        throw createGraphQLError(`${input.provider} is not supported by this gateway yet`, { extensions: { code: 'PROVIDER_UNAVAILABLE' } });
      }
      try {
        return { authorizationUrl: await startAuthorization(ctx, adapter, { userId: user.id, redirectUri }) };
      } catch (error) {
        if (error instanceof OAuthFlowError) {
          throw createGraphQLError(error.message, { extensions: { code: 'PROVIDER_UNAVAILABLE' } });
        }
        throw error;
      }
    },
  }),
  disconnectProvider: t.field({
    type: 'Boolean',
    description: 'Disconnects a provider: de-registers the user there and removes the stored tokens. Needs a WRITE key or a SELF_CONNECT user token. Returns whether the provider confirmed de-registration.',
    authScopes: { connect: true },
    args: {
      connectionId: t.arg.globalID({ required: true, for: ConnectionRef, description: 'The connection.' }),
      deleteData: t.arg.boolean({ required: true, description: "True deletes every record this provider brought for the user; false keeps them." }),
    },
    resolve: async (_root, args, ctx) => {
      const exists = await ctx.prisma.connection.count({ where: { id: args.connectionId.id } });
      if (!exists) throw createGraphQLError('No such connection', { extensions: { code: 'NOT_FOUND' } });
      const { deregistered } = await ctx.connections.disconnect(args.connectionId.id, { deleteData: args.deleteData });
      return deregistered;
    },
  }),
  resyncConnection: t.prismaField({
    type: SyncRunRef,
    description: 'Fetches a date range again (default: the backfill range, SYNC_BACKFILL_DAYS up to today) and updates what changed. Needs a WRITE key or a SELF_CONNECT user token.',
    authScopes: { connect: true },
    extensions: { maxRangeDays: RESYNC_MAX_DAYS },
    args: {
      connectionId: t.arg.globalID({ required: true, for: ConnectionRef, description: 'The connection.' }),
      from: t.arg({ type: 'LocalDate', description: 'First local date (default: SYNC_BACKFILL_DAYS ago).' }),
      to: t.arg({ type: 'LocalDate', description: 'Last local date (default: today).' }),
    },
    resolve: async (query, _root, args, ctx) => {
      const connection = await ctx.prisma.connection.findUnique({ where: { id: args.connectionId.id } });
      if (!connection) throw createGraphQLError('No such connection', { extensions: { code: 'NOT_FOUND' } });
      if (connection.status !== 'ACTIVE') throw badInput(`The connection is ${connection.status}; the user must connect again first.`);
      const today = new Date().toISOString().slice(0, 10);
      let window;
      if (args.from || args.to) {
        const from = args.from ?? today;
        const to = args.to ?? today;
        dateRange(from, to, RESYNC_MAX_DAYS);
        window = { from, to };
      }
      const run = await ctx.sync.requestSync(connection.id, 'RESYNC', { window });
      return ctx.prisma.syncRun.findUniqueOrThrow({ ...query, where: { id: run.id } });
    },
  }),
}));

builder.prismaObjectField('Connection', 'syncRuns', (t) =>
  t.relatedConnection('syncRuns', {
    cursor: 'id',
    description: 'Sync runs of this connection, newest first.',
    query: { orderBy: [{ startedAt: 'desc' }, { id: 'desc' }] },
  }),
);

void UserRef;
