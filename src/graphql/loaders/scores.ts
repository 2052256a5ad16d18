/**
 * Loads `User.scores` for many users at once: one statement per (date range, kind) in a request,
 * however many users ask.
 */
import DataLoader from 'dataloader';
import type { AccessBoundary } from '../../auth/boundary.js';
import { readQueryFor, type ReadQuery } from '../../db/database.js';
import { readScores, type StoredScore } from '../../derived/store.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import type { ScoreKind } from '../../scores/parameters.js';

export interface ScoresKey {
  userId: string;
  from: string;
  to: string;
  kind: ScoreKind | null;
}

/** `prisma`: the unconfined client (raw SQL); user ids pass the boundary first. */
export function createScoresLoader(prisma: PrismaClient, boundary: AccessBoundary) {
  const read: ReadQuery = readQueryFor(prisma) ?? ((sql, params) => prisma.$queryRawUnsafe(sql, ...params));
  return new DataLoader<ScoresKey, StoredScore[], string>(
    async (keys) => {
      const groups = new Map<string, ScoresKey[]>();
      for (const key of keys) {
        const group = `${key.from}|${key.to}|${key.kind ?? ''}`;
        groups.set(group, [...(groups.get(group) ?? []), key]);
      }
      const byUser = new Map<string, StoredScore[]>();
      await Promise.all(
        [...groups].map(async ([group, members]) => {
          const { from, to, kind } = members[0];
          const userIds = boundary.visibleUserIds([...new Set(members.map((m) => m.userId))]);
          for (const score of await readScores(read, userIds, from, to, kind)) {
            const key = `${group}|${score.userId}`;
            byUser.set(key, [...(byUser.get(key) ?? []), score]);
          }
        }),
      );
      return keys.map((key) => byUser.get(`${key.from}|${key.to}|${key.kind ?? ''}|${key.userId}`) ?? []);
    },
    { cacheKeyFn: (key) => `${key.userId}|${key.from}|${key.to}|${key.kind ?? ''}` },
  );
}
