/**
 * Run by global-setup.mjs (through tsx) once per test run: migrates one in-memory PGlite and saves its data directory; every test file
 * then starts from a copy (much faster than migrating per file). With TEST_DATABASE_URL, also one migrated PostgreSQL database
 * (named by WHG_PG_TEMPLATE) that each PostgreSQL test database is created from (CREATE DATABASE ... TEMPLATE).
 */
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { fromPGlite, openPostgres } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import { TEMPLATE_PATH } from './paths.js';

async function makeTemplate() {
  const pglite = await PGlite.create();
  const db = fromPGlite(pglite, 'template');
  await migrate(db);
  const dump = await pglite.dumpDataDir('none');
  fs.mkdirSync(path.dirname(TEMPLATE_PATH), { recursive: true });
  fs.writeFileSync(TEMPLATE_PATH, Buffer.from(await dump.arrayBuffer()));
  await db.close();
}

async function makePostgresTemplate(adminUrl: string, name: string) {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  // Templates of earlier runs that were killed before their teardown (a day old: never one in use).
  const stale = await admin.query<{ datname: string }>(
    `SELECT datname FROM pg_database WHERE datname LIKE 'whg_template_%' AND datname < $1`,
    [`whg_template_${Date.now() - 86_400_000}`],
  );
  for (const { datname } of stale.rows) await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = await openPostgres(url.toString());
  await migrate(db);
  await db.close();
}

await makeTemplate();
if (process.env.TEST_DATABASE_URL && process.env.WHG_PG_TEMPLATE) await makePostgresTemplate(process.env.TEST_DATABASE_URL, process.env.WHG_PG_TEMPLATE);
