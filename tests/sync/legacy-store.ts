/**
 * REFERENCE ONLY: src/sync/store.ts as it was before storeItems (one payload at a time, every
 * statement committed on its own). tests/sync/store-batch.test.ts checks the batch path against
 * it and bench/ingest-inprocess.ts measures it as "before". Not used by the application.
 *
 * Writes what a fetch brought: the raw payload first, then the normalized records mapped from it,
 * each upserted on (provider, userId, providerRecordId). Running the same input twice changes
 * nothing: an identical raw payload is recognised and its records are left alone.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Prisma, PrismaClient } from '../../src/generated/prisma/client.js';
import type { Provider } from '../../src/generated/prisma/enums.js';
import type { HeartRateSampleRecord, MapOutcome, NormalizedRecord } from '../../src/normalize/records.js';
import type { RawItem } from '../../src/providers/types.js';
import { emptyCounts, type StoreCounts } from '../../src/sync/store.js';
import { linkWorkoutDuplicates } from '../../src/sync/duplicates.js';
import { measurementProblem } from '../../src/measurements/catalogue.js';

export { addCounts, emptyCounts, type StoreCounts } from '../../src/sync/store.js';

interface Owner {
  userId: string;
  provider: Provider;
}

type Tx = PrismaClient;

export interface StoreOptions {
  /** Re-map even an unchanged payload (replay after a mapper fix). */
  force?: boolean;
  /** Which provider's workout is primary when two overlap (PROVIDER_PRIORITY_WORKOUT). */
  workoutPriority?: readonly Provider[];
}

const DEFAULT_WORKOUT_PRIORITY: readonly Provider[] = ['POLAR', 'OURA'];

/**
 * Parts of one record keep their extras under their own top-level keys; a part must not erase
 * what another part stored, so extras are merged shallowly.
 */
function withMergedExtras(data: never, existingExtras: unknown): never {
  const record = data as { extras?: unknown };
  if (!existingExtras || typeof existingExtras !== 'object' || record.extras === undefined) return data;
  return { ...record, extras: { ...(existingExtras as object), ...((record.extras as object) ?? {}) } } as never;
}

/**
 * Heart-rate samples of one payload in one statement with seven array parameters, existing
 * (userId, provider, time) left alone. Same effect as heartRateSample.createMany({ skipDuplicates })
 * but about 10x faster: Prisma builds and binds createMany row by row (a day of Oura heart rate is
 * 2,000+ parameters), which made heart rate most of the ingest time (bench/README.md).
 */
async function insertHeartRateSamples(tx: Tx, owner: Owner, samples: HeartRateSampleRecord[]): Promise<number> {
  return tx.$executeRawUnsafe(
    `INSERT INTO "HeartRateSample" ("userId", "provider", "time", "utcOffsetMinutes", "bpm", "context", "sourceDevice")
     SELECT $1, CAST($2 AS "Provider"), s.t, s.o, s.b, s.c, s.d
     FROM unnest($3::timestamptz[], $4::int[], $5::int[], $6::text[], $7::text[]) AS s(t, o, b, c, d)
     ON CONFLICT DO NOTHING`,
    owner.userId,
    owner.provider,
    samples.map((s) => s.time.toISOString()),
    samples.map((s) => s.utcOffsetMinutes),
    samples.map((s) => s.bpm),
    samples.map((s) => s.context),
    samples.map((s) => s.sourceDevice),
  );
}

/** Whether an upsert changed the record: created, or a column other than updatedAt and rawPayloadId now differs. */
function rowChanged(before: Record<string, unknown> | null, after: Record<string, unknown>): boolean {
  if (!before) return true;
  const { updatedAt: _b, rawPayloadId: _rb, ...was } = before;
  const { updatedAt: _a, rawPayloadId: _ra, ...now } = after;
  return !isDeepStrictEqual(was, now);
}

