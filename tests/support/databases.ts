/**
 * The databases every suite runs against: embedded PGlite always, real PostgreSQL too when
 * TEST_DATABASE_URL is set (one fresh database per opened instance, dropped on close).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { fromPGlite, openPostgres, type Database, type OpenOptions } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import { TEMPLATE_PATH } from './paths.js';

export type DatabaseVariant = 'pglite' | 'postgresql';

export function databaseVariants(): DatabaseVariant[] {
  return process.env.TEST_DATABASE_URL ? ['pglite', 'postgresql'] : ['pglite'];
}

export interface TestDatabase extends Database {
  /** The URL of the PostgreSQL database (postgresql variant only), for child processes. */
  url?: string;
}

export async function openTestDatabase(variant: DatabaseVariant, options: OpenOptions = {}): Promise<TestDatabase> {
  if (variant === 'pglite') {
    const template = fs.readFileSync(TEMPLATE_PATH);
    const pglite = await PGlite.create({ loadDataDir: new Blob([template]) });
    return fromPGlite(pglite, 'test PGlite', options);
  }
  const adminUrl = process.env.TEST_DATABASE_URL!;
  const name = `whg_test_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  // From the run's migrated template (global setup) when there is one: a copy, not a migration per file.
  const template = process.env.WHG_PG_TEMPLATE;
  await admin.query(template ? `CREATE DATABASE ${name} TEMPLATE ${template}` : `CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = await openPostgres(url.toString(), options);
  if (!template) await migrate(database);
  return {
    ...database,
    url: url.toString(),
    async close() {
      await database.close();
      const cleanup = new pg.Client({ connectionString: adminUrl });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    },
  };
}
