import fs from 'node:fs';

/**
 * Creates `dir` (and missing parents) readable by this account only (0700), and tightens an
 * existing one to 0700: DATA_DIR holds every user's health data, raw payloads and (embedded) the
 * encryption key, whatever modes the files inside get. PostgreSQL insists on the same for its own.
 */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if ((fs.statSync(dir).mode & 0o077) !== 0) fs.chmodSync(dir, 0o700);
}
