/**
 * Marks a user's scores stale from a local date on. The sync store adds this statement to the
 * transaction that writes the records, so a crash can never keep records and lose their
 * recompute; the scores jobs (jobs.ts) pick the mark up.
 */
import type { Prisma, PrismaClient } from '../generated/prisma/client.js';
import type { NormalizedRecord } from '../normalize/records.js';
import { formatLocalDate, localDateOf } from '../normalize/time.js';

/** The earliest local date any of these records belongs to ('YYYY-MM-DD'), or null for none. */
export function earliestLocalDate(records: readonly NormalizedRecord[]): string | null {
  let earliest: string | null = null;
  const consider = (date: string) => {
    if (earliest === null || date < earliest) earliest = date;
  };
  for (const r of records) {
    if (r.kind === 'heartRate') {
      for (const s of r.samples) consider(formatLocalDate(localDateOf(s.time, s.utcOffsetMinutes)));
    } else consider(formatLocalDate(r.record.localDate));
  }
  return earliest;
}

/** Upserts the user's stale-from date, keeping the earlier of the stored and the new one. */
export function markScoresDirty(prisma: PrismaClient, userId: string, fromDate: string): Prisma.PrismaPromise<number> {
  return prisma.$executeRaw`
    INSERT INTO "ScoreDirty" ("userId", "fromDate") VALUES (${userId}, ${fromDate}::date)
    ON CONFLICT ("userId") DO UPDATE SET "fromDate" = LEAST("ScoreDirty"."fromDate", EXCLUDED."fromDate"), "updatedAt" = now()`;
}
