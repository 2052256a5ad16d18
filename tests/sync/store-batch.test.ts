/**
 * storeItems (a whole fetched batch in a few statements) against the reference it replaced: the
 * old one-payload-at-a-time storeItem (tests/sync/legacy-store.ts). Two users get the same
 * payloads, one through each path; their rows and counts must be identical at every step: first
 * ingest, unchanged re-run, changed payloads, a crash-like partial state, a batch repeating a key,
 * and a forced replay. Batches are cut two ways: per data type (as the fetchers yield them) and
 * mixed by date, so parts of one record (Polar sleep + Nightly Recharge + skin temperature) meet
 * in one batch.
 */
import { generateUser, mapperFor } from '../../bench/generate.js';
import type { Provider } from '../../src/generated/prisma/enums.js';
import type { RawItem } from '../../src/providers/types.js';
import { storeItems, type StoreCounts } from '../../src/sync/store.js';
import { databaseVariants, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { addCounts, emptyCounts, legacyStoreItem } from './legacy-store.js';

const PRIORITY = ['POLAR', 'OURA'] as const;
const mapFor = (provider: Provider) => (payload: unknown, item: RawItem) => mapperFor(provider as 'POLAR' | 'OURA', item.dataType)(payload);

type Batches = (items: RawItem[]) => RawItem[][];

function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** As the fetchers yield: one data type at a time, 25 items a batch. */
const perDataType: Batches = (items) => {
  const types = [...new Set(items.map((i) => i.dataType))];
  return types.flatMap((type) => chunks(items.filter((i) => i.dataType === type), 25));
};

/** Sorted by record id (mostly the date), 25 a batch: parts of one day's record share a batch. */
const mixedByDate: Batches = (items) => chunks([...items].sort((a, b) => a.providerRecordId.localeCompare(b.providerRecordId)), 25);

/** Every row of a user, with ids replaced by the natural keys they point at. */
async function snapshot(db: TestDatabase, userId: string) {
  const prisma = db.prisma;
  const raws = await prisma.rawPayload.findMany({ where: { userId } });
  const rawKey = new Map(raws.map((r) => [r.id, `${r.provider}/${r.dataType}/${r.providerRecordId}`]));
  const workoutKey = new Map((await prisma.workout.findMany({ where: { userId } })).map((w) => [w.id, `${w.provider}/${w.providerRecordId}`]));
  const clean = (rows: Record<string, unknown>[]) =>
    rows
      .map((row) => {
        const { id, userId: _u, createdAt, updatedAt, fetchedAt, normalizedAt, rawPayloadId, duplicateOfId, ...rest } = row;
        void id, _u, createdAt, updatedAt, fetchedAt;
        return JSON.parse(
          JSON.stringify({
            ...rest,
            ...(normalizedAt !== undefined ? { normalized: normalizedAt !== null } : {}),
            ...(rawPayloadId !== undefined ? { rawPayload: rawPayloadId === null ? null : rawKey.get(rawPayloadId as string) } : {}),
            ...(duplicateOfId !== undefined ? { duplicateOf: duplicateOfId === null ? null : workoutKey.get(duplicateOfId as string) } : {}),
          }),
        ) as Record<string, unknown>;
      })
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  const where = { where: { userId } };
  return {
    rawPayloads: clean(raws),
    workouts: clean(await prisma.workout.findMany(where)),
    sleeps: clean(await prisma.sleepSession.findMany(where)),
    recoveries: clean(await prisma.recovery.findMany(where)),
    activities: clean(await prisma.dailyActivity.findMany(where)),
    vo2: clean(await prisma.vo2MaxEstimate.findMany(where)),
    heartRate: clean(await prisma.heartRateSample.findMany(where)),
    measurements: clean(await prisma.measurement.findMany(where)),
  };
}

describe.each(databaseVariants())('storeItems, batch by batch, equals storeItem one by one (%s)', (variant) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(variant);
  });
  afterAll(() => db.close());

  const generated = generateUser(7, 0, '2026-06-30', 6);
  // Oura workouts recorded over two of the Polar exercises (> 80% overlap) and one that is not the same session.
  const ouraWorkout = (id: string, start: string, end: string, day: string): RawItem => {
    const template = generated.oura.find((i) => i.dataType === 'workout')!.payload as Record<string, unknown>;
    return { dataType: 'workout', providerRecordId: id, payload: { ...template, id, day, start_datetime: start, end_datetime: end } };
  };
  const data = {
    polar: generated.polar,
    oura: [
      ...generated.oura,
      ouraWorkout('dup-1', '2026-06-28T23:17:00+02:00', '2026-06-29T00:00:00+02:00', '2026-06-28'),
      ouraWorkout('dup-2', '2026-06-29T18:54:00+02:00', '2026-06-29T19:52:00+02:00', '2026-06-29'),
      ouraWorkout('no-dup', '2026-06-25T07:30:00+02:00', '2026-06-25T08:30:00+02:00', '2026-06-25'),
    ],
  };

  /** Stores the same batches for both users; returns each batch's counts from both paths. */
  async function storeBoth(users: { legacy: string; batch: string }, provider: Provider, batches: RawItem[][], force = false, priority: readonly Provider[] = PRIORITY) {
    const legacyCounts: StoreCounts[] = [];
    const batchCounts: StoreCounts[] = [];
    const map = mapFor(provider);
    for (const batch of batches) {
      const counts = emptyCounts();
      for (const item of batch) {
        addCounts(counts, await legacyStoreItem(db.prisma, { userId: users.legacy, provider }, item, (p) => map(p, item), { force, workoutPriority: priority }));
      }
      legacyCounts.push(counts);
      batchCounts.push(await storeItems(db.prisma, { userId: users.batch, provider }, batch, map, { force, workoutPriority: priority }));
    }
    return { legacy: legacyCounts, batch: batchCounts };
  }

  /**
   * The same counts from both paths. Updated vs unchanged may differ by a payload: the one-by-one
   * store sees a multi-part row whose parts disagree on a shared field flip and flip back inside a
   * batch, the batch writes it once; so those two are compared as their sum.
   */
  function expectSameCounts(counts: { legacy: StoreCounts[]; batch: StoreCounts[] }) {
    const comparable = (c: StoreCounts[]) => c.map(({ updated, unchanged, ...rest }) => ({ ...rest, storedBefore: updated + unchanged }));
    expect(comparable(counts.batch)).toEqual(comparable(counts.legacy));
  }

  async function expectSameRows(users: { legacy: string; batch: string }) {
    const [legacy, batch] = await Promise.all([snapshot(db, users.legacy), snapshot(db, users.batch)]);
    expect(batch).toEqual(legacy);
    return batch;
  }

  const total = (counts: StoreCounts[]) => counts.reduce((sum, c) => addCounts(sum, c), emptyCounts());

  it.each([
    ['per data type', perDataType],
    ['mixed by date', mixedByDate],
  ])('gives the same rows and counts at every step (%s batches)', async (_name, cut) => {
    const users = {
      legacy: (await db.prisma.user.create({ data: {} })).id,
      batch: (await db.prisma.user.create({ data: {} })).id,
    };

    // 1. First ingest, Polar then Oura (Oura's workouts link to Polar's as duplicates).
    for (const provider of ['POLAR', 'OURA'] as const) {
      const counts = await storeBoth(users, provider, cut(provider === 'POLAR' ? data.polar : data.oura));
      expectSameCounts(counts);
      expect(total(counts.batch).created).toBeGreaterThan(0);
    }
    const first = await expectSameRows(users);
    expect(first.workouts.filter((w) => w.duplicateOf).map((w) => `${w.providerRecordId} -> ${w.duplicateOf}`).sort()).toEqual([
      expect.stringMatching(/^dup-1 -> POLAR\//),
      expect.stringMatching(/^dup-2 -> POLAR\//),
    ]);
    expect(first.recoveries.filter((r) => r.provider === 'POLAR' && r.ansCharge !== null && r.sleepCharge !== null).length).toBeGreaterThan(0);
    expect(first.rawPayloads.every((r) => r.normalized)).toBe(true);

    // 2. The same payloads again: all unchanged, nothing written.
    for (const provider of ['POLAR', 'OURA'] as const) {
      const counts = await storeBoth(users, provider, cut(provider === 'POLAR' ? data.polar : data.oura));
      expectSameCounts(counts);
      expect(total(counts.batch).unchanged).toBe((provider === 'POLAR' ? data.polar : data.oura).length);
    }
    await expectSameRows(users);

    // 3. Revised payloads (a provider recomputed a night): updated, parts merged over the stored row.
    const revised = data.polar.map((item, i) =>
      i % 3 === 0 && typeof item.payload === 'object' && item.payload !== null && !Array.isArray(item.payload)
        ? { ...item, payload: { ...item.payload, _revision: i } }
        : item,
    );
    const revisedCounts = await storeBoth(users, 'POLAR', cut(revised));
    expectSameCounts(revisedCounts);
    expect(total(revisedCounts.batch).updated).toBeGreaterThan(0);
    const beforeCrash = await expectSameRows(users);

    // 4. A crash after the payloads, before their records: normalizedAt null, records missing.
    for (const userId of [users.legacy, users.batch]) {
      await db.prisma.rawPayload.updateMany({ where: { userId, provider: 'OURA', dataType: { in: ['workout', 'daily_readiness', 'heartrate', 'sleep'] } }, data: { normalizedAt: null } });
      await db.prisma.workout.deleteMany({ where: { userId, provider: 'OURA' } });
      await db.prisma.recovery.updateMany({ where: { userId, provider: 'OURA' }, data: { readinessScore: null } });
      await db.prisma.heartRateSample.deleteMany({ where: { userId, provider: 'OURA', time: { gte: new Date('2026-06-28T00:00:00Z') } } });
    }
    const resumed = await storeBoth(users, 'OURA', cut(data.oura));
    expectSameCounts(resumed);
    expect(total(resumed.batch).unchanged).toBeLessThan(data.oura.length);
    const afterCrash = await expectSameRows(users);
    // Same rows as before the crash; only which payload a multi-part row was last written from differs.
    const withoutPayloadLink = (snap: typeof afterCrash) => JSON.parse(JSON.stringify(snap, (k, v) => (k === 'rawPayload' ? undefined : v)));
    expect(withoutPayloadLink(afterCrash)).toEqual(withoutPayloadLink(beforeCrash));

    // 5. A batch that repeats a payload key (a page overlap), the second copy revised.
    const repeated = [...data.polar.slice(0, 5), { ...data.polar[1], payload: { ...(data.polar[1].payload as object), _again: true } }, ...data.polar.slice(5, 8)];
    const repeatedCounts = await storeBoth(users, 'POLAR', [repeated]);
    expectSameCounts(repeatedCounts);
    await expectSameRows(users);

    // 6. Forced replay of everything (a replay with no mapper change): re-mapped, same rows, and
    //    the counts say so (unchanged, not updated).
    for (const provider of ['POLAR', 'OURA'] as const) {
      const counts = await storeBoth(users, provider, cut(provider === 'POLAR' ? data.polar : data.oura), true);
      expectSameCounts(counts);
      const sum = total(counts.batch);
      expect(sum.created).toBe(0);
      // Before counts meant anything here, every payload was "updated". What still changes are the
      // multi-part rows whose parts disagree on a shared field (stored one data type at a time).
      expect(sum.unchanged).toBeGreaterThan(sum.updated * 3);
    }
    await expectSameRows(users);

    // 7. Replayed with Oura first: the links turn around (Polar's workouts point at Oura's).
    const turned = await storeBoth(users, 'OURA', cut(data.oura), true, ['OURA', 'POLAR']);
    expectSameCounts(turned);
    const last = await expectSameRows(users);
    expect(last.workouts.filter((w) => w.duplicateOf).map((w) => `${w.provider} -> ${w.duplicateOf}`)).toEqual(['POLAR -> OURA/dup-1', 'POLAR -> OURA/dup-2'].sort());
  }, 240_000);

  it('keeps every payload with normalizedAt null when the record writes fail', async () => {
    const userId = (await db.prisma.user.create({ data: {} })).id;
    const batch = data.polar.filter((i) => i.dataType === 'sleep').slice(0, 3);
    // A mapper bug that produces a value the column rejects: the records' transaction fails as a whole.
    const broken = (payload: unknown, item: RawItem) => {
      const outcome = mapperFor('POLAR', item.dataType)(payload);
      if (!outcome.ok) return outcome;
      return { ...outcome, records: outcome.records.map((r) => (r.kind === 'sleep' ? { ...r, record: { ...r.record, totalSleepSeconds: 1.5 } } : r)) };
    };
    await expect(storeItems(db.prisma, { userId, provider: 'POLAR' }, batch, broken)).rejects.toThrow();
    const raws = await db.prisma.rawPayload.findMany({ where: { userId } });
    expect(raws).toHaveLength(3);
    expect(raws.every((r) => r.normalizedAt === null)).toBe(true);
    expect(await db.prisma.sleepSession.count({ where: { userId } })).toBe(0);
    // The next sync maps them again (not "unchanged") and completes them.
    const counts = await storeItems(db.prisma, { userId, provider: 'POLAR' }, batch, (p, item) => mapperFor('POLAR', item.dataType)(p));
    expect(counts).toMatchObject({ fetched: 3, unchanged: 0, updated: 3 });
    expect(await db.prisma.sleepSession.count({ where: { userId } })).toBeGreaterThan(0);
    expect((await db.prisma.rawPayload.findMany({ where: { userId } })).every((r) => r.normalizedAt !== null)).toBe(true);
  });
});
