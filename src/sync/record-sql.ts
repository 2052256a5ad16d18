/**
 * The multi-row statements a batch is written with. Rows travel as one JSON parameter expanded by
 * jsonb_to_recordset (one bind parameter however many rows), typed with the table's own column
 * types, so a batch of 25 payloads is a handful of statements instead of ~5 per payload.
 */
import type { Prisma, PrismaClient } from '../generated/prisma/client.js';
import type { Provider } from '../generated/prisma/enums.js';
import type { RecordTable, RowWrite, PlannedSample, PlannedMeasurement } from './record-plan.js';
import type { WorkoutLink } from './duplicates.js';

export interface Owner {
  userId: string;
  provider: Provider;
}

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Column name -> SQL type, per table, read once per client from information_schema. */
type ColumnTypes = Map<string, Map<string, string>>;
const columnTypesCache = new WeakMap<object, Promise<ColumnTypes>>();

export function columnTypes(prisma: PrismaClient): Promise<ColumnTypes> {
  let cached = columnTypesCache.get(prisma);
  if (!cached) {
    cached = prisma
      .$queryRawUnsafe<{ table_name: string; column_name: string; data_type: string; udt_name: string }[]>(
        `SELECT table_name, column_name, data_type, udt_name FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = ANY($1::text[])`,
        ['Workout', 'SleepSession', 'Recovery', 'DailyActivity', 'Vo2MaxEstimate'],
      )
      .then((rows) => {
        const types: ColumnTypes = new Map();
        for (const row of rows) {
          const table = types.get(row.table_name) ?? new Map<string, string>();
          table.set(row.column_name, row.data_type === 'USER-DEFINED' ? q(row.udt_name) : row.data_type);
          types.set(row.table_name, table);
        }
        return types;
      });
    cached.catch(() => columnTypesCache.delete(prisma));
    columnTypesCache.set(prisma, cached);
  }
  return cached;
}

function sqlValue(value: unknown, type: string): unknown {
  if (value instanceof Date) return type === 'date' ? value.toISOString().slice(0, 10) : value.toISOString();
  return value;
}

/**
 * Upserts the raw payloads (normalizedAt null, or now for payloads with nothing to write) and
 * returns their ids.
 */
export function upsertRawPayloads(
  prisma: PrismaClient,
  owner: Owner,
  payloads: { dataType: string; providerRecordId: string; payload: unknown; done: boolean }[],
): Promise<{ id: string; dataType: string; providerRecordId: string }[]> {
  return prisma.$queryRawUnsafe(
    `INSERT INTO "RawPayload" ("id", "userId", "provider", "dataType", "providerRecordId", "payload", "normalizedAt", "updatedAt")
     SELECT gen_random_uuid()::text, $1, CAST($2 AS "Provider"), t."dataType", t."providerRecordId", t."payload", CASE WHEN t."done" THEN now() END, now()
     FROM jsonb_to_recordset($3::jsonb) AS t("dataType" text, "providerRecordId" text, "payload" jsonb, "done" boolean)
     ON CONFLICT ("provider", "userId", "dataType", "providerRecordId") DO UPDATE
       SET "payload" = EXCLUDED."payload", "fetchedAt" = now(), "normalizedAt" = EXCLUDED."normalizedAt", "updatedAt" = now()
     RETURNING "id", "dataType", "providerRecordId"`,
    owner.userId,
    owner.provider,
    JSON.stringify(payloads),
  );
}

/**
 * One INSERT ... ON CONFLICT DO UPDATE per set of columns: a part's update only touches the
 * columns it names, like a Prisma upsert with undefined fields. A row whose columns already hold
 * these values keeps its `updatedAt` (only `rawPayloadId` follows the last payload that wrote it);
 * the statement returns each row's key and whether it was inserted or changed, so a replay with no
 * mapper change counts its payloads unchanged.
 */
