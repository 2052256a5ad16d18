/**
 * Loads `days` for many users at once: one statement per record type for all users asking for the
 * same date range, however many users and days. Records are then grouped in memory.
 */
import DataLoader from 'dataloader';
import type { PrismaClient } from '../../generated/prisma/client.js';
import { addDays, formatLocalDate, parseLocalDate } from '../../normalize/time.js';
import type { DayShape } from '../types/day.js';

export interface DaysKey {
  userId: string;
  from: string;
  to: string;
}

function groupByUserAndDate<T extends { userId: string; localDate: Date }>(rows: T[]) {
  const byKey = new Map<string, T[]>();
  for (const row of rows) {
    const key = `${row.userId}|${formatLocalDate(row.localDate)}`;
    const list = byKey.get(key);
    if (list) list.push(row);
    else byKey.set(key, [row]);
  }
  return (userId: string, date: string) => byKey.get(`${userId}|${date}`) ?? [];
}

async function loadRange(prisma: PrismaClient, userIds: string[], from: string, to: string) {
  const where = { userId: { in: userIds }, localDate: { gte: parseLocalDate(from), lte: parseLocalDate(to) } };
  const [workouts, sleep, recovery, activity] = await Promise.all([
    prisma.workout.findMany({ where, orderBy: [{ startTime: 'asc' }, { id: 'asc' }] }),
    prisma.sleepSession.findMany({ where, orderBy: [{ startTime: 'asc' }, { id: 'asc' }] }),
    prisma.recovery.findMany({ where, orderBy: [{ provider: 'asc' }, { id: 'asc' }] }),
    prisma.dailyActivity.findMany({ where, orderBy: [{ provider: 'asc' }, { id: 'asc' }] }),
  ]);
  return {
    workouts: groupByUserAndDate(workouts),
    sleep: groupByUserAndDate(sleep),
    recovery: groupByUserAndDate(recovery),
    activity: groupByUserAndDate(activity),
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
