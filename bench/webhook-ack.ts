/**
 * Focused in-process measurement of the webhook acknowledgement path:
 * `node --import tsx bench/webhook-ack.ts [pglite|postgresql] [N] [RATE] [SECONDS]`
 *
 * 1. Closed loop (workers off, createApp + yoga.fetch, no HTTP): Prisma statements for one
 *    sequential ack, acks/s sequential and at concurrency 16, over N deliveries each.
 * 2. Open loop over real HTTP against the gateway in its own process (src/main.ts, workers on),
 *    syncing from a Polar fake in this process. After a warm-up (phase 1's syncs done, one second at
 *    RATE/5 and its syncs done): RATE deliveries/s for SECONDS s; ack latency p50/p99/max measured from
 *    each delivery's scheduled send time (sender lag counts against us). Then, nothing lost: every
 *    delivery has a WebhookDelivery row, and every user's heart rate was fetched from the fake
 *    after that user's last delivery was sent (so whatever a delivery announced was fetched).
 * Env: WAIT_SECONDS (default 60) bounds the wait for processing; WARMUP=0 skips the warm-up; TRACE=1 prints latency per half
 * second; SERVER_PROFILE_DIR=dir writes the server's CPU profile there.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openPGlite, openPostgres } from '../src/db/database.js';
import { createLogger } from '../src/logger.js';
import { signPolarWebhook } from '../src/providers/polar/webhooks.js';
import { loadTokenCipher } from '../src/security/crypto.js';
import { startPolarFake } from '../tests/fakes/polar/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
const kind = process.argv[2] ?? 'pglite';
const N = Number(process.argv[3] ?? 300);
const RATE = Number(process.argv[4] ?? 500);
const SECONDS = Number(process.argv[5] ?? 10);
const WAIT_SECONDS = Number(process.env.WAIT_SECONDS ?? 60);
const USERS = 10;
const SECRET = 'bench-polar-webhook-secret';
const statements: string[] = [];
const today = new Date().toISOString().slice(0, 10);

const fake = await startPolarFake({ today, days: 3, seed: 7, rateLimit: { shortTerm: 1e9, longTerm: 1e9 } });
// When each heart-rate fetch reached the fake, and with which token (the fake's log has no clock).
const heartRateFetches: { at: number; authorization: string }[] = [];
const push = fake.requests.push.bind(fake.requests);
fake.requests.push = (...entries) => {
  for (const entry of entries) if (entry.path.includes('continuous-heart-rate')) heartRateFetches.push({ at: performance.now(), authorization: entry.headers.authorization ?? '' });
  return push(...entries);
};

const env: Record<string, string> = {
  ENCRYPTION_KEY: 'c'.repeat(64),
  RATE_LIMIT_PER_MINUTE: '0',
  SYNC_INTERVAL_SECONDS: '0',
  SYNC_POLLING_INTERVAL_SECONDS: '1',
  INITIAL_API_KEY: 'whg_bench_admin_key_0123456789abcdef',
  POLAR_CLIENT_ID: fake.clientId,
  POLAR_CLIENT_SECRET: fake.clientSecret,
  POLAR_AUTHORIZATION_URL: fake.authorizationUrl,
  POLAR_TOKEN_URL: fake.tokenUrl,
  POLAR_API_URL: fake.apiUrl,
  PUBLIC_URL: 'http://127.0.0.1',
};
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
  cleanup = async () => {
    await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
    await admin.end();
  };
}
const logger = createLogger({ level: 'error' } as never);
const config = loadConfig(env);
const app = await createApp(config, { database, logger, workers: false });
const cipher = loadTokenCipher(config);
const prisma = database.prisma;
const polarIds: number[] = [];
const userOfToken = new Map<string, number>();
for (let i = 0; i < USERS; i++) {
  const user = await prisma.user.create({ data: {} });
  const { polarUserId, accessToken } = fake.connectUser({ memberId: user.id });
  await prisma.connection.create({
    data: { userId: user.id, provider: 'POLAR', providerUserId: String(polarUserId), accessTokenEncrypted: cipher.encrypt(accessToken), scopes: ['accesslink.read_all'], lastSyncedAt: new Date() },
  });
  polarIds.push(polarUserId);
  userOfToken.set(`Bearer ${accessToken}`, polarUserId);
}
await prisma.providerWebhook.create({ data: { provider: 'POLAR', externalId: 'b', url: 'http://x/webhooks/polar', events: ['CONTINUOUS_HEART_RATE'], secretEncrypted: cipher.encrypt(SECRET) } });

let seq = 0;
const nextDelivery = () => {
  const i = seq++;
  const polarUserId = polarIds[i % USERS];
  const body = JSON.stringify({ event: 'CONTINUOUS_HEART_RATE', user_id: polarUserId, date: today, timestamp: new Date(Date.UTC(2026, 0, 1) + i).toISOString(), url: 'x' });
  return { polarUserId, body, signature: signPolarWebhook(body, SECRET) };
};
const headersFor = (signature: string) => ({ 'content-type': 'application/json', 'polar-webhook-event': 'CONTINUOUS_HEART_RATE', 'polar-webhook-signature': signature });

// ---------------------------------------------------------------- 1. closed loop, in-process
const deliver = async () => {
  const { body, signature } = nextDelivery();
  const res = await app.yoga.fetch('http://localhost/webhooks/polar', { method: 'POST', headers: headersFor(signature), body });
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
statements.length = 0;
t = performance.now();
let left = N;
await Promise.all(Array.from({ length: 16 }, async () => { while (left-- > 0) await deliver(); }));
const concRate = N / ((performance.now() - t) / 1000);
const c16StatementsPerAck = statements.length / N;


// ---------------------------------------------------------------- 2. open loop over HTTP, workers on
// The gateway as deployed, in its own process (npm start's command), on the same database.
await app.close();
const port = await freePort();
const serverLog = path.join(os.tmpdir(), `whg-webhook-ack-${process.pid}.log`);
const out = fs.openSync(serverLog, 'w');
const child = spawn(process.execPath, [...(process.env.SERVER_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.SERVER_PROFILE_DIR}`] : []), '--import', 'tsx', 'src/main.ts'], {
  cwd: ROOT,
  env: { ...process.env, ...env, NODE_ENV: 'production', LOG_LEVEL: 'warn', PORT: String(port), HOST: '127.0.0.1' },
  stdio: ['ignore', out, out],
});
fs.closeSync(out);
const childExited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
for (const deadline = Date.now() + 120_000; ; ) {
  if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}; see ${serverLog}`);
  const up = await fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' }).then(() => true, () => false);
  if (up) break;
  if (Date.now() > deadline) throw new Error(`server did not answer; see ${serverLog}`);
  await new Promise((resolve) => setTimeout(resolve, 50));
}
const lastSendOf = new Map<number, number>(polarIds.map((id) => [id, performance.now()]));
// Every user's heart rate fetched after its last delivery was sent: whatever was announced was
// fetched (the server keeps the database to itself on PGlite: the fake's log tells).
const uncovered = () => polarIds.filter((id) => !heartRateFetches.some((f) => userOfToken.get(f.authorization) === id && f.at > lastSendOf.get(id)!));
const waitUntilCovered = async () => {
  const waitStarted = performance.now();
  while (uncovered().length && performance.now() - waitStarted < WAIT_SECONDS * 1000) await new Promise((resolve) => setTimeout(resolve, 250));
  return (performance.now() - waitStarted) / 1000;
};

/** Sends `count` deliveries at `rate`/s, open loop; latency of each from its scheduled send time. */
async function openLoop(rate: number, count: number) {
  const deliveries = Array.from({ length: count }, nextDelivery);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const latencies: number[] = new Array(count).fill(Infinity);
  const statuses: number[] = new Array(count).fill(0);
  const interval = 1000 / rate;
  const started = performance.now();
  await new Promise<void>((resolve) => {
    let done = 0;
    let sent = 0;
    const finish = (i: number, status: number) => {
      latencies[i] = performance.now() - (started + i * interval);
      statuses[i] = status;
      if (++done === count) resolve();
    };
    const send = (i: number) => {
      const { polarUserId, body, signature } = deliveries[i];
      lastSendOf.set(polarUserId, performance.now());
      const req = http.request({ agent, host: '127.0.0.1', port, path: '/webhooks/polar', method: 'POST', headers: { ...headersFor(signature), 'content-length': Buffer.byteLength(body) } }, (res) => {
        res.resume();
        res.on('end', () => finish(i, res.statusCode ?? 0));
      });
      req.on('error', () => finish(i, 0));
      req.end(body);
    };
    const timer = setInterval(() => {
      const due = Math.min(count, Math.floor((performance.now() - started) / interval) + 1);
      while (sent < due) send(sent++);
      if (sent >= count) clearInterval(timer);
    }, 1);
  });
  agent.destroy();
  return { latencies, statuses, elapsed: (performance.now() - started) / 1000 };
}

