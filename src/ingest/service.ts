/**
 * Stores one pushed batch for one user: the envelope is checked as a whole (a bad envelope
 * writes nothing), every record on its own (a refused record is reported with its errors and
 * nothing of it is written; the others go ahead), then the accepted records go through the same
 * store as fetched payloads (raw payload kept, idempotent by the platform's record id, mapped by
 * the provider's pure mappers), then the deletions.
 */
import type { PrismaClient } from '../generated/prisma/client.js';
import type { Provider } from '../generated/prisma/enums.js';
import type { DeviceProvider, RawItem } from '../providers/types.js';
import { deleteSourceRecords, storeItems, type StoreCounts } from '../sync/store.js';
import { PLATFORMS, type Platform } from './contract.js';

export interface RecordError {
  /** Index of the record in `records`. */
  index: number;
  /** Its id, when it could be read. */
  id: string | null;
  errors: string[];
}

export interface IngestReport {
  schemaVersion: 1;
  /** Records taken (stored, or already there unchanged). */
  accepted: number;
  /** Records refused, with why; nothing of them was written. */
  refused: RecordError[];
  /** Of the accepted: first stored, stored again with changes, already stored as sent, kept raw but not mapped. */
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
  /** Accepted records (or fields) the mapper could not use, with why (kept raw; a replay maps them after a fix). */
  notes: { type: string; id: string; reason: string }[];
  deleted: { requested: number; found: number };
}

export class BatchRejected extends Error {
  constructor(readonly issues: string[]) {
    super(`batch refused: ${issues.join('; ')}`);
  }
}

const MAX_NOTES = 200;

function describe(error: { issues: { path: PropertyKey[]; message: string }[] }): string[] {
  return error.issues.slice(0, 10).map((i) => `${i.path.length ? `${i.path.map(String).join('.')}: ` : ''}${i.message}`);
}

/** The connection row of a device provider (no tokens; it names the platform on User.connections and carries the SyncRuns of imports). */
export async function deviceConnection(prisma: PrismaClient, userId: string, provider: Provider): Promise<{ id: string }> {
  return prisma.connection.upsert({
    where: { userId_provider: { userId, provider } },
    create: { userId, provider, status: 'ACTIVE', scopes: [], lastSyncedAt: new Date() },
    update: { lastSyncedAt: new Date(), status: 'ACTIVE' },
    select: { id: true },
  });
}

export interface IngestOptions {
  workoutPriority?: readonly Provider[];
}

export async function ingestBatch(prisma: PrismaClient, userId: string, provider: DeviceProvider, body: unknown, options: IngestOptions = {}): Promise<IngestReport> {
  const platform = PLATFORMS[provider.slug as Platform];
  if (!platform) throw new Error(`no push contract for ${provider.slug}`);
  const envelope = platform.batch.safeParse(body);
  if (!envelope.success) throw new BatchRejected(describe(envelope.error));
  const { records, deleted } = envelope.data;

  const refused: RecordError[] = [];
  const items: RawItem[] = [];
  records.forEach((raw, index) => {
    const parsed = platform.record.safeParse(raw);
    if (!parsed.success) {
      const candidate = raw as { uuid?: unknown; uid?: unknown; metadata?: { id?: unknown } } | null;
      const id = candidate?.uuid ?? candidate?.uid ?? candidate?.metadata?.id;
      refused.push({ index, id: typeof id === 'string' ? id : null, errors: describe(parsed.error) });
      return;
    }
    const record = parsed.data as never;
    // The record as sent is what is kept (the raw payload replay maps again).
    items.push({ dataType: platform.typeOf(record), providerRecordId: platform.idOf(record), payload: raw as never });
  });

  const owner = { userId, provider: provider.id };
  const report: IngestReport = { schemaVersion: 1, accepted: items.length, refused, created: 0, updated: 0, unchanged: 0, skipped: 0, notes: [], deleted: { requested: deleted.length, found: 0 } };
  if (items.length === 0 && deleted.length === 0) return report;
  await deviceConnection(prisma, userId, provider.id);
  if (items.length) {
    const counts: StoreCounts = await storeItems(prisma, owner, items, (payload, item) => provider.map(item.dataType, payload), { workoutPriority: options.workoutPriority });
    Object.assign(report, { created: counts.created, updated: counts.updated, unchanged: counts.unchanged, skipped: counts.skipped });
    report.notes = counts.skippedReasons.slice(0, MAX_NOTES).map((r) => ({ type: r.dataType, id: r.providerRecordId, reason: r.reason }));
  }
  if (deleted.length) {
    report.deleted.found = await deleteSourceRecords(prisma, owner, deleted.map((d) => d.id), (payload, item) => provider.map(item.dataType, payload));
  }
  return report;
}
