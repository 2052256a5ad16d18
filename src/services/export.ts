/**
 * Export of normalized records as NDJSON or CSV, produced batch by batch: each batch is one keyset
 * query (at most EXPORT_BATCH_ROWS rows, no cursor or transaction held between batches), asked for
 * only when the consumer wants more (the HTTP route streams it with back-pressure), so memory stays
 * bounded whatever the range and nothing stays open when the consumer goes away.
 *
 * Columns are every scalar column of the record's table (from the Prisma datamodel, so a column
 * added later is exported too) except internal bookkeeping (rawPayloadId, createdAt, updatedAt).
 * Instants are ISO 8601 UTC with milliseconds, local dates 'YYYY-MM-DD', JSON columns as JSON
 * (NDJSON) or JSON text (CSV). Rows come ordered by user, then local date, start and id (heart
 * rate: user, provider, time), which is also the keyset.
 *
 * `userIds` must already have passed the boundary (src/auth/boundary.ts); null means every user
 * (an API key's export of all users), read user by user.
 */
import type { ReadQuery } from '../db/database.js';
import { getDatamodel } from '../generated/pothos-types.js';

export const EXPORT_TYPES = ['workouts', 'sleep_sessions', 'recoveries', 'daily_activities', 'vo2max_estimates', 'measurements', 'heart_rate'] as const;
export type ExportType = (typeof EXPORT_TYPES)[number];
export const EXPORT_FORMATS = ['ndjson', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Widest export (local dates, inclusive): ten years, a whole history in one request. */
export const MAX_EXPORT_DAYS = 3_660;
/** Rows per keyset query (one chunk of output). */
export const EXPORT_BATCH_ROWS = 1_000;

interface TableSpec {
  table: string;
  /** The row's instant for ordering: start, or the measurement's instant. */
  time: string;
}

const TABLES: Record<ExportType, TableSpec> = {
  workouts: { table: 'Workout', time: 'startTime' },
  sleep_sessions: { table: 'SleepSession', time: 'startTime' },
  recoveries: { table: 'Recovery', time: 'startTime' },
  daily_activities: { table: 'DailyActivity', time: 'startTime' },
  vo2max_estimates: { table: 'Vo2MaxEstimate', time: 'measuredAt' },
  measurements: { table: 'Measurement', time: 'startTime' },
  heart_rate: { table: 'HeartRateSample', time: 'time' },
};

const LEFT_OUT = new Set(['rawPayloadId', 'createdAt', 'updatedAt']);

interface Column {
  name: string;
  /** SQL giving the exported text or number. */
  sql: string;
  json: boolean;
}

/** Local-date columns (PostgreSQL `date`); every other DateTime is an instant. */
const DATE_COLUMNS = new Set(['localDate']);

function columnsOf(table: string): Column[] {
  const model = (getDatamodel().datamodel.models as Record<string, { fields: readonly { name: string; kind: string; type: string; isList: boolean }[] }>)[table];
  return model.fields
    .filter((f) => (f.kind === 'scalar' || f.kind === 'enum') && !f.isList && !LEFT_OUT.has(f.name))
    .map((f) => {
      const c = `r."${f.name}"`;
      if (f.type === 'DateTime') {
        return { name: f.name, json: false, sql: DATE_COLUMNS.has(f.name) ? `to_char(${c}, 'YYYY-MM-DD')` : `to_char(${c} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')` };
      }
      if (f.type === 'Json') return { name: f.name, json: true, sql: `${c}::text` };
      if (f.kind === 'enum') return { name: f.name, json: false, sql: `${c}::text` };
      if (f.type === 'Float') return { name: f.name, json: false, sql: `${c}::float8` };
      return { name: f.name, json: false, sql: c };
    });
}

const COLUMNS = new Map<ExportType, Column[]>(EXPORT_TYPES.map((t) => [t, columnsOf(TABLES[t].table)]));

/** The exported columns of a type, in order (the CSV header). */
export function exportColumns(type: ExportType): string[] {
  return COLUMNS.get(type)!.map((c) => c.name);
}

export interface ExportArgs {
  types: readonly ExportType[];
  format: ExportFormat;
  /** Local dates, inclusive. */
  from: string;
  to: string;
  /** null: every user. */
  userIds: readonly string[] | null;
}

/** A CSV field (RFC 4180): quoted when it holds a comma, quote, CR or LF, or starts or ends with a space; quotes doubled. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : String(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

type Row = Record<string, unknown>;

function ndjsonLine(row: Row, columns: Column[], type: ExportType | null): string {
  const parts = type ? [`"type":${JSON.stringify(type)}`] : [];
  for (const c of columns) {
    const v = row[c.name];
    parts.push(`${JSON.stringify(c.name)}:${v === null || v === undefined ? 'null' : c.json ? String(v) : JSON.stringify(typeof v === 'bigint' ? Number(v) : v)}`);
  }
  return `{${parts.join(',')}}\n`;
}

const csvLine = (row: Row, columns: Column[]) => `${columns.map((c) => csvField(row[c.name])).join(',')}\r\n`;

/** Keyset-paged rows of one type and one user, oldest first. */
async function* rowsOf(read: ReadQuery, type: ExportType, userId: string, from: string, to: string): AsyncGenerator<Row[]> {
  const spec = TABLES[type];
  const columns = COLUMNS.get(type)!;
  const select = columns.map((c) => `${c.sql} AS "${c.name}"`).join(', ');
  const heartRate = type === 'heart_rate';
  let after: Row | null = null;
  for (;;) {
    const params: unknown[] = [userId, from, to];
    let where: string;
    let order: string;
    if (heartRate) {
      // Samples carry no local date: the instant plus its offset gives it; the time bounds let the primary key's index do the work.
      where = `r."userId" = $1 AND r."time" >= ($2::date - 1)::timestamp AT TIME ZONE 'UTC' AND r."time" < ($3::date + 2)::timestamp AT TIME ZONE 'UTC'
               AND ((r."time" AT TIME ZONE 'UTC') + make_interval(mins => r."utcOffsetMinutes"))::date BETWEEN $2::date AND $3::date`;
      order = `r."provider", r."time"`;
      if (after) {
        params.push(after.provider, after.time);
        where += ` AND (r."provider", r."time") > ($4::"Provider", $5::timestamptz)`;
      }
    } else {
      where = `r."userId" = $1 AND r."localDate" BETWEEN $2::date AND $3::date`;
      order = `r."localDate", r."${spec.time}", r."id"`;
      if (after) {
        params.push(after.localDate, after[spec.time], after.id);
        where += ` AND (r."localDate", r."${spec.time}", r."id") > ($4::date, $5::timestamptz, $6::text)`;
      }
    }
    const rows = await read<Row>(`SELECT ${select} FROM "${spec.table}" r WHERE ${where} ORDER BY ${order} LIMIT ${EXPORT_BATCH_ROWS}`, params);
    if (rows.length > 0) yield rows;
    if (rows.length < EXPORT_BATCH_ROWS) return;
    after = rows[rows.length - 1];
  }
}

/** Every user id, in id order, a page at a time. */
async function* allUsers(read: ReadQuery): AsyncGenerator<string> {
  let after = '';
  for (;;) {
    const rows = await read<{ id: string }>(`SELECT "id" FROM "User" WHERE "id" > $1 ORDER BY "id" LIMIT 500`, [after]);
    for (const row of rows) yield row.id;
    if (rows.length < 500) return;
    after = rows[rows.length - 1].id;
  }
}

/** Counters for tests and benches: exports running now, batches produced so far. */
export const exportStats = { active: 0, batches: 0, chars: 0 };

/**
 * The export as text chunks (one per batch; the CSV header first). Pull-driven: nothing is read
 * before the consumer asks for the next chunk; returning early (consumer gone) stops at once.
 */
export async function* exportChunks(read: ReadQuery, args: ExportArgs): AsyncGenerator<string> {
  exportStats.active++;
  try {
    const tagged = args.types.length > 1;
    if (args.format === 'csv') {
      const header = `${exportColumns(args.types[0]).map(csvField).join(',')}\r\n`;
      exportStats.chars += header.length;
      yield header;
    }
    for (const type of args.types) {
      const columns = COLUMNS.get(type)!;
      const users = args.userIds ? args.userIds : allUsers(read);
      for await (const userId of users) {
        for await (const rows of rowsOf(read, type, userId, args.from, args.to)) {
          const chunk = rows.map((row) => (args.format === 'csv' ? csvLine(row, columns) : ndjsonLine(row, columns, tagged ? type : null))).join('');
          exportStats.batches++;
          exportStats.chars += chunk.length;
          yield chunk;
        }
      }
    }
  } finally {
    exportStats.active--;
  }
}
