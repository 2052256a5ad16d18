/**
 * Errors are classified once, in the engine: a permanent one (here a sandbox connection while
 * SANDBOX=false) fails the run at once, with the connection's status set, instead of being retried
 * like a transient one (8 windows x 5 tries, 48 WARN lines, 25 s RUNNING, connection ACTIVE).
 */
import { databaseVariants } from '../support/databases.js';
import { waitForSyncIdle } from '../support/sync.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

describe.each(databaseVariants())('permanent sync errors (%s)', (variant) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(variant, { SANDBOX: 'false', SYNC_BACKFILL_DAYS: '60' });
  });
  afterAll(() => t.close());

  it('a sandbox connection with SANDBOX=false fails fast: run FAILED with the reason, connection ERROR, no retries', async () => {
    const prisma = t.database.prisma;
    const user = await prisma.user.create({ data: { externalId: 'permanent' } });
    const connection = await prisma.connection.create({
      data: { userId: user.id, provider: 'POLAR', providerUserId: '1', scopes: [], sandbox: true, accessTokenEncrypted: t.app.cipher.encrypt('token') },
    });
    const started = Date.now();
    const run = await t.app.sync.requestSync(connection.id, 'BACKFILL');
    const runs = await waitForSyncIdle(prisma, connection.id, { timeoutMs: 20_000 });
    const elapsed = Date.now() - started;
    const finished = runs.find((r) => r.id === run.id)!;
    expect(finished.status).toBe('FAILED');
    expect(finished.error).toMatch(/SANDBOX=false/);
    expect(finished.windowsTotal).toBeGreaterThan(1);
    const after = await prisma.connection.findUniqueOrThrow({ where: { id: connection.id } });
    expect(after.status).toBe('ERROR');
    expect(after.lastError).toMatch(/SANDBOX=false/);
    // Not retried: no "will retry" line, and the whole run ended well inside the first retry delay.
    const lines = t.logLines.filter((l) => l.includes(connection.id));
    expect(lines.filter((l) => /will retry/.test(l))).toEqual([]);
    expect(lines.filter((l) => /^\S+ ERROR /.test(l)).length).toBeLessThanOrEqual(1);
    expect(elapsed).toBeLessThan(10_000);
    // The operator sees the run end at info, with its counts and duration (issue 13 item 16).
    const finished_ = lines.filter((l) => / INFO +sync run finished \{/.test(l));
    expect(finished_).toHaveLength(1);
    const finishedLines = finished_.map((l) => JSON.parse(l.slice(l.indexOf('{'))));
    expect(finishedLines[0]).toMatchObject({ runId: run.id, kind: 'BACKFILL', status: 'FAILED', fetched: 0, created: 0, error: expect.stringMatching(/SANDBOX=false/) });
    expect(finishedLines[0].durationMs).toBeGreaterThanOrEqual(0);
  }, 30_000);
});
