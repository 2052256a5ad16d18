/**
 * The committed migrations (prisma/migrations) must produce exactly the schema in
 * prisma/schema.prisma. Uses Prisma's WebAssembly schema engine with an in-memory PGlite shadow
 * database (scripts/lib/schema-engine.ts), so it needs no external database.
 * Fix a failure with: npm run migrate:new -- <name>
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  DEFAULT_SCHEMA_PATH,
  diffMigrationsToSchema,
  isEmptyMigrationSql,
  listMigrationNames,
} from '../../scripts/lib/schema-engine.js';

// Generous: the WebAssembly schema engine is slow on a busy 2-core machine (not a performance claim).
const TIMEOUT = 180_000;

describe('prisma migrations', () => {
  let tmp: string;

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'migration-drift-'));
  });

  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('exist and are ordered <timestamp>_<name>', () => {
    const names = listMigrationNames();
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(name).toMatch(/^\d{14}_\w+$/);
  });

  it(
    'match prisma/schema.prisma (no drift)',
    async () => {
      const sql = await diffMigrationsToSchema();
      // On failure the message shows the missing SQL; create it with `npm run migrate:new -- <name>`.
      expect(sql).toBe('');
    },
    TIMEOUT,
  );

  it(
    'detect drift when the schema gains a model and a column',
    async () => {
      const schema = await readFile(DEFAULT_SCHEMA_PATH, 'utf8');
      const withColumn = schema.replace(
        /(model User \{\n)/,
        '$1  driftProbeNote String?\n',
      );
      expect(withColumn).not.toBe(schema);
      const drifted = `${withColumn}

model DriftProbe {
  id    Int    @id @default(autoincrement())
  label String
}
`;
      const schemaPath = path.join(tmp, 'schema.prisma');
      await writeFile(schemaPath, drifted);

      const sql = await diffMigrationsToSchema({ schemaPath });
      expect(isEmptyMigrationSql(sql)).toBe(false);
      expect(sql).toContain('CREATE TABLE "DriftProbe"');
      expect(sql).toMatch(/ALTER TABLE "User" ADD COLUMN\s+"driftProbeNote" TEXT/);
    },
    TIMEOUT,
  );

  it('treats comment-only SQL as empty', () => {
    expect(isEmptyMigrationSql('-- This is an empty migration.\n')).toBe(true);
    expect(isEmptyMigrationSql('/* x */\n  ')).toBe(true);
    expect(isEmptyMigrationSql('-- AddColumn\nALTER TABLE "a" ADD COLUMN "b" INT;')).toBe(false);
  });
});
