import { databaseVariants } from '../support/databases.js';
import { seedTwoProviders, userGlobalId } from '../support/seed.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

const DAYS_QUERY = `query Days($from: LocalDate!, $to: LocalDate!, $first: Int!) {
  users(first: $first) {
    edges { node { id days(from: $from, to: $to) {
      date
      workouts { sport distanceMeters source { provider device } }
      sleep { totalSleepSeconds score source { provider } }
      recovery { hrvRmssdMs readinessScore source { provider } }
      activity { steps source { provider } }
    } } }
  }
}`;

describe.each(databaseVariants())('days query is N+1 free (%s)', (variant) => {
  let t: TestApp;
  beforeAll(async () => {
    // No background workers: their statements (the scores sweep) would land in the counts.
    t = await createTestApp(variant, {}, { workers: false });
    // The scores' first run (no users yet) finishes at once: its hash is the one answers use.
    await t.app.scores.ensureRun();
    const userIds = await seedTwoProviders(t.database.prisma, { users: 10, days: 90, from: '2026-01-01' });
    // Scores are computed by jobs after a sync; seeded rows bypass the sync, so compute them here.
    for (const id of userIds) await t.app.scores.recomputeUser(id, null);
  }, 180_000);
  afterAll(() => t.close());

  async function countStatements(users: number, to: string) {
    t.statements.length = 0;
    const res = await t.graphql(DAYS_QUERY, { from: '2026-01-01', to, first: users });
    expect(res.body.errors).toBeUndefined();
    // The API key's lastUsedAt bookkeeping is fire-and-forget, once a minute: not part of the query.
    const statements = t.statements.filter((sql) => !sql.startsWith('UPDATE "public"."ApiKey"'));
    return { count: statements.length, data: res.body.data };
  }

  it('uses the same small number of statements for 1 user x 30 days and 10 users x 90 days', async () => {
    const small = await countStatements(1, '2026-01-30');
    const large = await countStatements(10, '2026-03-31');
    expect(small.data.users.edges).toHaveLength(1);
    expect(small.data.users.edges[0].node.days).toHaveLength(30);
    expect(large.data.users.edges).toHaveLength(10);
    expect(large.data.users.edges[9].node.days).toHaveLength(90);
    // auth lookup + users page + one statement for all four record types (workouts, sleep, recovery, activity)
    expect(small.count).toBe(3);
    expect(large.count).toBe(small.count);
  });

  it('keeps the same statement count with scores: days { scores } and User.scores ride in fixed statements', async () => {
    const withScores = DAYS_QUERY.replace('date\n', 'date\n      scores { sleep { value reason components { name value weight } inputs { table provider } parameterHash } recovery { value reason } strain { value trainingLoad { acute chronic } } }\n');
    expect(withScores).not.toBe(DAYS_QUERY);
    const run = async (query: string, users: number, to: string) => {
      t.statements.length = 0;
      const res = await t.graphql(query, { from: '2026-01-01', to, first: users });
      expect(res.body.errors).toBeUndefined();
      return { count: t.statements.filter((sql) => !sql.startsWith('UPDATE "public"."ApiKey"')).length, data: res.body.data };
    };
    const small = await run(withScores, 1, '2026-01-30');
    const large = await run(withScores, 10, '2026-03-31');
    // auth lookup + users page + one statement for the four record types and the scores
    expect(small.count).toBe(3);
    expect(large.count).toBe(3);
    const day = large.data.users.edges[9].node.days[40];
    expect(day.scores.sleep.value).toEqual(expect.any(Number));
    expect(day.scores.sleep.parameterHash).toBe(t.config.scores.parameterHash);
    expect(day.scores.sleep.inputs[0]).toEqual({ table: 'SleepSession', provider: 'OURA' });
    // The seed's recovery records have HRV but no resting HR: null with the reason, never 0.
    expect(day.scores.recovery).toEqual({ value: null, reason: 'no HRV and resting heart rate from one provider for last night' });

    const series = `query($from: LocalDate!, $to: LocalDate!, $first: Int!) { users(first: $first) { edges { node { scores(from: $from, to: $to, kind: SLEEP) { date kind value } } } } }`;
    const one = await run(series, 1, '2026-01-30');
    const ten = await run(series, 10, '2026-03-31');
    expect(one.data.users.edges[0].node.scores).toHaveLength(30);
    expect(ten.data.users.edges[9].node.scores).toHaveLength(90);
    expect(ten.data.users.edges[9].node.scores[5]).toEqual({ date: '2026-01-06', kind: 'SLEEP', value: expect.any(Number) });
    expect(one.count).toBe(3);
    expect(ten.count).toBe(3);
  });

  it('joins Polar training with Oura sleep on each local date', async () => {
    const { data } = await countStatements(1, '2026-01-03');
    const [jan1, jan2] = data.users.edges[0].node.days;
    expect(jan1.date).toBe('2026-01-01');
    expect(jan1.workouts).toEqual([{ sport: 'RUNNING', distanceMeters: 10000, source: { provider: 'POLAR', device: 'Polar Vantage V3' } }]);
    expect(jan1.sleep).toEqual([{ totalSleepSeconds: 25200, score: 70, source: { provider: 'OURA' } }]);
    expect(jan1.recovery.map((r: { source: { provider: string } }) => r.source.provider).sort()).toEqual(['OURA', 'POLAR']);
    expect(jan2.workouts).toEqual([]);
  });

  it('rejects an inverted or too long range with a clear error', async () => {
    const [user] = await t.database.prisma.user.findMany({ take: 1 });
    const q = `query($id: ID!, $from: LocalDate!, $to: LocalDate!) { user(id: $id) { days(from: $from, to: $to) { date } } }`;
    const inverted = await t.graphql(q, { id: userGlobalId(user.id), from: '2026-02-01', to: '2026-01-01' });
    expect(inverted.body.errors?.[0].message).toMatch(/before/);
    const long = await t.graphql(q, { id: userGlobalId(user.id), from: '2024-01-01', to: '2026-01-01' });
    expect(long.body.errors?.[0].message).toMatch(/at most 366 days/);
  });

  it('pages workouts with cursors and caps the page size', async () => {
    const [user] = await t.database.prisma.user.findMany({ take: 1, orderBy: { createdAt: 'asc' } });
    const q = `query($id: ID!, $after: String, $first: Int) { user(id: $id) { workouts(from: "2026-01-01", to: "2026-03-31", first: $first, after: $after) {
      pageInfo { hasNextPage endCursor } edges { node { id startTime } } } } }`;
    const page1 = await t.graphql(q, { id: userGlobalId(user.id), first: 20 });
    const page2 = await t.graphql(q, { id: userGlobalId(user.id), first: 20, after: page1.body.data.user.workouts.pageInfo.endCursor });
    const p1 = page1.body.data.user.workouts;
    const p2 = page2.body.data.user.workouts;
    expect(p1.edges).toHaveLength(20);
    expect(p1.pageInfo.hasNextPage).toBe(true);
    expect(p2.edges).toHaveLength(20);
    expect(new Date(p2.edges[0].node.startTime) > new Date(p1.edges[19].node.startTime)).toBe(true);
    const huge = await t.graphql(q, { id: userGlobalId(user.id), first: 5000 });
    expect(huge.body.errors?.[0].message).toBe('"first" must be between 0 and 100 (got 5000)');
    expect(huge.body.data).toBeUndefined();
  });
});
