import type { PrismaClient } from '../../src/generated/prisma/client.js';

/** Waits until the user's scores are stored and no scores job waits or runs (nothing dirty, no run pending). */
export async function waitForScoresIdle(prisma: PrismaClient, userId: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [{ pending }] = await prisma.$queryRawUnsafe<{ pending: number }[]>(
      `SELECT ((SELECT count(*) FROM pgboss.job WHERE name LIKE 'scores-%' AND name <> 'scores-sweep' AND state < 'completed')
        + (SELECT count(*) FROM "ScoreDirty") + (SELECT count(*) FROM "ScoreRun" WHERE "status" = 'RUNNING'))::int AS pending`,
    );
    const stored = await prisma.dailyScore.count({ where: { userId } });
    if (pending === 0 && stored > 0) return;
    if (Date.now() > deadline) throw new Error(`scores jobs did not finish in time (pending ${pending}, stored ${stored})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
