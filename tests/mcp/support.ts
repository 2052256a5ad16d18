/**
 * A gateway with the sandbox simulators on a real port, the sandbox demo run against it (the
 * same `npm run cli -- demo` code), and helpers to connect the official MCP client.
 */
import http from 'node:http';
import path from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { runDemo } from '../../src/cli/demo.js';
import type { DatabaseVariant } from '../support/databases.js';
import { ROOT } from '../support/paths.js';
import { freePort } from '../support/server-process.js';
import { createTestApp, TEST_ADMIN_KEY, type TestApp } from '../support/test-app.js';

export const MODERN = '2026-07-28';

export interface McpStack {
  t: TestApp;
  url: string;
  server: http.Server;
  demoUserId: string;
  close(): Promise<void>;
}

export async function startMcpStack(variant: DatabaseVariant, env: Record<string, string> = {}): Promise<McpStack> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const t = await createTestApp(variant, { SANDBOX: 'true', SANDBOX_SEED: '7', PUBLIC_URL: url, SYNC_BACKFILL_DAYS: process.env.MCP_TEST_BACKFILL_DAYS ?? '45', ...env }, { workers: true });
  const server = http.createServer(t.app.yoga);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const demo = await runDemo({ url, key: TEST_ADMIN_KEY }, { externalId: 'demo', days: 14, log: () => {} });
  return {
    t,
    url,
    server,
    demoUserId: demo.userId,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await t.close();
    },
  };
}

export async function httpClient(url: string, key: string, mode: 'modern' | 'legacy'): Promise<Client> {
  const client = new Client({ name: 'test', version: '1' }, mode === 'modern' ? { versionNegotiation: { mode: { pin: MODERN } } } : {});
  await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${key}` } } }));
  return client;
}

/** `npm run mcp` (src/mcp/stdio.ts) as a child process, relaying to the gateway. */
export async function stdioClient(url: string, key: string, mode: 'modern' | 'legacy'): Promise<Client> {
  const client = new Client({ name: 'test-stdio', version: '1' }, mode === 'modern' ? { versionNegotiation: { mode: { pin: MODERN } } } : {});
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: ['--import', 'tsx', path.join(ROOT, 'src/mcp/stdio.ts')],
      env: { PATH: process.env.PATH ?? '', SERVER_URL: url, MCP_TOKEN: key },
      cwd: ROOT,
      stderr: 'pipe',
    }),
  );
  return client;
}

const ajv = new Ajv2020({ strict: false, allErrors: true });
/** Validates a tool's structuredContent against the outputSchema tools/list published. */
export function schemaErrors(outputSchema: object, value: unknown): string | null {
  const validate = ajv.compile(outputSchema);
  return validate(value) ? null : ajv.errorsText(validate.errors);
}
