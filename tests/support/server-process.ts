/**
 * The real server as a child process (`node --import tsx src/main.ts` in the repo root), for tests
 * that need a process to die: start, wait until it answers, GraphQL over HTTP, SIGKILL / SIGTERM.
 * (tests/e2e/start-restart.test.ts has its own copy of these basics.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { ROOT } from './paths.js';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  url: string;
  output: () => string;
  exited: Promise<Exit>;
  hasExited: () => boolean;
}

const running = new Set<ServerProcess>();

/**
 * A free port for a server child process, chosen below Linux's ephemeral range (32768-60999).
 * A port the OS hands out (listen on 0) comes from that range, and while the child starts (a
 * second or two) any outgoing connection on this busy machine may take it as its local port:
 * the child then fails with EADDRINUSE. Restarts reuse the port, which widens that window.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await canListen(port)) return port;
  }
  throw new Error('no free port found in 20000-31999');
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** The developer's own settings (and jest's NODE_OPTIONS) must not leak into the child. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) {
    if (/^(POLAR|OURA|SYNC)_/.test(name) || ['DATABASE_URL', 'INITIAL_API_KEY', 'ENCRYPTION_KEY', 'PORT', 'HOST', 'DATA_DIR', 'PUBLIC_URL', 'NODE_OPTIONS', 'NODE_ENV', 'RUN_WORKERS'].includes(name)) {
      delete env[name];
    }
  }
  return { ...env, ...extra };
}

export function startServer(port: number, env: Record<string, string>): ServerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: childEnv({ PORT: String(port), HOST: '127.0.0.1', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let done = false;
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      done = true;
      resolve({ code, signal });
    });
  });
  const server: ServerProcess = { child, port, url: `http://127.0.0.1:${port}`, output: () => output, exited, hasExited: () => done };
  running.add(server);
  void exited.then(() => running.delete(server));
  return server;
}

export async function graphqlOver<T = any>(server: ServerProcess, key: string, query: string, variables?: Record<string, unknown>) {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as { data?: T; errors?: { message: string }[] } };
}

/** Waits until an authenticated `{ __typename }` answers 200. */
export async function waitUntilReady(server: ServerProcess, key: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (server.hasExited()) {
      const exit = await server.exited;
      throw new Error(`server exited (code ${exit.code}, signal ${exit.signal}) before answering\n${server.output()}`);
    }
    try {
      const result = await graphqlOver(server, key, '{ __typename }');
      if (result.status === 200 && (result.body.data as { __typename?: string } | undefined)?.__typename === 'Query') return;
      last = `${result.status} ${JSON.stringify(result.body)}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`server did not answer within ${timeoutMs} ms (last: ${last})\n${server.output()}`);
}

export async function killServer(server: ServerProcess, signal: NodeJS.Signals = 'SIGKILL', timeoutMs = 20_000): Promise<Exit> {
  if (server.hasExited()) return server.exited;
  server.child.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      server.exited,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`server did not exit within ${timeoutMs} ms after ${signal}\n${server.output()}`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** SIGKILLs every child this module started that is still running (afterAll). */
export async function killAllServers(): Promise<void> {
  await Promise.all([...running].map((server) => killServer(server, 'SIGKILL').catch(() => undefined)));
}
