import { parse, type FieldNode, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { columnPlan, TABLE_COLUMNS } from '../../src/graphql/loaders/day-columns.js';
import { databaseVariants } from '../support/databases.js';
import { userGlobalId } from '../support/seed.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

/** The plan for the first `days` field of a document (under user { ... }). */
function planOf(query: string) {
  const doc = parse(query);
  const operation = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')!;
  const fragments = Object.fromEntries(
    doc.definitions.filter((d): d is FragmentDefinitionNode => d.kind === 'FragmentDefinition').map((f) => [f.name.value, f]),
  );
  const user = operation.selectionSet.selections[0] as FieldNode;
  const days = user.selectionSet!.selections.filter((s): s is FieldNode => s.kind === 'Field' && s.name.value === 'days');
  return columnPlan(days, fragments);
}

describe('days column plan', () => {
  it('reads only the columns the selection needs, plus grouping, ordering and primary-record columns', () => {
    const plan = planOf(`{ user(id: "x") { days(from: "2026-01-01", to: "2026-01-02") {
      date
      workouts { sport distanceMeters source { provider device } }
      sleep { score }
      activity { __typename }
    } } }`);
    expect(plan.Workout).toEqual(['distanceMeters', 'duplicateOfId', 'id', 'localDate', 'provider', 'sourceDevice', 'sport', 'startTime', 'userId']);
    expect(plan.SleepSession).toEqual(['id', 'localDate', 'provider', 'score', 'startTime', 'type', 'userId']);
    expect(plan.Recovery).toEqual(['id', 'localDate', 'provider', 'userId']);
    expect(plan.DailyActivity).toEqual(['id', 'localDate', 'provider', 'userId']);
  });

  it("reads of the scores' detail only the keys the selection asks for", () => {
    const none = planOf(`{ user(id: "x") { days(from: "2026-01-01", to: "2026-01-02") { date } } }`);
    expect(none.scores).toBeUndefined();
    const plan = planOf(`{ user(id: "x") { days(from: "2026-01-01", to: "2026-01-02") {
      scores { sleep { value reason components { name } } recovery { ...B } strain { status parameterHash } }
    } } }
    fragment B on Score { baselines { mean } }`);
    expect(plan.scores).toEqual(['baselines', 'components']);
    const bare = planOf(`{ user(id: "x") { days(from: "2026-01-01", to: "2026-01-02") { scores { sleep { value } } } } }`);
    expect(bare.scores).toEqual([]);
  });

  it('follows fragments, inline fragments and the primary* fields', () => {
    const plan = planOf(`query { user(id: "x") { days(from: "2026-01-01", to: "2026-01-02") { ...D } } }
      fragment D on Day { primarySleep { ... on SleepSession { hypnogram } ...R } primaryWorkouts { utcOffset } }
      fragment R on HealthRecord { providerRecordId }`);
    expect(plan.SleepSession).toEqual(expect.arrayContaining(['hypnogram', 'providerRecordId']));
    expect(plan.SleepSession).not.toContain('extras');
    expect(plan.Workout).toContain('utcOffsetMinutes');
  });

  it('plans Day.nextNight like the day fields it mirrors (sleep and recovery of the next date), not every column', () => {
    const plan = planOf(`{ user(id: "x") { days(from: "2026-01-01", to: "2026-01-02") {
      date primaryWorkouts { trainingLoad } nextNight { date __typename primaryRecovery { hrvRmssdMs } sleep { score } }
    } } }`);
    expect(plan.Workout).toEqual(['duplicateOfId', 'id', 'localDate', 'provider', 'startTime', 'trainingLoad', 'userId']);
    // primaryRecovery's pick reads the value columns too.
    expect(plan.Recovery).toEqual(['ansCharge', 'hrvRmssdMs', 'id', 'localDate', 'nightlyRechargeStatus', 'provider', 'readinessScore', 'restingHeartRateBpm', 'userId']);
    expect(plan.SleepSession).toEqual(['id', 'localDate', 'provider', 'score', 'startTime', 'type', 'userId']);
    expect(plan.DailyActivity).toEqual(['id', 'localDate', 'provider', 'userId']);
    // A Night field this planner does not know reads everything rather than guess.
    const unknown = planOf(`{ user(id: "x") { days(from: "2026-01-01", to: "2026-01-02") { nextNight { someFutureNightField } } } }`);
    expect(unknown.SleepSession).toEqual([...TABLE_COLUMNS.SleepSession].sort());
  });

  it('reads every column of a table when a record field is not known to map to columns', () => {
    const plan = planOf(`{ user(id: "x") { days(from: "2026-01-01", to: "2026-01-02") { recovery { someFutureField } } } }`);
    expect(plan.Recovery).toEqual([...TABLE_COLUMNS.Recovery].sort());
    const unknownDayField = planOf(`{ user(id: "x") { days(from: "2026-01-01", to: "2026-01-02") { someFutureDayField } } }`);
    expect(unknownDayField.Workout).toEqual([...TABLE_COLUMNS.Workout].sort());
  });
});

describe.each(databaseVariants())('days reads the selected columns (%s)', (variant) => {
  let t: TestApp;
  let userId: string;
  const hypnogram = [{ stage: 'DEEP', start: '2026-04-30T23:00:00.000Z', durationSeconds: 600 }];

  beforeAll(async () => {
    t = await createTestApp(variant);
    const prisma = t.database.prisma;
    userId = (await prisma.user.create({ data: {} })).id;
    const day = { userId, utcOffsetMinutes: 60, localDate: new Date('2026-05-01T00:00:00Z') };
    await prisma.sleepSession.create({
      data: { ...day, provider: 'OURA', providerRecordId: 's1', startTime: new Date('2026-04-30T23:00:00Z'), endTime: new Date('2026-05-01T07:00:00Z'), score: 81, hypnogram, extras: { a: 1 } },
    });
    await prisma.workout.create({
      data: { ...day, provider: 'POLAR', providerRecordId: 'w1', sport: 'RUNNING', providerSport: 'RUNNING', durationSeconds: 60, startTime: new Date('2026-05-01T06:00:00Z'), endTime: new Date('2026-05-01T06:01:00Z'), heartRateZones: [{ zone: 1 }] },
    });
  });
  afterAll(() => t.close());

  it('answers every selected field, with two different selections of days in one statement', async () => {
    const query = `query($id: ID!) { user(id: $id) {
      light: days(from: "2026-05-01", to: "2026-05-01") { sleep { score } }
      heavy: days(from: "2026-05-01", to: "2026-05-01") { ...Heavy }
    } }
    fragment Heavy on Day {
      date
      sleep { id hypnogram extras startTime endTime localDate utcOffset source { provider device } }
      primarySleep { hypnogram }
      workouts { heartRateZones providerSport duplicateOf { id } }
    }`;
    t.statements.length = 0;
    const res = await t.graphql(query, { id: userGlobalId(userId) });
    expect(res.body.errors).toBeUndefined();
    const { light, heavy } = res.body.data.user;
    expect(light).toEqual([{ sleep: [{ score: 81 }] }]);
    expect(heavy[0].sleep).toEqual([
      {
        id: expect.any(String),
        hypnogram,
        extras: { a: 1 },
        startTime: '2026-04-30T23:00:00.000Z',
        endTime: '2026-05-01T07:00:00.000Z',
        localDate: '2026-05-01',
        utcOffset: '+01:00',
        source: { provider: 'OURA', device: null },
      },
    ]);
    expect(heavy[0].primarySleep).toEqual({ hypnogram });
    expect(heavy[0].workouts).toEqual([{ heartRateZones: [{ zone: 1 }], providerSport: 'RUNNING', duplicateOf: null }]);
    const statements = t.statements.filter((sql) => !sql.startsWith('UPDATE "public"."ApiKey"'));
    // API key, user, one statement for both days selections (the union of their columns); no duplicateOf look-up is needed when there is none.
    expect(statements.filter((sql) => sql.includes('json_agg'))).toHaveLength(1);
  });
});
