import http from 'node:http';
import { createApp, type App } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createLogger } from './logger.js';

function banner(app: App, url: string): string {
  const providers = (['polar', 'oura'] as const).map((name) => {
    const configured = app.config[name].credentials !== null;
    if (configured) return `${name} configured`;
    const hint = `not configured (set ${name.toUpperCase()}_CLIENT_ID/_SECRET)`;
    return app.sandbox ? `${name} ${hint}: SANDBOX simulator` : `${name} ${hint}`;
  });
  const lines = [
    '',
    '  Wearable health graph',
    `  GraphQL + GraphiQL  ${url}/graphql`,
    `  Database            ${app.database.description}`,
    `  Providers           ${providers.join(', ')}`,
  ];
  if (app.sandbox && providers.some((p) => p.endsWith('SANDBOX simulator'))) {
    lines.push(
      `  Sandbox             simulated providers at ${app.config.publicUrl}/sandbox/<provider> (generated data, seed ${app.config.sandbox.seed}; SANDBOX=false turns them off)`,
      `  Try it              API_KEY=<admin key> npm run cli -- demo`,
    );
  }
  if (app.generatedApiKey) {
    lines.push(
      '',
      '  An admin API key was created for this new database. It is shown ONCE; store it now:',
      `    ${app.generatedApiKey}`,
      '  Send it as: Authorization: Bearer <key>',
    );
  }
  return lines.join('\n') + '\n';
}

async function main() {
  const logger = createLogger();
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      logger.error(`configuration error: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  const app = await createApp(config, { logger });
  const server = http.createServer(app.yoga);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new Error(`Port ${config.port} is already in use: set PORT to another port`) : error),
    );
    server.listen(config.port, config.host, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  process.stdout.write(banner(app, `http://localhost:${port}`));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: finishing in-flight requests, then stopping`);
    // Stop accepting, let in-flight requests finish (at most 25 s), then stop the workers (pg-boss
    // stops gracefully: running jobs finish or are released) and close the database.
    const drained = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const forced = setTimeout(() => server.closeAllConnections(), 25_000);
    forced.unref();
    await drained;
    clearTimeout(forced);
    await app.close();
    logger.info(`${signal}: stopped`);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error) => {
  if (error instanceof ConfigError) {
    createLogger().error(`configuration error: ${error.message}`);
    process.exit(2);
  }
  createLogger().error('start-up failed', { error });
  process.exit(1);
});
