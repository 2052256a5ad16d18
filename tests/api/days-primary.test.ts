import { linkWorkoutDuplicates, overlapRatio } from '../../src/sync/duplicates.js';
import { databaseVariants } from '../support/databases.js';
import { userGlobalId } from '../support/seed.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

const at = (iso: string) => new Date(iso);

describe('overlapRatio', () => {
  it('is shared time over the longer session', () => {
    const run = { startTime: at('2026-05-01T06:00:00Z'), endTime: at('2026-05-01T07:00:00Z') };
    expect(overlapRatio(run, { startTime: at('2026-05-01T06:05:00Z'), endTime: at('2026-05-01T07:00:00Z') })).toBeCloseTo(55 / 60);
    expect(overlapRatio(run, { startTime: at('2026-05-01T06:30:00Z'), endTime: at('2026-05-01T07:30:00Z') })).toBeCloseTo(0.5);
    expect(overlapRatio(run, { startTime: at('2026-05-01T08:00:00Z'), endTime: at('2026-05-01T09:00:00Z') })).toBe(0);
  });
});

describe.each(databaseVariants())('Day primary records and duplicate workouts (%s)', (variant) => {
  let t: TestApp;
  let userId: string;
  const day = { utcOffsetMinutes: 0, localDate: at('2026-05-01T00:00:00Z') };

  beforeAll(async () => {
    t = await createTestApp(variant, { PROVIDER_PRIORITY_SLEEP: 'polar,oura' });
    const prisma = t.database.prisma;
    userId = (await prisma.user.create({ data: {} })).id;
    const base = { userId, ...day, sport: 'RUNNING' as const, durationSeconds: 3600 };
    const polarRun = await prisma.workout.create({ data: { ...base, provider: 'POLAR', providerRecordId: 'p1', providerSport: 'RUNNING', startTime: at('2026-05-01T06:00:00Z'), endTime: at('2026-05-01T07:00:00Z') } });
    const ouraRun = await prisma.workout.create({ data: { ...base, provider: 'OURA', providerRecordId: 'o1', providerSport: 'running', startTime: at('2026-05-01T06:04:00Z'), endTime: at('2026-05-01T06:58:00Z') } });
    await prisma.workout.create({ data: { ...base, provider: 'OURA', providerRecordId: 'o2', providerSport: 'walking', sport: 'WALKING', startTime: at('2026-05-01T17:00:00Z'), endTime: at('2026-05-01T17:30:00Z') } });
    // Linking runs on every upsert; here for the record that arrived second.
    await linkWorkoutDuplicates(prisma, ouraRun, ['POLAR', 'OURA']);
    void polarRun;
    const sleep = { userId, ...day, startTime: at('2026-04-30T23:00:00Z'), endTime: at('2026-05-01T07:00:00Z') };
    await prisma.sleepSession.create({ data: { ...sleep, provider: 'OURA', providerRecordId: 's-oura', score: 81 } });
    await prisma.sleepSession.create({ data: { ...sleep, provider: 'POLAR', providerRecordId: 's-polar', score: 77 } });
    await prisma.sleepSession.create({ data: { ...sleep, provider: 'OURA', providerRecordId: 'nap', type: 'NAP', startTime: at('2026-05-01T13:00:00Z'), endTime: at('2026-05-01T13:20:00Z') } });
    await prisma.recovery.create({ data: { userId, ...day, provider: 'POLAR', providerRecordId: '2026-05-01', startTime: at('2026-05-01T00:00:00Z'), ansCharge: 3 } });
    await prisma.recovery.create({ data: { userId, ...day, provider: 'OURA', providerRecordId: '2026-05-01', startTime: at('2026-05-01T00:00:00Z'), readinessScore: 84 } });
  });
  afterAll(() => t.close());

  it('keeps both providers queryable, links the overlapping run, and picks primaries by configured priority', async () => {
    const res = await t.graphql(
      `query($id: ID!) { user(id: $id) { days(from: "2026-05-01", to: "2026-05-01") {
        workouts { providerRecordId duplicateOf { providerRecordId } duplicates { providerRecordId } }
        primaryWorkouts { providerRecordId }
        sleep { providerRecordId }
        primarySleep { providerRecordId score }
        primaryRecovery { providerRecordId source { provider } readinessScore }
      } } }`,
      { id: userGlobalId(userId) },
    );
    expect(res.body.errors).toBeUndefined();
    const [d] = res.body.data.user.days;
    expect(d.workouts.map((w: any) => w.providerRecordId)).toEqual(['p1', 'o1', 'o2']);
    expect(d.workouts[1].duplicateOf).toEqual({ providerRecordId: 'p1' });
    expect(d.workouts[0].duplicates).toEqual([{ providerRecordId: 'o1' }]);
    expect(d.primaryWorkouts.map((w: any) => w.providerRecordId)).toEqual(['p1', 'o2']);
    expect(d.sleep).toHaveLength(3);
    // PROVIDER_PRIORITY_SLEEP=polar,oura for this app; the nap never wins over a main sleep
    expect(d.primarySleep).toEqual({ providerRecordId: 's-polar', score: 77 });
    // recovery keeps the default oura,polar
    expect(d.primaryRecovery.source.provider).toBe('OURA');
    expect(d.primaryRecovery.readinessScore).toBe(84);
  });
});

