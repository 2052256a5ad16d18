/**
 * `npm run gateway`: composes the supergraph from the configured subgraphs (see config.ts) and
 * serves it with Hive Gateway. `npm run gateway -- --print-supergraph` prints the supergraph SDL
 * and exits. A composition error stops the start with the composition's own messages.
 */
import http from 'node:http';
import { createLogger } from '../logger.js';
import { CompositionError, loadAndCompose, SubgraphSdlError } from './compose.js';
import { GatewayConfigError, loadGatewayConfig } from './config.js';

async function main() {
  const config = loadGatewayConfig();
  const supergraphSdl = await loadAndCompose(config.subgraphs);
  if (process.argv.includes('--print-supergraph')) {
    process.stdout.write(supergraphSdl + '\n');
    return;
  }
  // Loaded only once composition succeeded: a broken configuration is reported at once.
  const { createGateway } = await import('./runtime.js');
  const level = process.env.GATEWAY_LOG_LEVEL || 'info';
  if (!['debug', 'info', 'warn', 'error'].includes(level)) throw new GatewayConfigError(`GATEWAY_LOG_LEVEL must be debug, info, warn or error (got "${level}")`);
  const gateway = createGateway({ supergraphSdl, logging: level as 'info' });
  const server = http.createServer(gateway);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new GatewayConfigError(`Port ${config.port} is already in use: set GATEWAY_PORT to another port`) : error),
    );
    server.listen(config.port, config.host, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  process.stdout.write(
    [
      '',
      '  Wearable health graph: federation gateway (Hive Gateway)',
      `  GraphQL             http://localhost:${port}/graphql`,
      `  Configuration       ${config.source}`,
      ...config.subgraphs.map((s, i) => `  ${i === 0 ? 'Subgraphs          ' : '                   '} ${s.name} -> ${s.url}`),
      '  Send the API key as usual (Authorization: Bearer <key>); the gateway forwards it to every subgraph.',
      '',
    ].join('\n') + '\n',
  );
  const stop = () => {
    server.close();
    server.closeIdleConnections();
    void Promise.resolve(gateway.dispose()).finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error) => {
  if (error instanceof CompositionError || error instanceof GatewayConfigError || error instanceof SubgraphSdlError) {
    // The operator's problem, told plainly (composition's own messages), without a stack trace.
    process.stderr.write(`gateway not started: ${error.message}\n`);
    process.exit(2);
  }
  createLogger().error('gateway start-up failed', { error });
  process.exit(1);
});
