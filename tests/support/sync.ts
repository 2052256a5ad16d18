import type { PrismaClient, SyncRun } from '../../src/generated/prisma/client.js';

/** Waits until the connection has at least `minRuns` runs and none is still running. */
export async function waitForSyncIdle(prisma: PrismaClient, connectionId: string, options: { minRuns?: number; timeoutMs?: number } = {}): Promise<SyncRun[]> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    const runs = await prisma.syncRun.findMany({ where: { connectionId }, orderBy: { startedAt: 'asc' } });
    if (runs.length >= (options.minRuns ?? 1) && runs.every((r) => r.status !== 'RUNNING')) return runs;
    if (Date.now() > deadline) {
      throw new Error(`sync did not finish in time: ${JSON.stringify(runs.map((r) => ({ kind: r.kind, status: r.status, done: r.windowsDone, total: r.windowsTotal, error: r.error })))}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Counts of every normalized table, for "nothing changed" / "no duplicates" assertions. */
export async function recordCounts(prisma: PrismaClient, userId: string) {
  const where = { userId };
  const [workouts, sleep, recovery, activity, vo2, heartRate, raw] = await Promise.all([
    prisma.workout.count({ where }),
    prisma.sleepSession.count({ where }),
    prisma.recovery.count({ where }),
    prisma.dailyActivity.count({ where }),
    prisma.vo2MaxEstimate.count({ where }),
    prisma.heartRateSample.count({ where }),
    prisma.rawPayload.count({ where }),
  ]);
  return { workouts, sleep, recovery, activity, vo2, heartRate, raw };
}
