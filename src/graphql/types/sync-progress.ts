import { createGraphQLError } from 'graphql-yoga';
import { watchSyncProgress, type SyncProgressEvent } from '../../sync/progress.js';
import { builder } from '../builder.js';
import { ConnectionRef } from './connection.js';

const SyncPhaseEnum = builder.enumType('SyncPhase', {
  description: 'PLANNED: windows queued. FETCHING: windows being fetched. DONE / FAILED: finished.',
  values: ['PLANNED', 'FETCHING', 'DONE', 'FAILED'] as const,
});

const SyncProgressRef = builder.objectRef<SyncProgressEvent>('SyncProgress').implement({
  description: "Progress of a connection's current (or last) sync run.",
  fields: (t) => ({
    runId: t.field({ type: 'ID', description: 'Global ID of the SyncRun.', resolve: (e) => Buffer.from(`SyncRun:${e.runId}`).toString('base64') }),
    kind: t.string({ description: 'BACKFILL, INCREMENTAL, WEBHOOK or RESYNC.', resolve: (e) => e.kind }),
    phase: t.field({ type: SyncPhaseEnum, description: 'Where the run is.', resolve: (e) => e.phase }),
    windowsDone: t.exposeInt('windowsDone', { description: 'Fetch windows finished.' }),
    windowsTotal: t.exposeInt('windowsTotal', { description: 'Fetch windows planned.' }),
    fetched: t.exposeInt('fetched', { description: 'Provider records fetched so far.' }),
    recordsWritten: t.exposeInt('recordsWritten', { description: 'Records created or updated so far.' }),
    skipped: t.exposeInt('skipped', { description: 'Records skipped so far (reasons on the SyncRun).' }),
    error: t.exposeString('error', { nullable: true, description: 'Why the run failed.' }),
    waitingUntil: t.expose('waitingUntil', {
      type: 'DateTime',
      nullable: true,
      description: "While a window waits for the provider's app-wide rate budget (shared by all users of this deployment): when it resumes.",
    }),
    awaiting: t.exposeStringList('awaiting', {
      description: 'Push providers (Garmin): the data types this run still waits for the provider to deliver (empty when none).',
    }),
    message: t.exposeString('message', { nullable: true, description: 'A line for people, e.g. "waiting for rate budget until 14:35 UTC".' }),
  }),
});

builder.subscriptionType({
  description: 'Live updates over server-sent events (or any transport yoga serves). A user token sees its own connections only.',
  authScopes: { read: true, connect: true },
});

builder.subscriptionField('syncProgress', (t) =>
  t.field({
    type: SyncProgressRef,
    description: "Streams the progress of the connection's current sync until it finishes (server-sent events), or until the API key or user token is revoked or expires.",
    args: { connectionId: t.arg.globalID({ required: true, for: ConnectionRef, description: 'The connection.' }) },
    subscribe: async function* (_root, args, ctx) {
      const exists = await ctx.prisma.connection.count({ where: { id: args.connectionId.id } });
      if (!exists) throw createGraphQLError('No such connection', { extensions: { code: 'NOT_FOUND' } });
      // Each poll also asks whether the credential still holds: revoking it ends the stream.
      const stillValid = () => ctx.principals.stillValid(ctx.principal);
      for await (const event of watchSyncProgress(ctx.prisma, args.connectionId.id, { stillValid })) {
        yield event;
      }
      if (!(await stillValid())) {
        throw createGraphQLError('Unauthorized: the API key or user token was revoked or has expired; the stream ended.', { extensions: { code: 'UNAUTHENTICATED' } });
      }
    },
    resolve: (event) => event,
  }),
);
