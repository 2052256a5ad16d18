/**
 * User.summary(from, to, groupBy): a hand-made week of a UTC-7 wearer whose every expected value is
 * worked out below by hand. Checks ISO weeks and calendar months on local dates (a Sunday-night
 * ride at 22:00 local is Monday in UTC and stays in its Sunday's week; Saturday 31 January stays in
 * January), the per-date, per-field provider priority, naps left out, duplicates counted once,
 * records outside from..to ignored, one statement for every user, the range cap naming its
 * argument, and the user boundary.
 */
import type { PrismaClient } from '../../src/generated/prisma/client.js';
import { databaseVariants } from '../support/databases.js';
import { userGlobalId } from '../support/seed.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

const OFFSET = -420;
const FROM = '2026-01-28'; // a Wednesday
const TO = '2026-02-03'; // a Tuesday

/** An instant from a local date and hour at UTC-7. */
const at = (date: string, hours: number) => new Date(Date.parse(`${date}T00:00:00Z`) + hours * 3_600_000 - OFFSET * 60_000);
const day = (date: string) => new Date(`${date}T00:00:00Z`);

async function seed(prisma: PrismaClient, tag: string): Promise<string> {
  const { id: userId } = await prisma.user.create({ data: { externalId: `summary-${tag}-${Math.random().toString(36).slice(2, 8)}` } });
  const base = (date: string) => ({ userId, utcOffsetMinutes: OFFSET, localDate: day(date) });
  const sleep = (date: string, provider: 'OURA' | 'POLAR', id: string, fields: Record<string, unknown>, type: 'MAIN' | 'NAP' = 'MAIN') => ({
    ...base(date),
    provider,
    providerRecordId: id,
    type,
    startTime: at(date, -1),
    endTime: at(date, 7),
    ...fields,
  });
  await prisma.sleepSession.createMany({
    data: [
      sleep('2026-01-27', 'OURA', 's0', { totalSleepSeconds: 99_999 }), // before "from"
      sleep('2026-01-28', 'OURA', 's1', { totalSleepSeconds: 28_000, deepSleepSeconds: 5_000, score: 80 }),
      sleep('2026-01-28', 'POLAR', 's2', { totalSleepSeconds: 26_000, deepSleepSeconds: 4_000 }),
      sleep('2026-01-29', 'POLAR', 's3', { totalSleepSeconds: 25_000, deepSleepSeconds: 4_500, score: 70 }),
      sleep('2026-01-31', 'OURA', 's4', { totalSleepSeconds: 27_000, score: 90 }),
      sleep('2026-01-31', 'POLAR', 's5', { totalSleepSeconds: 24_000, deepSleepSeconds: 3_000 }),
      sleep('2026-02-01', 'OURA', 's6', { totalSleepSeconds: 1_800 }, 'NAP'),
      sleep('2026-02-01', 'OURA', 's7', { totalSleepSeconds: 30_000, deepSleepSeconds: 6_000, score: 60 }),
      sleep('2026-02-03', 'POLAR', 's8', { totalSleepSeconds: 20_000, deepSleepSeconds: 2_000 }),
    ],
  });
  const recovery = (date: string, provider: 'OURA' | 'POLAR', id: string, fields: Record<string, unknown>) => ({ ...base(date), provider, providerRecordId: id, startTime: at(date, 0), ...fields });
  await prisma.recovery.createMany({
    data: [
      recovery('2026-01-28', 'OURA', 'r1', { hrvRmssdMs: 50, restingHeartRateBpm: 52 }),
      recovery('2026-01-28', 'POLAR', 'r2', { hrvRmssdMs: 40, restingHeartRateBpm: 55 }),
      recovery('2026-01-30', 'POLAR', 'r3', { hrvRmssdMs: 44 }),
      recovery('2026-02-02', 'OURA', 'r4', { restingHeartRateBpm: 50 }),
      recovery('2026-02-02', 'POLAR', 'r5', { hrvRmssdMs: 46 }),
    ],
  });
  const activity = (date: string, provider: 'OURA' | 'POLAR', id: string, fields: Record<string, unknown>) => ({ ...base(date), provider, providerRecordId: id, startTime: at(date, 0), ...fields });
  await prisma.dailyActivity.createMany({
    data: [
      activity('2026-01-28', 'POLAR', 'a1', { steps: 10_000, activeEnergyKcal: 500 }),
      activity('2026-01-28', 'OURA', 'a2', { steps: 9_000, activeEnergyKcal: 450 }),
      activity('2026-01-31', 'OURA', 'a3', { steps: 8_000, activeEnergyKcal: 300 }),
      activity('2026-02-01', 'POLAR', 'a4', { steps: 12_000 }),
      activity('2026-02-01', 'OURA', 'a5', { steps: 11_000, activeEnergyKcal: 600 }),
      activity('2026-02-04', 'POLAR', 'a6', { steps: 5_000 }), // after "to"
    ],
  });
  const workout = (date: string, hour: number, provider: 'OURA' | 'POLAR', id: string, sport: 'RUNNING' | 'CYCLING' | 'STRENGTH_TRAINING', durationSeconds: number, fields: Record<string, unknown>) => ({
    ...base(date),
    provider,
    providerRecordId: id,
    sport,
    providerSport: sport,
    startTime: at(date, hour),
    endTime: new Date(at(date, hour).getTime() + durationSeconds * 1000),
    durationSeconds,
    ...fields,
  });
  await prisma.workout.createMany({
    data: [
      workout('2026-01-29', 18, 'POLAR', 'w1', 'RUNNING', 3_600, { distanceMeters: 10_000, trainingLoad: 100, energyKcal: 700 }),
      workout('2026-01-29', 18, 'OURA', 'w2', 'RUNNING', 3_500, { distanceMeters: 9_800, energyKcal: 650 }),
      // Sunday 22:00 at UTC-7 is Monday 05:00 UTC: still Sunday's week and February 1st.
      workout('2026-02-01', 22, 'POLAR', 'w3', 'CYCLING', 5_400, { distanceMeters: 40_000, trainingLoad: 120 }),
      workout('2026-02-01', 9, 'OURA', 'w4', 'RUNNING', 1_800, { distanceMeters: 5_000 }),
      workout('2026-02-03', 7, 'POLAR', 'w5', 'STRENGTH_TRAINING', 2_700, { trainingLoad: 50 }),
    ],
  });
  const polarRun = await prisma.workout.findFirstOrThrow({ where: { userId, providerRecordId: 'w1' } });
  await prisma.workout.updateMany({ where: { userId, providerRecordId: 'w2' }, data: { duplicateOfId: polarRun.id } });
  return userId;
}

