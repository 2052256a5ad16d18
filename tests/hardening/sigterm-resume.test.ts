/**
 * F11: SIGTERM while a sync job runs. The real server runs as a child process against a slowed
 * Polar fake; mid-backfill, with a window fetch in flight, it gets SIGTERM (not SIGKILL): it must
 * exit 0 after stopping pg-boss gracefully, leaving no job "active" (the in-flight job finished or
 * was released by pg-boss's graceful stop, so nobody waits for SYNC_JOB_TIMEOUT_SECONDS), and the
 * next process on the same database resumes the run to SUCCEEDED with exactly the records of an
 * undisturbed in-process backfill, without duplicates.
 */
import { databaseVariants } from '../support/databases.js';
import { useInterruptedBackfill } from '../support/interrupted-backfill.js';
import type { RecordSnapshot } from '../support/polar-resilience.js';
import { killAllServers, killServer } from '../support/server-process.js';

/**
 * Long: a job left "active" by the first process would be taken over only after this, so a run that
 * finishes well within it after the restart was resumed because the job was released.
 */
const JOB_TIMEOUT_SECONDS = 60;

afterAll(async () => {
  await killAllServers();
});

describe.each(databaseVariants())('SIGTERM while a sync job runs (%s)', (variant) => {
  const backfill = useInterruptedBackfill({ variant, days: 30, seed: 29, jobTimeoutSeconds: JOB_TIMEOUT_SECONDS, name: 'sigterm' });
  let baseline: RecordSnapshot;

  it('baseline: an undisturbed in-process backfill of the same fake data', async () => {
    baseline = await backfill.runBaseline('sigterm-baseline', { timeoutMs: 90_000 });
  }, 120_000);

  it('SIGTERM mid-backfill: exit 0, no job left active, the next process resumes to the same records, no duplicates', async () => {
    expect(baseline).toBeDefined();
    const t0 = Date.now();
    const first = await backfill.start();
    const { userId, connectionId } = await backfill.connectOverHttp(first, 'sigterm');

    const atTerm = await backfill.waitUntilMidBackfill(first, connectionId, 3);
    expect(atTerm.status).toBe('RUNNING');
    const termAt = Date.now();
    const exit = await killServer(first, 'SIGTERM', 40_000);
    const stopMs = Date.now() - termAt;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(first.output()).toContain('SIGTERM: stopped');

    // Between the processes: no window job is left "active" (pg-boss released or finished it).
    const db = await backfill.openDatabase();
    let between: { state: string; n: number }[];
    let runBetween: { windowsDone: number; windowsTotal: number; status: string };
    try {
      between = await db.query<{ state: string; n: number }>(`SELECT state::text AS state, count(*)::int AS n FROM pgboss.job WHERE name = 'sync-window' GROUP BY state ORDER BY state`);
      runBetween = await db.prisma.syncRun.findFirstOrThrow({ where: { connectionId } });
    } finally {
      await db.close();
    }
    expect(between.filter((s) => s.state === 'active')).toEqual([]);
    expect(runBetween.status).toBe('RUNNING');
    expect(runBetween.windowsDone).toBeLessThan(runBetween.windowsTotal);

    const restartAt = Date.now();
    const second = await backfill.start();
    const finished = await backfill.waitUntilFinished(second, connectionId, 90_000);
    const resumedMs = Date.now() - restartAt;
    expect(finished).toEqual({ kind: 'BACKFILL', status: 'SUCCEEDED', windowsDone: atTerm.windowsTotal, windowsTotal: atTerm.windowsTotal, error: null });
    // Resumed by release, not by the job-timeout takeover.
    expect(resumedMs).toBeLessThan(JOB_TIMEOUT_SECONDS * 1000);
    expect(await killServer(second, 'SIGTERM')).toEqual({ code: 0, signal: null });

    const after = await backfill.openDatabase();
    try {
      await backfill.expectBaselineRecords(after, userId, baseline);
    } finally {
      await after.close();
    }
    console.log(
      `[sigterm-resume ${variant}] SIGTERM at ${atTerm.windowsDone}/${atTerm.windowsTotal} windows; exit 0 after ${stopMs} ms; jobs between processes ${JSON.stringify(between)}; run at ${runBetween.windowsDone}/${runBetween.windowsTotal}; resumed to SUCCEEDED ${resumedMs} ms after restart; whole test ${Date.now() - t0} ms`,
    );
  }, 200_000);
});
