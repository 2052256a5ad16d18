/**
 * Writes what a fetch brought: the raw payloads first, then the normalized records mapped from
 * them, each upserted on (provider, userId, providerRecordId), a whole batch at a time
 * (storeItems). Running the same input twice changes nothing: an identical raw payload is
 * recognised and its records are left alone, and so is a record that already holds what a
 * payload maps to.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Prisma, PrismaClient } from '../generated/prisma/client.js';
import type { Provider } from '../generated/prisma/enums.js';
import type { MapOutcome, NormalizedRecord, ShareRecord } from '../normalize/records.js';
import type { RawItem } from '../providers/types.js';
import { earliestLocalDate, markScoresDirty } from '../derived/dirty.js';
import { formatLocalDate } from '../normalize/time.js';
import { workoutLinks, type LinkCandidate, type Span } from './duplicates.js';
import { measurementKey, planRecordWrites, TABLE_OF_KIND, type ExistingRecords, type RecordTable } from './record-plan.js';
import { columnTypes, insertHeartRateSamples, linkStatements, markNormalized, upsertMeasurements, upsertRawPayloads, upsertRows, type Owner } from './record-sql.js';
import { removeShares, shareStatements } from './share-sql.js';

export interface StoreCounts {
  fetched: number;
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
  skippedReasons: { dataType: string; providerRecordId: string; reason: string }[];
}

export const emptyCounts = (): StoreCounts => ({ fetched: 0, created: 0, updated: 0, unchanged: 0, skipped: 0, skippedReasons: [] });

export function addCounts(into: StoreCounts, from: StoreCounts): StoreCounts {
  into.fetched += from.fetched;
  into.created += from.created;
  into.updated += from.updated;
  into.unchanged += from.unchanged;
  into.skipped += from.skipped;
  into.skippedReasons.push(...from.skippedReasons);
  return into;
}

export type { Owner };

export interface StoreOptions {
  /** Re-map even an unchanged payload (replay after a mapper fix). */
  force?: boolean;
  /** Which provider's workout is primary when two overlap (PROVIDER_PRIORITY_WORKOUT). */
  workoutPriority?: readonly Provider[];
}

/** Maps one payload; the item is there for callers that store several data types at once (replay). */
export type PayloadMapper = (payload: unknown, item: RawItem) => MapOutcome;

const DEFAULT_WORKOUT_PRIORITY: readonly Provider[] = ['POLAR', 'OURA'];

/** Stores one raw item and its mapped records (a batch of one). */
export async function storeItem(prisma: PrismaClient, owner: Owner, item: RawItem, map: PayloadMapper, options: StoreOptions = {}): Promise<StoreCounts> {
  return storeItems(prisma, owner, [item], map, options);
}

/**
 * Stores a fetched batch: each raw payload, then the records mapped from it, each upserted on
 * (provider, userId, providerRecordId). Same rows and counts as storing the items one by one, in
 * a fixed number of statements per batch:
 *   read the stored payloads; read the stored rows of the record kinds (and overlapping workouts);
 *   commit 1: upsert the changed payloads (normalizedAt null);
 *   commit 2: the records, heart-rate samples, workout links and normalizedAt, in one transaction.
 * A crash before commit 2 leaves normalizedAt null, so the next sync maps those payloads again.
 * No interactive transaction: on PGlite the job queue shares the one connection, so only a
 * non-interactive one (no application code between its statements) is safe.
 */
export async function storeItems(prisma: PrismaClient, owner: Owner, items: readonly RawItem[], map: PayloadMapper, options: StoreOptions = {}): Promise<StoreCounts> {
  const counts = emptyCounts();
  for (const chunk of withDistinctKeys(items)) addCounts(counts, await storeChunk(prisma, owner, chunk, map, options));
  return counts;
}

const rawKeyOf = (item: { dataType: string; providerRecordId: string }) => `${item.dataType}\u0000${item.providerRecordId}`;

