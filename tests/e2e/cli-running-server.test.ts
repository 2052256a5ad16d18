/**
 * Issue 13 items 12-14: the CLI beside a running embedded server started on another PORT. The CLI,
 * run in a shell without that PORT (only the same DATA_DIR), finds the server through the URL it
 * wrote into DATA_DIR; `api-key create` works while the server holds the embedded database (through
 * the API, with an admin key), and so do `webhooks register/unregister` (against a Polar fake);
 * `api-key list/revoke`, `users list`, `connections list` exist; `replay`, which must open the
 * database, says to stop the server; GATEWAY_URL still works as a
 * deprecated alias of SERVER_URL with one warning.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, graphqlOver, killAllServers, killServer, startServer, waitUntilReady, type ServerProcess } from '../support/server-process.js';
import { ROOT } from '../support/paths.js';
import { startPolarFake, type PolarFake } from '../../src/sandbox/polar/index.js';

const KEY = 'whg_cli_running_server_admin_key_0123';

afterAll(async () => {
  await killAllServers();
});

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The CLI in a shell that has DATA_DIR (and what `extra` adds) but not the server's PORT. */
function cli(dataDir: string, args: string[], extra: Record<string, string> = {}): Promise<Run> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(PORT|HOST|DATABASE_URL|NODE_OPTIONS|API_KEY|SERVER_URL|GATEWAY_URL|INITIAL_API_KEY|ENCRYPTION_KEY|PUBLIC_URL|DATA_DIR)$/.test(k)) env[k] = v;
  }
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], { cwd: ROOT, env: { ...env, DATA_DIR: dataDir, ...extra }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  return new Promise((resolve) => child.once('close', (status) => resolve({ status, stdout, stderr })));
}

