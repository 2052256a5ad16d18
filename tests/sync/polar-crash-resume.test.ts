/**
 * A worker killed mid-backfill resumes after a restart: the real server runs as a child process
 * (`node --import tsx src/main.ts`) against a Polar fake in this process, over real HTTP. The fake
 * is slowed down so the backfill takes a while; when some but not all windows are done the child
 * gets SIGKILL (no graceful shutdown, a window job in flight). A second process on the same database
 * takes the dead job over within a minute of the restart (issue 14, item 7: the default
 * SYNC_JOB_TIMEOUT_SECONDS of 900 s is not waited for): embedded, it releases the dead process's
 * active jobs at start (it owns DATA_DIR); on PostgreSQL, once the dead job's heartbeat is older
 * than STALE_SECONDS (src/sync/leases.ts). The run ends SUCCEEDED with exactly the records of an
 * undisturbed in-process backfill of the same fake data, and no duplicates.
 */
import type { RequestLogEntry } from '../fakes/polar/index.js';
import { databaseVariants } from '../support/databases.js';
import { syncRunsOver, useInterruptedBackfill } from '../support/interrupted-backfill.js';
import type { RecordSnapshot } from '../support/polar-resilience.js';
import { killAllServers, killServer } from '../support/server-process.js';

/** The production default: crash recovery must not depend on a short job timeout. */
const JOB_TIMEOUT_SECONDS = 900;

afterAll(async () => {
  await killAllServers();
});

describe.each(databaseVariants())('Polar backfill survives a killed worker (%s)', (variant) => {
  const backfill = useInterruptedBackfill({ variant, days: 60, seed: 23, jobTimeoutSeconds: JOB_TIMEOUT_SECONDS, name: 'crash' });
  let baseline: RecordSnapshot;

  it('baseline: an undisturbed in-process backfill of the same fake data', async () => {
    const started = Date.now();
    baseline = await backfill.runBaseline('crash-baseline', {
      timeoutMs: 120_000,
      inspect: ({ snapshot, stack, user }) => expect(snapshot.workouts.length).toBe(stack.fake.dataFor(user.polarUserId).exercises.length),
    });
    console.log(`[polar-crash ${variant}] baseline in process: ${Date.now() - started} ms`);
  }, 150_000);

  it('SIGKILL mid-backfill, restart on the same database: the run resumes and SUCCEEDS with the same records, no duplicates', async () => {
    expect(baseline).toBeDefined();
    const t0 = Date.now();
    const first = await backfill.start();
    const startedMs = Date.now() - t0;

    // Connect over real HTTP: connectProvider -> the fake's consent redirect -> our callback.
    const { userId, connectionId, callback } = await backfill.connectOverHttp(first, 'crash');
    expect(callback.origin).toBe(first.url);

    // Watch the backfill over GraphQL; kill the process when some but not all windows are done and
    // a window job is waiting for the (slow) fake, i.e. in the middle of its work.
    const fake = backfill.fake;
    const atKill = await backfill.waitUntilMidBackfill(first, connectionId, 4);
    expect(atKill.status).toBe('RUNNING');
    // Requests the process has in flight (the fake has not answered them yet) die with it.
    const inFlight: RequestLogEntry[] = fake.requests.filter((r) => r.status === 0).map((r) => ({ ...r }));
    const exit = await killServer(first, 'SIGKILL');
    expect(exit.signal).toBe('SIGKILL');
    expect(inFlight.length).toBeGreaterThan(0);
    const killedAt = Date.now();
    const logAtKill = fake.requests.length;
    console.log(
      `[polar-crash ${variant}] killed at ${atKill.windowsDone}/${atKill.windowsTotal} windows, ${Date.now() - t0} ms after spawn (start ${startedMs} ms); in flight: ${inFlight.map((r) => r.path).join(', ') || 'none'}`,
    );

    // A second process on the same database.
    const second = await backfill.start();
    const [stuck] = await syncRunsOver(second, connectionId);
    expect(stuck.status).toBe('RUNNING');
    expect(stuck.windowsDone).toBeGreaterThanOrEqual(atKill.windowsDone);
    expect(stuck.windowsDone).toBeLessThan(stuck.windowsTotal);
    const finished = await backfill.waitUntilFinished(second, connectionId, 90_000);
    const resumedMs = Date.now() - killedAt;
    // Within a minute of the kill (so of the restart too), not after the 900 s job timeout.
    expect(resumedMs).toBeLessThan(60_000);
    expect(finished).toEqual({ kind: 'BACKFILL', status: 'SUCCEEDED', windowsDone: atKill.windowsTotal, windowsTotal: atKill.windowsTotal, error: null });
    const runs = await syncRunsOver(second, connectionId);
    expect(runs).toHaveLength(1);

    // The window the dead process was fetching was fetched again by the new one.
    const after = fake.requests.slice(logAtKill);
    for (const lost of inFlight) {
      expect(after.some((r) => r.path === lost.path && JSON.stringify(r.query) === JSON.stringify(lost.query) && r.status === 200)).toBe(true);
    }

    // Stop gracefully, then look at the database directly.
    const stop = await killServer(second, 'SIGTERM');
    expect(stop).toEqual({ code: 0, signal: null });
    const db = await backfill.openDatabase();
    try {
      // Same records as the baseline, no duplicates, nothing left behind in the queue.
      await backfill.expectBaselineRecords(db, userId, baseline);
      const run = await db.prisma.syncRun.findFirstOrThrow({ where: { connectionId } });
      expect(run.windowsDone).toBe(run.windowsTotal);
      const connection = await db.prisma.connection.findUniqueOrThrow({ where: { id: connectionId } });
      expect({ status: connection.status, lastError: connection.lastError }).toEqual({ status: 'ACTIVE', lastError: null });
      expect(connection.lastSyncedAt).not.toBeNull();
    } finally {
      await db.close();
    }
    console.log(`[polar-crash ${variant}] kill -> run SUCCEEDED after restart: ${resumedMs} ms; whole test ${Date.now() - t0} ms`);
  }, 240_000);
});
