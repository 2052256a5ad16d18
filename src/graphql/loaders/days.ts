/**
 * Loads `days` for many users at once: one statement for all four record types and all users asking for the
 * same date range, however many users and days. Records are then grouped in memory.
 */
import DataLoader from 'dataloader';
import type { DailyActivity, PrismaClient, Recovery, SleepSession, Workout } from '../../generated/prisma/client.js';
import type { AccessBoundary } from '../../auth/boundary.js';
import { readQueryFor, type ReadQuery } from '../../db/database.js';
import { addDays, formatLocalDate, parseLocalDate } from '../../normalize/time.js';
import { ACTIVE_HASH_SQL, STORED_SCORE_COLUMNS, type StoredScore } from '../../derived/store.js';
import type { DayShape } from '../types/day.js';
import { mergePlans, planKey, type ColumnPlan, type RecordTable } from './day-columns.js';

export interface DaysKey {
  userId: string;
  from: string;
  to: string;
  /** The columns the selection needs (day-columns.ts), and its key. */
  columns: ColumnPlan;
  columnsKey: string;
}

/**
 * The DateTime columns of the four record types (timestamps and @db.Date): the statement returns
 * them as epoch milliseconds (all are millisecond precision), which revive far cheaper than
 * timestamp text.
 */
const DATE_COLUMNS = new Set(['startTime', 'endTime', 'localDate', 'createdAt', 'updatedAt']);

const ORDER_BY: Record<RecordTable, string> = {
  Workout: 'r."startTime", r."id"',
  SleepSession: 'r."startTime", r."id"',
  Recovery: 'r."provider", r."id"',
  DailyActivity: 'r."provider", r."id"',
};

/**
 * All four record types in ONE statement (one json_agg per table of the planned columns, each in
 * the order the GraphQL types expect), revived into the shapes Prisma's findMany returns (for the
 * columns read): Date objects for timestamps and dates, enums as strings, JSON columns as values.
 * One round trip and one query through the client instead of four.
 */
function loadSql(plan: ColumnPlan): string {
  const column = (c: string) => (DATE_COLUMNS.has(c) ? `(extract(epoch from "${c}") * 1000)::bigint AS "${c}"` : `"${c}"`);
  const range = (table: RecordTable) =>
    `(SELECT coalesce(json_agg(r ORDER BY ${ORDER_BY[table]}), '[]'::json) FROM (SELECT ${plan[table].map(column).join(', ')} FROM "${table}"` +
    ` WHERE "userId" = ANY($1::text[]) AND "localDate" BETWEEN $2::date AND $3::date) r)`;
  // The day's scores (derived values) ride in the same statement, under the answered parameter hash
  // only, with just the keys of their detail that the selection reads.
  const detail = `jsonb_build_object(${(plan.scores ?? []).map((k) => `'${k}', "detail"->'${k}'`).join(', ')}) AS "detail"`;
  const scores = plan.scores
    ? `, (SELECT coalesce(json_agg(s ORDER BY s."localDate", s."kind"), '[]'::json) FROM (SELECT ${STORED_SCORE_COLUMNS.replace('"detail"', detail)} FROM "DailyScore"` +
      ` WHERE "userId" = ANY($1::text[]) AND "parameterHash" = ${ACTIVE_HASH_SQL} AND "localDate" BETWEEN $2::date AND $3::date) s)`
    : '';
  return `SELECT json_build_array(${range('Workout')}, ${range('SleepSession')}, ${range('Recovery')}, ${range('DailyActivity')}${scores})::text AS "data"`;
}

const sqlCache = new Map<string, string>();
function cachedLoadSql(plan: ColumnPlan): string {
  const key = planKey(plan);
  let sql = sqlCache.get(key);
  if (!sql) {
    sql = loadSql(plan);
    if (sqlCache.size < 256) sqlCache.set(key, sql);
  }
  return sql;
}

