/**
 * Focused in-process measurement of the webhook acknowledgement path:
 * `node --import tsx bench/webhook-ack.ts [pglite|postgresql] [N]` — statements per ack and acks/s
 * (sequential and at concurrency 16), through createApp + yoga.fetch (no HTTP, no workers).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openPGlite, openPostgres } from '../src/db/database.js';
import { createLogger } from '../src/logger.js';
import { signPolarWebhook } from '../src/providers/polar/webhooks.js';
import { loadTokenCipher } from '../src/security/crypto.js';

const kind = process.argv[2] ?? 'pglite';
const N = Number(process.argv[3] ?? 300);
const SECRET = 'bench-polar-webhook-secret';
const statements: string[] = [];
let env: Record<string, string> = { ENCRYPTION_KEY: 'c'.repeat(64), RATE_LIMIT_PER_MINUTE: '0', SYNC_INTERVAL_SECONDS: '0', INITIAL_API_KEY: 'whg_bench_admin_key_0123456789abcdef' };
let database;
let cleanup = async () => {};
if (kind === 'pglite') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'whg-wh-'));
  env.DATA_DIR = dir;
  database = await openPGlite(dir, { onQuery: (sql: string) => statements.push(sql) });
  cleanup = async () => fs.rmSync(dir, { recursive: true, force: true });
} else {
  const base = 'postgresql://postgres@127.0.0.1:5432/postgres';
  const name = `whg_whack_${process.pid}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = base.replace(/\/postgres$/, `/${name}`);
  env.DATABASE_URL = url;
  database = await openPostgres(url, { onQuery: (sql: string) => statements.push(sql) });
  cleanup = async () => { await admin.query(`DROP DATABASE ${name} WITH (FORCE)`); await admin.end(); };
}
const logger = createLogger({ level: 'error' } as never);
const config = loadConfig(env);
const app = await createApp(config, { database, logger, workers: false });
const cipher = loadTokenCipher(config);
const prisma = database.prisma;
const polarIds: number[] = [];
for (let i = 0; i < 10; i++) {
  const user = await prisma.user.create({ data: {} });
  await prisma.connection.create({ data: { userId: user.id, provider: 'POLAR', providerUserId: String(1000 + i), accessTokenEncrypted: cipher.encrypt('t'), scopes: [], lastSyncedAt: new Date() } });
  polarIds.push(1000 + i);
}
await prisma.providerWebhook.create({ data: { provider: 'POLAR', externalId: 'b', url: 'http://x/webhooks/polar', events: ['CONTINUOUS_HEART_RATE'], secretEncrypted: cipher.encrypt(SECRET) } });
const today = new Date().toISOString().slice(0, 10);
let seq = 0;
const deliver = async () => {
  const i = seq++;
  const body = JSON.stringify({ event: 'CONTINUOUS_HEART_RATE', user_id: polarIds[i % 10], date: today, timestamp: new Date(Date.UTC(2026, 0, 1) + i).toISOString(), url: 'x' });
  const res = await app.yoga.fetch('http://localhost/webhooks/polar', { method: 'POST', headers: { 'content-type': 'application/json', 'polar-webhook-event': 'CONTINUOUS_HEART_RATE', 'polar-webhook-signature': signPolarWebhook(body, SECRET) }, body });
  if (res.status !== 200) throw new Error(`status ${res.status}: ${await res.text()}`);
  await res.text();
};
for (let i = 0; i < 20; i++) await deliver(); // warm-up
statements.length = 0;
await deliver();
const perAck = statements.length;
const stmts = [...statements];
let t = performance.now();
for (let i = 0; i < N; i++) await deliver();
const seqRate = N / ((performance.now() - t) / 1000);
t = performance.now();
let left = N;
await Promise.all(Array.from({ length: 16 }, async () => { while (left-- > 0) await deliver(); }));
const concRate = N / ((performance.now() - t) / 1000);
const [d] = await database.query<{ n: number }>(`SELECT count(*)::int AS n FROM "WebhookDelivery"`);
const [r] = await database.query<{ n: number }>(`SELECT count(*)::int AS n FROM "SyncRun" WHERE kind = 'WEBHOOK'`);
console.log(JSON.stringify({ kind, statementsPerAck: perAck, seqAcksPerSec: Math.round(seqRate), c16AcksPerSec: Math.round(concRate), deliveries: seq, deliveryRows: d.n, webhookRuns: r.n }));
if (process.env.SHOW) console.log(stmts.join('\n'));
await app.close();
await cleanup();