export function upsertRows(
  prisma: PrismaClient,
  types: ColumnTypes,
  owner: Owner,
  table: RecordTable,
  rows: Iterable<RowWrite>,
  rawPayloadId: (payloadIndex: number) => string,
): Prisma.PrismaPromise<{ providerRecordId: string; changed: boolean }[]>[] {
  const tableTypes = types.get(table);
  if (!tableTypes) throw new Error(`no columns known for table ${table}`);
  const groups = new Map<string, { columns: string[]; rows: Record<string, unknown>[] }>();
  // Rows in key order: two batches upserting the same rows lock them in the same order (no deadlock).
  for (const row of [...rows].sort((a, b) => (a.providerRecordId < b.providerRecordId ? -1 : a.providerRecordId > b.providerRecordId ? 1 : 0))) {
    const columns = Object.keys(row.columns).filter((c) => c !== 'userId' && c !== 'provider' && c !== 'rawPayloadId').sort();
    for (const column of columns) if (!tableTypes.has(column)) throw new Error(`${table} has no column "${column}"`);
    const signature = columns.join(',');
    const group = groups.get(signature) ?? { columns, rows: [] };
    const values: Record<string, unknown> = { rawPayloadId: rawPayloadId(row.payloadIndex) };
    for (const column of columns) values[column] = sqlValue(row.columns[column], tableTypes.get(column)!);
    group.rows.push(values);
    groups.set(signature, group);
  }
  return [...groups.values()].map(({ columns, rows: values }) => {
    const all = [...columns, 'rawPayloadId'];
    const cols = (prefix: string) => columns.map((c) => `${prefix}.${q(c)}`).join(', ');
    // Changed = inserted, or a column other than rawPayloadId (which follows the last payload that
    // wrote the row) differs from what the row held before this statement; only then does
    // `updatedAt` move.
    return prisma.$queryRawUnsafe<{ providerRecordId: string; changed: boolean }[]>(
      `WITH t AS (
         SELECT * FROM jsonb_to_recordset($3::jsonb) AS t(${all.map((c) => `${q(c)} ${tableTypes.get(c)}`).join(', ')})
       ), before AS (
         SELECT ${cols('r')} FROM ${q(table)} r
         WHERE r."userId" = $1 AND r."provider" = CAST($2 AS "Provider") AND r."providerRecordId" IN (SELECT t."providerRecordId" FROM t)
       ), written AS (
         INSERT INTO ${q(table)} ("id", "userId", "provider", "updatedAt", ${all.map(q).join(', ')})
         SELECT gen_random_uuid()::text, $1, CAST($2 AS "Provider"), now(), ${all.map((c) => `t.${q(c)}`).join(', ')} FROM t
         ON CONFLICT ("provider", "userId", "providerRecordId") DO UPDATE
           SET ${all.map((c) => `${q(c)} = EXCLUDED.${q(c)}`).join(', ')},
               "updatedAt" = CASE WHEN (${cols(q(table))}) IS DISTINCT FROM (${cols('EXCLUDED')}) THEN now() ELSE ${q(table)}."updatedAt" END
         RETURNING ${cols(q(table))}
       )
       SELECT w."providerRecordId", (b."providerRecordId" IS NULL OR (${cols('b')}) IS DISTINCT FROM (${cols('w')})) AS "changed"
       FROM written w LEFT JOIN before b ON b."providerRecordId" = w."providerRecordId"`,
      owner.userId,
      owner.provider,
      JSON.stringify(values),
    );
  });
}

/**
 * Heart-rate samples in one statement, existing (userId, provider, time) left alone. Returns the
 * batch indexes of the payloads at least one of whose samples was inserted.
 */
export function insertHeartRateSamples(prisma: PrismaClient, owner: Owner, planned: PlannedSample[]): Prisma.PrismaPromise<{ p: number }[]> {
  const samples = [...planned].sort((a, b) => a.sample.time.getTime() - b.sample.time.getTime());
  return prisma.$queryRawUnsafe(
    `WITH s AS (
       SELECT * FROM unnest($3::timestamptz[], $4::int[], $5::int[], $6::text[], $7::text[], $8::int[]) AS s(t, o, b, c, d, p)
     ), inserted AS (
       INSERT INTO "HeartRateSample" ("userId", "provider", "time", "utcOffsetMinutes", "bpm", "context", "sourceDevice")
       SELECT $1, CAST($2 AS "Provider"), s.t, s.o, s.b, s.c, s.d FROM s
       ON CONFLICT DO NOTHING
       RETURNING "time"
     )
     SELECT DISTINCT s.p AS p FROM inserted JOIN s ON s.t = inserted."time"`,
    owner.userId,
    owner.provider,
    samples.map((s) => s.sample.time.toISOString()),
    samples.map((s) => s.sample.utcOffsetMinutes),
    samples.map((s) => s.sample.bpm),
    samples.map((s) => s.sample.context),
    samples.map((s) => s.sample.sourceDevice),
    samples.map((s) => s.payloadIndex),
  );
}

const MEASUREMENT_VALUES = ['sourceDevice', 'startTime', 'endTime', 'utcOffsetMinutes', 'localDate', 'value'] as const;

/**
 * Upserts measurements on (provider, userId, metric, providerRecordId) in one statement, rows in
 * key order (no deadlock between two batches). Like upsertRows, `updatedAt` moves only when a value
 * column changed, and each row comes back with whether it was inserted or changed.
 */
