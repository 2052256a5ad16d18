/**
 * End to end: the real server as a user starts it (`npm start`, i.e. `node scripts/start.mjs` in
 * the repo root, which runs src/ compiled into node_modules/.cache), over real HTTP. First start
 * on an empty DATA_DIR, the banner and its generated admin key, auth, GraphiQL, the data-dir lock
 * against a second process, graceful SIGTERM and a restart that keeps the data and the key. With
 * TEST_DATABASE_URL also one start on real PostgreSQL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { ROOT } from '../support/paths.js';

// A functional bound, not a performance claim: start-up time is measured by `npm run bench`
// (these machines are shared; a timed unit test would flake). The measured time is printed.
const START_LIMIT_MS = 60_000;

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

interface ServerProcess {
  child: ChildProcess;
  port: number;
  spawnedAt: number;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<Exit>;
  hasExited: () => boolean;
}

interface GraphQLResult {
  status: number;
  body: { data?: any; errors?: { message: string; extensions?: { code?: string } }[] };
}

const running = new Set<ServerProcess>();

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** The developer's own settings must not leak into a "fresh user" start. */
function userEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) {
    if (
      /^(POLAR|OURA)_/.test(name) ||
      [
        'DATABASE_URL',
        'INITIAL_API_KEY',
        'ENCRYPTION_KEY',
        'PORT',
        'HOST',
        'DATA_DIR',
        'PUBLIC_URL',
        'NODE_OPTIONS',
        'NODE_ENV',
      ].includes(name)
    ) {
      delete env[name];
    }
  }
  return { ...env, ...extra };
}

function startServer(port: number, extraEnv: Record<string, string>): ServerProcess {
  const spawnedAt = performance.now();
  // Not through npm: the test checks this process's pid in the DATA_DIR lock.
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
    cwd: ROOT,
    env: userEnv({ PORT: String(port), ...extraEnv }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let done = false;
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      done = true;
      resolve({ code, signal });
    });
  });
  const server: ServerProcess = {
    child,
    port,
    spawnedAt,
    stdout: () => out,
    stderr: () => err,
    exited,
    hasExited: () => done,
  };
  running.add(server);
  void exited.then(() => running.delete(server));
  return server;
}

async function killAll(): Promise<void> {
  await Promise.all(
    [...running].map(async (server) => {
      if (server.hasExited()) return;
      server.child.kill('SIGKILL');
      await server.exited;
    }),
  );
}

function describeProcess(server: ServerProcess): string {
  return `--- stdout ---\n${server.stdout()}\n--- stderr ---\n${server.stderr()}`;
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Waits until the banner's last line is out (it is written in one piece after listen()). */
async function waitForBanner(server: ServerProcess, timeoutMs = 45_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (/^\s*Providers\s+.*$/m.test(server.stdout()) && server.stdout().endsWith('\n')) return server.stdout();
    if (server.hasExited()) {
      const exit = await server.exited;
      throw new Error(`server exited (code ${exit.code}, signal ${exit.signal}) before its banner\n${describeProcess(server)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no start-up banner within ${timeoutMs} ms\n${describeProcess(server)}`);
}

function generatedKey(banner: string): string | null {
  return /shown ONCE[^\n]*\n\s*(\S+)/.exec(banner)?.[1] ?? null;
}

async function graphql(port: number, query: string, key: string | null, variables?: Record<string, unknown>): Promise<GraphQLResult> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (key) headers.authorization = `Bearer ${key}`;
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as GraphQLResult['body'] };
}

/** Spawn -> authenticated `{ __typename }` answering 200, in ms. */
async function timeUntilReady(server: ServerProcess, key: string, timeoutMs = 45_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const result = await graphql(server.port, '{ __typename }', key);
      if (result.status === 200 && result.body.data?.__typename === 'Query') return Math.round(performance.now() - server.spawnedAt);
      last = `${result.status} ${JSON.stringify(result.body)}`;
    } catch (error) {
      last = String(error);
    }
    if (server.hasExited()) throw new Error(`server exited before answering\n${describeProcess(server)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no 200 within ${timeoutMs} ms (last: ${last})\n${describeProcess(server)}`);
}

async function stopGracefully(server: ServerProcess, timeoutMs: number): Promise<{ exit: Exit; ms: number }> {
  const started = performance.now();
  server.child.kill('SIGTERM');
  const exit = await withTimeout(server.exited, timeoutMs, `exit after SIGTERM\n${describeProcess(server)}`);
  return { exit, ms: Math.round(performance.now() - started) };
}

afterAll(async () => {
  await killAll();
});

