/**
 * Where a running embedded server can be reached: `npm start` on the embedded database writes
 * DATA_DIR/server.json ({ url, pid, port }) once it listens and removes it when it stops, so the
 * CLI and `npm run mcp` find it on whatever PORT it was started with (PORT=5100 in one terminal,
 * `npm run cli -- demo` in another). SERVER_URL, when set, wins.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from './config.js';

export const SERVER_INFO_FILE = 'server.json';

export interface ServerInfo {
  /** Base URL on this machine (http://localhost:<port>, or the HOST it listens on). */
  url: string;
  pid: number;
  port: number;
}

export function writeServerInfo(dataDir: string, info: ServerInfo): void {
  const file = path.join(dataDir, SERVER_INFO_FILE);
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(info) + '\n', { mode: 0o600 });
  fs.renameSync(`${file}.tmp`, file);
}

/** Removes the file if it is still this process's. */
export function removeServerInfo(dataDir: string, pid = process.pid): void {
  const info = readServerInfo(dataDir);
  if (info?.pid === pid) fs.rmSync(path.join(dataDir, SERVER_INFO_FILE), { force: true });
}

function readServerInfo(dataDir: string): ServerInfo | null {
  try {
    const info = JSON.parse(fs.readFileSync(path.join(dataDir, SERVER_INFO_FILE), 'utf8')) as Partial<ServerInfo>;
    return typeof info.url === 'string' && typeof info.pid === 'number' && typeof info.port === 'number' ? (info as ServerInfo) : null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The embedded server running on this DATA_DIR (its process alive), or null. */
export function runningServer(dataDir: string): ServerInfo | null {
  const info = readServerInfo(dataDir);
  return info && info.pid !== process.pid && alive(info.pid) ? info : null;
}

/** The URL a client of this API uses: SERVER_URL when set, else a running embedded server's, else http://localhost:$PORT. */
export function serverUrlOf(config: Config): string {
  if (config.client.serverUrlSet) return config.client.serverUrl;
  return runningServer(config.dataDir)?.url ?? config.client.serverUrl;
}

/** Where the URL came from, for messages. */
export function serverUrlSource(config: Config): string {
  if (config.client.serverUrlSet) return 'SERVER_URL';
  const running = runningServer(config.dataDir);
  return running ? `the server running on ${config.dataDir} (pid ${running.pid})` : 'PORT';
}
