/**
 * Wires the parts together: database, migrations, the initial API key and the HTTP/GraphQL
 * server. main.ts adds the listener; tests use the app directly through yoga.fetch.
 */
import type { Config } from './config.js';
import { ensureInitialApiKey } from './auth/api-keys.js';
import { openDatabase, type Database } from './db/database.js';
import { migrate } from './db/migrate.js';
import { createYogaServer, type YogaServer } from './http/yoga.js';
import { createLogger, registerSecret, type Logger } from './logger.js';

export interface App {
  config: Config;
  database: Database;
  yoga: YogaServer;
  logger: Logger;
  /** Migrations applied by this start (empty when the database was current). */
  appliedMigrations: string[];
  /** An admin key generated at this start, to show the operator once. */
  generatedApiKey: string | null;
  close(): Promise<void>;
}

export interface AppOptions {
  /** An already-open database (tests); otherwise opened from the configuration. */
  database?: Database;
  logger?: Logger;
}

export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const logger = options.logger ?? createLogger();
  for (const secret of [config.polar.credentials?.clientSecret, config.oura.credentials?.clientSecret, config.encryptionKey, config.initialApiKey]) {
    registerSecret(secret);
  }
  const database = options.database ?? (await openDatabase(config));
  try {
    const appliedMigrations = await migrate(database);
    if (appliedMigrations.length) logger.info('applied migrations', { migrations: appliedMigrations });
    const { generatedKey } = await ensureInitialApiKey(database.prisma, config.initialApiKey);
    const services = { prisma: database.prisma, config };
    const yoga = createYogaServer({ services, logger });
    return {
      config,
      database,
      yoga,
      logger,
      appliedMigrations,
      generatedApiKey: generatedKey,
      async close() {
        await database.close();
      },
    };
  } catch (error) {
    await database.close().catch(() => {});
    throw error;
  }
}