describe('the CLI beside a running embedded server on a non-default PORT', () => {
  let dataDir: string;
  let server: ServerProcess;
  let userId: string;
  let polar: PolarFake;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'whg-cli-running-'));
    polar = await startPolarFake({ days: 3, seed: 3 });
    server = startServer(await freePort(), {
      DATA_DIR: dataDir,
      INITIAL_API_KEY: KEY,
      SANDBOX: 'false',
      POLAR_CLIENT_ID: polar.clientId,
      POLAR_CLIENT_SECRET: polar.clientSecret,
      POLAR_AUTHORIZATION_URL: polar.authorizationUrl,
      POLAR_TOKEN_URL: polar.tokenUrl,
      POLAR_API_URL: polar.apiUrl,
    });
    await waitUntilReady(server, KEY);
    const created = await graphqlOver(server, KEY, 'mutation { createUser(input: { externalId: "cli-alice" }) { id } }');
    userId = created.body.data.createUser.id;
  }, 90_000);

  afterAll(async () => {
    if (server) await killServer(server, 'SIGKILL').catch(() => undefined);
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    await polar?.close();
  });

  it('the server wrote its URL into DATA_DIR; users list and connections list find it without PORT', async () => {
    const info = JSON.parse(fs.readFileSync(path.join(dataDir, 'server.json'), 'utf8'));
    expect(info).toEqual({ url: `http://localhost:${server.port}`, pid: server.child.pid, port: server.port });
    const users = await cli(dataDir, ['users', 'list'], { API_KEY: KEY });
    expect(users.stderr).toBe('');
    expect(users.status).toBe(0);
    expect(users.stdout).toMatch(/^ID\s+EXTERNAL ID\s+CREATED\s+CONNECTIONS$/m);
    expect(users.stdout).toContain(userId);
    expect(users.stdout).toMatch(/cli-alice/);
    const connections = await cli(dataDir, ['connections', 'list', 'cli-alice'], { API_KEY: KEY });
    expect(connections.status).toBe(0);
    expect(connections.stdout).toBe(`user ${userId} (cli-alice)\nno connections\n`);
  }, 60_000);

  it('api-key create goes through the API while the server holds the database; list and revoke', async () => {
    const created = await cli(dataDir, ['api-key', 'create', '--name', 'analyst', '--scope', 'write'], { API_KEY: KEY });
    expect(created.stderr).toBe('');
    expect(created.status).toBe(0);
    const key = created.stdout.trim().split('\n').at(-1)!;
    expect(key).toMatch(/^whg_/);
    expect(created.stdout).toContain(`Created API key "analyst" (READ, WRITE) through http://localhost:${server.port}`);
    // The new key works against the server.
    expect((await graphqlOver(server, key, '{ __typename }')).status).toBe(200);

    const listed = await cli(dataDir, ['api-key', 'list'], { API_KEY: KEY });
    expect(listed.status).toBe(0);
    const row = listed.stdout.split('\n').find((l) => l.includes('analyst'))!;
    expect(row).toBeDefined();
    const prefix = row.split(/\s+/)[1]!;
    expect(key.startsWith(prefix)).toBe(true);
    expect(row).toMatch(/READ,WRITE/);

    const revoked = await cli(dataDir, ['api-key', 'revoke', prefix], { API_KEY: KEY });
    expect(revoked.stderr).toBe('');
    expect(revoked.stdout).toMatch(new RegExp(`^Revoked API key "analyst" \\(${prefix}\\) at \\d{4}-`));
    expect((await graphqlOver(server, key, '{ __typename }').catch(() => ({ status: 0 }))).status).toBe(401);

    // Without a key: says what it needs and why the API.
    const keyless = await cli(dataDir, ['api-key', 'create', '--name', 'x']);
    expect(keyless.status).toBe(64);
    expect(keyless.stderr.trimEnd().split('\n').at(-1)).toMatch(/^error: api-key create needs an ADMIN key: --key or API_KEY .*holds the embedded database.*stop the server and run this again/);
  }, 90_000);

  it('webhooks register/unregister go through the API; replay says to stop the server first (it opens the embedded database)', async () => {
    const replay = await cli(dataDir, ['replay']);
    expect(replay.status).toBe(64);
    expect(replay.stderr.trimEnd().split('\n').at(-1)).toBe(
      `error: replay opens the embedded database, which the running server (process ${server.child.pid}) holds: stop it (Ctrl-C), run this, then npm start again. To fetch data again through the API instead: resyncConnection (npm run cli -- sync <connectionId>). With DATABASE_URL (PostgreSQL) it runs beside the server.`,
    );
    const registered = await cli(dataDir, ['webhooks', 'register', 'polar'], { API_KEY: KEY });
    expect(registered.stderr).toBe('');
    expect(registered.status).toBe(0);
    expect(polar.webhook).not.toBeNull();
    expect(registered.stdout).toBe(`Polar webhook ${polar.webhook!.id} -> ${polar.webhook!.url} (${polar.webhook!.events.join(', ')})\n`);
    expect(polar.webhook!.url).toBe(`http://localhost:${server.port}/webhooks/polar`);
    const removed = await cli(dataDir, ['webhooks', 'unregister', 'polar'], { API_KEY: KEY });
    expect(removed.stdout).toMatch(/^Polar webhook \S+ removed\n$/);
    expect(polar.webhook).toBeNull();
    const keyless = await cli(dataDir, ['webhooks', 'register', 'polar']);
    expect(keyless.status).toBe(64);
    expect(keyless.stderr).toMatch(/error: webhooks register needs an ADMIN key: --key or API_KEY .*holds the embedded database/);
  }, 60_000);

  it('GATEWAY_URL still works as a deprecated alias of SERVER_URL, with one warning', async () => {
    // A DATA_DIR without a running server: only the variable can point at it.
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'whg-cli-elsewhere-'));
    try {
      const old = await cli(elsewhere, ['users', 'list'], { API_KEY: KEY, GATEWAY_URL: server.url });
      expect(old.status).toBe(0);
      expect(old.stdout).toContain(userId);
      expect(old.stderr.match(/warning: GATEWAY_URL is deprecated: call it SERVER_URL/g)).toHaveLength(1);
      const renamed = await cli(elsewhere, ['users', 'list'], { API_KEY: KEY, SERVER_URL: server.url });
      expect(renamed.status).toBe(0);
      expect(renamed.stderr).toBe('');
      expect(renamed.stdout).toContain(userId);
    } finally {
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
  }, 60_000);

  it('a graceful stop removes the URL file', async () => {
    expect(await killServer(server, 'SIGTERM', 40_000)).toEqual({ code: 0, signal: null });
    expect(fs.existsSync(path.join(dataDir, 'server.json'))).toBe(false);
  }, 60_000);
});
