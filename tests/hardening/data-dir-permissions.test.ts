/**
 * Issue 14, item 8: the embedded database was world-readable (DATA_DIR and the PGlite files
 * 0755/0644, only encryption.key 0600). DATA_DIR is now created 0700 (an existing one is tightened),
 * so no other local account reaches any file in it, whatever the files' own modes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openPGlite } from '../../src/db/database.js';
import { loadTokenCipher } from '../../src/security/crypto.js';

const mode = (p: string) => fs.statSync(p).mode & 0o777;

describe('DATA_DIR permissions (embedded)', () => {
  let root: string;
  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'whg-perm-'));
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('creates DATA_DIR (and missing parents) and its pglite directory 0700, the key file 0600', async () => {
    const dataDir = path.join(root, 'fresh', 'data');
    loadTokenCipher({ encryptionKey: null, databaseUrl: null, dataDir });
    const db = await openPGlite(dataDir);
    try {
      expect(mode(dataDir).toString(8)).toBe('700');
      expect(mode(path.join(root, 'fresh')).toString(8)).toBe('700');
      expect(mode(path.join(dataDir, 'pglite')).toString(8)).toBe('700');
      expect(mode(path.join(dataDir, 'encryption.key')).toString(8)).toBe('600');
    } finally {
      await db.close();
    }
  }, 60_000);

  it('tightens an existing world-readable DATA_DIR (and pglite directory) to 0700 at start', async () => {
    const dataDir = path.join(root, 'existing');
    fs.mkdirSync(path.join(dataDir, 'pglite'), { recursive: true, mode: 0o755 });
    fs.chmodSync(dataDir, 0o755);
    fs.chmodSync(path.join(dataDir, 'pglite'), 0o755);
    const db = await openPGlite(dataDir);
    try {
      expect(mode(dataDir).toString(8)).toBe('700');
      expect(mode(path.join(dataDir, 'pglite')).toString(8)).toBe('700');
    } finally {
      await db.close();
    }
  }, 60_000);
});