/** Revives the DateTime columns (epoch ms) and groups by user and local date (keyed on its epoch ms, before it becomes a Date). */
function reviveAndGroup<T>(rows: Record<string, unknown>[], columns: readonly string[]) {
  const dateColumns = columns.filter((c) => DATE_COLUMNS.has(c));
  const byUser = new Map<string, Map<number, T[]>>();
  for (const row of rows) {
    const day = row.localDate as number;
    for (const column of dateColumns) {
      const value = row[column];
      if (typeof value === 'number') row[column] = new Date(value);
    }
    let byDay = byUser.get(row.userId as string);
    if (!byDay) byUser.set(row.userId as string, (byDay = new Map()));
    const list = byDay.get(day);
    if (list) list.push(row as T);
    else byDay.set(day, [row as T]);
  }
  return (userId: string, dayMs: number) => byUser.get(userId)?.get(dayMs) ?? [];
}

async function loadRange(read: ReadQuery, userIds: string[], from: string, to: string, plan: ColumnPlan) {
  const [{ data }] = await read<{ data: string }>(cachedLoadSql(plan), [userIds, from, to]);
  const [workouts, sleep, recovery, activity, scores] = JSON.parse(data) as Record<string, unknown>[][];
  const scoresByDay = new Map<string, StoredScore[]>();
  for (const score of (scores ?? []) as unknown as StoredScore[]) {
    const key = `${score.userId}|${score.localDate}`;
    const list = scoresByDay.get(key);
    if (list) list.push(score);
    else scoresByDay.set(key, [score]);
  }
  return {
    scores: (userId: string, date: string) => scoresByDay.get(`${userId}|${date}`) ?? [],
    workouts: reviveAndGroup<Workout>(workouts, plan.Workout),
    sleep: reviveAndGroup<SleepSession>(sleep, plan.SleepSession),
    recovery: reviveAndGroup<Recovery>(recovery, plan.Recovery),
    activity: reviveAndGroup<DailyActivity>(activity, plan.DailyActivity),
  };
}

export function createDayLoader(prisma: PrismaClient, boundary: AccessBoundary) {
  const read: ReadQuery = readQueryFor(prisma) ?? ((sql, params) => prisma.$queryRawUnsafe(sql, ...params));
  return new DataLoader<DaysKey, DayShape[], string>(
    async (keys) => {
      // One statement per date range; selections that differ read the union of their columns.
      const ranges = new Map<string, DaysKey[]>();
      for (const key of keys) {
        const rangeKey = `${key.from}|${key.to}`;
        const list = ranges.get(rangeKey);
        if (list) list.push(key);
        else ranges.set(rangeKey, [key]);
      }
      const loaded = new Map<string, Awaited<ReturnType<typeof loadRange>>>();
      await Promise.all(
        [...ranges].map(async ([rangeKey, rangeKeys]) => {
          const { from, to } = rangeKeys[0];
          const plans = new Map(rangeKeys.map((k) => [k.columnsKey, k.columns]));
          // Raw SQL bypasses the boundary's client: only user ids the boundary lets through are read.
          const userIds = boundary.visibleUserIds([...new Set(rangeKeys.map((k) => k.userId))]);
          loaded.set(rangeKey, await loadRange(read, userIds, from, to, mergePlans([...plans.values()])));
        }),
      );
      return keys.map((key) => {
        const data = loaded.get(`${key.from}|${key.to}`)!;
        const days: DayShape[] = [];
        const end = parseLocalDate(key.to);
        for (let day = parseLocalDate(key.from); day <= end; day = addDays(day, 1)) {
          const dayMs = day.getTime();
          const date = formatLocalDate(day);
          days.push({
            userId: key.userId,
            date,
            scores: key.columns.scores ? data.scores(key.userId, date) : null,
            workouts: data.workouts(key.userId, dayMs),
            sleep: data.sleep(key.userId, dayMs),
            recovery: data.recovery(key.userId, dayMs),
            activity: data.activity(key.userId, dayMs),
          });
        }
        return days;
      });
    },
    { cacheKeyFn: (key) => `${key.userId}|${key.from}|${key.to}|${key.columnsKey}` },
  );
}
