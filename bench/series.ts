/**
 * Series part of `npm run bench`: a one-year daily series (`User.series`, sleep_total_seconds,
 * DAY buckets) and a month of 5-minute heart rate (`User.heartRateSeries`, FIVE_MINUTES) through
 * the gateway in-process (yoga.fetch: auth, GraphQL, loader, JSON), each against its SQL floor: a
 * hand-written statement giving the same answer, sent through the same driver in the same run
 * (ratio = gateway median ms / floor median ms). Then a streamed NDJSON export of every user
 * (GET /export/v1/all.ndjson), read to the end, with the process's peak RSS above its level before.
 *
 * Alone, on a synthetic user-year (sleep from two providers, a month of heart rate a minute apart):
 *   node --import tsx bench/series.ts [pglite|postgresql] [runs]
 */
import { performance } from 'node:perf_hooks';
import { createApp } from '../src/app.js';
import type { Config } from '../src/config.js';
import { readQueryFor, type Database, type OpenOptions, type ReadQuery } from '../src/db/database.js';
import { createLogger } from '../src/logger.js';

export interface SeriesBenchRow {
  points: number;
  gatewayMs: number;
  floorMs: number;
  ratio: number;
  statements: number;
  sameAnswer: boolean;
}

export interface SeriesBench {
  user: string;
  yearDaily: SeriesBenchRow & { from: string; to: string };
  /** null when the user has no heart rate. */
  monthHeartRate: (SeriesBenchRow & { from: string; to: string; samples: number }) | null;
  export: { users: number; from: string; to: string; lines: number; bytes: number; seconds: number; linesPerSecond: number; rssBeforeMb: number; peakRssAboveMb: number };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const userGlobalId = (id: string) => Buffer.from(`User:${id}`).toString('base64');
const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

const SLEEP_FLOOR = `SELECT to_char(d, 'YYYY-MM-DD') AS date, avg(v)::float8 AS value, count(*)::int AS count FROM (
    SELECT s."localDate" AS d, s."totalSleepSeconds"::float8 AS v,
           rank() OVER (PARTITION BY s."localDate" ORDER BY coalesce(array_position($4::text[], s."provider"::text), 1000)) AS rk
    FROM "SleepSession" s
    WHERE s."userId" = $1 AND s."type" = 'MAIN' AND s."totalSleepSeconds" IS NOT NULL AND s."localDate" BETWEEN $2::date AND $3::date) x
  WHERE rk = 1 GROUP BY d ORDER BY d`;
const HEART_RATE_FLOOR = `SELECT date_bin(interval '5 minutes', "time", timestamptz '2000-01-01T00:00:00Z') AS start,
    min("bpm")::int AS min, avg("bpm")::float8 AS avg, max("bpm")::int AS max, count(*)::int AS n
  FROM "HeartRateSample" WHERE "userId" = $1 AND "time" >= $2::timestamptz AND "time" < $3::timestamptz GROUP BY 1 ORDER BY 1`;

async function timed(runs: number, once: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 3; i++) await once();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await once();
    ms.push(performance.now() - started);
  }
  return median(ms);
}

/**
 * `userExternalIdPrefix`: the user whose data is charted (the bench's backfilled user-year); the
 * year ends on its last sleep, the month on its last heart-rate sample.
 */
