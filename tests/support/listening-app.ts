/** A test app behind a real HTTP listener on a free loopback port, PUBLIC_URL pointing at it (simulators and callbacks need real sockets). */
import http from 'node:http';
import type { AppOptions } from '../../src/app.js';
import type { DatabaseVariant } from './databases.js';
import { freePort } from './server-process.js';
import { createTestApp, type TestApp } from './test-app.js';

export interface ListeningApp {
  t: TestApp;
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function listeningTestApp(variant: DatabaseVariant, env: Record<string, string>, options: Omit<AppOptions, 'database' | 'logger'> = {}): Promise<ListeningApp> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const t = await createTestApp(variant, { PUBLIC_URL: url, ...env }, options);
  const server = http.createServer(t.app.yoga);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    t,
    url,
    port,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await t.close();
    },
  };
}
