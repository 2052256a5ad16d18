/**
 * Rows made of many samples' shares (normalize/records.ts ShareRecord): a day's DailyActivity from
 * step, energy and distance samples, a night's SleepSession from sleep-stage samples. Each share
 * sits in the row's `extras.samples` under its entry id, so storing a sample twice, in any batch
 * or order, gives the same row, and deleting one takes out exactly its share. After the shares
 * change, the row's columns are recomputed from all of them in SQL (same transaction):
 *
 * - a day: per field, the samples are summed per source and the source with the largest total
 *   counts (iPhone and Watch both count steps: adding them would double the day);
 *   totalEnergyKcal = the total shares (Health Connect) or else active + basal when a basal share exists;
 * - a night: the source with the most time asleep is used (watch, phone and a third-party app may
 *   all record the night); its stages give the stage sums and the hypnogram, its earliest and
 *   latest instants the start and end.
 * A row left with no share is deleted.
 */
import type { Prisma, PrismaClient } from '../generated/prisma/client.js';
import type { ShareRecord } from '../normalize/records.js';
import type { PlannedShare, RecordTable } from './record-plan.js';
import type { Owner } from './record-sql.js';

type ShareTable = ShareRecord['table'];

/** The compact entry kept per share: [source, field, value] for a day, [source, stage, startMs, endMs] for a night. */
export function shareEntry(share: ShareRecord): (string | number)[] {
  return share.table === 'DailyActivity'
    ? [share.source, share.field, share.value]
    : [share.source, share.stage, share.startTime.getTime(), share.endTime.getTime()];
}

const OWNED = `r."userId" = $1 AND r."provider" = CAST($2 AS "Provider") AND r."providerRecordId" = ANY($3::text[])`;

const RECOMPUTE: Record<ShareTable, string> = {
  DailyActivity: `
    UPDATE "DailyActivity" d SET
      "steps" = x."steps", "activeEnergyKcal" = x."active", "distanceMeters" = x."distance",
      "totalEnergyKcal" = coalesce(x."total", CASE WHEN x."basal" IS NULL THEN NULL ELSE coalesce(x."active", 0) + x."basal" END)
    FROM (
      SELECT s.id,
        round(max(s.total) FILTER (WHERE s.field = 'steps'))::int AS "steps",
        max(s.total) FILTER (WHERE s.field = 'activeEnergyKcal') AS "active",
        max(s.total) FILTER (WHERE s.field = 'basalEnergyKcal') AS "basal",
        max(s.total) FILTER (WHERE s.field = 'totalEnergyKcal') AS "total",
        max(s.total) FILTER (WHERE s.field = 'distanceMeters') AS "distance"
      FROM (
        SELECT r.id, e.value->>0 AS source, e.value->>1 AS field, sum((e.value->>2)::float8) AS total
        FROM "DailyActivity" r CROSS JOIN LATERAL jsonb_each(r."extras"->'samples') e
        WHERE ${OWNED}
        GROUP BY 1, 2, 3
      ) s GROUP BY s.id
    ) x WHERE d.id = x.id`,
  SleepSession: `
    WITH e AS (
      SELECT r.id, x.value->>0 AS source, x.value->>1 AS stage, (x.value->>2)::bigint AS a, (x.value->>3)::bigint AS b
      FROM "SleepSession" r CROSS JOIN LATERAL jsonb_each(r."extras"->'samples') x
      WHERE ${OWNED}
    ), pick AS (
      SELECT DISTINCT ON (id) id, source FROM e GROUP BY id, source
      ORDER BY id, sum(b - a) FILTER (WHERE stage NOT IN ('IN_BED', 'AWAKE')) DESC NULLS LAST, sum(b - a) DESC, source
    ), agg AS (
      SELECT e.id, e.source, min(a) AS a, max(b) AS b,
        (sum(b - a) FILTER (WHERE stage = 'LIGHT') / 1000)::int AS light,
        (sum(b - a) FILTER (WHERE stage = 'DEEP') / 1000)::int AS deep,
        (sum(b - a) FILTER (WHERE stage = 'REM') / 1000)::int AS rem,
        (sum(b - a) FILTER (WHERE stage = 'AWAKE') / 1000)::int AS awake,
        (sum(b - a) FILTER (WHERE stage = 'ASLEEP') / 1000)::int AS asleep,
        jsonb_agg(jsonb_build_object(
          'start', to_char(to_timestamp(a / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
          'durationSeconds', (b - a) / 1000,
          'stage', CASE stage WHEN 'ASLEEP' THEN 'UNKNOWN' ELSE stage END) ORDER BY a) FILTER (WHERE stage <> 'IN_BED') AS hypnogram
      FROM e JOIN pick USING (id, source) GROUP BY e.id, e.source
    )
    UPDATE "SleepSession" s SET
      "startTime" = to_timestamp(agg.a / 1000.0), "endTime" = to_timestamp(agg.b / 1000.0), "sourceDevice" = agg.source,
      "timeInBedSeconds" = ((agg.b - agg.a) / 1000)::int,
      "lightSleepSeconds" = agg.light, "deepSleepSeconds" = agg.deep, "remSleepSeconds" = agg.rem, "awakeSeconds" = agg.awake,
      "unrecognizedSleepSeconds" = agg.asleep,
      "totalSleepSeconds" = CASE WHEN coalesce(agg.light, agg.deep, agg.rem, agg.asleep) IS NULL THEN NULL
        ELSE coalesce(agg.light, 0) + coalesce(agg.deep, 0) + coalesce(agg.rem, 0) + coalesce(agg.asleep, 0) END,
      "hypnogram" = agg.hypnogram
    FROM agg WHERE s.id = agg.id`,
};

