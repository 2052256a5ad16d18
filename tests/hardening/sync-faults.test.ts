/**
 * Sync faults end to end (gateway in process, Polar fake on loopback):
 *   P8: bad payloads through a real backfill: an exercise with an absurd heart rate (field nulled)
 *       and one without a duration (skipped) next to good ones; SyncRun.skippedReasons names both
 *       over GraphQL and every other record of the batch is stored.
 *   F9: (PostgreSQL only: PGlite has no server connections to drop) the database drops the
 *       gateway's connections mid-backfill (pg_terminate_backend on the test's own database only);
 *       the run completes and the records equal an undisturbed baseline, without duplicates.
 */
import pg from 'pg';
import { databaseVariants } from '../support/databases.js';
import {
  assertNoDuplicates,
  connectionGlobalId,
  createAndConnect,
  duplicateReport,
  realToday,
  snapshotRecords,
  startResilienceStack,
  stopResilienceStack,
  waitFor,
  type RecordSnapshot,
  type ResilienceStack,
} from '../support/polar-resilience.js';
import { waitForSyncIdle } from '../support/sync.js';

const SYNC_RUNS = `query($id: ID!) { node(id: $id) { ... on Connection { syncRuns(first: 5) { edges { node { status skipped skippedReasons } } } } } }`;

describe.each(databaseVariants())('a bad payload through a real sync (%s)', (variant) => {
  let stack: ResilienceStack | undefined;
  afterEach(async () => {
    await stopResilienceStack(stack);
    stack = undefined;
  });

  it('P8: nulls an absurd heart rate, skips an exercise without duration, lists both in skippedReasons and stores the rest', async () => {
    const today = realToday();
    stack = await startResilienceStack(variant, { today, env: { SYNC_BACKFILL_DAYS: '10' }, fake: { days: 10, seed: 5 } });
    const polarUserId = stack.fake.createUser();
    stack.fake.setNextAuthorization({ polarUserId });
    const absurd = stack.fake.addExercise(polarUserId, { heart_rate: { average: 900, maximum: 950 } });
    const missing = stack.fake.addExercise(polarUserId, { duration: undefined } as never);
    const good = stack.fake.addExercise(polarUserId);
    expect(JSON.parse(JSON.stringify(missing)).duration).toBeUndefined();

    const user = await createAndConnect(stack, 'bad-payload');
    expect(user.polarUserId).toBe(polarUserId);
    const [run] = await waitForSyncIdle(stack.t.database.prisma, user.connectionId, { timeoutMs: 90_000 });
    expect({ status: run.status, error: run.error }).toEqual({ status: 'SUCCEEDED', error: null });

    // The gateway keys a Polar exercise by device and start time: find each one's key by its raw payload.
    const prisma = stack.t.database.prisma;
    const keyOf = async (fakeId: string) =>
      (await prisma.rawPayload.findFirstOrThrow({ where: { userId: user.userId, dataType: 'exercise', payload: { path: ['id'], equals: fakeId } } })).providerRecordId;
    const [absurdKey, missingKey, goodKey] = [await keyOf(absurd.id), await keyOf(missing.id), await keyOf(good.id)];

    const res = await stack.t.graphql(SYNC_RUNS, { id: connectionGlobalId(user.connectionId) });
    expect(res.body.errors).toBeUndefined();
    const [view] = res.body.data.node.syncRuns.edges.map((e: { node: unknown }) => e.node) as { status: string; skipped: number; skippedReasons: { dataType: string; providerRecordId: string; reason: string }[] }[];
    expect(view.status).toBe('SUCCEEDED');
    expect(view.skipped).toBe(1);
    expect(view.skippedReasons).toEqual(
      expect.arrayContaining([
        { dataType: 'exercise', providerRecordId: missingKey, reason: 'missing or invalid duration' },
        { dataType: 'exercise', providerRecordId: absurdKey, reason: 'heart_rate.average nulled: out of range [20, 250]: 900' },
        { dataType: 'exercise', providerRecordId: absurdKey, reason: 'heart_rate.maximum nulled: out of range [20, 250]: 950' },
      ]),
    );
    expect(view.skippedReasons.filter((r) => r.providerRecordId !== absurdKey && r.providerRecordId !== missingKey)).toEqual([]);

    // Every other record of the batch is stored: all exercises but the skipped one.
    const exercises = stack.fake.dataFor(polarUserId).exercises;
    const workouts = await prisma.workout.findMany({ where: { userId: user.userId } });
    expect(await prisma.rawPayload.count({ where: { userId: user.userId, dataType: 'exercise' } })).toBe(exercises.length);
    expect(workouts).toHaveLength(exercises.length - 1);
    expect(workouts.some((w) => w.providerRecordId === missingKey)).toBe(false);
    const absurdRow = workouts.find((w) => w.providerRecordId === absurdKey)!;
    expect({ avg: absurdRow.averageHeartRateBpm, max: absurdRow.maxHeartRateBpm }).toEqual({ avg: null, max: null });
    expect(absurdRow.durationSeconds).toBeGreaterThan(0);
    const goodRow = workouts.find((w) => w.providerRecordId === goodKey)!;
    expect({ avg: goodRow.averageHeartRateBpm, max: goodRow.maxHeartRateBpm }).toEqual({ avg: good.heart_rate.average, max: good.heart_rate.maximum });
    // The other data types of the backfill are all there too.
    expect(await prisma.sleepSession.count({ where: { userId: user.userId } })).toBeGreaterThan(3);
    expect(await prisma.heartRateSample.count({ where: { userId: user.userId } })).toBeGreaterThan(100);
    assertNoDuplicates(await duplicateReport(prisma, user.userId));
  }, 120_000);
});

