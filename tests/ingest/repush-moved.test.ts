/**
 * A record re-pushed with other times takes its share with it: a Health Connect StepsRecord moved
 * to the next day leaves nothing on the day it left (the day keeps the other records' steps, or
 * is removed when none is left), and the scores are marked stale from the day it left.
 */
import { ingestBatch } from '../../src/ingest/service.js';
import { deviceProviderById } from '../../src/providers/registry.js';
import { databaseVariants, openTestDatabase, type TestDatabase } from '../support/databases.js';

const steps = (id: string, day: string, count: number) => ({
  recordType: 'StepsRecord',
  metadata: { id, dataOrigin: { packageName: 'com.example.pedometer' }, lastModifiedTime: `${day}T12:00:00Z` },
  startTime: `${day}T08:00:00+02:00`,
  startZoneOffset: '+02:00',
  endTime: `${day}T08:30:00+02:00`,
  endZoneOffset: '+02:00',
  count,
});

describe.each(databaseVariants())('a re-pushed record moved to another day (%s)', (variant) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(variant);
  }, 60_000);
  afterAll(() => db?.close());

  it('leaves no share on the day it left', async () => {
    const userId = (await db.prisma.user.create({ data: { externalId: `moved-${variant}` } })).id;
    const hc = deviceProviderById('HEALTH_CONNECT');
    const push = (...records: unknown[]) => ingestBatch(db.prisma, userId, hc, { schemaVersion: 1, records });
    const days = async () =>
      (await db.prisma.dailyActivity.findMany({ where: { userId }, orderBy: { localDate: 'asc' }, select: { localDate: true, steps: true } })).map((d) => [d.localDate.toISOString().slice(0, 10), d.steps]);

    await push(steps('a', '2026-06-10', 500), steps('b', '2026-06-10', 100));
    expect(await days()).toEqual([['2026-06-10', 600]]);
    await db.prisma.scoreDirty.deleteMany({ where: { userId } });

    // "a" was really on the 11th: the 10th keeps b's 100, the 11th has a's 500.
    const moved = await push(steps('a', '2026-06-11', 500));
    expect({ created: moved.created, updated: moved.updated }).toEqual({ created: 0, updated: 1 });
    expect(await days()).toEqual([['2026-06-10', 100], ['2026-06-11', 500]]);
    // The scores are stale from the day the steps left, not only from the day they arrived.
    expect((await db.prisma.scoreDirty.findUniqueOrThrow({ where: { userId } })).fromDate.toISOString().slice(0, 10)).toBe('2026-06-10');

    // b follows: nothing is left on the 10th, so its row goes.
    await push(steps('b', '2026-06-11', 100));
    expect(await days()).toEqual([['2026-06-11', 600]]);
    // Pushing the same again changes nothing.
    const again = await push(steps('a', '2026-06-11', 500), steps('b', '2026-06-11', 100));
    expect({ unchanged: again.unchanged, updated: again.updated }).toEqual({ unchanged: 2, updated: 0 });
    expect(await days()).toEqual([['2026-06-11', 600]]);
  }, 60_000);
});
