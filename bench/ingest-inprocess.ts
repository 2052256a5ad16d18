/**
 * Ingest, in process, before and after batching: the old one-payload-at-a-time storeItem
 * (tests/sync/legacy-store.ts) and storeItems per fetched batch, each against the bulk-insert
 * floor of the same rows, alternated in one run (the machine is shared: compare within a run).
 *
 *   node --import tsx bench/ingest-inprocess.ts pglite|postgresql [users=5] [days=30] [rounds=2]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openPGlite, openPostgres, type Database } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { legacyStoreItem } from '../tests/sync/legacy-store.js';
import { generateUser } from './generate.js';
import { bulkInsertFloor, countRows, ingest, storeBatch, type StoreBatch } from './ingest.js';

const [kind = 'pglite', usersArg = '5', daysArg = '30', roundsArg = '2'] = process.argv.slice(2);
if (kind !== 'pglite' && kind !== 'postgresql') throw new Error('usage: ingest-inprocess.ts pglite|postgresql [users] [days] [rounds]');
const users = Number(usersArg);
const days = Number(daysArg);
const rounds = Number(roundsArg);
const adminUrl = process.env.BENCH_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

let statements = 0;
const onQuery = () => void statements++;

async function open(): Promise<{ db: Database; cleanup: () => Promise<void> }> {
  if (kind === 'pglite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ingest-bench-'));
    const db = await openPGlite(dir, { onQuery });
    return { db, cleanup: async () => { await db.close(); fs.rmSync(dir, { recursive: true, force: true }); } };
  }
  const name = `whg_ingest_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = await openPostgres(url.toString(), { onQuery });
  return {
    db,
    cleanup: async () => {
      await db.close();
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** The old path: every payload of the batch on its own. */
const legacyBatch: StoreBatch = async (db, owner, batch, map, options) => {
  for (const item of batch) await legacyStoreItem(db.prisma, owner, item, (p) => map(p, item), options);
};

const PATHS = { 'before (storeItem per payload)': legacyBatch, 'after (storeItems per batch)': storeBatch } as const;

async function main() {
  const { db, cleanup } = await open();
  try {
    await migrate(db);
    const data = Array.from({ length: users }, (_, i) => generateUser(42, i, '2026-06-30', days));
    console.log(`${kind}: ${users} users x ${days} days, ${data.reduce((n, u) => n + u.polar.length + u.oura.length, 0)} payloads, ${rounds} rounds`);
    const results: Record<string, { ratio: number; rowsPerSecond: number; statements: number; seconds: number }[]> = {};
    for (let round = 0; round < rounds; round++) {
      const order = Object.entries(PATHS);
      if (round % 2 === 1) order.reverse();
      for (const [name, store] of order) {
        const userIds: string[] = [];
        for (let i = 0; i < users; i++) userIds.push((await db.prisma.user.create({ data: { externalId: `ingest-${round}-${name.slice(0, 6)}-${i}` } })).id);
        statements = 0;
        const run = await ingest(db, data, userIds, store);
        const sent = statements;
        const rows = Object.values(await countRows(db, userIds)).reduce((a, b) => a + b, 0);
        const floor = await bulkInsertFloor(db, userIds);
        const rowsPerSecond = rows / run.seconds;
        const floorRate = floor.rows / floor.seconds;
        const entry = { seconds: run.seconds, rowsPerSecond, statements: sent, ratio: rowsPerSecond / floorRate };
        (results[name] ??= []).push(entry);
        console.log(
          `round ${round + 1} ${name}: ${run.seconds.toFixed(2)} s, ${rows} rows, ${Math.round(rowsPerSecond)} rows/s, ${sent} Prisma statements (${(sent / run.items).toFixed(2)}/payload, ${run.batches} batches); ` +
            `floor ${floor.seconds.toFixed(2)} s (${Math.round(floorRate)} rows/s, ${floor.statements} statements) -> ratio ${entry.ratio.toFixed(3)}`,
        );
      }
    }
    for (const [name, list] of Object.entries(results)) {
      console.log(`${name}: ratio ${list.map((r) => r.ratio.toFixed(3)).join(', ')}`);
    }
  } finally {
    await cleanup();
  }
}

await main();
