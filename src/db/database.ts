/**
 * Opens the database the configuration asks for — embedded PGlite in a folder, or PostgreSQL by
 * URL — behind one small interface, with a Prisma client on top. Both speak the same SQL, use
 * the same schema and the same migrations.
 */
import type { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.js';
import { startPGlite, type StartingPGlite } from './pglite.js';

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

/**
 * A parameterised read for hot paths that skips the Prisma client (its raw-query path cost ~3x the
 * CPU of the driver for the days statement). Statements still go to `onQuery`, like Prisma's.
 */
export type ReadQuery = <T = Record<string, unknown>>(sql: string, params: unknown[]) => Promise<T[]>;

const readQueries = new WeakMap<PrismaClient, ReadQuery>();

/** The hot-path read on the same database as this client, if it was opened here (else use the client). */
export function readQueryFor(prisma: PrismaClient): ReadQuery | undefined {
  return readQueries.get(prisma);
}

function registerReadQuery(prisma: PrismaClient, options: OpenOptions, run: (sql: string, params: unknown[]) => Promise<unknown[]>) {
  const onQuery = options.onQuery;
  const read = (onQuery ? (sql, params) => (onQuery(sql), run(sql, params)) : run) as ReadQuery;
  readQueries.set(prisma, read);
}

export interface OpenOptions {
  /** Receives every SQL statement Prisma sends (tests count them). */
  onQuery?: (sql: string) => void;
  /** Embedded database only: checkpoint once this much WAL was written since the last one (default 64 MiB). */
  walCheckpointBytes?: number;
  /** Embedded database only: how often to look at the WAL written (default 15 s). */
  walCheckIntervalMs?: number;
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
  registerReadQuery(prisma, options, async (sql, params) => (await pglite.query(sql, params as never[])).rows);
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
 * PGlite runs PostgreSQL as a single backend, without the checkpointer process that would start a
 * checkpoint after max_wal_size: its WAL grows for as long as the process lives (seen: a 1 GB Apple
 * export import, 33 WAL segments never recycled, then a COMMIT spinning in XLogFlush for 20+
 * minutes). So the embedded database checkpoints itself once enough WAL was written since the last
 * checkpoint. PGlite serialises statements, so the checkpoint runs between them.
 */
function checkpointWhenWalGrows(pglite: PGlite, options: OpenOptions): () => void {
  const threshold = options.walCheckpointBytes ?? 64 * 1024 * 1024;
  let running = false;
  const timer = setInterval(() => {
    if (running || pglite.closed) return;
    running = true;
    void (async () => {
      try {
        const { rows } = await pglite.query<{ written: string }>(`SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), (pg_control_checkpoint()).redo_lsn)::text AS written`);
        if (Number(rows[0]?.written ?? 0) >= threshold && !pglite.closed) await pglite.exec('CHECKPOINT');
      } catch {
        // Closing under the check, or a checkpoint that failed: the next tick tries again.
      } finally {
        running = false;
      }
    })();
  }, options.walCheckIntervalMs ?? 15_000);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * Opens the embedded database in dataDir (see pglite.ts for the lock). `started` is PGlite already
 * starting (main.ts starts it before loading the rest of the server).
 */
export async function openPGlite(dataDir: string, options: OpenOptions = {}, started: StartingPGlite = startPGlite(dataDir)): Promise<Database> {
  const pglite = await started.instance;
  try {
    const database = fromPGlite(pglite, `embedded PGlite in ${started.dir}`, options);
    const stopCheckpoints = checkpointWhenWalGrows(pglite, options);
    const close = database.close;
    return { ...database, close: async () => { stopCheckpoints(); await close(); started.unlock(); } };
  } catch (error) {
    await pglite.close().catch(() => {});
    started.unlock();
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
  registerReadQuery(prisma, options, async (sql, params) => (await pool.query(sql, params)).rows);
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
