/**
 * The scores jobs on a real database: a store marks the user dirty in the same commit; an
 * incremental recompute from a date equals a full one; a parameter override gives a new hash, a
 * recompute run with progress, and answers that switch to the new values only when it finishes.
 */
import { generateUser, mapperFor } from '../../bench/generate.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { ScoresEngine } from '../../src/derived/jobs.js';
import type { Provider } from '../../src/generated/prisma/enums.js';
import type { RawItem } from '../../src/providers/types.js';
import { storeItems } from '../../src/sync/store.js';
import { databaseVariants } from '../support/databases.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

const TODAY = '2026-06-30';
const mapFor = (provider: Provider) => (payload: unknown, item: RawItem) => mapperFor(provider as 'POLAR' | 'OURA', item.dataType)(payload);

async function storeUser(t: TestApp, index: number, days: number): Promise<string> {
  const prisma = t.database.prisma;
  const user = await prisma.user.create({ data: {} });
  const data = generateUser(11, index, TODAY, days);
  await storeItems(prisma, { userId: user.id, provider: 'POLAR' }, data.polar, mapFor('POLAR'));
  await storeItems(prisma, { userId: user.id, provider: 'OURA' }, data.oura, mapFor('OURA'));
  return user.id;
}

const rowsOf = async (t: TestApp, userId: string) =>
  (await t.database.prisma.dailyScore.findMany({ where: { userId }, orderBy: [{ localDate: 'asc' }, { kind: 'asc' }] })).map(({ computedAt: _c, ...row }) => row);

describe.each(databaseVariants())('scores jobs (%s)', (variant) => {
  let t: TestApp;
  let userId: string;
  beforeAll(async () => {
    t = await createTestApp(variant, {}, { workers: false });
    userId = await storeUser(t, 0, 45);
  }, 120_000);
  afterAll(() => t?.close());

  it('storing records marks the user dirty from the earliest local date, in the same commit', async () => {
    const dirty = await t.database.prisma.scoreDirty.findUniqueOrThrow({ where: { userId } });
    const [{ first }] = await t.database.prisma.$queryRawUnsafe<{ first: Date }[]>(
      `SELECT min(d) AS first FROM (SELECT min("localDate") d FROM "SleepSession" WHERE "userId" = $1 UNION ALL SELECT min("localDate") FROM "Workout" WHERE "userId" = $1
        UNION ALL SELECT min("localDate") FROM "Recovery" WHERE "userId" = $1 UNION ALL SELECT min("localDate") FROM "DailyActivity" WHERE "userId" = $1) x`,
      userId,
    );
    expect(dirty.fromDate.getTime()).toBeLessThanOrEqual(first.getTime());
    // The dirty job claims the mark and computes every day from it.
    const outcome = await t.app.scores.recomputeDirty(userId);
    expect(outcome!.scores).toBe(outcome!.days * 6);
    expect(await t.database.prisma.scoreDirty.count({ where: { userId } })).toBe(0);
    expect(await t.app.scores.recomputeDirty(userId)).toBeNull();
  }, 120_000);

  it('an incremental recompute from a date gives the same rows as a full one (the load series continues)', async () => {
    await t.app.scores.recomputeUser(userId, null);
    const full = await rowsOf(t, userId);
    expect(full.length).toBeGreaterThan(6 * 40);
    const outcome = await t.app.scores.recomputeUser(userId, '2026-06-10');
    expect(outcome.from).toBe('2026-06-10');
    expect(await rowsOf(t, userId)).toEqual(full);
  }, 120_000);

  it('overriding a weight gives a new hash; a run recomputes with progress; answers switch when it finishes, never mixed', async () => {
    const prisma = t.database.prisma;
    const a = t.app.scores;
    await a.ensureRun();
    await a.runUser((await prisma.scoreRun.findUniqueOrThrow({ where: { parameterHash: a.parameterHash } })).id, userId);
    const query = `query($u: ID!) { user(id: $u) { days(from: "2026-06-01", to: "2026-06-29") { date scores { sleep { value parameterHash } } } } }`;
    const u = Buffer.from(`User:${userId}`).toString('base64');
    const before = (await t.graphql(query, { u })).body.data.user.days;
    const status = `{ scoresStatus { parameterHash activeParameterHash recompute { status usersDone usersTotal } } }`;
    expect((await t.graphql(status)).body.data.scoresStatus).toEqual({ parameterHash: a.parameterHash, activeParameterHash: a.parameterHash, recompute: { status: 'SUCCEEDED', usersDone: 1, usersTotal: 1 } });

    // Another process starts with the duration weight raised (SCORES_CONFIG), on the same database.
    const config = loadConfig({ ...process.env, ENCRYPTION_KEY: 'b'.repeat(64), SANDBOX: 'false', SCORES_CONFIG: JSON.stringify({ sleep: { weights: { duration: 0.7, efficiency: 0.05 } } }) });
    expect(config.scores.parameterHash).not.toBe(a.parameterHash);
    const b = new ScoresEngine({ prisma, boss: t.app.boss, config, logger: t.app.logger });
    const run = await b.ensureRun();
    expect(run).toMatchObject({ parameterHash: config.scores.parameterHash, status: 'RUNNING', usersDone: 0, usersTotal: 1 });
    // While it runs, answers keep the old hash: every value of one answer has one hash.
    const during = (await t.graphql(query, { u })).body.data.user.days;
    expect(new Set(during.map((d: any) => d.scores.sleep.parameterHash))).toEqual(new Set([a.parameterHash]));
    // The old process refuses the new run's users (it has other parameters).
    await expect(a.runUser(run.id, userId)).rejects.toThrow(/needs its own parameters/);
    await b.runUser(run.id, userId);
    expect(await prisma.scoreRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({ status: 'SUCCEEDED', usersDone: 1, usersTotal: 1 });

    const after = (await t.graphql(query, { u })).body.data.user.days;
    expect(new Set(after.map((d: any) => d.scores.sleep.parameterHash))).toEqual(new Set([config.scores.parameterHash]));
    const changed = after.filter((d: any, i: number) => d.scores.sleep.value !== null && d.scores.sleep.value !== before[i].scores.sleep.value);
    expect(changed.length).toBeGreaterThan(10);
    expect((await t.graphql(status)).body.data.scoresStatus.activeParameterHash).toBe(config.scores.parameterHash);
    // The old hash's rows are gone.
    expect(await prisma.dailyScore.count({ where: { parameterHash: a.parameterHash } })).toBe(0);
  }, 180_000);

  it('rejects a bad scores configuration at start, naming the parameter', () => {
    const env = { ENCRYPTION_KEY: 'b'.repeat(64) };
    expect(() => loadConfig({ ...env, SCORES_CONFIG: '{"recovery":{"weights":{"hrv":"high"}}}' })).toThrow(new ConfigError('SCORES_CONFIG: "recovery.weights.hrv" must be a finite number (got "high")'));
    expect(() => loadConfig({ ...env, SCORES_CONFIG: '{oops' })).toThrow(/SCORES_CONFIG is not valid JSON/);
    expect(() => loadConfig({ ...env, SCORES_CONFIG_FILE: '/nonexistent/scores.json' })).toThrow(/SCORES_CONFIG_FILE cannot be read/);
  });
});