export function upsertMeasurements(
  prisma: PrismaClient,
  owner: Owner,
  planned: Iterable<PlannedMeasurement>,
  rawPayloadId: (payloadIndex: number) => string,
): Prisma.PrismaPromise<{ metric: string; providerRecordId: string; changed: boolean }[]> {
  const rows = [...planned]
    .map(({ measurement: m, payloadIndex }) => ({
      metric: m.metric,
      providerRecordId: m.providerRecordId,
      rawPayloadId: rawPayloadId(payloadIndex),
      sourceDevice: m.sourceDevice,
      startTime: m.startTime.toISOString(),
      endTime: m.endTime?.toISOString() ?? null,
      utcOffsetMinutes: m.utcOffsetMinutes,
      localDate: m.localDate.toISOString().slice(0, 10),
      value: m.value,
    }))
    .sort((a, b) => (a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : a.providerRecordId < b.providerRecordId ? -1 : a.providerRecordId > b.providerRecordId ? 1 : 0));
  const cols = (prefix: string) => MEASUREMENT_VALUES.map((c) => `${prefix}.${q(c)}`).join(', ');
  const all = ['metric', 'providerRecordId', 'rawPayloadId', ...MEASUREMENT_VALUES];
  return prisma.$queryRawUnsafe(
    `WITH t AS (
       SELECT * FROM jsonb_to_recordset($3::jsonb) AS t("metric" text, "providerRecordId" text, "rawPayloadId" text, "sourceDevice" text,
         "startTime" timestamptz, "endTime" timestamptz, "utcOffsetMinutes" integer, "localDate" date, "value" double precision)
     ), before AS (
       SELECT m."metric", m."providerRecordId", ${cols('m')} FROM "Measurement" m JOIN t ON t."metric" = m."metric" AND t."providerRecordId" = m."providerRecordId"
       WHERE m."userId" = $1 AND m."provider" = CAST($2 AS "Provider")
     ), written AS (
       INSERT INTO "Measurement" ("id", "userId", "provider", "updatedAt", ${all.map(q).join(', ')})
       SELECT gen_random_uuid()::text, $1, CAST($2 AS "Provider"), now(), ${all.map((c) => `t.${q(c)}`).join(', ')} FROM t
       ON CONFLICT ("provider", "userId", "metric", "providerRecordId") DO UPDATE
         SET ${all.slice(2).map((c) => `${q(c)} = EXCLUDED.${q(c)}`).join(', ')},
             "updatedAt" = CASE WHEN (${cols('"Measurement"')}) IS DISTINCT FROM (${cols('EXCLUDED')}) THEN now() ELSE "Measurement"."updatedAt" END
       RETURNING "metric", "providerRecordId", ${cols('"Measurement"')}
     )
     SELECT w."metric", w."providerRecordId", (b."providerRecordId" IS NULL OR (${cols('b')}) IS DISTINCT FROM (${cols('w')})) AS "changed"
     FROM written w LEFT JOIN before b ON b."metric" = w."metric" AND b."providerRecordId" = w."providerRecordId"`,
    owner.userId,
    owner.provider,
    JSON.stringify(rows),
  );
}

/** The statements that apply workout links; 'self' is the stored workout, named by its key. */
export function linkStatements(prisma: PrismaClient, owner: Owner, providerRecordId: string, links: WorkoutLink[]): Prisma.PrismaPromise<number>[] {
  const self = `(SELECT "id" FROM "Workout" WHERE "provider" = CAST($1 AS "Provider") AND "userId" = $2 AND "providerRecordId" = $3)`;
  const ref = (side: string) => (side === 'self' ? self : '$4');
  return links.flatMap((link) => {
    const other = link.primary === 'self' ? link.secondary : link.primary;
    const args = [owner.provider, owner.userId, providerRecordId, other] as const;
    return [
      prisma.$executeRawUnsafe(`UPDATE "Workout" SET "duplicateOfId" = ${ref(link.primary)}, "updatedAt" = now() WHERE "id" = ${ref(link.secondary)}`, ...args),
      prisma.$executeRawUnsafe(
        `UPDATE "Workout" SET "duplicateOfId" = NULL, "updatedAt" = now() WHERE "id" = ${ref(link.primary)} AND "duplicateOfId" = ${ref(link.secondary)}`,
        ...args,
      ),
    ];
  });
}

export function markNormalized(prisma: PrismaClient, ids: string[]): Prisma.PrismaPromise<number> {
  return prisma.$executeRawUnsafe(`UPDATE "RawPayload" SET "normalizedAt" = now(), "updatedAt" = now() WHERE "id" = ANY($1::text[])`, ids);
}
