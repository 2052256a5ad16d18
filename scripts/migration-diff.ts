/**
 * Dev-only stand-in for `prisma migrate dev --create-only` / `prisma migrate diff --exit-code`,
 * which need a native schema engine that cannot be downloaded here. Uses Prisma's WebAssembly
 * schema engine with an in-memory PGlite shadow database (see scripts/lib/schema-engine.ts).
 *
 *   tsx scripts/migration-diff.ts --create <name>   write prisma/migrations/<UTC YYYYMMDDHHMMSS>_<name>/migration.sql
 *   tsx scripts/migration-diff.ts --check           exit 1 and print the SQL when schema.prisma and
 *                                                   the migrations drift apart, 0 when they agree
 *   options: --schema <file>  --migrations-dir <dir>  (defaults: prisma/schema.prisma, prisma/migrations)
 *   exit 2: usage error or the engine failed (e.g. a migration does not apply)
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  DEFAULT_MIGRATIONS_DIR,
  DEFAULT_SCHEMA_PATH,
  diffMigrationsToSchema,
  listMigrationNames,
  lockfileContent,
  schemaProvider,
} from './lib/schema-engine.js';

const USAGE = `usage:
  tsx scripts/migration-diff.ts --create <name>   (npm run migrate:new -- <name>)
  tsx scripts/migration-diff.ts --check
options: --schema <file> --migrations-dir <dir>`;

class UsageError extends Error {}

interface Args {
  mode: 'create' | 'check';
  name?: string;
  schemaPath: string;
  migrationsDir: string;
}

function parseArgs(argv: string[]): Args {
  let mode: Args['mode'] | undefined;
  let name: string | undefined;
  let schemaPath = DEFAULT_SCHEMA_PATH;
  let migrationsDir = DEFAULT_MIGRATIONS_DIR;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    if (arg === '--create') {
      mode = 'create';
      name = value();
    } else if (arg === '--check') mode = 'check';
    else if (arg === '--schema') schemaPath = path.resolve(value());
    else if (arg === '--migrations-dir') migrationsDir = path.resolve(value());
    else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new UsageError(`unknown argument: ${arg}`);
  }
  if (!mode) throw new UsageError('pass --create <name> or --check');
  return { mode, name, schemaPath, migrationsDir };
}

/** UTC YYYYMMDDHHMMSS, as Prisma names migration folders. */
function timestamp(date = new Date()): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

function sanitizeName(name: string): string {
  const clean = name
    .trim()
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 200);
  if (!clean) throw new UsageError(`invalid migration name: "${name}"`);
  return clean;
}

const rel = (p: string) => path.relative(process.cwd(), p) || '.';

async function check(args: Args): Promise<number> {
  const sql = await diffMigrationsToSchema(args);
  if (!sql) {
    console.log(`No drift: ${rel(args.migrationsDir)} (${listMigrationNames(args.migrationsDir).length} migrations) matches ${rel(args.schemaPath)}.`);
    return 0;
  }
  console.error(`Drift: ${rel(args.schemaPath)} differs from ${rel(args.migrationsDir)}. Missing SQL:\n`);
  console.log(sql);
  console.error(`\nCreate a migration with: npm run migrate:new -- <name>`);
  return 1;
}

async function create(args: Args): Promise<number> {
  const name = sanitizeName(args.name!);
  const sql = await diffMigrationsToSchema(args);
  if (!sql) {
    console.error(`No changes: ${rel(args.schemaPath)} already matches ${rel(args.migrationsDir)}; no migration created.`);
    return 1;
  }
  // Folder names sort in apply order: never go at or below the latest existing timestamp.
  let ts = timestamp();
  const last = listMigrationNames(args.migrationsDir).at(-1)?.slice(0, 14);
  if (last && /^\d{14}$/.test(last) && ts <= last) ts = String(BigInt(last) + 1n);
  const dir = path.join(args.migrationsDir, `${ts}_${name}`);
  if (existsSync(dir)) throw new Error(`${rel(dir)} already exists`);

  mkdirSync(dir, { recursive: true });
  const lockPath = path.join(args.migrationsDir, 'migration_lock.toml');
  if (!existsSync(lockPath)) {
    writeFileSync(lockPath, lockfileContent(schemaProvider(readFileSync(args.schemaPath, 'utf8'))));
    console.log(`Created ${rel(lockPath)}`);
  }
  writeFileSync(path.join(dir, 'migration.sql'), sql.endsWith('\n') ? sql : `${sql}\n`);
  console.log(`Created ${rel(path.join(dir, 'migration.sql'))}`);

  // Re-diff: proves the new migration applies (to the PGlite shadow DB) and closes the drift.
  const rest = await diffMigrationsToSchema(args);
  if (rest) {
    console.error(`Warning: drift remains after the new migration:\n${rest}`);
    return 1;
  }
  console.log('Verified: migrations now match the schema. Review the SQL before committing.');
  return 0;
}

async function main(): Promise<void> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  try {
    process.exitCode = args.mode === 'check' ? await check(args) : await create(args);
  } catch (e) {
    console.error(`migration-diff failed: ${(e as Error).message ?? e}`);
    process.exitCode = 2;
  }
}

await main();
