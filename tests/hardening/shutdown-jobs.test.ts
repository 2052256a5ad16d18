/**
 * Issue 13 item 8 (jobs): app.close() while a job handler runs longer than pg-boss's own 10 s stop
 * timeout. The handler finishes (and reads the database) before the database closes; the job ends
 * completed, not failed by the queue's shutdown.
 */
import { databaseVariants } from '../support/databases.js';
import { createTestApp } from '../support/test-app.js';

const QUEUE = 'test-slow-job';
const HOLD_MS = 11_000;

describe.each(databaseVariants())('a job running at shutdown (%s)', (variant) => {
  it('finishes before pg-boss stops and the database closes', async () => {
    const t = await createTestApp(variant, { SYNC_POLLING_INTERVAL_SECONDS: '1' }, { workers: true });
    let started = false;
    let outcome: string | null = null;
    await t.app.boss.createQueue(QUEUE);
    await t.app.boss.work(QUEUE, { pollingIntervalSeconds: 1 }, async () => {
      started = true;
      await new Promise((resolve) => setTimeout(resolve, HOLD_MS));
      try {
        const rows = await t.app.database.prisma.$queryRawUnsafe<{ n: number }[]>('SELECT count(*)::int AS n FROM "User"');
        outcome = `read ${rows.length} row`;
      } catch (error) {
        outcome = `failed: ${(error as Error).message}`;
        throw error;
      }
    });
    const jobId = await t.app.boss.send(QUEUE, {});
    const deadline = Date.now() + 20_000;
    while (!started) {
      if (Date.now() > deadline) throw new Error('the job did not start');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const closing = Date.now();
    await t.app.close();
    expect(outcome).toBe('read 1 row');
    // close() waited for the handler (it was held HOLD_MS from its start, which came before close()).
    expect(Date.now() - closing).toBeGreaterThan(HOLD_MS - 2_000);
    expect(t.logLines.filter((l) => /ERROR|jobs still running/.test(l))).toEqual([]);
    expect(jobId).toBeTruthy();
  }, 60_000);
});
