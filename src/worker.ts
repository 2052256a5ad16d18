/**
 * `npm run worker`: a process that only works sync jobs, for production deployments that scale
 * workers apart from API replicas. Points at the same DATABASE_URL; needs the same ENCRYPTION_KEY.
 * It serves no HTTP. Its jobs are logged at debug (LOG_LEVEL=debug): start and end with ids and
 * duration; failures at warn/error.
 */
import { createApp } from './app.js';
import { ConfigError, loadConfig, reportDeprecations } from './config.js';
import { createLogger } from './logger.js';

async function main() {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel }).child({ process: 'worker' });
  reportDeprecations(config, (message) => logger.warn(message));
  if (!config.databaseUrl) {
    throw new ConfigError('npm run worker needs DATABASE_URL: the embedded database belongs to the `npm start` process, which already works jobs itself.');
  }
  const app = await createApp(config, { logger, workers: true, servesHttp: false });
  logger.info('worker started', { database: app.database.description });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: letting the current job finish, then stopping`);
    await app.close();
    logger.info(`${signal}: worker stopped`);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error) => {
  createLogger().error(error instanceof ConfigError ? `configuration error: ${error.message}` : 'worker failed to start', { error });
  process.exit(error instanceof ConfigError ? 2 : 1);
});