/** Splits the batch where a payload key repeats: one statement cannot upsert a row twice. */
function withDistinctKeys(items: readonly RawItem[]): RawItem[][] {
  const chunks: RawItem[][] = [];
  let current: RawItem[] = [];
  let keys = new Set<string>();
  for (const item of items) {
    const key = rawKeyOf(item);
    if (keys.has(key)) {
      chunks.push(current);
      current = [];
      keys = new Set();
    }
    keys.add(key);
    current.push(item);
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

interface ChangedPayload {
  index: number;
  item: RawItem;
  existed: boolean;
  outcome: MapOutcome;
}

async function storeChunk(prisma: PrismaClient, owner: Owner, items: RawItem[], map: PayloadMapper, options: StoreOptions): Promise<StoreCounts> {
  const counts = emptyCounts();
  const stored = await prisma.rawPayload.findMany({
    where: {
      provider: owner.provider,
      userId: owner.userId,
      dataType: { in: [...new Set(items.map((i) => i.dataType))] },
      providerRecordId: { in: [...new Set(items.map((i) => i.providerRecordId))] },
    },
    select: { dataType: true, providerRecordId: true, payload: true, normalizedAt: true },
  });
  const storedByKey = new Map(stored.map((s) => [rawKeyOf(s), s]));

  const changed: ChangedPayload[] = [];
  /** Shares the previous version of a revised payload wrote that its new version does not (a sample moved to another day). */
  const staleShares: ShareRecord[] = [];
  items.forEach((item, index) => {
    counts.fetched++;
    const existing = storedByKey.get(rawKeyOf(item));
    const same = existing !== undefined && isDeepStrictEqual(existing.payload, item.payload);
    if (existing?.normalizedAt && !options.force && same) {
      counts.unchanged++;
      return;
    }
    const outcome = safeMap(map, item);
    if (existing && !same && !options.force) staleShares.push(...sharesLeftBehind(safeMap(map, { ...item, payload: existing.payload as never }), outcome));
    if (!outcome.ok) {
      counts.skipped++;
      counts.skippedReasons.push({ dataType: item.dataType, providerRecordId: item.providerRecordId, reason: outcome.reason });
    } else {
      for (const issue of outcome.nulledFields) {
        counts.skippedReasons.push({ dataType: item.dataType, providerRecordId: item.providerRecordId, reason: `${issue.field} nulled: ${issue.reason}` });
      }
    }
    changed.push({ index, item, existed: existing !== undefined, outcome });
  });
  if (changed.length === 0) return counts;

  const mapped = changed.flatMap((c) => (c.outcome.ok ? [{ index: c.index, records: c.outcome.records }] : []));
  const plan = planRecordWrites(mapped, await readExistingRecords(prisma, owner, mapped));
  for (const refused of plan.refused) {
    const item = items[refused.payloadIndex];
    counts.skippedReasons.push({ dataType: item.dataType, providerRecordId: item.providerRecordId, reason: refused.reason });
  }
  const candidates = await readWorkoutCandidates(prisma, owner, plan.workouts);

  // Commit 1: the raw payloads. A payload with nothing to write is normalized in the same step.
  const hasWrites = new Set<number>([...plan.samples, ...plan.shares].map((s) => s.payloadIndex));
  // A payload whose old version left shares behind has writes (their removal) even if the new one maps to none.
  if (staleShares.length > 0) for (const c of changed) hasWrites.add(c.index);
  for (const m of plan.measurements.values()) hasWrites.add(m.payloadIndex);
  for (const rows of plan.rows.values()) for (const row of rows.values()) hasWrites.add(row.payloadIndex);
  const upserted = await upsertRawPayloads(
    prisma,
    owner,
    changed
      .map((c) => ({ dataType: c.item.dataType, providerRecordId: c.item.providerRecordId, payload: c.item.payload, done: !hasWrites.has(c.index) }))
      .sort((a, b) => (rawKeyOf(a) < rawKeyOf(b) ? -1 : rawKeyOf(a) > rawKeyOf(b) ? 1 : 0)),
  );
  const idByKey = new Map(upserted.map((r) => [rawKeyOf(r), r.id]));
  const payloadId = (index: number) => idByKey.get(rawKeyOf(items[index]))!;

  // Commit 2: the records, their links and normalizedAt.
  let samplesCreated = new Set<number>();
  const written = new Set<string>(); // rows inserted or changed, as rowKey(table, providerRecordId)
  if (hasWrites.size > 0) {
    const types = await columnTypes(prisma);
    // First the shares a revised payload no longer has (their rows recomputed, emptied ones deleted), then the new ones.
    const statements: Prisma.PrismaPromise<unknown>[] = removeShares(prisma, owner, staleShares);
    const rowStatements: { table: RecordTable; at: number }[] = [];
    for (const [table, rows] of plan.rows) {
      for (const statement of upsertRows(prisma, types, owner, table, rows.values(), payloadId)) rowStatements.push({ table, at: statements.push(statement) - 1 });
    }
    const samplesAt = plan.samples.length > 0 ? statements.push(insertHeartRateSamples(prisma, owner, plan.samples)) - 1 : -1;
    const measurementsAt = plan.measurements.size > 0 ? statements.push(upsertMeasurements(prisma, owner, plan.measurements.values(), payloadId)) - 1 : -1;
    for (const { table, statement } of shareStatements(prisma, owner, plan.shares, payloadId)) {
      const at = statements.push(statement) - 1;
      if (table) rowStatements.push({ table, at });
    }
    const priority = options.workoutPriority ?? DEFAULT_WORKOUT_PRIORITY;
    for (const workout of plan.workouts) {
      statements.push(...linkStatements(prisma, owner, workout.providerRecordId, workoutLinks({ provider: owner.provider, ...workout }, candidates, priority)));
    }
    statements.push(markNormalized(prisma, changed.filter((c) => hasWrites.has(c.index)).map((c) => payloadId(c.index))));
    // The user's scores are stale from the earliest date written (src/derived/), in the same commit.
    const staleFrom = earliestLocalDate([...mapped.flatMap((m) => m.records), ...staleShares.map((record) => ({ kind: 'share' as const, record }))]);
    if (staleFrom) statements.push(markScoresDirty(prisma, owner.userId, staleFrom));
    const results = await prisma.$transaction(statements);
    if (samplesAt >= 0) samplesCreated = new Set((results[samplesAt] as { p: number }[]).map((r) => Number(r.p)));
    for (const { table, at } of rowStatements) {
      for (const row of results[at] as { providerRecordId: string; changed: boolean }[]) if (row.changed) written.add(rowKey(table, row.providerRecordId));
    }
    if (measurementsAt >= 0) {
      for (const row of results[measurementsAt] as { metric: string; providerRecordId: string; changed: boolean }[]) {
        if (row.changed) written.add(rowKey('Measurement', measurementKey(row)));
      }
    }
  }

  // A payload counts once: created the first time it is stored; after that updated when one of
  // its records (or heart-rate samples) changed in the database, unchanged when none did (a
  // replay with no mapper change, or a revised payload that maps to the same records).
  const mappedAt = new Map(mapped.map((m) => [m.index, m.records]));
  for (const c of changed) {
    if (!c.outcome.ok) continue;
    if (!c.existed) counts.created++;
    else if (samplesCreated.has(c.index) || recordKeys(mappedAt.get(c.index) ?? []).some((key) => written.has(key))) counts.updated++;
    else counts.unchanged++;
  }
  return counts;
}

const rowKey = (table: RecordTable | 'Measurement', key: string) => `${table}\u0000${key}`;

function recordKeys(records: NormalizedRecord[]): string[] {
  return records.flatMap((r) =>
    r.kind === 'heartRate' ? []
    : r.kind === 'measurement' ? [rowKey('Measurement', measurementKey(r.record))]
    : r.kind === 'share' ? [rowKey(r.record.table, r.record.providerRecordId)]
    : [rowKey(TABLE_OF_KIND[r.kind], r.record.providerRecordId)],
  );
}

/** Per record table the batch writes: the stored rows' providerRecordIds (and extras, which parts merge into). */
async function readExistingRecords(prisma: PrismaClient, owner: Owner, mapped: { records: NormalizedRecord[] }[]): Promise<ExistingRecords> {
  const keys = new Map<RecordTable, Set<string>>();
  for (const { records } of mapped) {
    for (const record of records) {
      if (record.kind === 'heartRate' || record.kind === 'measurement' || record.kind === 'share') continue;
      const table = TABLE_OF_KIND[record.kind];
      const set = keys.get(table) ?? new Set<string>();
      set.add(record.record.providerRecordId);
      keys.set(table, set);
    }
  }
  const existing: ExistingRecords = new Map();
  for (const [table, ids] of keys) {
    const where = { provider: owner.provider, userId: owner.userId, providerRecordId: { in: [...ids] } };
    const rows: { providerRecordId: string; extras?: unknown }[] =
      table === 'Workout' ? await prisma.workout.findMany({ where, select: { providerRecordId: true } })
      : table === 'SleepSession' ? await prisma.sleepSession.findMany({ where, select: { providerRecordId: true } })
      : table === 'Recovery' ? await prisma.recovery.findMany({ where, select: { providerRecordId: true, extras: true } })
      : table === 'DailyActivity' ? await prisma.dailyActivity.findMany({ where, select: { providerRecordId: true, extras: true } })
      : await prisma.vo2MaxEstimate.findMany({ where, select: { providerRecordId: true } });
    existing.set(table, new Map(rows.map((r) => [r.providerRecordId, r.extras ?? null])));
  }
  return existing;
}

/** Other providers' workouts of the user that overlap any workout of the batch. */
async function readWorkoutCandidates(prisma: PrismaClient, owner: Owner, workouts: Span[]): Promise<LinkCandidate[]> {
  if (workouts.length === 0) return [];
  const from = new Date(Math.min(...workouts.map((w) => w.startTime.getTime())));
  const to = new Date(Math.max(...workouts.map((w) => w.endTime.getTime())));
  return prisma.workout.findMany({
    where: { userId: owner.userId, provider: { not: owner.provider }, startTime: { lt: to }, endTime: { gt: from } },
    select: { id: true, provider: true, startTime: true, endTime: true },
    orderBy: [{ startTime: 'asc' }, { id: 'asc' }],
  });
}

/** The shares `before` wrote that `after` does not write (same row and entry counts as kept). */
function sharesLeftBehind(before: MapOutcome, after: MapOutcome): ShareRecord[] {
  if (!before.ok) return [];
  const shares = (outcome: MapOutcome) => (outcome.ok ? outcome.records.flatMap((r) => (r.kind === 'share' ? [r.record] : [])) : []);
  const key = (s: ShareRecord) => `${s.table}\u0000${s.providerRecordId}\u0000${s.entryId}`;
  const kept = new Set(shares(after).map(key));
  return shares(before).filter((s) => !kept.has(key(s)));
}

function safeMap(map: PayloadMapper, item: RawItem): MapOutcome {
  try {
    return map(item.payload, item);
  } catch (error) {
    return { ok: false, reason: `mapper failed: ${(error as Error).message}` };
  }
}

/**
 * Removes the records of a provider object deleted at the source (delete events): every row filed
 * under its providerRecordId, and the heart-rate samples it brought (learned by mapping its stored
 * raw payloads again with `map`: samples carry no record id). The user's scores are marked stale
 * from the earliest local date the removed records belonged to, in the same transaction as the
 * deletion, so a deleted workout or night never keeps counting in a score.
 */
export async function deleteByProviderRecordId(prisma: PrismaClient, owner: Owner, providerRecordId: string, map: PayloadMapper): Promise<{ removed: number; staleFrom: string | null }> {
  const where = { ...owner, providerRecordId };
  const select = { localDate: true } as const;
  const [stored, ...found] = await Promise.all([
    prisma.rawPayload.findMany({ where, select: { dataType: true, providerRecordId: true, payload: true } }),
    prisma.workout.findMany({ where, select }),
    prisma.sleepSession.findMany({ where, select }),
    prisma.recovery.findMany({ where, select }),
    prisma.dailyActivity.findMany({ where, select }),
    prisma.vo2MaxEstimate.findMany({ where, select }),
    prisma.measurement.findMany({ where, select }),
  ]);
  const times: Date[] = [];
  for (const raw of stored) {
    const outcome = safeMap(map, { dataType: raw.dataType, providerRecordId: raw.providerRecordId, payload: raw.payload as never });
    if (outcome.ok) for (const record of outcome.records) if (record.kind === 'heartRate') times.push(...record.samples.map((s) => s.time));
  }
  const dates = found.flat().map((r) => formatLocalDate(r.localDate)).sort();
  const staleFrom = dates[0] ?? null;
  const deletes = [
    prisma.workout.deleteMany({ where }),
    prisma.sleepSession.deleteMany({ where }),
    prisma.recovery.deleteMany({ where }),
    prisma.dailyActivity.deleteMany({ where }),
    prisma.vo2MaxEstimate.deleteMany({ where }),
    prisma.measurement.deleteMany({ where }),
  ];
  const results = await prisma.$transaction([
    ...deletes,
    prisma.heartRateSample.deleteMany({ where: { ...owner, time: { in: times } } }),
    prisma.rawPayload.deleteMany({ where }),
    ...(staleFrom ? [markScoresDirty(prisma, owner.userId, staleFrom)] : []),
  ]);
  const removed = results.slice(0, deletes.length).reduce((sum: number, r) => sum + (r as { count: number }).count, 0);
  return { removed, staleFrom };
}

/**
 * Removes what a deleted source record brought (a HealthKit deleted object, a Health Connect
 * deletion): its stored raw payloads are mapped again (mappers are pure) to learn which rows,
 * heart-rate samples and shares came from them; those go, with the payloads, in one transaction.
 * Returns how many raw payloads were found (0: nothing was stored under that id).
 */
export async function deleteSourceRecords(prisma: PrismaClient, owner: Owner, providerRecordIds: readonly string[], map: PayloadMapper): Promise<number> {
  if (providerRecordIds.length === 0) return 0;
  const stored = await prisma.rawPayload.findMany({
    where: { ...owner, providerRecordId: { in: [...new Set(providerRecordIds)] } },
    select: { id: true, dataType: true, providerRecordId: true, payload: true },
  });
  if (stored.length === 0) return 0;
  const rows = new Map<string, Set<string>>();
  const times: Date[] = [];
  const shares: ShareRecord[] = [];
  const measurements: { metric: string; providerRecordId: string }[] = [];
  const records: NormalizedRecord[] = [];
  for (const raw of stored) {
    const outcome = safeMap(map, { dataType: raw.dataType, providerRecordId: raw.providerRecordId, payload: raw.payload as never });
    if (outcome.ok) records.push(...outcome.records);
  }
  for (const record of records) {
    if (record.kind === 'heartRate') times.push(...record.samples.map((s) => s.time));
    else if (record.kind === 'share') shares.push(record.record);
    else if (record.kind === 'measurement') measurements.push({ metric: record.record.metric, providerRecordId: record.record.providerRecordId });
    else {
      const table = TABLE_OF_KIND[record.kind];
      rows.set(table, (rows.get(table) ?? new Set()).add(record.record.providerRecordId));
    }
  }
  const ids = (table: RecordTable) => ({ ...owner, providerRecordId: { in: [...(rows.get(table) ?? [])] } });
  const staleFrom = earliestLocalDate(records);
  await prisma.$transaction([
    prisma.workout.deleteMany({ where: ids('Workout') }),
    prisma.sleepSession.deleteMany({ where: ids('SleepSession') }),
    prisma.recovery.deleteMany({ where: ids('Recovery') }),
    prisma.dailyActivity.deleteMany({ where: ids('DailyActivity') }),
    prisma.vo2MaxEstimate.deleteMany({ where: ids('Vo2MaxEstimate') }),
    prisma.measurement.deleteMany({ where: { ...owner, OR: measurements.length ? measurements : [{ id: '' }] } }),
    prisma.heartRateSample.deleteMany({ where: { ...owner, time: { in: times } } }),
    ...removeShares(prisma, owner, shares),
    prisma.rawPayload.deleteMany({ where: { id: { in: stored.map((s) => s.id) } } }),
    ...(staleFrom ? [markScoresDirty(prisma, owner.userId, staleFrom)] : []),
  ]);
  return stored.length;
}
