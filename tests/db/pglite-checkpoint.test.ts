/**
 * The embedded database checkpoints itself once enough WAL was written (PGlite has no checkpointer
 * process, so without this its WAL grew for the life of the process: a 1 GB Apple export import
 * left 33 segments unrecycled and then hung in XLogFlush).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openPGlite, type Database } from '../../src/db/database.js';

const redoLsn = async (db: Database) => (await db.query<{ redo: string }>(`SELECT (pg_control_checkpoint()).redo_lsn::text AS redo`))[0].redo;
const writeWal = (db: Database) => db.exec(`CREATE TABLE filler (x text); INSERT INTO filler SELECT repeat(md5(i::text), 40) FROM generate_series(1, 4000) AS i`);

describe('embedded PGlite checkpoints', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'whg-checkpoint-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('without the check, ~5 MB of WAL leaves the last checkpoint where it was', async () => {
    const db = await openPGlite(tempDir(), { walCheckIntervalMs: 3_600_000 });
    try {
      const before = await redoLsn(db);
      await writeWal(db);
      expect(await redoLsn(db)).toBe(before);
    } finally {
      await db.close();
    }
  });

  it('with 1 MiB as the threshold, the same writes are followed by a checkpoint', async () => {
    const db = await openPGlite(tempDir(), { walCheckpointBytes: 1024 * 1024, walCheckIntervalMs: 50 });
    try {
      const before = await redoLsn(db);
      await writeWal(db);
      const deadline = Date.now() + 20_000;
      while ((await redoLsn(db)) === before) {
        if (Date.now() > deadline) throw new Error('no checkpoint within 20 s');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const [{ written }] = await db.query<{ written: string }>(`SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), (pg_control_checkpoint()).redo_lsn)::text AS written`);
      expect(Number(written)).toBeLessThan(1024 * 1024);
    } finally {
      await db.close();
    }
  });
});
