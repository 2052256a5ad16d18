/**
 * Run by global-setup.mjs (through tsx) once per test run: migrates one in-memory PGlite and saves its data directory; every test file
 * then starts from a copy (much faster than migrating per file).
 */
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { fromPGlite } from '../../src/db/database.js';
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

await makeTemplate();
