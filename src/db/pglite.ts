/**
 * Starts the embedded PGlite database in DATA_DIR/pglite under a pid lock. Kept apart from
 * database.ts (and its Prisma imports) so main.ts can start it before loading the rest.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { ensurePrivateDir } from '../security/private-dir.js';

export interface StartingPGlite {
  /** DATA_DIR/pglite */
  dir: string;
  /** Settles once PGlite has opened the folder; on failure the lock is already released. */
  instance: Promise<PGlite>;
  /** Releases the DATA_DIR lock (after the instance is closed). */
  unlock(): void;
}

/**
 * PGlite is a single-process database: two processes on one folder would corrupt it. A pid
 * lock file refuses the second one with a clear message (a stale lock of a dead process is taken over).
 */
/** The live process (other than this one) holding DATA_DIR's lock, or null when it is free or stale. */
export function dataDirHolder(dir: string): number | null {
  let content: string;
  try {
    content = fs.readFileSync(path.join(dir, 'gateway.pid'), 'utf8');
  } catch {
    return null;
  }
  const [pid, host] = content.trim().split('@');
  const holder = Number(pid);
  // A lock from another host (e.g. a replaced container on the same volume) is stale.
  if (!holder || holder === process.pid || (host ?? os.hostname()) !== os.hostname()) return null;
  try {
    process.kill(holder, 0);
    return holder;
  } catch {
    return null;
  }
}

function lockDataDir(dir: string): () => void {
  const lockFile = path.join(dir, 'gateway.pid');
  const me = `${process.pid}@${os.hostname()}`;
  try {
    fs.writeFileSync(lockFile, me, { flag: 'wx' });
  } catch {
    const holder = dataDirHolder(dir);
    if (holder !== null) {
      throw new Error(
        `The embedded database in ${dir} is in use by process ${holder}. Stop it first, or set DATABASE_URL to use PostgreSQL for several processes.`,
      );
    }
    fs.writeFileSync(lockFile, me);
  }
  return () => fs.rmSync(lockFile, { force: true });
}

/** Takes the lock synchronously (throws if another live process holds it), then opens PGlite in the background. */
export function startPGlite(dataDir: string): StartingPGlite {
  const dir = path.join(dataDir, 'pglite');
  ensurePrivateDir(dataDir);
  ensurePrivateDir(dir);
  const unlock = lockDataDir(dataDir);
  const instance = PGlite.create(dir).catch((error: unknown) => {
    unlock();
    throw error;
  });
  // The caller may await it only later (after loading modules): not an unhandled rejection meanwhile.
  instance.catch(() => {});
  return { dir, instance, unlock };
}