describe('embedded PGlite: start, lock, stop, restart', () => {
  let dataDir: string;
  let first: ServerProcess | null = null;
  let key = '';
  let userId = '';

  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'whg-e2e-'));
  });

  afterAll(async () => {
    await killAll();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts on an empty DATA_DIR, prints URL, database, providers and a new admin key, and answers (time printed; bound by npm run bench)', async () => {
    const port = await freePort();
    first = startServer(port, { DATA_DIR: dataDir });
    const banner = await waitForBanner(first);

    expect(banner).toContain(`http://localhost:${port}/graphql`);
    expect(banner).toContain(`embedded PGlite in ${path.join(dataDir, 'pglite')}`);
    expect(banner).toMatch(/Providers\s+polar not configured.*oura not configured/);
    const parsed = generatedKey(banner);
    expect(parsed).toMatch(/^\S{20,}$/);
    key = parsed!;

    const readyMs = await timeUntilReady(first, key);
    console.log(`[e2e] embedded first start: spawn -> authenticated 200 in ${readyMs} ms`);
    expect(readyMs).toBeLessThan(START_LIMIT_MS);
    // The key is printed once, to stdout only: never into the log stream.
    expect(first.stderr()).not.toContain(key);
  });

  it('answers 401 UNAUTHENTICATED without a key and serves GraphiQL to a browser without one', async () => {
    expect(first).not.toBeNull();
    const anonymous = await graphql(first!.port, '{ __typename }', null);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const wrong = await graphql(first!.port, '{ __typename }', 'whg_not_a_real_key_0000000000');
    expect(wrong.status).toBe(401);
    expect(wrong.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const page = await fetch(`http://127.0.0.1:${first!.port}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toMatch(/<html/i);
    expect(html).toContain('Wearable health graph');

    const health = await fetch(`http://127.0.0.1:${first!.port}/health`);
    expect(health.status).toBe(200);
  });

  it('creates a user', async () => {
    const created = await graphql(first!.port, 'mutation { createUser(input: { externalId: "persist-1" }) { id } }', key);
    expect(created.body.errors).toBeUndefined();
    expect(created.status).toBe(200);
    userId = created.body.data.createUser.id;
    expect(typeof userId).toBe('string');
  });

  it('refuses a second process on the same DATA_DIR with a clear message', async () => {
    expect(first).not.toBeNull();
    const second = startServer(await freePort(), { DATA_DIR: dataDir });
    const exit = await withTimeout(second.exited, 45_000, `second process to give up\n${describeProcess(second)}`);
    expect(exit.code).not.toBe(0);
    expect(exit.code).not.toBeNull();
    const output = second.stdout() + second.stderr();
    expect(output).toMatch(/in use by process/);
    expect(output).toContain(String(first!.child.pid));
    expect(output).not.toMatch(/shown ONCE/);

    // The loser must not have taken the lock or hurt the running server.
    expect(fs.readFileSync(path.join(dataDir, 'gateway.pid'), 'utf8').trim()).toBe(`${first!.child.pid}@${os.hostname()}`);
    const stillThere = await graphql(first!.port, '{ userByExternalId(externalId: "persist-1") { id } }', key);
    expect(stillThere.status).toBe(200);
    expect(stillThere.body.data.userByExternalId.id).toBe(userId);
  });

  it('stops on SIGTERM with exit code 0 and releases the lock', async () => {
    const { exit, ms } = await stopGracefully(first!, 15_000);
    console.log(`[e2e] embedded SIGTERM -> exit in ${ms} ms`);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(ms).toBeLessThan(10_000);
    expect(fs.existsSync(path.join(dataDir, 'gateway.pid'))).toBe(false);
  });

  it('restarts on the same DATA_DIR: no new key, the old key works, the data survived', async () => {
    const port = await freePort();
    const again = startServer(port, { DATA_DIR: dataDir, POLAR_CLIENT_ID: 'e2e-client', POLAR_CLIENT_SECRET: 'e2e-secret-value' });
    const banner = await waitForBanner(again);
    expect(banner).toContain(`http://localhost:${port}/graphql`);
    expect(banner).toContain(`embedded PGlite in ${path.join(dataDir, 'pglite')}`);
    expect(banner).toMatch(/Providers\s+polar configured, oura not configured/);
    expect(banner).not.toMatch(/shown ONCE/);
    expect(generatedKey(banner)).toBeNull();

    const readyMs = await timeUntilReady(again, key);
    console.log(`[e2e] embedded restart: spawn -> authenticated 200 in ${readyMs} ms`);
    expect(readyMs).toBeLessThan(START_LIMIT_MS);

    const found = await graphql(port, '{ userByExternalId(externalId: "persist-1") { id } }', key);
    expect(found.status).toBe(200);
    expect(found.body.errors).toBeUndefined();
    expect(found.body.data.userByExternalId).toEqual({ id: userId });

    const { exit } = await stopGracefully(again, 15_000);
    expect(exit).toEqual({ code: 0, signal: null });
  });
});

