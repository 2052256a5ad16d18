/**
 * The durable job queue: pg-boss in the application's own database, so a crash, a restart or a
 * second replica loses and duplicates nothing. On PGlite it runs on the same instance; on
 * PostgreSQL it has its own small pool.
 */
import PgBoss from 'pg-boss';
import type { Database } from '../db/database.js';
import type { Logger } from '../logger.js';

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
  }
  boss.on('error', (error: Error) => logger.error('job queue error', { error }));
  await boss.start();
  return boss;
}
