/**
 * The ingest part of the bench, shared by `npm run bench` (bench/run.ts) and the in-process
 * comparison (bench/ingest-inprocess.ts): storing the generated payloads the way a sync does, and
 * the bulk-insert floor it is compared with.
 */
import { performance } from 'node:perf_hooks';
import type { Database } from '../src/db/database.js';
import type { MapOutcome } from '../src/normalize/records.js';
import type { RawItem } from '../src/providers/types.js';
import { storeItems, type StoreOptions } from '../src/sync/store.js';
import { mapperFor, type UserPayloads } from './generate.js';

/** What the fetchers yield at most per batch (their default batchSize). */
export const FETCH_BATCH_SIZE = 25;

export const RECORD_TABLES = ['RawPayload', 'Workout', 'SleepSession', 'Recovery', 'DailyActivity', 'Vo2MaxEstimate', 'HeartRateSample'] as const;

export async function countRows(db: Database, userIds: string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of RECORD_TABLES) {
    const [row] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${table}" WHERE "userId" = ANY($1)`, [userIds]);
    out[table] = row.n;
  }
  return out;
}

/** A user's payloads of one provider as a sync job gets them: per data type, in batches of FETCH_BATCH_SIZE. */
export function fetchBatches(items: RawItem[], size = FETCH_BATCH_SIZE): RawItem[][] {
  const byType = new Map<string, RawItem[]>();
  for (const item of items) byType.set(item.dataType, [...(byType.get(item.dataType) ?? []), item]);
  const batches: RawItem[][] = [];
  for (const list of byType.values()) for (let i = 0; i < list.length; i += size) batches.push(list.slice(i, i + size));
  return batches;
}

export type StoreBatch = (
  db: Database,
  owner: { userId: string; provider: 'POLAR' | 'OURA' },
  batch: RawItem[],
  map: (payload: unknown, item: RawItem) => MapOutcome,
  options: StoreOptions,
) => Promise<unknown>;

/** The application's path: storeItems per fetched batch, as SyncEngine.syncWindow calls it. */
export const storeBatch: StoreBatch = (db, owner, batch, map, options) => storeItems(db.prisma, owner, batch, map, options);

/** Stores every user's payloads, Polar then Oura, batch by batch; timed (and the mappers' share of it). */
export async function ingest(db: Database, users: UserPayloads[], userIds: string[], store: StoreBatch = storeBatch) {
  let items = 0;
  let batches = 0;
  let normalizeMs = 0;
  const started = performance.now();
  for (let u = 0; u < users.length; u++) {
    for (const provider of ['POLAR', 'OURA'] as const) {
      for (const batch of fetchBatches(provider === 'POLAR' ? users[u].polar : users[u].oura)) {
        const timedMap = (payload: unknown, item: RawItem) => {
          const t = performance.now();
          try {
            return mapperFor(provider, item.dataType)(payload);
          } finally {
            normalizeMs += performance.now() - t;
          }
        };
        await store(db, { userId: userIds[u], provider }, batch, timedMap, { workoutPriority: ['POLAR', 'OURA'] });
        items += batch.length;
        batches++;
      }
    }
  }
  return { seconds: (performance.now() - started) / 1000, items, batches, normalizeSeconds: normalizeMs / 1000 };
}

/**
 * The ingest floor: the rows the real path wrote, read back as text, deleted, and written again
 * with multi-row INSERT ... VALUES statements (up to 1000 rows each). Only the INSERTs are timed.
 */
export async function bulkInsertFloor(db: Database, userIds: string[]) {
  const tables: { table: string; columns: string[]; rows: (string | null)[][] }[] = [];
  for (const table of RECORD_TABLES) {
    const columns = (
      await db.query<{ column_name: string }>(
        `SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position`,
        [table],
      )
    ).map((c) => c.column_name);
    const order = table === 'Workout' ? ` ORDER BY ("duplicateOfId" IS NOT NULL)` : '';
    const rows = await db.query<Record<string, string | null>>(
      `SELECT ${columns.map((c) => `"${c}"::text AS "${c}"`).join(', ')} FROM "${table}" WHERE "userId" = ANY($1)${order}`,
      [userIds],
    );
    tables.push({ table, columns, rows: rows.map((r) => columns.map((c) => r[c])) });
  }
  for (const { table } of [...tables].reverse()) await db.query(`DELETE FROM "${table}" WHERE "userId" = ANY($1)`, [userIds]);
  let statements = 0;
  let rowsWritten = 0;
  const started = performance.now();
  for (const { table, columns, rows } of tables) {
    const perStatement = Math.max(1, Math.min(1000, Math.floor(60_000 / columns.length)));
    for (let i = 0; i < rows.length; i += perStatement) {
      const chunk = rows.slice(i, i + perStatement);
      const params: (string | null)[] = [];
      const values = chunk.map((row) => `(${row.map((v) => (params.push(v), `$${params.length}`)).join(',')})`);
      await db.query(`INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(',')}) VALUES ${values.join(',')}`, params);
      statements++;
      rowsWritten += chunk.length;
    }
  }
  return { seconds: (performance.now() - started) / 1000, rows: rowsWritten, statements };
}
