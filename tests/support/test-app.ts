import { createApp, type App, type AppOptions } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { openTestDatabase, type DatabaseVariant, type TestDatabase } from './databases.js';

export const TEST_ADMIN_KEY = 'whg_test_admin_key_0123456789abcdef';

export interface TestApp {
  app: App;
  database: TestDatabase;
  config: Config;
  /** Every SQL statement Prisma sent since the last reset. */
  statements: string[];
  logLines: string[];
  graphql<T = any>(query: string, variables?: Record<string, unknown>, key?: string | null): Promise<{ status: number; body: { data?: T; errors?: { message: string; extensions?: { code?: string } }[] } }>;
  close(): Promise<void>;
}

export async function createTestApp(variant: DatabaseVariant, env: Record<string, string> = {}, options: Omit<AppOptions, 'database' | 'logger'> = {}): Promise<TestApp> {
  const statements: string[] = [];
  const logLines: string[] = [];
  const database = await openTestDatabase(variant, { onQuery: (sql) => statements.push(sql) });
  // Test apps talk to the fakes; the built-in sandbox simulators are off unless a test asks for SANDBOX=true.
  const config = loadConfig({ INITIAL_API_KEY: TEST_ADMIN_KEY, DATA_DIR: '.test-data/unused', ENCRYPTION_KEY: 'b'.repeat(64), SANDBOX: 'false', ...env });
  const logger = createLogger({ level: 'debug', write: (line) => logLines.push(line) });
  const app = await createApp(config, { ...options, database, logger });
  return {
    app,
    database,
    config,
    statements,
    logLines,
    async graphql(query, variables, key = TEST_ADMIN_KEY) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (key) headers.authorization = `Bearer ${key}`;
      const response = await app.yoga.fetch('http://localhost/graphql', {
        method: 'POST',
        headers,
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, body: await response.json() };
    },
    close: () => app.close(),
  };
}
