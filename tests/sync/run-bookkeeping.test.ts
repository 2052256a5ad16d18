/**
 * SyncRun bookkeeping when several window jobs of one run finish at once: every window counted
 * exactly once, and every window's skip reasons kept (up to the bound), whatever the interleaving.
 */
import { databaseVariants } from '../support/databases.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { emptyCounts, type StoreCounts } from '../../src/sync/store.js';

type FinishWindow = (job: { runId: string; connectionId: string; dataType: string; from: string; to: string }, counts: StoreCounts, error: string | null) => Promise<void>;

function countsWith(reasons: number, tag: string): StoreCounts {
  const counts = emptyCounts();
  counts.fetched = reasons;
  counts.skipped = reasons;
  for (let i = 0; i < reasons; i++) counts.skippedReasons.push({ dataType: tag, providerRecordId: `${tag}-${i}`, reason: 'bad value' });
  return counts;
}

describe.each(databaseVariants())('SyncRun window bookkeeping (%s)', (variant) => {
  let t: TestApp;
  let finishWindow: FinishWindow;
  beforeAll(async () => {
    t = await createTestApp(variant, {}, { workers: false });
    finishWindow = (t.app.sync as unknown as { finishWindow: FinishWindow }).finishWindow.bind(t.app.sync);
  }, 60_000);
  afterAll(() => t.close());

  async function newRun(windowsTotal: number) {
    const prisma = t.app.database.prisma;
    const user = await prisma.user.create({ data: {} });
    const connection = await prisma.connection.create({ data: { userId: user.id, provider: 'POLAR', providerUserId: `p-${user.id}`, scopes: [] } });
    const run = await prisma.syncRun.create({
      data: { connectionId: connection.id, kind: 'BACKFILL', windowFrom: new Date('2026-01-01'), windowTo: new Date('2026-01-31'), dataTypes: ['a', 'b', 'c'], windowsTotal },
    });
    const job = (dataType: string) => ({ runId: run.id, connectionId: connection.id, dataType, from: '2026-01-01', to: '2026-01-31' });
    return { run, job, read: () => prisma.syncRun.findUniqueOrThrow({ where: { id: run.id } }) };
  }

  it('keeps the reasons of concurrently finishing windows and counts a repeated window once', async () => {
    const { job, read } = await newRun(3);
    await Promise.all([
      finishWindow(job('a'), countsWith(3, 'a'), null),
      finishWindow(job('b'), countsWith(4, 'b'), null),
      finishWindow(job('a'), countsWith(3, 'a'), null), // the same window again (a job run twice)
    ]);
    let run = await read();
    expect(run.windowsDone).toBe(2);
    expect(run.fetched).toBe(7);
    expect(run.skipped).toBe(7);
    const ids = (run.skippedReasons as { providerRecordId: string }[]).map((r) => r.providerRecordId).sort();
    expect(ids).toEqual(['a-0', 'a-1', 'a-2', 'b-0', 'b-1', 'b-2', 'b-3']);
    expect(run.status).toBe('RUNNING');

    await finishWindow(job('c'), emptyCounts(), 'c failed: provider outage');
    run = await read();
    expect(run.windowsDone).toBe(3);
    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('c failed: provider outage');
  });

  it('bounds the reasons to the first 200', async () => {
    const { job, read } = await newRun(2);
    await finishWindow(job('a'), countsWith(150, 'a'), null);
    await finishWindow(job('b'), countsWith(150, 'b'), null);
    const run = await read();
    const reasons = run.skippedReasons as { providerRecordId: string }[];
    expect(run.skipped).toBe(300);
    expect(reasons).toHaveLength(200);
    expect(reasons[0].providerRecordId).toBe('a-0');
    expect(reasons[149].providerRecordId).toBe('a-149');
    expect(reasons[199].providerRecordId).toBe('b-49');
    expect(run.status).toBe('SUCCEEDED');
  });
});
