/**
 * Loads `days` for many users at once: one statement for all four record types and all users asking for the
 * same date range, however many users and days. Records are then grouped in memory.
 */
import DataLoader from 'dataloader';
import type { DailyActivity, PrismaClient, Recovery, SleepSession, Workout } from '../../generated/prisma/client.js';
import { addDays, formatLocalDate, parseLocalDate } from '../../normalize/time.js';
import type { DayShape } from '../types/day.js';

export interface DaysKey {
  userId: string;
  from: string;
  to: string;
}

/** The DateTime columns of the four record types (timestamps and @db.Date), revived from JSON. */
const DATE_FIELDS = ['startTime', 'endTime', 'localDate', 'createdAt', 'updatedAt'] as const;

/**
 * All four record types in ONE statement (one json_agg per table, each in the order the GraphQL
 * types expect), revived into the same shapes Prisma's findMany returns: Date objects for timestamps
 * and dates, enums as strings, JSON columns as values. One round trip and one query through the
 * client instead of four: the client's per-query overhead dominated the request, not the SQL.
 */
const RANGE_SQL = (table: string, orderBy: string) =>
  `(SELECT coalesce(json_agg(r ORDER BY ${orderBy}), '[]'::json) FROM "${table}" r WHERE r."userId" = ANY($1::text[]) AND r."localDate" BETWEEN $2::date AND $3::date)`;
const LOAD_SQL = `SELECT json_build_array(${[
  RANGE_SQL('Workout', 'r."startTime", r."id"'),
  RANGE_SQL('SleepSession', 'r."startTime", r."id"'),
  RANGE_SQL('Recovery', 'r."provider", r."id"'),
  RANGE_SQL('DailyActivity', 'r."provider", r."id"'),
].join(', ')})::text AS "data"`;

/** Revives the DateTime fields and groups by user and local date (keyed on the JSON's 'YYYY-MM-DD' text, before it becomes a Date). */
function reviveAndGroup<T>(rows: Record<string, unknown>[]) {
  const byKey = new Map<string, T[]>();
  for (const row of rows) {
    const key = `${row.userId as string}|${row.localDate as string}`;
    for (const field of DATE_FIELDS) {
      const value = row[field];
      if (typeof value === 'string') row[field] = new Date(value);
    }
    const list = byKey.get(key);
    if (list) list.push(row as T);
    else byKey.set(key, [row as T]);
  }
  return (userId: string, date: string) => byKey.get(`${userId}|${date}`) ?? [];
}

async function loadRange(prisma: PrismaClient, userIds: string[], from: string, to: string) {
  const [{ data }] = await prisma.$queryRawUnsafe<{ data: string }[]>(LOAD_SQL, userIds, from, to);
  const [workouts, sleep, recovery, activity] = JSON.parse(data) as Record<string, unknown>[][];
  return {
    workouts: reviveAndGroup<Workout>(workouts),
    sleep: reviveAndGroup<SleepSession>(sleep),
    recovery: reviveAndGroup<Recovery>(recovery),
    activity: reviveAndGroup<DailyActivity>(activity),
  };
}

export function createDayLoader(prisma: PrismaClient) {
  return new DataLoader<DaysKey, DayShape[], string>(
    async (keys) => {
      const ranges = new Map<string, DaysKey[]>();
      for (const key of keys) {
        const rangeKey = `${key.from}|${key.to}`;
        ranges.set(rangeKey, [...(ranges.get(rangeKey) ?? []), key]);
      }
      const loaded = new Map<string, Awaited<ReturnType<typeof loadRange>>>();
      await Promise.all(
        [...ranges].map(async ([rangeKey, rangeKeys]) => {
          const { from, to } = rangeKeys[0];
          loaded.set(rangeKey, await loadRange(prisma, [...new Set(rangeKeys.map((k) => k.userId))], from, to));
        }),
      );
      return keys.map((key) => {
        const data = loaded.get(`${key.from}|${key.to}`)!;
        const days: DayShape[] = [];
        const end = parseLocalDate(key.to);
        for (let day = parseLocalDate(key.from); day <= end; day = addDays(day, 1)) {
          const date = formatLocalDate(day);
          days.push({
            date,
            workouts: data.workouts(key.userId, date),
            sleep: data.sleep(key.userId, date),
            recovery: data.recovery(key.userId, date),
            activity: data.activity(key.userId, date),
          });
        }
        return days;
      });
    },
    { cacheKeyFn: (key) => `${key.userId}|${key.from}|${key.to}` },
  );
}
