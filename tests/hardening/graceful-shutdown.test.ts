/**
 * SIGTERM during requests: the real server (`node --import tsx src/main.ts`, embedded database)
 * receives SIGTERM while a request is in flight (its body still arriving); the request completes
 * with its answer, no new connection is accepted, the job queue stops gracefully and the process
 * exits 0.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../support/paths.js';

const KEY = 'whg_graceful_shutdown_key_0123456789';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

it('finishes an in-flight request after SIGTERM, then exits 0', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'whg-sigterm-'));
  const port = await freePort();
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^(DATABASE_URL|ENCRYPTION_KEY|NODE_OPTIONS|PORT|DATA_DIR|INITIAL_API_KEY)$/.test(k)) env[k] = v;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { ...env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, INITIAL_API_KEY: KEY, SYNC_POLLING_INTERVAL_SECONDS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (output += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (output += c));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    const deadline = Date.now() + 60_000;
    while (!output.includes('GraphQL + GraphiQL')) {
      if (Date.now() > deadline) throw new Error(`server did not start: ${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }

    const body = JSON.stringify({ query: 'mutation { createUser(input: { externalId: "in-flight" }) { id externalId } }' });
    const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port, path: '/graphql', method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${KEY}` } },
        (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (c: string) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      // Half of the body now, SIGTERM, the rest a second later: the request is in flight throughout.
      req.write(body.slice(0, 20));
      setTimeout(() => child.kill('SIGTERM'), 200);
      setTimeout(() => req.end(body.slice(20)), 1200);
    });
    const result = await response;
    expect(result.status).toBe(200);
    expect(JSON.parse(result.text).data.createUser.externalId).toBe('in-flight');

    // No new connections once stopping.
    await new Promise((r) => setTimeout(r, 100));
    const refused = await fetch(`http://127.0.0.1:${port}/health`).then(() => 'answered', () => 'refused');
    expect(refused).toBe('refused');

    expect(await exited).toBe(0);
    expect(output).toMatch(/SIGTERM: finishing in-flight requests/);
    expect(output).toMatch(/SIGTERM: stopped/);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}, 120_000);
