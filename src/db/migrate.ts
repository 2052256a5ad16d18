/**
 * Applies prisma/migrations/<timestamp>_<name>/migration.sql in order and records each in Prisma's
 * own `_prisma_migrations` table, so `prisma migrate deploy` on a machine with the native engine
 * agrees about what is applied. Several replicas may start at once: an advisory lock serialises
 * them.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database, SqlExecutor } from './database.js';

/**
 * The project root. `npm start` runs a compiled copy of src/ from
 * <root>/node_modules/.cache/wearable-graph/<build>/ (scripts/start.mjs), where the usual
 * `../../` from this file does not lead to the root.
 */
export function projectRoot(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const compiledCopy = here.lastIndexOf(`${path.sep}node_modules${path.sep}.cache${path.sep}wearable-graph${path.sep}`);
  return compiledCopy >= 0 ? here.slice(0, compiledCopy) : path.resolve(here, '../..');
}

export const MIGRATIONS_DIR = path.join(projectRoot(), 'prisma', 'migrations');

// Arbitrary constant shared by every replica of this service.
const MIGRATION_LOCK_ID = 72707369;

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(dir, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: crypto.createHash('sha256').update(sql).digest('hex') };
    });
}

export class MigrationError extends Error {}

/** Returns the names of the migrations it applied (empty when the database was up to date). */
export async function migrate(database: Pick<Database, 'session'>, dir = MIGRATIONS_DIR): Promise<string[]> {
  const migrations = readMigrations(dir);
  return database.session((db) => applyPending(db, migrations));
}

async function applyPending(db: SqlExecutor, migrations: Migration[]): Promise<string[]> {
  await db.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
  try {
    await db.exec(CREATE_TABLE);
    const rows = await db.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      'SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL',
    );
    const applied = new Map(rows.map((row) => [row.migration_name, row]));
    const done: string[] = [];
    for (const migration of migrations) {
      const previous = applied.get(migration.name);
      if (previous?.finished_at) {
        if (previous.checksum !== migration.checksum) {
          throw new MigrationError(
            `Migration ${migration.name} was changed after it was applied (checksum mismatch). ` +
              'Add a new migration instead of editing an applied one.',
          );
        }
        continue;
      }
      if (previous) {
        throw new MigrationError(`Migration ${migration.name} started earlier but never finished; resolve it by hand.`);
      }
      const id = crypto.randomUUID();
      // One transaction per migration: a failing migration leaves nothing half-applied.
      await db.exec(`BEGIN;\n${migration.sql}\n;\nINSERT INTO "_prisma_migrations" ("id", "checksum", "migration_name", "started_at", "finished_at", "applied_steps_count") VALUES ('${id}', '${migration.checksum}', '${migration.name.replace(/'/g, "''")}', now(), now(), 1);\nCOMMIT;`).catch(async (error: unknown) => {
        await db.exec('ROLLBACK').catch(() => {});
        throw new MigrationError(`Migration ${migration.name} failed: ${(error as Error).message}`);
      });
      done.push(migration.name);
    }
    return done;
  } finally {
    await db.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]);
  }
}