/** The rows of `table` with no share left: they describe nothing any more. */
const deleteEmpty = (prisma: PrismaClient, owner: Owner, table: ShareTable, keys: string[]) =>
  prisma.$executeRawUnsafe(
    `DELETE FROM "${table}" r WHERE ${OWNED} AND coalesce(r."extras"->'samples', '{}'::jsonb) = '{}'::jsonb`,
    owner.userId,
    owner.provider,
    keys,
  );

const recompute = (prisma: PrismaClient, owner: Owner, table: ShareTable, keys: string[]) =>
  prisma.$executeRawUnsafe(RECOMPUTE[table], owner.userId, owner.provider, keys);

/**
 * The statements that store the batch's shares: per table, one upsert merging the shares into
 * their rows (returning each row as changed), then the recompute. Rows in key order (no deadlock
 * between two batches).
 */
export function shareStatements(
  prisma: PrismaClient,
  owner: Owner,
  shares: PlannedShare[],
  rawPayloadId: (payloadIndex: number) => string,
): { table?: RecordTable; statement: Prisma.PrismaPromise<unknown> }[] {
  const out: { table?: RecordTable; statement: Prisma.PrismaPromise<unknown> }[] = [];
  for (const table of ['DailyActivity', 'SleepSession'] as const) {
    const rows = new Map<string, { share: ShareRecord; payloadIndex: number; samples: Record<string, (string | number)[]> }>();
    for (const { share, payloadIndex } of shares) {
      if (share.table !== table) continue;
      const row = rows.get(share.providerRecordId) ?? { share, payloadIndex, samples: {} };
      row.samples[share.entryId] = shareEntry(share);
      row.payloadIndex = payloadIndex;
      rows.set(share.providerRecordId, row);
    }
    if (rows.size === 0) continue;
    const keys = [...rows.keys()].sort();
    const values = keys.map((key) => {
      const { share, payloadIndex, samples } = rows.get(key)!;
      return {
        providerRecordId: key,
        localDate: share.localDate.toISOString().slice(0, 10),
        startTime: share.startTime.toISOString(),
        endTime: share.endTime.toISOString(),
        utcOffsetMinutes: share.utcOffsetMinutes,
        sourceDevice: share.sourceDevice,
        rawPayloadId: rawPayloadId(payloadIndex),
        samples,
      };
    });
    const night = table === 'SleepSession';
    const statement = prisma.$queryRawUnsafe<{ providerRecordId: string; changed: boolean }[]>(
      `WITH t AS (
         SELECT * FROM jsonb_to_recordset($3::jsonb) AS t("providerRecordId" text, "localDate" date, "startTime" timestamptz, "endTime" timestamptz,
           "utcOffsetMinutes" int, "sourceDevice" text, "rawPayloadId" text, "samples" jsonb)
       )
       INSERT INTO "${table}" AS r ("id", "userId", "provider", "providerRecordId", "localDate", "startTime", ${night ? '"endTime", ' : ''}"utcOffsetMinutes", "sourceDevice", "rawPayloadId", "extras", "updatedAt")
       SELECT gen_random_uuid()::text, $1, CAST($2 AS "Provider"), t."providerRecordId", t."localDate", t."startTime", ${night ? 't."endTime", ' : ''}t."utcOffsetMinutes", t."sourceDevice", t."rawPayloadId", jsonb_build_object('samples', t."samples"), now() FROM t
       ON CONFLICT ("provider", "userId", "providerRecordId") DO UPDATE SET
         "extras" = jsonb_set(coalesce(r."extras", '{}'::jsonb), '{samples}', coalesce(r."extras"->'samples', '{}'::jsonb) || (EXCLUDED."extras"->'samples')),
         "rawPayloadId" = EXCLUDED."rawPayloadId", "updatedAt" = now()
       RETURNING r."providerRecordId", true AS "changed"`,
      owner.userId,
      owner.provider,
      JSON.stringify(values),
    );
    out.push({ table, statement }, { statement: recompute(prisma, owner, table, keys) });
  }
  return out;
}

/** Takes shares out of their rows (a deleted sample), recomputes the rows and deletes those left empty. */
export function removeShares(prisma: PrismaClient, owner: Owner, shares: readonly ShareRecord[]): Prisma.PrismaPromise<unknown>[] {
  const out: Prisma.PrismaPromise<unknown>[] = [];
  for (const table of ['DailyActivity', 'SleepSession'] as const) {
    const mine = shares.filter((s) => s.table === table);
    if (mine.length === 0) continue;
    const keys = [...new Set(mine.map((s) => s.providerRecordId))].sort();
    out.push(
      prisma.$executeRawUnsafe(
        `UPDATE "${table}" r SET "extras" = jsonb_set(r."extras", '{samples}', (r."extras"->'samples') - $4::text[]), "updatedAt" = now()
         WHERE ${OWNED} AND r."extras" ? 'samples'`,
        owner.userId,
        owner.provider,
        keys,
        mine.map((s) => s.entryId),
      ),
      recompute(prisma, owner, table, keys),
      deleteEmpty(prisma, owner, table, keys),
    );
  }
  return out;
}
