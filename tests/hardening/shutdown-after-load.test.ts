/**
 * Issue 13 item 8: SIGTERM right after a burst of requests whose clients already hung up. The
 * server stops accepting, and its handlers still running (their sockets closed, so the listener
 * no longer waits for them) must finish before the database closes: no "Cannot use a pool after
 * calling end on the pool" (PostgreSQL) or "PGlite is closed" in the log, and exit 0 by the handler.
 */
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { databaseVariants, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { freePort, killAllServers, killServer, startServer, waitUntilReady } from '../support/server-process.js';

const KEY = 'whg_shutdown_after_load_key_0123456789';
const REQUESTS = 60;

afterAll(async () => {
  await killAllServers();
});

/** A request that reads and writes several times: createUser, then the users list and each user's days. */
const QUERY = `mutation($e: String!) { createUser(input: { externalId: $e }) { id externalId days(from: "2026-01-01", to: "2026-03-31") { date sleep { id } workouts { id } recovery { id } activity { id } } } }`;

/** Sends one request and hangs up as soon as its body is written (the client disconnects). */
function fireAndHangUp(port: number, externalId: string): Promise<void> {
  const body = JSON.stringify({ query: QUERY, variables: { e: externalId } });
  return new Promise((resolve) => {
    const req = http.request({
      host: '127.0.0.1',
      port,
      path: '/graphql',
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${KEY}` },
    });
    req.on('error', () => resolve());
    req.on('close', () => resolve());
    req.end(body, () => setImmediate(() => req.destroy()));
  });
}

describe.each(databaseVariants())('shutdown after a load (%s)', (variant) => {
  it('SIGTERM after clients hung up on running requests: handlers finish before the database closes, exit 0', async () => {
    let database: TestDatabase | null = null;
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'whg-shutdown-load-'));
    const env: Record<string, string> = { INITIAL_API_KEY: KEY, DATA_DIR: dataDir, SANDBOX: 'false' };
    if (variant === 'postgresql') {
      database = await openTestDatabase('postgresql');
      env.DATABASE_URL = database.url!;
      env.ENCRYPTION_KEY = '11'.repeat(32);
    }
    const port = await freePort();
    const server = startServer(port, env);
    try {
      await waitUntilReady(server, KEY);
      await Promise.all(Array.from({ length: REQUESTS }, (_, i) => fireAndHangUp(port, `load-${i}`)));
      const exit = await killServer(server, 'SIGTERM', 40_000);
      const output = server.output();
      expect(output).not.toMatch(/Cannot use a pool after calling end on the pool/);
      expect(output).not.toMatch(/PGlite is closed/i);
      expect(output).not.toMatch(/ERROR/);
      expect(output).toContain('SIGTERM: stopped');
      expect(exit).toEqual({ code: 0, signal: null });
    } finally {
      await killServer(server, 'SIGKILL').catch(() => undefined);
      if (database) {
        // The server's pool is gone with its process; drop the test database.
        await database.close().catch(() => undefined);
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
