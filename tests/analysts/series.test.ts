/**
 * User.series and User.heartRateSeries against hand-written SQL over the same seeded data
 * (tests/support/analyst-seed.ts), for a UTC+2 and a UTC-7 user: ISO weeks on local dates, the
 * provider-priority choice per date, workouts without duplicates, percentiles, a month of 5-minute
 * heart rate in one request; a fixed statement count whatever the users; refused arguments name
 * the argument and the limit.
 */
import { databaseVariants } from '../support/databases.js';
import { ANALYST_FROM, seedAnalystData, type AnalystUsers } from '../support/analyst-seed.js';
import { userGlobalId } from '../support/seed.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

const TO = '2026-04-04';

describe.each(databaseVariants())('series (%s)', (variant) => {
  let t: TestApp;
  let users: AnalystUsers;
  beforeAll(async () => {
    t = await createTestApp(variant, {}, { workers: false });
    await t.app.scores.ensureRun();
    const run = await t.database.prisma.scoreRun.findFirstOrThrow({ where: { status: 'SUCCEEDED' } });
    users = await seedAnalystData(t.database.prisma, run.parameterHash);
  }, 120_000);
  afterAll(() => t.close());

  const sql = <T>(text: string, ...params: unknown[]) => t.database.prisma.$queryRawUnsafe<T[]>(text, ...params);
  const num = (v: unknown) => Math.round(Number(v) * 1e6) / 1e6;

  async function series(userId: string, args: string) {
    const res = await t.graphql(`{ user(id: "${userGlobalId(userId)}") { series(${args}) { date localTime start value count } } }`);
    expect(res.body.errors).toBeUndefined();
    return res.body.data.user.series as { date: string; localTime: string | null; start: string; value: number; count: number }[];
  }

  it('average sleep per ISO week: the night\'s main sleep of the first provider in priority (Oura, then Polar), Monday weeks on local dates', async () => {
    for (const userId of [users.east, users.west]) {
      const got = await series(userId, `metric: "sleep_total_seconds", from: "${ANALYST_FROM}", to: "${TO}", bucket: WEEK, aggregate: MEAN`);
      const expected = await sql<{ week: string; value: number; n: number }>(
        `WITH night AS (
           SELECT DISTINCT ON ("localDate") "localDate", "totalSleepSeconds" FROM "SleepSession"
           WHERE "userId" = $1 AND "type" = 'MAIN' AND "totalSleepSeconds" IS NOT NULL AND "localDate" BETWEEN $2::date AND $3::date
           ORDER BY "localDate", CASE "provider" WHEN 'OURA' THEN 0 ELSE 1 END)
         SELECT to_char("localDate" - (extract(isodow FROM "localDate")::int - 1), 'YYYY-MM-DD') AS week, avg("totalSleepSeconds")::float8 AS value, count(*)::int AS n
         FROM night GROUP BY 1 ORDER BY 1`,
        userId, ANALYST_FROM, TO,
      );
      expect(got.map((p) => [p.date, num(p.value), p.count])).toEqual(expected.map((e) => [e.week, num(e.value), e.n]));
      expect(got).toHaveLength(13);
      // 90 days from a Monday: twelve full weeks and a last one of six nights.
      expect(got.map((p) => p.count)).toEqual([...Array(12).fill(7), 6]);
    }
  });

  it('HRV trend over 90 days: one value a night, Oura where it has one, else Polar', async () => {
    const got = await series(users.east, `metric: "recovery_hrv_rmssd_ms", from: "${ANALYST_FROM}", to: "2026-04-04", bucket: DAY`);
    const expected = await sql<{ day: string; value: number }>(
      `SELECT to_char(d.day, 'YYYY-MM-DD') AS day, coalesce(o."hrvRmssdMs", p."hrvRmssdMs")::float8 AS value
       FROM generate_series($2::date, $3::date, interval '1 day') AS d(day)
       LEFT JOIN "Recovery" o ON o."userId" = $1 AND o."provider" = 'OURA' AND o."localDate" = d.day::date
       LEFT JOIN "Recovery" p ON p."userId" = $1 AND p."provider" = 'POLAR' AND p."localDate" = d.day::date
       ORDER BY 1`,
      users.east, ANALYST_FROM, '2026-04-04',
    );
    expect(got.map((p) => [p.date, p.value])).toEqual(expected.map((e) => [e.day, Number(e.value)]));
    // UTC+2: local midnight is 22:00 UTC the day before.
    expect(got[0].start).toBe('2026-01-04T22:00:00.000Z');
    // Percentiles in the database: the weekly median equals PostgreSQL's percentile_cont over the same nightly values.
    const median = await series(users.east, `metric: "recovery_hrv_rmssd_ms", from: "${ANALYST_FROM}", to: "2026-01-11", bucket: WEEK, aggregate: MEDIAN`);
    const values = got.slice(0, 7).map((p) => p.value).sort((a, b) => a - b);
    expect(median).toEqual([expect.objectContaining({ date: ANALYST_FROM, value: values[3], count: 7 })]);
  });

  it('workouts by sport: distance per month counts each session once; the UTC-7 Sunday-night run stays in its local week', async () => {
    const got = await series(users.west, `metric: "workout_distance_m", from: "${ANALYST_FROM}", to: "${TO}", bucket: MONTH, sport: RUNNING`);
    const expected = await sql<{ month: string; value: number; n: number }>(
      `SELECT to_char(date_trunc('month', "localDate"), 'YYYY-MM-DD') AS month, sum("distanceMeters")::float8 AS value, count(*)::int AS n FROM "Workout"
       WHERE "userId" = $1 AND "sport" = 'RUNNING' AND "duplicateOfId" IS NULL AND "localDate" BETWEEN $2::date AND $3::date GROUP BY 1 ORDER BY 1`,
      users.west, ANALYST_FROM, TO,
    );
    expect(got.map((p) => [p.date, p.value, p.count])).toEqual(expected.map((e) => [e.month, Number(e.value), e.n]));
    // Runs on d = 0, 3, 6 of the first week; d = 6 is Sunday 2026-01-11 at 23:30 local, 06:30 UTC on Monday.
    const weeks = await series(users.west, `metric: "workout_count", from: "${ANALYST_FROM}", to: "2026-01-18", bucket: WEEK, sport: RUNNING`);
    expect(weeks.map((p) => [p.date, p.value])).toEqual([
      ['2026-01-05', 3],
      ['2026-01-12', 2],
    ]);
    // One provider named: its own records, duplicates included (Oura's copies of Polar runs).
    const oura = await series(users.west, `metric: "workout_count", from: "${ANALYST_FROM}", to: "${TO}", bucket: MONTH, provider: OURA`);
    expect(oura.reduce((s, p) => s + p.value, 0)).toBe(15);
  });

  it('measurements and scores: weight per month (last), sleep score per week (mean)', async () => {
    const weight = await series(users.west, `metric: "weight_kg", from: "${ANALYST_FROM}", to: "${TO}", bucket: MONTH`);
    const expected = await sql<{ month: string; value: number }>(
      `SELECT DISTINCT ON (date_trunc('month', "localDate")) to_char(date_trunc('month', "localDate"), 'YYYY-MM-DD') AS month, "value" FROM "Measurement"
       WHERE "userId" = $1 AND "metric" = 'weight_kg' ORDER BY date_trunc('month', "localDate"), "startTime" DESC`,
      users.west,
    );
    expect(weight.map((p) => [p.date, num(p.value)])).toEqual(expected.map((e) => [e.month, num(e.value)]));
    const scores = await series(users.east, `metric: "score_sleep", from: "${ANALYST_FROM}", to: "2026-01-18", bucket: WEEK`);
    const expectedScores = await sql<{ week: string; value: number }>(
      `SELECT to_char(date_trunc('week', "localDate"), 'YYYY-MM-DD') AS week, avg("value")::float8 AS value FROM "DailyScore"
       WHERE "userId" = $1 AND "kind" = 'sleep' AND "localDate" BETWEEN $2::date AND '2026-01-18' GROUP BY 1 ORDER BY 1`,
      users.east, ANALYST_FROM,
    );
    expect(scores.map((p) => [p.date, num(p.value)])).toEqual(expectedScores.map((e) => [e.week, num(e.value)]));
  });

  it('a month of 5-minute heart rate is one request and one statement: min/avg/max per bucket equal the SQL', async () => {
    const query = `{ user(id: "${userGlobalId(users.east)}") { heartRateSeries(from: "2026-03-01T00:00:00Z", to: "2026-04-01T00:00:00Z", resolution: FIVE_MINUTES) { start minBpm avgBpm maxBpm samples } } }`;
    t.statements.length = 0;
    const res = await t.graphql(query);
    expect(res.body.errors).toBeUndefined();
    const statements = t.statements.filter((s) => !s.startsWith('UPDATE "public"."ApiKey"'));
    expect(statements.filter((s) => s.includes('"HeartRateSample"'))).toHaveLength(1);
    const got = res.body.data.user.heartRateSeries as { start: string; minBpm: number; avgBpm: number; maxBpm: number; samples: number }[];
    expect(got).toHaveLength(31 * 288);
    const expected = await sql<{ start: Date; min: number; avg: number; max: number; n: number }>(
      `SELECT to_timestamp(floor(extract(epoch FROM "time") / 300) * 300) AS start, min("bpm") AS min, avg("bpm")::float8 AS avg, max("bpm") AS max, count(*)::int AS n
       FROM "HeartRateSample" WHERE "userId" = $1 AND "time" >= '2026-03-01T00:00:00Z' AND "time" < '2026-04-01T00:00:00Z' GROUP BY 1 ORDER BY 1`,
      users.east,
    );
    expect(got.map((b) => [b.start, b.minBpm, num(b.avgBpm), b.maxBpm, b.samples])).toEqual(expected.map((e) => [e.start.toISOString(), Number(e.min), num(e.avg), Number(e.max), e.n]));
    // March 1st holds both providers' samples: two per bucket.
    expect(got[0]).toEqual({ start: '2026-03-01T00:00:00.000Z', minBpm: 45, avgBpm: 47.5, maxBpm: 50, samples: 2 });
  });

  it('uses the same statements for one user and for every user', async () => {
    const run = async (first: number) => {
      t.statements.length = 0;
      const res = await t.graphql(`{ users(first: ${first}) { edges { node { series(metric: "sleep_total_seconds", from: "${ANALYST_FROM}", to: "${TO}", bucket: WEEK) { value } } } } }`);
      expect(res.body.errors).toBeUndefined();
      return t.statements.filter((s) => !s.startsWith('UPDATE "public"."ApiKey"')).length;
    };
    const one = await run(1);
    expect(await run(10)).toBe(one);
    // auth look-up, users page, one series statement
    expect(one).toBe(3);
  });

  it('my longest run: one connection query with sport, primaryOnly and orderBy; totalCount and cursors agree with SQL', async () => {
    const page = async (after: string | null) => {
      const res = await t.graphql(
        `query($after: String) { user(id: "${userGlobalId(users.west)}") { workouts(from: "${ANALYST_FROM}", to: "${TO}", sport: RUNNING, primaryOnly: true, orderBy: DISTANCE_DESC, first: 4, after: $after) {
          totalCount pageInfo { hasNextPage endCursor } edges { node { distanceMeters startTime source { provider } } } } } }`,
        { after },
      );
      expect(res.body.errors).toBeUndefined();
      return res.body.data.user.workouts;
    };
    const expected = await sql<{ distance: number; provider: string }>(
      `SELECT "distanceMeters" AS distance, "provider"::text AS provider FROM "Workout" WHERE "userId" = $1 AND "sport" = 'RUNNING' AND "duplicateOfId" IS NULL
         AND "localDate" BETWEEN $2::date AND $3::date AND "distanceMeters" IS NOT NULL ORDER BY "distanceMeters" DESC, "id" DESC`,
      users.west, ANALYST_FROM, TO,
    );
    const first = await page(null);
    expect(first.totalCount).toBe(expected.length);
    expect(first.edges[0].node).toMatchObject({ distanceMeters: Number(expected[0].distance), source: { provider: 'POLAR' } });
    // Walking every page gives the SQL order exactly.
    const seen = [...first.edges];
    for (let p = first; p.pageInfo.hasNextPage; ) {
      p = await page(p.pageInfo.endCursor);
      seen.push(...p.edges);
    }
    expect(seen.map((e: { node: { distanceMeters: number } }) => e.node.distanceMeters)).toEqual(expected.map((e) => Number(e.distance)));
  });

  it('training load against next-night recovery: Day.nextNight in the days statement', async () => {
    t.statements.length = 0;
    const res = await t.graphql(`{ user(id: "${userGlobalId(users.east)}") { days(from: "${ANALYST_FROM}", to: "2026-02-03") {
      date primaryWorkouts { trainingLoad } nextNight { date primaryRecovery { hrvRmssdMs source { provider } } } } } }`);
    expect(res.body.errors).toBeUndefined();
    expect(t.statements.filter((s) => !s.startsWith('UPDATE "public"."ApiKey"'))).toHaveLength(3);
    const days = res.body.data.user.days as { date: string; primaryWorkouts: { trainingLoad: number | null }[]; nextNight: { date: string; primaryRecovery: { hrvRmssdMs: number } | null } }[];
    expect(days).toHaveLength(30);
    const got = days
      .filter((d) => d.primaryWorkouts.length > 0)
      .map((d) => [d.date, d.primaryWorkouts.reduce((sum, w) => sum + (w.trainingLoad ?? 0), 0), d.nextNight.date, d.nextNight.primaryRecovery?.hrvRmssdMs ?? null]);
    const expected = await sql<{ day: string; load: number; next: string; hrv: number | null }>(
      `SELECT to_char(w."localDate", 'YYYY-MM-DD') AS day, sum(coalesce(w."trainingLoad", 0))::float8 AS load, to_char(w."localDate" + 1, 'YYYY-MM-DD') AS next,
              (SELECT coalesce(o."hrvRmssdMs", p."hrvRmssdMs") FROM (SELECT 1) x
                 LEFT JOIN "Recovery" o ON o."userId" = $1 AND o."provider" = 'OURA' AND o."localDate" = w."localDate" + 1
                 LEFT JOIN "Recovery" p ON p."userId" = $1 AND p."provider" = 'POLAR' AND p."localDate" = w."localDate" + 1)::float8 AS hrv
       FROM "Workout" w WHERE w."userId" = $1 AND w."duplicateOfId" IS NULL AND w."localDate" BETWEEN $2::date AND '2026-02-03' GROUP BY w."localDate" ORDER BY 1`,
      users.east, ANALYST_FROM,
    );
    expect(got).toEqual(expected.map((e) => [e.day, Number(e.load), e.next, e.hrv === null ? null : Number(e.hrv)]));
    // The last day's night is the day after "to".
    expect(days[29].nextNight.date).toBe('2026-02-04');
  });

  it('refuses bad arguments before running, naming the argument and the limit', async () => {
    const ask = async (args: string, field = 'series') => {
      const res = await t.graphql(`{ user(id: "${userGlobalId(users.east)}") { ${field}(${args}) { __typename } } }`);
      expect(res.status).toBe(400);
      return { argument: (res.body.errors![0].extensions as { argument?: string }).argument, message: res.body.errors![0].message };
    };
    expect(await ask(`metric: "weight_lb", from: "2026-01-01", to: "2026-01-31", bucket: DAY`)).toEqual({ argument: 'metric', message: expect.stringContaining('Query.seriesMetrics') });
    expect(await ask(`metric: "weight_kg", from: "2026-01-01", to: "2026-01-31", bucket: MINUTE`)).toEqual({ argument: 'bucket', message: expect.stringContaining('at most 10000') });
    expect(await ask(`metric: "sleep_total_seconds", from: "2026-01-01", to: "2026-01-03", bucket: HOUR`)).toEqual({ argument: 'bucket', message: expect.stringContaining('DAY, WEEK or MONTH') });
    expect(await ask(`metric: "weight_kg", from: "2026-01-01", to: "2026-01-31", bucket: DAY, aggregate: SUM`)).toEqual({ argument: 'aggregate', message: expect.stringContaining('SUM') });
    expect(await ask(`metric: "weight_kg", from: "2025-01-01", to: "2026-01-31", bucket: MONTH`)).toEqual({ argument: 'to', message: expect.stringContaining('at most 366 days') });
    expect(await ask(`from: "2026-01-01T00:00:00Z", to: "2026-03-01T00:00:00Z", resolution: FIVE_MINUTES`, 'heartRateSeries')).toEqual({ argument: 'resolution', message: expect.stringContaining('34 days') });
  });

  it('a user token reads its own series only', async () => {
    const issued = await t.graphql(`mutation { createUserToken(input: { userId: "${userGlobalId(users.west)}", scopes: [SELF_READ] }) { token } }`);
    const token = issued.body.data?.createUserToken?.token as string | undefined;
    if (!token) throw new Error(JSON.stringify(issued.body.errors));
    const query = (id: string) => `{ user(id: "${userGlobalId(id)}") { series(metric: "activity_steps", from: "${ANALYST_FROM}", to: "${TO}", bucket: MONTH) { value } } }`;
    expect((await t.graphql(query(users.east), undefined, token)).body.data.user).toBeNull();
    expect((await t.graphql(query(users.west), undefined, token)).body.data.user.series).toHaveLength(4);
  });
});