const SUMMARY = `start end daysInRange
  sleep { nights averageTotalSleepSeconds averageDeepSleepSeconds averageScore averageEfficiencyPercent }
  recovery { nights averageHrvRmssdMs averageRestingHeartRateBpm }
  activity { days totalSteps averageSteps totalActiveEnergyKcal averageActiveEnergyKcal }
  workouts { count durationSeconds distanceMeters trainingLoad energyKcal bySport { sport count durationSeconds distanceMeters trainingLoad energyKcal } }`;

const run = (sport: string, count: number, durationSeconds: number, distanceMeters: number | null, trainingLoad: number | null, energyKcal: number | null) => ({
  sport,
  count,
  durationSeconds,
  distanceMeters,
  trainingLoad,
  energyKcal,
});

describe.each(databaseVariants())('User.summary (%s)', (variant) => {
  let t: TestApp;
  let west: string;
  let other: string;
  beforeAll(async () => {
    t = await createTestApp(variant, {}, { workers: false });
    west = await seed(t.database.prisma, 'west');
    other = await seed(t.database.prisma, 'other');
  }, 120_000);
  afterAll(() => t.close());

  async function summary(userId: string, groupBy: string, token?: string) {
    const res = await t.graphql(`{ user(id: "${userGlobalId(userId)}") { summary(from: "${FROM}", to: "${TO}", groupBy: ${groupBy}) { ${SUMMARY} } } }`, undefined, token);
    expect(res.body.errors).toBeUndefined();
    return res.body.data.user?.summary;
  }

  it('ISO weeks of local dates: values worked out by hand', async () => {
    expect(await summary(west, 'WEEK')).toEqual([
      {
        start: '2026-01-26',
        end: '2026-02-01',
        daysInRange: 5, // Wed 28 .. Sun 1
        // Nights 28 (Oura 28000, deep 5000, score 80), 29 (Polar 25000, 4500, 70), 31 (Oura 27000; deep from Polar 3000; score 90),
        // Feb 1 (Oura main 30000, 6000, 60; the nap left out). The 27th is before "from".
        sleep: { nights: 4, averageTotalSleepSeconds: 110_000 / 4, averageDeepSleepSeconds: 18_500 / 4, averageScore: 300 / 4, averageEfficiencyPercent: null },
        // 28: Oura 50 / 52; 30: Polar 44 and no resting HR.
        recovery: { nights: 2, averageHrvRmssdMs: 47, averageRestingHeartRateBpm: 52 },
        // Polar first: 28: 10000 / 500; 31: Oura 8000 / 300; Feb 1: Polar 12000, energy from Oura 600.
        activity: { days: 3, totalSteps: 30_000, averageSteps: 10_000, totalActiveEnergyKcal: 1_400, averageActiveEnergyKcal: 1_400 / 3 },
        // Polar run (its Oura duplicate once), Sunday-night ride, Oura's own run on Sunday.
        workouts: {
          count: 3,
          durationSeconds: 10_800,
          distanceMeters: 55_000,
          trainingLoad: 220,
          energyKcal: 700,
          bySport: [run('CYCLING', 1, 5_400, 40_000, 120, null), run('RUNNING', 2, 5_400, 15_000, 100, 700)],
        },
      },
      {
        start: '2026-02-02',
        end: '2026-02-08',
        daysInRange: 2, // Mon 2, Tue 3
        sleep: { nights: 1, averageTotalSleepSeconds: 20_000, averageDeepSleepSeconds: 2_000, averageScore: null, averageEfficiencyPercent: null },
        // Feb 2: resting HR from Oura (50), HRV from Polar (46, Oura has none).
        recovery: { nights: 1, averageHrvRmssdMs: 46, averageRestingHeartRateBpm: 50 },
        // Feb 4 is after "to".
        activity: { days: 0, totalSteps: null, averageSteps: null, totalActiveEnergyKcal: null, averageActiveEnergyKcal: null },
        workouts: { count: 1, durationSeconds: 2_700, distanceMeters: null, trainingLoad: 50, energyKcal: null, bySport: [run('STRENGTH_TRAINING', 1, 2_700, null, 50, null)] },
      },
    ]);
  });

  it('calendar months of local dates: values worked out by hand', async () => {
    const months = await summary(west, 'MONTH');
    expect(months.map((m: { start: string; end: string; daysInRange: number }) => [m.start, m.end, m.daysInRange])).toEqual([
      ['2026-01-01', '2026-01-31', 4],
      ['2026-02-01', '2026-02-28', 3],
    ]);
    const [jan, feb] = months;
    // January: nights 28, 29, 31.
    expect(jan.sleep).toEqual({ nights: 3, averageTotalSleepSeconds: 80_000 / 3, averageDeepSleepSeconds: 12_500 / 3, averageScore: 80, averageEfficiencyPercent: null });
    expect(feb.sleep).toEqual({ nights: 2, averageTotalSleepSeconds: 25_000, averageDeepSleepSeconds: 4_000, averageScore: 60, averageEfficiencyPercent: null });
    expect(jan.recovery).toEqual({ nights: 2, averageHrvRmssdMs: 47, averageRestingHeartRateBpm: 52 });
    expect(feb.recovery).toEqual({ nights: 1, averageHrvRmssdMs: 46, averageRestingHeartRateBpm: 50 });
    expect(jan.activity).toEqual({ days: 2, totalSteps: 18_000, averageSteps: 9_000, totalActiveEnergyKcal: 800, averageActiveEnergyKcal: 400 });
    expect(feb.activity).toEqual({ days: 1, totalSteps: 12_000, averageSteps: 12_000, totalActiveEnergyKcal: 600, averageActiveEnergyKcal: 600 });
    expect(jan.workouts).toEqual({ count: 1, durationSeconds: 3_600, distanceMeters: 10_000, trainingLoad: 100, energyKcal: 700, bySport: [run('RUNNING', 1, 3_600, 10_000, 100, 700)] });
    // The Sunday-night ride (Monday in UTC) is February's.
    expect(feb.workouts).toEqual({
      count: 3,
      durationSeconds: 9_900,
      distanceMeters: 45_000,
      trainingLoad: 170,
      energyKcal: null,
      bySport: [run('CYCLING', 1, 5_400, 40_000, 120, null), run('RUNNING', 1, 1_800, 5_000, null, null), run('STRENGTH_TRAINING', 1, 2_700, null, 50, null)],
    });
  });

  it('agrees with User.series of the same metric (MEAN per week)', async () => {
    const res = await t.graphql(`{ user(id: "${userGlobalId(west)}") {
      sleep: series(metric: "sleep_total_seconds", from: "${FROM}", to: "${TO}", bucket: WEEK, aggregate: MEAN) { date value }
      hrv: series(metric: "recovery_hrv_rmssd_ms", from: "${FROM}", to: "${TO}", bucket: WEEK, aggregate: MEAN) { date value } } }`);
    expect(res.body.errors).toBeUndefined();
    const weeks = await summary(west, 'WEEK');
    expect(res.body.data.user.sleep).toEqual(weeks.map((w: { start: string; sleep: { averageTotalSleepSeconds: number } }) => ({ date: w.start, value: w.sleep.averageTotalSleepSeconds })));
    expect(res.body.data.user.hrv).toEqual(weeks.map((w: { start: string; recovery: { averageHrvRmssdMs: number } }) => ({ date: w.start, value: w.recovery.averageHrvRmssdMs })));
  });

  it('one statement however many users', async () => {
    const statements = async (first: number) => {
      t.statements.length = 0;
      const res = await t.graphql(`{ users(first: ${first}) { edges { node { summary(from: "${FROM}", to: "${TO}", groupBy: WEEK) { start workouts { count } } } } } }`);
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data.users.edges).toHaveLength(Math.min(first, 2));
      return t.statements.filter((s) => s.includes('sleep_day'));
    };
    expect(await statements(1)).toHaveLength(1);
    expect(await statements(10)).toHaveLength(1);
  });

  it('refuses a range over 366 days naming "to", and a missing groupBy', async () => {
    const res = await t.graphql(`{ user(id: "${userGlobalId(west)}") { summary(from: "2025-01-01", to: "2026-01-02", groupBy: MONTH) { start } } }`);
    expect(res.status).toBe(400);
    expect(res.body.errors![0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', argument: 'to' }, message: expect.stringContaining('366') });
    const reversed = await t.graphql(`{ user(id: "${userGlobalId(west)}") { summary(from: "2026-02-01", to: "2026-01-01", groupBy: WEEK) { start } } }`);
    expect(reversed.status).toBe(400);
    expect((reversed.body.errors![0].extensions as { argument: string }).argument).toBe('to');
    const missing = await t.graphql(`{ user(id: "${userGlobalId(west)}") { summary(from: "2026-01-01", to: "2026-01-31") { start } } }`);
    expect(missing.body.data).toBeUndefined();
    expect(missing.body.errors![0].message).toContain('"groupBy"');
  });

  it('a user token sees its own summary only', async () => {
    const issued = await t.graphql(`mutation { createUserToken(input: { userId: "${userGlobalId(west)}", scopes: [SELF_READ] }) { token } }`);
    const token = issued.body.data?.createUserToken?.token as string;
    expect(token).toBeTruthy();
    expect(await summary(other, 'WEEK', token)).toBeUndefined();
    const own = await summary(west, 'WEEK', token);
    expect(own.map((w: { workouts: { count: number } }) => w.workouts.count)).toEqual([3, 1]);
  });
});