describe.each(databaseVariants())('primaryRecovery never prefers a row without values (%s)', (variant) => {
  let t: TestApp;
  let userId: string;
  const night = (date: string) => ({ utcOffsetMinutes: 0, localDate: at(`${date}T00:00:00Z`), startTime: at(`${date}T00:00:00Z`) });

  beforeAll(async () => {
    // Polar ranked first: its row of 05-01 holds only a skin temperature (what Polar keeps of old nights).
    t = await createTestApp(variant, { PROVIDER_PRIORITY_RECOVERY: 'polar,oura' });
    const prisma = t.database.prisma;
    userId = (await prisma.user.create({ data: {} })).id;
    await prisma.recovery.create({ data: { userId, ...night('2026-05-01'), provider: 'POLAR', providerRecordId: 'p-0501', skinTemperatureDeviationCelsius: 0.2 } });
    await prisma.recovery.create({ data: { userId, ...night('2026-05-01'), provider: 'OURA', providerRecordId: 'o-0501', hrvRmssdMs: 61, readinessScore: 80 } });
    // 05-02: Polar has values, so it wins by priority.
    await prisma.recovery.create({ data: { userId, ...night('2026-05-02'), provider: 'POLAR', providerRecordId: 'p-0502', hrvRmssdMs: 48, ansCharge: 2.5 } });
    await prisma.recovery.create({ data: { userId, ...night('2026-05-02'), provider: 'OURA', providerRecordId: 'o-0502', hrvRmssdMs: 63 } });
    // 05-03: only the empty Polar row: it is still the day's recovery.
    await prisma.recovery.create({ data: { userId, ...night('2026-05-03'), provider: 'POLAR', providerRecordId: 'p-0503', skinTemperatureDeviationCelsius: -0.1 } });
  });
  afterAll(() => t.close());

  it('picks by PROVIDER_PRIORITY_RECOVERY among the rows with values, whatever else the query selects', async () => {
    // Only the provider selected: the day's column plan must still read the value columns to pick.
    const res = await t.graphql(
      `query($id: ID!) { user(id: $id) { days(from: "2026-05-01", to: "2026-05-03") { date primaryRecovery { providerRecordId source { provider } } } } }`,
      { id: userGlobalId(userId) },
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.user.days.map((d: any) => [d.date, d.primaryRecovery?.providerRecordId])).toEqual([
      ['2026-05-01', 'o-0501'],
      ['2026-05-02', 'p-0502'],
      ['2026-05-03', 'p-0503'],
    ]);
  });
});