export async function benchSeries(
  open: (options?: OpenOptions) => Promise<Database>,
  config: Config,
  apiKey: string,
  options: { userExternalIdPrefix: string; runs: number; exportFrom: string; exportTo: string },
): Promise<SeriesBench> {
  const statements: string[] = [];
  const database = await open({ onQuery: (sql) => statements.push(sql) });
  const app = await createApp(config, { database, logger: createLogger({ level: 'error' }), workers: false });
  try {
    const prisma = app.database.prisma;
    const read: ReadQuery = readQueryFor(prisma)!;
    const user = await prisma.user.findFirst({ where: { externalId: { startsWith: options.userExternalIdPrefix } }, select: { id: true } });
    if (!user) throw new Error(`bench series: no user ${options.userExternalIdPrefix}*`);
    const [last] = await read<{ to: string | null; hr: Date | null }>(
      `SELECT (SELECT to_char(max("localDate"), 'YYYY-MM-DD') FROM "SleepSession" WHERE "userId" = $1) AS "to", (SELECT max("time") FROM "HeartRateSample" WHERE "userId" = $1) AS hr`,
      [user.id],
    );
    if (!last.to) throw new Error('bench series: the user has no sleep');
    const graphql = async (query: string, variables: Record<string, unknown>) => {
      const response = await app.yoga.fetch('http://localhost/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: { user: Record<string, unknown[]> }; errors?: unknown };
      if (body.errors) throw new Error(`bench series: ${JSON.stringify(body.errors).slice(0, 300)}`);
      return body.data!.user;
    };
    const countStatements = async (run: () => Promise<unknown>) => {
      statements.length = 0;
      await run();
      return statements.filter((s) => !s.startsWith('UPDATE "public"."ApiKey"')).length;
    };

    // One year of daily sleep.
    const to = last.to;
    const from = addDays(to, -365);
    const yearQuery = `query($id: ID!, $from: LocalDate!, $to: LocalDate!) { user(id: $id) { series(metric: "sleep_total_seconds", from: $from, to: $to, bucket: DAY) { date value count } } }`;
    const yearVars = { id: userGlobalId(user.id), from, to };
    const yearFloorParams = [user.id, from, to, config.providerPriority.sleep];
    const gatewayYear = (await graphql(yearQuery, yearVars)).series as { date: string; value: number; count: number }[];
    const floorYear = await read<{ date: string; value: number; count: number }>(SLEEP_FLOOR, yearFloorParams);
    const sameYear = JSON.stringify(gatewayYear.map((p) => [p.date, round(p.value, 6), p.count])) === JSON.stringify(floorYear.map((p) => [p.date, round(Number(p.value), 6), Number(p.count)]));
    const yearDaily = {
      from,
      to,
      points: gatewayYear.length,
      gatewayMs: round(await timed(options.runs, () => graphql(yearQuery, yearVars)), 1),
      floorMs: round(await timed(options.runs, () => read(SLEEP_FLOOR, yearFloorParams)), 1),
      ratio: 0,
      statements: await countStatements(() => graphql(yearQuery, yearVars)),
      sameAnswer: sameYear,
    };
    yearDaily.ratio = round(yearDaily.gatewayMs / yearDaily.floorMs);

    // A month (31 days) of 5-minute heart rate, ending at the last sample's next 5-minute boundary.
    const monthHeartRate = last.hr ? await benchHeartRate(new Date(last.hr)) : null;
    async function benchHeartRate(lastSample: Date) {
      const userId = user!.id;
      const hrTo = new Date(Math.ceil((lastSample.getTime() + 1) / 300_000) * 300_000);
      const hrFrom = new Date(hrTo.getTime() - 31 * 86_400_000);
      const hrQuery = `query($id: ID!, $from: DateTime!, $to: DateTime!) { user(id: $id) { heartRateSeries(from: $from, to: $to, resolution: FIVE_MINUTES) { start minBpm avgBpm maxBpm samples } } }`;
      const hrVars = { id: userGlobalId(userId), from: hrFrom.toISOString(), to: hrTo.toISOString() };
      const hrFloorParams = [userId, hrFrom.toISOString(), hrTo.toISOString()];
      const gatewayHr = (await graphql(hrQuery, hrVars)).heartRateSeries as { start: string; minBpm: number; avgBpm: number; maxBpm: number; samples: number }[];
      const floorHr = await read<{ start: Date; min: number; avg: number; max: number; n: number }>(HEART_RATE_FLOOR, hrFloorParams);
      const sameHr =
        JSON.stringify(gatewayHr.map((b) => [b.start, b.minBpm, round(b.avgBpm, 6), b.maxBpm, b.samples])) ===
        JSON.stringify(floorHr.map((b) => [new Date(b.start).toISOString(), Number(b.min), round(Number(b.avg), 6), Number(b.max), Number(b.n)]));
      const row = {
        from: hrVars.from,
        to: hrVars.to,
        samples: floorHr.reduce((sum, b) => sum + Number(b.n), 0),
        points: gatewayHr.length,
        gatewayMs: round(await timed(options.runs, () => graphql(hrQuery, hrVars)), 1),
        floorMs: round(await timed(options.runs, () => read(HEART_RATE_FLOOR, hrFloorParams)), 1),
        ratio: 0,
        statements: await countStatements(() => graphql(hrQuery, hrVars)),
        sameAnswer: sameHr,
      };
      row.ratio = round(row.gatewayMs / row.floorMs);
      return row;
    }

    // Streamed export of every user, read to the end; RSS sampled every 20 ms.
    const users = await prisma.user.count();
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const started = performance.now();
    const response = await app.yoga.fetch(`http://localhost/export/v1/all.ndjson?from=${options.exportFrom}&to=${options.exportTo}`, { headers: { authorization: `Bearer ${apiKey}` } });
    if (response.status !== 200 || !response.body) throw new Error(`bench export: ${response.status} ${await response.text()}`);
    let bytes = 0;
    let lines = 0;
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      for (let i = 0; i < value.byteLength; i++) if (value[i] === 10) lines++;
    }
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    return {
      user: user.id,
      yearDaily,
      monthHeartRate,
      export: {
        users,
        from: options.exportFrom,
        to: options.exportTo,
        lines,
        bytes,
        seconds: round(seconds),
        linesPerSecond: Math.round(lines / seconds),
        rssBeforeMb: round(rssBefore / 1048576, 1),
        peakRssAboveMb: round((peak - rssBefore) / 1048576, 1),
      },
    };
  } finally {
    await app.close();
  }
}