const onPostgres = databaseVariants().includes('postgresql');

(onPostgres ? describe : describe.skip)('the database drops connections mid-sync (postgresql)', () => {
  const DAYS = 30;
  const ENV = { SYNC_BACKFILL_DAYS: String(DAYS), SYNC_JOB_TIMEOUT_SECONDS: '15' };
  const FAKE = { days: DAYS, seed: 13 };
  const SLOW_PATHS = ['/v3/users/activities', '/v3/users/continuous-heart-rate', '/v3/users/cardio-load', '/v3/users/biosensing', '/v3/exercises'];
  const today = realToday();
  let baseline: RecordSnapshot;
  let stack: ResilienceStack | undefined;
  afterEach(async () => {
    await stopResilienceStack(stack);
    stack = undefined;
  });

  it('baseline: an undisturbed backfill', async () => {
    stack = await startResilienceStack('postgresql', { today, env: ENV, fake: FAKE });
    const user = await createAndConnect(stack, 'f9-baseline');
    const [run] = await waitForSyncIdle(stack.t.database.prisma, user.connectionId, { timeoutMs: 90_000 });
    expect({ status: run.status, error: run.error, done: run.windowsDone }).toEqual({ status: 'SUCCEEDED', error: null, done: run.windowsTotal });
    baseline = await snapshotRecords(stack.t.database.prisma, user.userId);
    expect(baseline.heartRate.count).toBeGreaterThan(1000);
  }, 120_000);

  it('F9: pg_terminate_backend on the gateway\'s connections mid-backfill: the run completes with the same records, no duplicates', async () => {
    expect(baseline).toBeDefined();
    const started = Date.now();
    stack = await startResilienceStack('postgresql', { today, env: ENV, fake: FAKE });
    for (const prefix of SLOW_PATHS) stack.fake.faults.delayNext(1000, 400, prefix);
    const url = stack.t.database.url!;
    const user = await createAndConnect(stack, 'f9-terminated');
    const prisma = stack.t.database.prisma;
    const terminations: { atWindow: number; killed: number }[] = [];
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      // Three rounds while the backfill runs: every backend of THIS test database except our own.
      for (let round = 0; round < 3; round++) {
        const atWindow = await waitFor(
          `backfill progress for round ${round + 1}`,
          async () => {
            const run = await prisma.syncRun.findFirst({ where: { connectionId: user.connectionId } }).catch(() => null);
            return run && run.status === 'RUNNING' && run.windowsDone >= 2 + round * 3 && run.windowsDone < run.windowsTotal ? run.windowsDone + 1 : null;
          },
          { timeoutMs: 60_000, intervalMs: 100 },
        );
        const rows = await admin.query<{ pid: number; ok: boolean }>(
          'SELECT pid, pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
        );
        terminations.push({ atWindow: atWindow - 1, killed: rows.rows.filter((r) => r.ok).length });
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
    } finally {
      await admin.end();
    }
    expect(terminations.every((t) => t.killed > 0)).toBe(true);

    const runs = await waitFor(
      'the run to finish after the terminations',
      async () => {
        const all = await prisma.syncRun.findMany({ where: { connectionId: user.connectionId } }).catch(() => null);
        return all && all.length > 0 && all.every((r) => r.status !== 'RUNNING') ? all : null;
      },
      { timeoutMs: 120_000, intervalMs: 250 },
    );
    expect(runs).toHaveLength(1);
    expect({ status: runs[0].status, error: runs[0].error, done: runs[0].windowsDone }).toEqual({ status: 'SUCCEEDED', error: null, done: runs[0].windowsTotal });
    const after = await snapshotRecords(prisma, user.userId);
    expect(after).toEqual(baseline);
    assertNoDuplicates(await duplicateReport(prisma, user.userId));
    const logged = (text: string) => stack!.t.logLines.filter((l) => l.includes(text)).length;
    console.log(
      `[sync-faults F9] terminations ${JSON.stringify(terminations)}; window jobs retried ${logged('sync window failed; will retry')}, queue statements retried ${logged('job queue lost its database connection')}, queue errors ${logged('job queue error')}; ${runs[0].windowsTotal} windows, ${Date.now() - started} ms`,
    );
  }, 180_000);
});
