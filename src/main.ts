import http from 'node:http';
import type { App } from './app.js';
import { forgetUnshownApiKey } from './auth/api-keys.js';
import { ConfigError, loadConfig, reportDeprecations, type Config } from './config.js';
import { startPGlite, type StartingPGlite } from './db/pglite.js';
import type { Database } from './db/database.js';
import { createLogger, type Logger } from './logger.js';
import { banner } from './banner.js';
import { removeServerInfo, writeServerInfo } from './server-info.js';
import { StartupPhases } from './startup-phases.js';

/**
 * The embedded database starts first and opens while the server's modules (GraphQL schema,
 * Prisma, job queue) load. That overlap pays under tsx (its loader thread leaves this one idle);
 * the compiled start (scripts/start.mjs) keeps both busy on this thread and gains little from it.
 */
async function startApp(config: Config, logger: Logger, phases: StartupPhases): Promise<App> {
  if (config.databaseUrl) {
    const { createApp } = await import('./app.js');
    phases.mark('modules');
    return createApp(config, { logger, phases });
  }
  const embedded = startPGlite(config.dataDir);
  let database: Database | null = null;
  try {
    const [{ createApp }, { openPGlite }] = await Promise.all([import('./app.js'), import('./db/database.js')]);
    phases.mark('modules');
    database = await openPGlite(config.dataDir, {}, embedded);
    return await createApp(config, { logger, phases, database });
  } catch (error) {
    // createApp closes the database on most failures; closing twice is harmless.
    if (database) await database.close().catch(() => {});
    else await abandon(embedded);
    throw error;
  }
}

async function abandon(embedded: StartingPGlite): Promise<void> {
  await embedded.instance.then((pglite) => pglite.close(), () => {}).catch(() => {});
  embedded.unlock();
}

async function main() {
  const phases = new StartupPhases();
  phases.mark('boot');
  let logger = createLogger();
  let config: Config;
  try {
    config = loadConfig();
    logger = createLogger({ level: config.logLevel });
    reportDeprecations(config, (message) => logger.warn(message));
  } catch (error) {
    if (error instanceof ConfigError) {
      logger.error(`configuration error: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  const app = await startApp(config, logger, phases);
  const server = http.createServer(app.requestListener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new Error(`Port ${config.port} is already in use: set PORT to another port`) : error),
    );
    server.listen(config.port, config.host, resolve);
  }).catch(async (error: unknown) => {
    // The admin key created at this start was never shown: remove it, so the next start (finding
    // no key) creates and shows a new one instead of printing nothing.
    if (app.generatedApiKey) {
      await forgetUnshownApiKey(app.database.prisma, app.generatedApiKey).catch(() => {});
      logger.warn('the admin API key created at this start was never shown, so it was removed: the next successful start creates and shows one');
    }
    // Close the database cleanly (and release the DATA_DIR lock) before exiting.
    await app.close().catch(() => {});
    throw error;
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  phases.mark('listen');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: finishing in-flight requests, then stopping`);
    // Stop accepting, let in-flight requests finish (at most 25 s in all; app.close() also waits
    // for handlers whose clients already hung up), then stop the workers (pg-boss stops
    // gracefully: running jobs finish or are released) and close the database.
    const deadline = Date.now() + 25_000;
    const drained = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const forced = setTimeout(() => server.closeAllConnections(), 25_000);
    forced.unref();
    await drained;
    clearTimeout(forced);
    await app.close({ drainTimeoutMs: Math.max(1_000, deadline - Date.now()) });
    if (!config.databaseUrl) removeServerInfo(config.dataDir);
    logger.info(`${signal}: stopped`);
    process.exit(0);
  };
  // Before the banner: whoever reacts to the banner with a signal meets the handler.
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  // The embedded server's DATA_DIR is its own: the CLI and `npm run mcp` read its URL there.
  const localHost = ['0.0.0.0', '::', '127.0.0.1', 'localhost'].includes(config.host) ? 'localhost' : config.host.includes(':') ? `[${config.host}]` : config.host;
  if (!config.databaseUrl) {
    try {
      writeServerInfo(config.dataDir, { url: `http://${localHost}:${port}`, pid: process.pid, port });
    } catch (error) {
      logger.warn('could not write the server URL for the CLI into DATA_DIR', { error });
    }
  }
  process.stdout.write(banner(app, `http://localhost:${port}`));
  logger.debug('start-up phases (ms)', phases.summary());
}

main().catch((error) => {
  if (error instanceof ConfigError) {
    createLogger().error(`configuration error: ${error.message}`);
    process.exit(2);
  }
  createLogger().error('start-up failed', { error });
  process.exit(1);
});
