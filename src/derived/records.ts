/**
 * Reads what the score algorithms need of one user, in one statement: sleep sessions, recovery
 * records, workouts that are not another provider's duplicate, VO2max estimates (from
 * `recordsFrom`), and heart-rate samples (from `heartRateFrom`, as parallel arrays: a user-year is
 * ~200k samples), up to `to`.
 */
import type { ReadQuery } from '../db/database.js';
import { addLocalDays } from '../normalize/time.js';
import type { HeartRateInput, ProviderVo2Input, RecoveryInput, SleepInput, UserRecords, WorkoutInput } from '../scores/types.js';

const ms = (column: string) => `(extract(epoch from "${column}") * 1000)::bigint AS "${column}"`;
const base = `"id", "provider"::text AS "provider", "sourceDevice" AS "device", to_char("localDate", 'YYYY-MM-DD') AS "localDate"`;
const range = `"userId" = $1 AND "localDate" BETWEEN $2::date AND $4::date`;
const list = (select: string, table: string, where: string, order: string) =>
  `(SELECT coalesce(json_agg(r ORDER BY ${order}), '[]'::json) FROM (SELECT ${select} FROM "${table}" WHERE ${where}) r)`;

const SQL = `SELECT json_build_array(
  ${list(
    `${base}, ${ms('startTime')}, ${ms('endTime')}, "utcOffsetMinutes", "type"::text AS "type", "timeInBedSeconds", "totalSleepSeconds", "deepSleepSeconds", "remSleepSeconds",
     "awakeSeconds", "latencySeconds", "efficiencyPercent", "lowestHeartRateBpm", "averageHrvRmssdMs", "breathingRatePerMinute", "hypnogram"`,
    'SleepSession',
    range,
    'r."startTime", r."id"',
  )},
  ${list(`${base}, "hrvRmssdMs", "restingHeartRateBpm", "breathingRatePerMinute", "skinTemperatureDeviationCelsius"`, 'Recovery', range, 'r."localDate", r."id"')},
  ${list(
    `${base}, ${ms('startTime')}, ${ms('endTime')}, "sport"::text AS "sport", "durationSeconds", "distanceMeters", "averageHeartRateBpm", "maxHeartRateBpm"`,
    'Workout',
    `${range} AND "duplicateOfId" IS NULL`,
    'r."startTime", r."id"',
  )},
  ${list(`${base}, "vo2MaxMlPerKgMin"`, 'Vo2MaxEstimate', range, 'r."localDate", r."id"')},
  (SELECT json_build_object(
     't', coalesce(array_agg((extract(epoch from "time") * 1000)::bigint ORDER BY "time"), '{}'),
     'b', coalesce(array_agg("bpm" ORDER BY "time"), '{}'),
     'p', coalesce(array_agg("provider"::text ORDER BY "time"), '{}'),
     'o', coalesce(array_agg("utcOffsetMinutes" ORDER BY "time"), '{}'),
     'c', coalesce(array_agg("context" ORDER BY "time"), '{}'))
   FROM "HeartRateSample" WHERE "userId" = $1 AND "time" >= $3::timestamptz AND "time" < $5::timestamptz)
)::text AS "data"`;

/** A user's records for scoring dates up to `to`, with baselines reaching back to `recordsFrom`. */
export async function loadUserRecords(read: ReadQuery, userId: string, recordsFrom: string, heartRateFrom: string, to: string): Promise<UserRecords> {
  // Instants: a local date spans UTC offsets of -12..+14 h, so a day on each side.
  const hrFrom = `${addLocalDays(heartRateFrom, -1)}T00:00:00Z`;
  const hrTo = `${addLocalDays(to, 2)}T00:00:00Z`;
  const [{ data }] = await read<{ data: string }>(SQL, [userId, recordsFrom, hrFrom, to, hrTo]);
  const [sleeps, recoveries, workouts, providerVo2, hr] = JSON.parse(data) as [SleepInput[], RecoveryInput[], WorkoutInput[], ProviderVo2Input[], { t: number[]; b: number[]; p: string[]; o: number[]; c: (string | null)[] }];
  const heartRate: HeartRateInput[] = hr.t.map((time, i) => ({ time: Number(time), bpm: hr.b[i], provider: hr.p[i], utcOffsetMinutes: hr.o[i], context: hr.c[i] }));
  for (const s of sleeps) (s.startTime = Number(s.startTime)), (s.endTime = Number(s.endTime));
  for (const w of workouts) (w.startTime = Number(w.startTime)), (w.endTime = Number(w.endTime));
  return { sleeps, recoveries, workouts, heartRate, providerVo2 };
}

/** The first and last local date of any of the user's records (null without records). */
export async function recordDateBounds(read: ReadQuery, userId: string): Promise<{ first: string; last: string } | null> {
  const tables = ['SleepSession', 'Recovery', 'Workout', 'DailyActivity', 'Vo2MaxEstimate'];
  const parts = tables.map((t) => `SELECT min("localDate") AS lo, max("localDate") AS hi FROM "${t}" WHERE "userId" = $1`);
  const [row] = await read<{ first: string | null; last: string | null }>(
    `SELECT to_char(min(lo), 'YYYY-MM-DD') AS "first", to_char(max(hi), 'YYYY-MM-DD') AS "last" FROM (${parts.join(' UNION ALL ')}) b`,
    [userId],
  );
  return row?.first && row.last ? { first: row.first, last: row.last } : null;
}
