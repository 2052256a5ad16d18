/** The start-up banner of `npm start` (src/main.ts). */
import type { App } from './app.js';
import { PROVIDERS } from './providers/registry.js';
import { describeSandbox } from './sandbox/settings.js';

export type BannerApp = Pick<App, 'config' | 'database' | 'sandbox' | 'generatedApiKey' | 'adminKeyNeverUsed'>;

/** What `npm start` prints once it listens at `url` (http://localhost:<port>). */
export function banner(app: BannerApp, url: string): string {
  const providers = PROVIDERS.map(({ slug: name, envPrefix }) => {
    const configured = app.config.providers[name]?.credentials != null;
    if (configured) return `${name} configured`;
    const hint = `not configured (set ${envPrefix}_CLIENT_ID/_SECRET)`;
    return app.sandbox ? `${name} ${hint}: SANDBOX simulator` : `${name} ${hint}`;
  });
  const lines = [
    '',
    '  Wearable health graph',
    `  GraphQL + GraphiQL  ${url}/graphql`,
    `  MCP                 ${url}/mcp (Streamable HTTP; stdio: MCP_TOKEN=<key> npm run mcp)`,
    `  Database            ${app.database.description}`,
    `  Providers           ${providers.join(', ')}`,
  ];
  lines.push(`  Sandbox             ${describeSandbox(app.config, app.sandbox !== null)}`);
  if (app.sandbox && providers.some((p) => p.endsWith('SANDBOX simulator'))) {
    // The CLI runs in another terminal, where PORT may not be set: name this server's URL.
    lines.push(`  Try it              API_KEY=<admin key> npm run cli -- demo --url ${url}`);
  }
  if (app.generatedApiKey) {
    lines.push(
      '',
      '  An admin API key was created for this new database. It is shown ONCE; store it now:',
      `    ${app.generatedApiKey}`,
      '  Send it as: Authorization: Bearer <key>',
    );
  } else if (app.adminKeyNeverUsed) {
    lines.push(
      '',
      '  No admin API key has been used yet. Lost the one shown at the first start? Get a new one with',
      `    npm run cli -- api-key create --name admin --scope admin${app.config.databaseUrl ? '' : '   (stop this server first: the embedded database has one user)'}`,
    );
  }
  return lines.join('\n') + '\n';
}
