/**
 * The store of derived values: one DailyScore row per user, parameter hash, local date and kind.
 * Writes replace a user's rows of one hash from a date on in one transaction; reads answer the
 * active hash only (the newest finished ScoreRun), so one answer never mixes parameter sets.
 */
import type { PrismaClient } from '../generated/prisma/client.js';
import type { ReadQuery } from '../db/database.js';
import { ALGORITHM_VERSIONS, type ScoreKind } from '../scores/parameters.js';
import type { ScoreResult } from '../scores/types.js';

/** SQL expression: the parameter hash answers are read under. */
export const ACTIVE_HASH_SQL = `(SELECT "parameterHash" FROM "ScoreRun" WHERE "status" = 'SUCCEEDED' ORDER BY "finishedAt" DESC, "startedAt" DESC LIMIT 1)`;

/** A stored score as the API reads it. */
export interface StoredScore {
  userId: string;
  /** 'YYYY-MM-DD' */
  localDate: string;
  kind: ScoreKind;
  value: number | null;
  reason: string | null;
  status: string | null;
  algorithmVersion: string;
  parameterHash: string;
  computedAt: string;
  detail: Pick<ScoreResult, 'components' | 'inputs' | 'baselines' | 'coverage' | 'trainingLoad' | 'stressMinutes' | 'providerEstimates'>;
}

/** The select list of a StoredScore, for statements that read scores (the days statement too). */
export const STORED_SCORE_COLUMNS = `"userId", to_char("localDate", 'YYYY-MM-DD') AS "localDate", "kind", "value", "reason", "status", "algorithmVersion", "parameterHash", "computedAt", "detail"`;

const ROWS_PER_STATEMENT = 500;

/**
 * Replaces the user's rows of `hash` dated `from` or later with `results`, in one transaction
 * (rows after the last result are gone too: their records were deleted).
 */
export async function replaceScores(prisma: PrismaClient, userId: string, hash: string, from: string, results: readonly ScoreResult[]): Promise<void> {
  const rows = results.map((r) => ({
    localDate: r.date,
    kind: r.kind,
    algorithmVersion: ALGORITHM_VERSIONS[r.kind],
    value: r.value,
    reason: r.reason,
    status: r.status,
    detail: { components: r.components, inputs: r.inputs, baselines: r.baselines, coverage: r.coverage, trainingLoad: r.trainingLoad ?? null, stressMinutes: r.stressMinutes ?? null, providerEstimates: r.providerEstimates ?? null },
  }));
  const statements = [prisma.$executeRaw`DELETE FROM "DailyScore" WHERE "userId" = ${userId} AND "parameterHash" = ${hash} AND "localDate" >= ${from}::date`];
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const chunk = JSON.stringify(rows.slice(i, i + ROWS_PER_STATEMENT));
    statements.push(prisma.$executeRaw`
      INSERT INTO "DailyScore" ("userId", "parameterHash", "localDate", "kind", "algorithmVersion", "value", "reason", "status", "detail")
      SELECT ${userId}, ${hash}, r."localDate", r."kind", r."algorithmVersion", r."value", r."reason", r."status", r."detail"
      FROM jsonb_to_recordset(${chunk}::jsonb) AS r("localDate" date, "kind" text, "algorithmVersion" text, "value" double precision, "reason" text, "status" text, "detail" jsonb)`);
  }
  await prisma.$transaction(statements);
}

/** Stored daily training loads of `hash` before `before` (the strain panel continues them). */
export async function storedDailyLoads(read: ReadQuery, userId: string, hash: string, before: string): Promise<Map<string, number>> {
  const rows = await read<{ d: string; load: number | null }>(
    `SELECT to_char("localDate", 'YYYY-MM-DD') AS d, ("detail"->'trainingLoad'->>'dailyLoad')::float8 AS "load"
     FROM "DailyScore" WHERE "userId" = $1 AND "parameterHash" = $2 AND "kind" = 'strain' AND "localDate" < $3::date`,
    [userId, hash, before],
  );
  return new Map(rows.filter((r) => r.load !== null).map((r) => [r.d, Number(r.load)]));
}

/** Scores of many users in a date range (optionally one kind), under the active hash: one statement. */
export async function readScores(read: ReadQuery, userIds: readonly string[], from: string, to: string, kind: ScoreKind | null): Promise<StoredScore[]> {
  return read<StoredScore>(
    `SELECT ${STORED_SCORE_COLUMNS} FROM "DailyScore"
     WHERE "userId" = ANY($1::text[]) AND "parameterHash" = ${ACTIVE_HASH_SQL} AND "localDate" BETWEEN $2::date AND $3::date AND ($4::text IS NULL OR "kind" = $4::text)
     ORDER BY "userId", "localDate", "kind"`,
    [userIds, from, to, kind],
  );
}
