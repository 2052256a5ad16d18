/**
 * Dev-only: drives Prisma's WebAssembly schema engine (`@prisma/schema-engine-wasm`) to diff the
 * committed migrations (prisma/migrations/<timestamp>_<name>/migration.sql, applied in order to a
 * throw-away in-memory PGlite "shadow database") against prisma/schema.prisma.
 *
 * Why: the Prisma CLI's `migrate` commands need a native schema-engine binary that cannot be
 * downloaded here (see /work/shared/notes/platform.md). The runtime code never imports this file.
 *
 * Pitfalls handled here:
 * - pglite-prisma-adapter 0.7.2 does not await `exec` in `executeScript` (a failing migration would
 *   look applied) and its `connectToShadowDb()` opens a PGlite that is never closed: we use our own
 *   factory around its adapter, awaiting `exec` and closing every PGlite we open.
 * - The engine schedules timers (~10 s) through its `setTimeout` import: we wrap that import so the
 *   timers are unref'd and cleared once the engine is freed (otherwise Jest / the CLI hang).
 * - The wasm glue reports panics through `globalThis.PRISMA_WASM_PANIC_REGISTRY`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from 'pglite-prisma-adapter';

const here = path.dirname(fileURLToPath(import.meta.url));
export const PROJECT_ROOT = path.resolve(here, '../..');
export const DEFAULT_SCHEMA_PATH = path.join(PROJECT_ROOT, 'prisma/schema.prisma');
export const DEFAULT_MIGRATIONS_DIR = path.join(PROJECT_ROOT, 'prisma/migrations');
const MIGRATION_FILE = 'migration.sql';
const LOCKFILE = 'migration_lock.toml';

export interface DiffOptions {
  /** Prisma schema file (default prisma/schema.prisma). */
  schemaPath?: string;
  /** Migrations directory (default prisma/migrations). A missing directory means "no migrations". */
  migrationsDir?: string;
}

// --- wasm loading -------------------------------------------------------------------------------

/** Minimal view of the wasm-bindgen SchemaEngine class we use (full types in schema_engine.d.ts). */
interface WasmSchemaEngine {
  diff(params: {
    from: unknown;
    to: unknown;
    script: boolean;
    exitCode: boolean | null;
    filters: { externalTables: string[]; externalEnums: string[] };
  }): Promise<{ exitCode: number; stdout: string | null }>;
  free(): void;
}
interface WasmSchemaEngineClass {
  new: (options: { datamodels: [string, string][] | undefined }, log: (msg: string) => void, adapter: object) => Promise<WasmSchemaEngine>;
}

/** Timers the engine scheduled; unref'd on creation, cleared after each run. */
const engineTimers = new Set<ReturnType<typeof setTimeout>>();
let enginePromise: Promise<WasmSchemaEngineClass> | undefined;
/** Runs in flight; timers are only cleared when the last one finishes. */
let activeRuns = 0;

interface PanicRegistry {
  message: string;
  set_message(msg: string): void;
}

function panicRegistry(): PanicRegistry {
  const g = globalThis as unknown as { PRISMA_WASM_PANIC_REGISTRY?: PanicRegistry };
  g.PRISMA_WASM_PANIC_REGISTRY ??= {
    message: '',
    set_message(msg: string) {
      this.message = msg;
    },
  };
  return g.PRISMA_WASM_PANIC_REGISTRY;
}

async function loadSchemaEngine(): Promise<WasmSchemaEngineClass> {
  panicRegistry();
  // The package's main entry imports the .wasm as an ES module, which Node cannot do without a
  // flag: load its wasm-bindgen glue and instantiate the .wasm ourselves (only resolved, not loaded).
  const require = createRequire(import.meta.url);
  const pkgDir = path.dirname(require.resolve('@prisma/schema-engine-wasm'));
  const bindgen = (await import(pathToFileURL(path.join(pkgDir, 'schema_engine_bg.js')).href)) as Record<string, unknown> & {
    __wbg_set_wasm(exports: WebAssembly.Exports): void;
    SchemaEngine: WasmSchemaEngineClass;
  };
  const imports: Record<string, unknown> = { ...bindgen };
  for (const name of Object.keys(imports)) {
    if (name.startsWith('__wbg_setTimeout_')) {
      imports[name] = (fn: () => void, ms: number) => {
        const timer = setTimeout(() => {
          engineTimers.delete(timer);
          fn();
        }, ms >>> 0);
        timer.unref?.();
        engineTimers.add(timer);
        return timer;
      };
    }
  }
  const bytes = await readFile(path.join(pkgDir, 'schema_engine_bg.wasm'));
  const { instance } = await WebAssembly.instantiate(bytes, {
    './schema_engine_bg.js': imports as WebAssembly.ModuleImports,
  });
  bindgen.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  return bindgen.SchemaEngine;
}

function clearEngineTimers(): void {
  for (const timer of engineTimers) clearTimeout(timer);
  engineTimers.clear();
}

// --- PGlite adapter factory ---------------------------------------------------------------------

/**
 * A migration-aware adapter factory backed by fresh in-memory PGlite instances (main and shadow),
 * all closed by `close()`. Works around pglite-prisma-adapter 0.7.2's non-awaited executeScript.
 */
class EphemeralPGliteFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = 'postgres' as const;
  readonly adapterName = 'pglite-ephemeral';
  private readonly instances: PGlite[] = [];

  private async open(): Promise<SqlDriverAdapter> {
    const db = new PGlite();
    this.instances.push(db);
    await db.waitReady;
    const adapter = await new PrismaPGlite(db).connect();
    const onError = (adapter as unknown as { onError(e: unknown): never }).onError.bind(adapter);
    adapter.executeScript = async (script: string) => {
      try {
        await db.exec(script);
      } catch (e) {
        onError(e);
      }
    };
    return adapter;
  }

  connect(): Promise<SqlDriverAdapter> {
    return this.open();
  }

  connectToShadowDb(): Promise<SqlDriverAdapter> {
    return this.open();
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.instances.splice(0).map((db) => db.close()));
  }
}

// --- migrations on disk -------------------------------------------------------------------------

/** Migration folder names in apply order (those holding a migration.sql). */
export function listMigrationNames(migrationsDir = DEFAULT_MIGRATIONS_DIR): string[] {
  if (!existsSync(migrationsDir)) return [];
  return readdirSync(migrationsDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(path.join(migrationsDir, e.name, MIGRATION_FILE)))
    .map((e) => e.name)
    .sort();
}

/** The datasource provider of a Prisma schema (e.g. "postgresql"). */
export function schemaProvider(schema: string): string {
  const datasource = /datasource\s+\w+\s*\{([^}]*)\}/.exec(schema)?.[1] ?? '';
  const provider = /^\s*provider\s*=\s*"([^"]+)"/m.exec(datasource)?.[1];
  if (!provider) throw new Error('no datasource provider found in the Prisma schema');
  return provider;
}

/** migration_lock.toml as `prisma migrate` writes it. */
export function lockfileContent(provider: string): string {
  return (
    '# Please do not edit this file manually\n' +
    "# It should be added in your version-control system (e.g., Git)\n" +
    `provider = "${provider}"\n`
  );
}

function migrationList(migrationsDir: string, schema: string) {
  const baseDir = path.resolve(migrationsDir);
  const lockPath = path.join(baseDir, LOCKFILE);
  // The engine takes the connector from the lockfile; before the first migration there is none.
  const lockContent = existsSync(lockPath) ? readFileSync(lockPath, 'utf8') : lockfileContent(schemaProvider(schema));
  return {
    tag: 'migrations' as const,
    baseDir,
    lockfile: { path: LOCKFILE, content: lockContent },
    shadowDbInitScript: '',
    migrationDirectories: listMigrationNames(baseDir).map((name) => ({
      path: name,
      migrationFile: {
        path: MIGRATION_FILE,
        content: { tag: 'ok' as const, value: readFileSync(path.join(baseDir, name, MIGRATION_FILE), 'utf8') },
      },
    })),
  };
}

// --- public API ---------------------------------------------------------------------------------

/** True when the SQL has no statements (only whitespace and `--` / block comments). */
export function isEmptyMigrationSql(sql: string): boolean {
  return (
    sql
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/--.*$/gm, '')
      .trim() === ''
  );
}

function describeError(e: unknown): Error {
  if (e instanceof Error) return e;
  const panic = panicRegistry().message;
  let text: string;
  try {
    text = typeof e === 'string' ? e : JSON.stringify(e);
  } catch {
    text = String(e);
  }
  return new Error(`schema engine failed: ${text}${panic ? `\npanic: ${panic}` : ''}`);
}

/**
 * SQL that brings a database migrated with every migration in `migrationsDir` (in folder-name
 * order) to the state described by `schemaPath`. Returns '' when they agree (the engine's
 * comment-only "empty migration" script is normalized to ''). A migration that fails to apply to
 * the shadow database makes this throw. Each call uses fresh in-memory PGlite databases (~3-5 s).
 */
export async function diffMigrationsToSchema(opts: DiffOptions = {}): Promise<string> {
  const schemaPath = path.resolve(opts.schemaPath ?? DEFAULT_SCHEMA_PATH);
  const migrationsDir = path.resolve(opts.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
  const schema = await readFile(schemaPath, 'utf8');

  enginePromise ??= loadSchemaEngine();
  const SchemaEngine = await enginePromise;
  const factory = new EphemeralPGliteFactory();
  activeRuns++;
  let engine: WasmSchemaEngine | undefined;
  try {
    engine = await SchemaEngine.new(
      { datamodels: [[schemaPath, schema]] },
      (msg: string) => {
        if (process.env.SCHEMA_ENGINE_DEBUG) process.stderr.write(`${msg}\n`);
      },
      bindMigrationAwareSqlAdapterFactory(factory),
    );
    const result = await engine.diff({
      from: migrationList(migrationsDir, schema),
      to: { tag: 'schemaDatamodel', files: [{ path: schemaPath, content: schema }] },
      script: true,
      exitCode: true,
      filters: { externalTables: [], externalEnums: [] },
    });
    const sql = result.stdout ?? '';
    // exitCode is 2 when the diff is non-empty, 0 otherwise; an empty diff comes back as a comment.
    return isEmptyMigrationSql(sql) ? '' : sql;
  } catch (e) {
    throw describeError(e);
  } finally {
    try {
      engine?.free();
    } catch {
      // already freed / poisoned after a panic
    }
    await factory.close();
    if (--activeRuns === 0) clearEngineTimers();
  }
}
