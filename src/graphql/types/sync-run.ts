import { SyncKind, SyncRunStatus } from '../../generated/prisma/enums.js';
import { formatLocalDate } from '../../normalize/time.js';
import { builder } from '../builder.js';

const SyncKindEnum = builder.enumType(SyncKind, {
  name: 'SyncKind',
  description: 'BACKFILL: history after connecting. INCREMENTAL: periodic. WEBHOOK: a provider notification. RESYNC: asked for by resyncConnection.',
});
const SyncRunStatusEnum = builder.enumType(SyncRunStatus, { name: 'SyncRunStatus', description: 'Whether the run is going, done or failed.' });

export const SyncRunRef = builder.prismaNode('SyncRun', {
  id: { field: 'id' },
  nullable: true, // node(id) / nodes(ids) of a record that does not exist answer null, not an error
  description: 'One sync of a connection, with what it fetched and stored.',
  fields: (t) => ({
    kind: t.expose('kind', { type: SyncKindEnum, description: 'Why it ran.' }),
    status: t.expose('status', { type: SyncRunStatusEnum, description: 'Running, succeeded or failed.' }),
    windowFrom: t.field({ type: 'LocalDate', description: 'First local date synced.', resolve: (r) => formatLocalDate(r.windowFrom) }),
    windowTo: t.field({ type: 'LocalDate', description: 'Last local date synced.', resolve: (r) => formatLocalDate(r.windowTo) }),
    dataTypes: t.exposeStringList('dataTypes', { description: 'Provider data types included.' }),
    windowsTotal: t.exposeInt('windowsTotal', { description: 'Fetch windows planned.' }),
    windowsDone: t.exposeInt('windowsDone', { description: 'Fetch windows finished.' }),
    fetched: t.exposeInt('fetched', { description: 'Provider records fetched.' }),
    created: t.exposeInt('created', { description: 'Fetched items stored for the first time (everything of a first backfill).' }),
    updated: t.exposeInt('updated', { description: 'Fetched items stored before whose normalized records changed.' }),
    unchanged: t.exposeInt('unchanged', { description: 'Fetched items stored before whose normalized records stayed the same.' }),
    skipped: t.exposeInt('skipped', { description: 'Fetched records that could not be used (see skippedReasons).' }),
    skippedReasons: t.expose('skippedReasons', {
      type: 'JSON',
      description: 'Why records were skipped or fields nulled: [{ dataType, providerRecordId, reason }] (first 200).',
    }),
    error: t.exposeString('error', { nullable: true, description: 'Why the run failed.' }),
    startedAt: t.expose('startedAt', { type: 'DateTime', description: 'Start.' }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true, description: 'End, when finished.' }),
    waitingUntil: t.expose('waitingUntil', {
      type: 'DateTime',
      nullable: true,
      description: "Set while a window waits for the provider's app-wide rate budget: when it resumes (a past instant once it did).",
    }),
  }),
});
