/**
 * Opens the database the configuration asks for — embedded PGlite in a folder, or PostgreSQL by
 * URL — behind one small interface, with a Prisma client on top. Both speak the same SQL, use
 * the same schema and the same migrations.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.js';

export type DatabaseKind = 'pglite' | 'postgresql';

/** Raw SQL access beside Prisma: migrations, the job queue and benchmarks use it. */
export interface SqlExecutor {
  /** Runs one or more statements without parameters (simple query protocol). */
  exec(sql: string): Promise<void>;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

export interface Database extends SqlExecutor {
  kind: DatabaseKind;
  /** Human-readable, secret-free description for logs and the start-up banner. */
  description: string;
  prisma: PrismaClient;
  /** The PGlite instance in embedded mode (the job queue runs on it directly). */
  pglite?: PGlite;
  /** Runs fn on one dedicated connection (session-level locks need that). */
  session<T>(fn: (sql: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Receives every SQL statement Prisma sends (tests count them). */
  onQuery?: (sql: string) => void;
}

function createPrisma(adapter: PrismaPGlite | PrismaPg, options: OpenOptions): PrismaClient {
  if (!options.onQuery) return new PrismaClient({ adapter });
  const prisma = new PrismaClient({ adapter, log: [{ emit: 'event', level: 'query' }] });
  prisma.$on('query', (event) => options.onQuery!(event.query));
  return prisma as unknown as PrismaClient;
}

/** Wraps an already-open PGlite instance (tests hand in clones of a migrated template). */
export function fromPGlite(pglite: PGlite, description: string, options: OpenOptions = {}): Database {
  const prisma = createPrisma(new PrismaPGlite(pglite), options);
  const executor: SqlExecutor = {
    async exec(sql) {
      await pglite.exec(sql);
    },
    async query<T>(sql: string, params: unknown[] = []) {
      return (await pglite.query<T>(sql, params as never[])).rows;
    },
  };
  return {
    kind: 'pglite',
    description,
    prisma,
    pglite,
    ...executor,
    // PGlite is a single connection already.
    session: (fn) => fn(executor),
    async close() {
      await prisma.$disconnect();
      if (!pglite.closed) await pglite.close();
    },
  };
}

/**
 * PGlite is a single-process database: two processes on one folder would corrupt it. A pid
 * lock file refuses the second one with a clear message (a stale lock of a dead process is taken over).
 */
function lockDataDir(dir: string): () => void {
  const lockFile = path.join(dir, 'gateway.pid');
  const me = `${process.pid}@${os.hostname()}`;
  try {
    fs.writeFileSync(lockFile, me, { flag: 'wx' });
  } catch {
    const [pid, host] = fs.readFileSync(lockFile, 'utf8').trim().split('@');
    const holder = Number(pid);
    let alive = false;
    // A lock from another host (e.g. a replaced container on the same volume) is stale.
    if (holder && holder !== process.pid && (host ?? os.hostname()) === os.hostname()) {
      try {
        process.kill(holder, 0);
        alive = true;
      } catch {
        alive = false;
      }
    }
    if (alive) {
      throw new Error(
        `The embedded database in ${dir} is in use by process ${holder}. Stop it first, or set DATABASE_URL to use PostgreSQL for several processes.`,
      );
    }
    fs.writeFileSync(lockFile, me);
  }
  return () => fs.rmSync(lockFile, { force: true });
}

export async function openPGlite(dataDir: string, options: OpenOptions = {}): Promise<Database> {
  const dir = path.join(dataDir, 'pglite');
  fs.mkdirSync(dir, { recursive: true });
  const unlock = lockDataDir(dataDir);
  try {
    const pglite = await PGlite.create(dir);
    const database = fromPGlite(pglite, `embedded PGlite in ${dir}`, options);
    const close = database.close;
    return { ...database, close: async () => { await close(); unlock(); } };
  } catch (error) {
    unlock();
    throw error;
  }
}

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgresql://(unparseable URL)';
  }
}

export async function openPostgres(databaseUrl: string, options: OpenOptions = {}): Promise<Database> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  // An idle client whose connection dies (server restart, pg_terminate_backend, DROP DATABASE ... FORCE)
  // makes the pool emit 'error'; unlistened, that crashes the process. The pool has already dropped
  // the client and opens a new one on demand; queries in flight fail and report on their own.
  pool.on('error', () => {});
  // Fail fast with a clear message instead of on the first request.
  const probe = await pool.connect();
  probe.release();
  const prisma = createPrisma(new PrismaPg(pool), options);
  return {
    kind: 'postgresql',
    description: `PostgreSQL at ${redactUrl(databaseUrl)}`,
    prisma,
    async exec(sql) {
      await pool.query(sql);
    },
    async query<T>(sql: string, params: unknown[] = []) {
      return (await pool.query(sql, params)).rows as T[];
    },
    async session(fn) {
      const client = await pool.connect();
      try {
        return await fn({
          async exec(sql) {
            await client.query(sql);
          },
          async query<T>(sql: string, params: unknown[] = []) {
            return (await client.query(sql, params)).rows as T[];
          },
        });
      } finally {
        client.release();
      }
    },
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

export async function openDatabase(
  config: { databaseUrl: string | null; dataDir: string },
  options: OpenOptions = {},
): Promise<Database> {
  return config.databaseUrl ? openPostgres(config.databaseUrl, options) : openPGlite(config.dataDir, options);
}