/** Upserts one normalized record; returns whether the database row changed (created or updated). */
async function upsertRecord(tx: Tx, owner: Owner, rawPayloadId: string, item: NormalizedRecord, options: StoreOptions): Promise<boolean> {
  if (item.kind === 'heartRate') {
    if (item.samples.length === 0) return false;
    const count = await insertHeartRateSamples(tx, owner, item.samples);
    return count > 0;
  }
  if (item.kind === 'measurement') {
    if (measurementProblem(item.record.metric, item.record.value)) return false;
    const where = { provider_userId_metric_providerRecordId: { provider: owner.provider, userId: owner.userId, metric: item.record.metric, providerRecordId: item.record.providerRecordId } };
    const data = { ...item.record, ...owner, rawPayloadId };
    const existing = await tx.measurement.findUnique({ where });
    return rowChanged(existing, await tx.measurement.upsert({ where, create: data, update: data }));
  }
  const key = { provider: owner.provider, userId: owner.userId, providerRecordId: item.record.providerRecordId };
  const where = { provider_userId_providerRecordId: key };
  const data = { ...item.record, ...owner, rawPayloadId } as never;
  switch (item.kind) {
    case 'workout': {
      const existing = await tx.workout.findUnique({ where });
      const workout = await tx.workout.upsert({ where, create: data, update: data });
      await linkWorkoutDuplicates(tx, workout, options.workoutPriority ?? DEFAULT_WORKOUT_PRIORITY);
      return rowChanged(existing, workout);
    }
    case 'sleep': {
      const existing = await tx.sleepSession.findUnique({ where });
      return rowChanged(existing, await tx.sleepSession.upsert({ where, create: data, update: data }));
    }
    case 'recovery':
    case 'recoveryPart': {
      const existing = await tx.recovery.findUnique({ where });
      const merged = withMergedExtras(data, item.kind === 'recoveryPart' ? existing?.extras : undefined);
      return rowChanged(existing, await tx.recovery.upsert({ where, create: merged, update: merged }));
    }
    case 'dailyActivity':
    case 'dailyActivityPart': {
      const existing = await tx.dailyActivity.findUnique({ where });
      const merged = withMergedExtras(data, item.kind === 'dailyActivityPart' ? existing?.extras : undefined);
      return rowChanged(existing, await tx.dailyActivity.upsert({ where, create: merged, update: merged }));
    }
    case 'vo2Max': {
      const existing = await tx.vo2MaxEstimate.findUnique({ where });
      return rowChanged(existing, await tx.vo2MaxEstimate.upsert({ where, create: data, update: data }));
    }
    case 'share':
      throw new Error('the legacy store predates shares');
  }
}

/**
 * Stores one raw item and its mapped records in one transaction: either both land or neither.
 * `force` re-maps even an unchanged payload (replay after a mapper fix).
 */
export async function legacyStoreItem(
  prisma: PrismaClient,
  owner: Owner,
  item: RawItem,
  map: (payload: unknown) => MapOutcome,
  options: StoreOptions = {},
): Promise<StoreCounts> {
  const counts = emptyCounts();
  counts.fetched = 1;
  const rawKey = { provider: owner.provider, userId: owner.userId, dataType: item.dataType, providerRecordId: item.providerRecordId };
  const existing = await prisma.rawPayload.findUnique({ where: { provider_userId_dataType_providerRecordId: rawKey } });
  if (existing?.normalizedAt && !options.force && isDeepStrictEqual(existing.payload, item.payload)) {
    counts.unchanged = 1;
    return counts;
  }
  const outcome = safeMap(map, item.payload);
  if (!outcome.ok) {
    counts.skipped = 1;
    counts.skippedReasons.push({ dataType: item.dataType, providerRecordId: item.providerRecordId, reason: outcome.reason });
  } else {
    for (const issue of outcome.nulledFields) {
      counts.skippedReasons.push({ dataType: item.dataType, providerRecordId: item.providerRecordId, reason: `${issue.field} nulled: ${issue.reason}` });
    }
  }
  // No interactive transaction (PGlite shares one connection with the job queue). Crash safety
  // comes from order instead: payload, then records, then normalizedAt. A crash before the last
  // step leaves normalizedAt null, so the next sync maps the payload again (upserts are idempotent).
  const raw = await prisma.rawPayload.upsert({
    where: { provider_userId_dataType_providerRecordId: rawKey },
    create: { ...rawKey, payload: item.payload as Prisma.InputJsonValue },
    update: { payload: item.payload as Prisma.InputJsonValue, fetchedAt: new Date(), normalizedAt: null },
    // Only the id is used: returning the row would send the payload back and parse it again.
    select: { id: true },
  });
  if (outcome.ok) {
    let changed = false;
    for (const record of outcome.records) {
      if (await upsertRecord(prisma, owner, raw.id, record, options)) changed = true;
    }
    // A payload counts once: created the first time it is stored, then updated when a record of it
    // changed, unchanged when none did (the counts' meaning since issue 13, item 5).
    if (!existing) counts.created = 1;
    else if (changed) counts.updated = 1;
    else counts.unchanged = 1;
  }
  await prisma.rawPayload.update({ where: { id: raw.id }, data: { normalizedAt: new Date() }, select: { id: true } });
  return counts;
}

function safeMap(map: (payload: unknown) => MapOutcome, payload: unknown): MapOutcome {
  try {
    return map(payload);
  } catch (error) {
    return { ok: false, reason: `mapper failed: ${(error as Error).message}` };
  }
}
