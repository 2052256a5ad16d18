/**
 * The durable job queue: pg-boss in the application's own database, so a crash, a restart or a
 * second replica loses and duplicates nothing. On PGlite it runs on the same instance; on
 * PostgreSQL it has its own small pool.
 */
import PgBoss from 'pg-boss';
import type { Database } from '../db/database.js';
import type { Logger } from '../logger.js';
import type { InFlight } from '../http/in-flight.js';

export interface QueueOptions {
  /** How long a job may run before another worker may take it over (crash recovery). */
  jobTimeoutSeconds: number;
  /** How often idle workers poll; notify() wakes them sooner. */
  pollingIntervalSeconds: number;
  maintenanceIntervalSeconds: number;
}

export async function createQueue(database: Database, databaseUrl: string | null, logger: Logger, options: QueueOptions): Promise<PgBoss> {
  const common = {
    expireInSeconds: options.jobTimeoutSeconds,
    maintenanceIntervalSeconds: options.maintenanceIntervalSeconds,
    retentionDays: 7,
    deleteAfterDays: 7,
  } satisfies PgBoss.ConstructorOptions;
  let boss: PgBoss;
  if (database.pglite) {
    const pglite = database.pglite;
    boss = new PgBoss({
      ...common,
      db: {
        async executeSql(text: string, values: unknown[] = []) {
          // pg-boss sends its migrations as one multi-statement script without parameters.
          if (values.length === 0 && text.includes(';')) {
            const results = await pglite.exec(text);
            return { rows: results.at(-1)?.rows ?? [] };
          }
          return { rows: (await pglite.query(text, values as never[])).rows };
        },
      },
    });
  } else {
    boss = new PgBoss({ ...common, connectionString: databaseUrl!, max: 4 });
    retryOnConnectionLoss(boss, logger);
  }
  boss.on('error', (error: Error) => logger.error('job queue error', { error }));
  await boss.start();
  return boss;
}

/** Errors that mean the connection died (pg_terminate_backend, server restart, network), not the statement. */
export function isConnectionLoss(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | null;
  if (!e) return false;
  if (typeof e.code === 'string' && (/^57P0[123]$/.test(e.code) || e.code.startsWith('08') || ['ECONNRESET', 'ECONNREFUSED', 'EPIPE'].includes(e.code))) return true;
  return /Connection terminated|terminating connection|Client has encountered a connection error/i.test(e.message ?? '');
}

/**
 * pg-boss (10.x) does not await the statements that record a job's result (complete / fail) in its
 * worker loop: when the database drops that connection (pg_terminate_backend, a restart, a
 * fail-over), the rejection is unhandled and ends the process. Its statements are retried here on a
 * fresh connection (the pool has dropped the dead one). All of them are safe to repeat: completing
 * or failing a job is conditional on its state, sends are deduplicated by singleton keys, and a
 * fetch whose answer was lost leaves a job that expires and is retried.
 */
function retryOnConnectionLoss(boss: PgBoss, logger: Logger): void {
  const db = boss.getDb() as { executeSql(text: string, values?: unknown[]): Promise<unknown> };
  const executeSql = db.executeSql.bind(db);
  db.executeSql = async (text, values) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await executeSql(text, values);
      } catch (error) {
        if (attempt >= 5 || !isConnectionLoss(error)) throw error;
        logger.warn('job queue lost its database connection; retrying the statement', { attempt, error: (error as Error).message });
        await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
      }
    }
  };
}

/**
 * Wraps a pg-boss work handler with the job's log lines: its start and end (queue, ids, duration)
 * at debug, a failure (which pg-boss retries while the queue's tries last) at warn. A handler that
 * logs its own failures with more context (`failuresLogged`) leaves the failure line at debug.
 */
export function loggedJobs<J extends { id: string; data: unknown }>(
  logger: Logger,
  queue: string,
  handler: (jobs: J[]) => Promise<unknown>,
  options: { failuresLogged?: boolean; fields?: (job: J) => Record<string, unknown> } = {},
): (jobs: J[]) => Promise<void> {
  return async (jobs) => {
    const fields = { queue, jobIds: jobs.map((job) => job.id), ...(jobs.length === 1 && options.fields ? options.fields(jobs[0]!) : {}) };
    const started = performance.now();
    logger.debug('job started', fields);
    try {
      await handler(jobs);
      logger.debug('job finished', { ...fields, durationMs: Math.round(performance.now() - started) });
    } catch (error) {
      const failed = options.failuresLogged ? logger.debug : logger.warn;
      failed('job failed; the queue retries it while it has tries left', { ...fields, durationMs: Math.round(performance.now() - started), error: (error as Error)?.message ?? String(error) });
      throw error;
    }
  };
}

/**
 * Every handler registered with boss.work from now on is tracked in `inFlight` until it settles:
 * shutdown stops fetching (offWork), waits for these, and only then stops pg-boss (which, after its
 * own timeout, fails what still runs) and closes the database the handlers use.
 */
export function trackWork(boss: PgBoss, inFlight: InFlight): void {
  const work = boss.work.bind(boss) as (...args: unknown[]) => Promise<string>;
  (boss as unknown as { work: (...args: unknown[]) => Promise<string> }).work = (...args: unknown[]) => {
    const handler = args.at(-1) as (jobs: unknown) => unknown;
    return work(...args.slice(0, -1), (jobs: unknown) => inFlight.track(Promise.resolve().then(() => handler(jobs))));
  };
}