describe('the admin key cannot be lost', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'whg-e2e-key-'));
  });
  afterAll(async () => {
    await killAll();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('a first start that cannot listen removes the key it never showed, the next start shows a new one, and a start while no admin key was ever used says how to get one', async () => {
    const port = await freePort();
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      const failed = startServer(port, { DATA_DIR: dataDir, HOST: '127.0.0.1' });
      const exit = await withTimeout(failed.exited, 120_000, `start on a taken port to fail\n${describeProcess(failed)}`);
      expect(exit.code).not.toBe(0);
      expect(failed.stdout() + failed.stderr()).toMatch(/already in use/);
      expect(failed.stdout()).not.toMatch(/shown ONCE/);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }

    const second = startServer(await freePort(), { DATA_DIR: dataDir });
    const key = generatedKey(await waitForBanner(second));
    expect(key).toMatch(/^whg_/);
    // Sent right after the banner: the server installs its signal handlers before it writes the
    // banner (seen once when it did so after: the write reached this test, which signalled before
    // the next statement ran, and Node's default action ended the process by the signal).
    const stopped = await stopGracefully(second, 15_000);
    expect(stopped.exit).toEqual({ code: 0, signal: null });

    const third = startServer(await freePort(), { DATA_DIR: dataDir });
    const banner = await waitForBanner(third);
    expect(banner).not.toMatch(/shown ONCE/);
    expect(banner).toMatch(/No admin API key has been used yet/);
    expect(banner).toContain('npm run cli -- api-key create --name admin --scope admin');
    expect((await graphql(third.port, '{ __typename }', key)).status).toBe(200);
    await stopGracefully(third, 15_000);
  }, 300_000);
});

const adminUrl = process.env.TEST_DATABASE_URL;
const describePostgres = adminUrl ? describe : describe.skip;
if (!adminUrl) {
  process.stderr.write('\n[e2e] TEST_DATABASE_URL is not set: SKIPPING the PostgreSQL start-up test.\n');
}

describePostgres('PostgreSQL via DATABASE_URL', () => {
  const name = `whg_e2e_${crypto.randomBytes(6).toString('hex')}`;
  let created = false;

  async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  }

  /** The server's URL; gets a dummy password when it has none and the server accepts that (trust auth). */
  async function serverUrl(): Promise<{ url: string; password: string | null }> {
    const url = new URL(adminUrl!);
    url.pathname = `/${name}`;
    if (url.password) return { url: url.toString(), password: decodeURIComponent(url.password) };
    const withPassword = new URL(url);
    withPassword.password = 'e2e-not-a-real-password';
    const probe = new pg.Client({ connectionString: withPassword.toString() });
    try {
      await probe.connect();
      return { url: withPassword.toString(), password: 'e2e-not-a-real-password' };
    } catch {
      return { url: url.toString(), password: null };
    } finally {
      await probe.end().catch(() => {});
    }
  }

  beforeAll(async () => {
    await admin((client) => client.query(`CREATE DATABASE ${name}`));
    created = true;
  });

  afterAll(async () => {
    await killAll();
    if (created) await admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  });

  it('starts on a fresh PostgreSQL database with INITIAL_API_KEY, redacts the password and accepts that key', async () => {
    const { url, password } = await serverUrl();
    const initialKey = `whg_e2e_${crypto.randomBytes(16).toString('hex')}`;
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'whg-e2e-pg-'));
    try {
      const port = await freePort();
      const server = startServer(port, {
        DATA_DIR: dataDir,
        DATABASE_URL: url,
        INITIAL_API_KEY: initialKey,
        ENCRYPTION_KEY: crypto.randomBytes(32).toString('hex'),
      });
      const banner = await waitForBanner(server);
      expect(banner).toContain(`http://localhost:${port}/graphql`);
      expect(banner).toMatch(new RegExp(`Database\\s+PostgreSQL at postgres(ql)?://\\S*/${name}`));
      if (password) {
        expect(banner).toContain(':***@');
        expect(server.stdout() + server.stderr()).not.toContain(password);
      }
      expect(banner).not.toMatch(/shown ONCE/);
      expect(server.stdout() + server.stderr()).not.toContain(initialKey);
      // Nothing embedded was opened.
      expect(fs.existsSync(path.join(dataDir, 'pglite'))).toBe(false);

      const readyMs = await timeUntilReady(server, initialKey);
      console.log(`[e2e] PostgreSQL first start: spawn -> authenticated 200 in ${readyMs} ms`);
      expect(readyMs).toBeLessThan(START_LIMIT_MS);
      const anonymous = await graphql(port, '{ __typename }', null);
      expect(anonymous.status).toBe(401);

      const createdUser = await graphql(port, 'mutation { createUser(input: { externalId: "pg-1" }) { id } }', initialKey);
      expect(createdUser.body.errors).toBeUndefined();

      const { exit } = await stopGracefully(server, 15_000);
      expect(exit).toEqual({ code: 0, signal: null });
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