// Warm-up, as a server that has been running: phase 1's queued syncs done, then one second at a
// fifth of the rate (new connections, JIT), and its syncs done.
if (process.env.WARMUP !== '0') {
  await waitUntilCovered();
  await openLoop(RATE / 5, RATE / 5);
  await waitUntilCovered();
}
const total = Math.round(RATE * SECONDS);
const { latencies, statuses, elapsed } = await openLoop(RATE, total);
const sorted = [...latencies].sort((a, b) => a - b);
const pct = (p: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] * 10) / 10;
// TRACE=1: p50 and max per half second of sending (a slow start shows here).
if (process.env.TRACE) {
  for (let s = 0; s < SECONDS * 2; s++) {
    const slice = latencies.slice((s * RATE) / 2, ((s + 1) * RATE) / 2).sort((a, b) => a - b);
    console.error('half-second', s, 'p50', slice[Math.floor(slice.length / 2)]?.toFixed(0), 'max', slice.at(-1)?.toFixed(0));
  }
}
const byStatus: Record<number, number> = {};
for (const s of statuses) byStatus[s] = (byStatus[s] ?? 0) + 1;

const drainSeconds = await waitUntilCovered();
await new Promise((resolve) => setTimeout(resolve, 2000));
child.kill('SIGTERM');
await childExited;
const check = kind === 'pglite' ? await openPGlite(env.DATA_DIR) : await openPostgres(env.DATABASE_URL);
const [d] = await check.query<{ n: number }>(`SELECT count(*)::int AS n FROM "WebhookDelivery"`);
const runs = await check.query<{ status: string; n: number }>(`SELECT "status"::text AS status, count(*)::int AS n FROM "SyncRun" WHERE kind = 'WEBHOOK' GROUP BY 1`);
await check.close();
console.log(
  JSON.stringify({
    kind,
    closedLoop: { statementsPerAck: perAck, seqAcksPerSec: Math.round(seqRate), c16AcksPerSec: Math.round(concRate), c16StatementsPerAck: Math.round(c16StatementsPerAck * 100) / 100 },
    openLoop: { deliveries: total, targetRate: RATE, achievedRate: Math.round((total / elapsed) * 10) / 10, p50Ms: pct(50), p99Ms: pct(99), maxMs: pct(100), statuses: byStatus },
    nothingLost: {
      deliveriesSent: seq,
      deliveryRows: d.n,
      webhookRuns: Object.fromEntries(runs.map((r) => [r.status, r.n])),
      usersNotFetchedAfterLastDelivery: uncovered().length,
      drainSeconds: Math.round(drainSeconds * 10) / 10,
    },
  }),
);
if (process.env.SHOW) console.log(stmts.join('\n'));
await fake.close();
await cleanup();
