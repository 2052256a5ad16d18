/**
 * Loads `User.series`, `User.heartRateSeries` and `User.summary` for many users at once: one statement per distinct
 * argument set in a request, however many users ask (src/services/series.ts).
 */
import DataLoader from 'dataloader';
import type { AccessBoundary } from '../../auth/boundary.js';
import type { Config } from '../../config.js';
import { readQueryFor, type ReadQuery } from '../../db/database.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import { readHeartRateBuckets, readSeries, type HeartRateArgs, type HeartRateBucket, type SeriesArgs, type SeriesPoint } from '../../services/series.js';
import { readSummary, type SummaryArgs, type SummaryPeriod } from '../../services/summary.js';

/** Batches keys that share everything but the user into one read of all their users. */
function byArguments<A, R extends { userId: string }>(boundary: AccessBoundary, keyOf: (args: A) => string, load: (userIds: string[], args: A) => Promise<R[]>) {
  return new DataLoader<A & { userId: string }, R[], string>(
    async (keys) => {
      const groups = new Map<string, (A & { userId: string })[]>();
      for (const key of keys) groups.set(keyOf(key), [...(groups.get(keyOf(key)) ?? []), key]);
      const results = new Map<string, R[]>();
      await Promise.all(
        [...groups].map(async ([group, members]) => {
          const userIds = boundary.visibleUserIds([...new Set(members.map((m) => m.userId))]);
          // Appended in place, rows arrive grouped by user: a month of 5-minute buckets is 8,928 rows (copying the array per row cost ~0.5 s).
          let user: string | null = null;
          let list: R[] = [];
          for (const row of await load(userIds, members[0])) {
            if (row.userId !== user) {
              user = row.userId;
              const k = `${user}|${group}`;
              list = results.get(k) ?? [];
              results.set(k, list);
            }
            list.push(row);
          }
        }),
      );
      return keys.map((key) => results.get(`${key.userId}|${keyOf(key)}`) ?? []);
    },
    { cacheKeyFn: (key) => `${key.userId}|${keyOf(key)}` },
  );
}

/** `prisma`: the unconfined client (raw SQL); user ids pass the boundary first. */
export function createSeriesLoaders(prisma: PrismaClient, boundary: AccessBoundary) {
  const read: ReadQuery = readQueryFor(prisma) ?? ((sql, params) => prisma.$queryRawUnsafe(sql, ...params));
  return {
    /** `config`: the request's configuration (provider priorities); not part of the key. */
    series: byArguments<SeriesArgs & { config: Config }, SeriesPoint>(
      boundary,
      (a) => [a.metric, a.from, a.to, a.bucket, a.aggregate ?? '', a.provider ?? '', a.sport ?? ''].join('|'),
      (userIds, args) => readSeries(read, args.config, userIds, args),
    ),
    heartRate: byArguments<HeartRateArgs, HeartRateBucket>(
      boundary,
      (a) => [a.from.toISOString(), a.to.toISOString(), a.resolution, a.provider ?? ''].join('|'),
      (userIds, args) => readHeartRateBuckets(read, userIds, args),
    ),
    /** `config`: the request's configuration (provider priorities); not part of the key. */
    summary: byArguments<SummaryArgs & { config: Config }, SummaryPeriod>(
      boundary,
      (a) => [a.from, a.to, a.groupBy].join('|'),
      (userIds, args) => readSummary(read, args.config, userIds, args),
    ),
  };
}