// ---------------------------------------------------------------- alone, on synthetic data

if (process.argv[1]?.endsWith('series.ts')) {
  const { TEST_ADMIN_KEY } = await import('../tests/support/test-app.js');
  const { openTestDatabase } = await import('../tests/support/databases.js');
  const { loadConfig } = await import('../src/config.js');
  const variant = (process.argv[2] ?? 'pglite') as 'pglite' | 'postgresql';
  const runs = Number(process.argv[3] ?? 30);
  if (variant === 'postgresql') process.env.TEST_DATABASE_URL ??= 'postgresql://postgres@127.0.0.1:5432/postgres';
  // One database, seeded here and handed to the bench's app (which counts its statements through the hook).
  let hook: ((sql: string) => void) | undefined;
  const database = await openTestDatabase(variant, { onQuery: (sql) => hook?.(sql) });
  const prisma = database.prisma;
  const { id } = await prisma.user.create({ data: { externalId: 'bench-series-year' } });
  const to = '2026-06-30';
  const from = addDays(to, -400);
  for (const [provider, base] of [['POLAR', 25_000], ['OURA', 26_000]] as const) {
    await prisma.$executeRawUnsafe(
      `INSERT INTO "SleepSession" ("id", "userId", "provider", "providerRecordId", "startTime", "endTime", "utcOffsetMinutes", "localDate", "type", "totalSleepSeconds", "updatedAt")
       SELECT gen_random_uuid()::text, $1, $2::text::"Provider", $2::text || g::text, d - interval '7 hours', d + interval '1 hour', 120, d::date, 'MAIN', $3::int + (g * 37) % 3600, now()
       FROM generate_series($4::date, $5::date, interval '1 day') WITH ORDINALITY AS s(d, g) WHERE $2::text = 'POLAR' OR g % 3 <> 0`,
      id, provider, base, from, to,
    );
  }
  await prisma.$executeRawUnsafe(
    `INSERT INTO "HeartRateSample" ("userId", "provider", "time", "utcOffsetMinutes", "bpm")
     SELECT $1, 'POLAR', timestamptz '2026-06-01T00:00:00Z' + g * interval '1 minute', 120, 55 + (g * 7) % 60 FROM generate_series(0, 30 * 1440 - 1) g`,
    id,
  );
  // Nine more users with a month of heart rate each, for the export.
  for (let u = 0; u < 9; u++) {
    const other = await prisma.user.create({ data: { externalId: `bench-series-${u}` } });
    await prisma.$executeRawUnsafe(
      `INSERT INTO "HeartRateSample" ("userId", "provider", "time", "utcOffsetMinutes", "bpm")
       SELECT $1, 'OURA', timestamptz '2026-06-01T00:00:00Z' + g * interval '5 minutes', 0, 50 + g % 50 FROM generate_series(0, 30 * 288 - 1) g`,
      other.id,
    );
  }
  const config = loadConfig({ INITIAL_API_KEY: TEST_ADMIN_KEY, DATA_DIR: '.test-data/unused', ENCRYPTION_KEY: 'b'.repeat(64), SANDBOX: 'false', RATE_LIMIT_PER_MINUTE: '0', USER_TOKEN_RATE_LIMIT_PER_MINUTE: '0' });
  const result = await benchSeries(async (options) => ((hook = options?.onQuery), { ...database, close: async () => {} }), config, TEST_ADMIN_KEY, {
    userExternalIdPrefix: 'bench-series-year',
    runs,
    exportFrom: '2026-06-01',
    exportTo: '2026-06-30',
  }).finally(() => database.close());
  console.log(JSON.stringify({ variant, runs, ...result }, null, 2));
}
