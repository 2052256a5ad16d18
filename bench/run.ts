/**
 * `npm run bench`: the days join query, ingest, webhooks, memory and start-up, each against a
 * floor measured in the same run, on PGlite and/or PostgreSQL. See bench/README.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { createApp } from '../src/app.js';
import { ensureInitialApiKey } from '../src/auth/api-keys.js';
import { loadConfig } from '../src/config.js';
import { openPGlite, openPostgres, type Database, type OpenOptions } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { createLogger } from '../src/logger.js';
import { createHttpClient } from '../src/providers/http.js';
import { signPolarWebhook } from '../src/providers/polar/webhooks.js';
import { startOuraFake } from '../tests/fakes/oura/index.js';
import { startPolarFake, type PolarFake } from '../tests/fakes/polar/index.js';
import { MANY_USERS_QUERY, ONE_USER_QUERY, userGlobalId } from './days-query.js';
import { generateUser, type UserPayloads } from './generate.js';
import { bulkInsertFloor, countRows, ingest } from './ingest.js';
import { benchScores } from './scores.js';
import { benchSeries } from './series.js';
import { benchAppleExport } from './apple-export.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BENCH = path.join(ROOT, 'bench');
const API_KEY = 'whg_bench_admin_key_0123456789abcdef';
const ENCRYPTION_KEY = 'c'.repeat(64);
const WEBHOOK_SECRET = 'bench-polar-webhook-secret';
/** The generated data ends on this local date (fixed, so runs are comparable). */
const DATA_TODAY = '2026-06-30';

// ---------------------------------------------------------------- flags

const { values: flags } = parseArgs({
  options: {
    users: { type: 'string' },
    days: { type: 'string' },
    db: { type: 'string', default: 'both' },
    quick: { type: 'boolean', default: false },
    duration: { type: 'string' },
    'webhook-rate': { type: 'string' },
    'webhook-seconds': { type: 'string' },
    'webhook-wait': { type: 'string' },
    'backfill-days': { type: 'string' },
    'apple-days': { type: 'string' },
    seed: { type: 'string', default: '42' },
    'postgres-url': { type: 'string', default: process.env.BENCH_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres' },
    'no-append': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    note: { type: 'string' },
  },
});
const quick = flags.quick!;
const num = (value: string | undefined, fallback: number) => (value === undefined ? fallback : Number(value));
const opts = {
  users: num(flags.users, 10),
  days: num(flags.days, 30),
  duration: num(flags.duration, quick ? 2 : 4),
  webhookRate: num(flags['webhook-rate'], 500),
  webhookSeconds: num(flags['webhook-seconds'], quick ? 3 : 10),
  webhookWait: num(flags['webhook-wait'], quick ? 15 : 30),
  backfillDays: num(flags['backfill-days'], quick ? 30 : 365),
  appleDays: num(flags['apple-days'], quick ? 14 : 60),
  seed: num(flags.seed, 42),
  startups: quick ? 1 : 3,
};
const dbs = flags.db === 'both' ? (['pglite', 'postgresql'] as const) : ([flags.db] as ('pglite' | 'postgresql')[]);
for (const d of dbs) if (d !== 'pglite' && d !== 'postgresql') throw new Error(`--db must be pglite, postgresql or both (got ${d})`);
if (opts.users < 1 || opts.days < 1) throw new Error('--users and --days must be at least 1');

const log = (message: string) => process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
const quietLogger = () => createLogger({ level: 'error' });

// ---------------------------------------------------------------- small helpers

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
const realToday = () => new Date().toISOString().slice(0, 10);
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function post(port: number, pathname: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const response = await fetch(`http://127.0.0.1:${port}${pathname}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: response.status, text: await response.text() };
}

async function waitForGraphQL(port: number, timeoutMs: number, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`server exited with ${child.exitCode} before answering`);
    try {
      const res = await post(port, '/graphql', JSON.stringify({ query: '{ __typename }' }), { authorization: `Bearer ${API_KEY}` });
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(20);
  }
  throw new Error(`no answer on port ${port} within ${timeoutMs} ms`);
}

async function stopChild(child: ChildProcess, group = false): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    if (group) process.kill(-child.pid, 'SIGTERM');
    else child.kill('SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      if (group) process.kill(-child.pid!, 'SIGKILL');
      else child.kill('SIGKILL');
    } catch {
      /* gone */
    }
  }, 20_000);
  await exited;
  clearTimeout(timer);
}

function rssKb(pid: number, field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(status);
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------- database setup

interface Target {
  kind: 'pglite' | 'postgresql';
  open(options?: OpenOptions): Promise<Database>;
  /** Environment that points the gateway at this database. */
  env: Record<string, string>;
  floorEnv: Record<string, string>;
  cleanup(): Promise<void>;
  version: string;
}

async function createTarget(kind: 'pglite' | 'postgresql', runId: string): Promise<Target> {
  if (kind === 'pglite') {
    const dataDir = path.join(BENCH, '.data', `${runId}-pglite`);
    fs.mkdirSync(dataDir, { recursive: true });
    const { PGlite } = await import('@electric-sql/pglite');
    return {
      kind,
      open: (options) => openPGlite(dataDir, options),
      env: { DATA_DIR: dataDir },
      floorEnv: { FLOOR_PGLITE_DIR: path.join(dataDir, 'pglite') },
      async cleanup() {
        if (!flags.keep) fs.rmSync(dataDir, { recursive: true, force: true });
      },
      version: `PGlite ${(PGlite as unknown as { version?: string }).version ?? ''}`.trim(),
    };
  }
  const adminUrl = flags['postgres-url']!;
  const name = `whg_bench_${runId.replace(/[^a-z0-9]/gi, '').toLowerCase()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const version = String((await admin.query('SHOW server_version')).rows[0].server_version);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    kind,
    open: (options) => openPostgres(url.toString(), options),
    env: { DATABASE_URL: url.toString() },
    floorEnv: { FLOOR_DATABASE_URL: url.toString() },
    async cleanup() {
      if (flags.keep) return;
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
    version: `PostgreSQL ${version}`,
  };
}

function baseEnv(target: Target, extra: Record<string, string> = {}): Record<string, string> {
  return {
    INITIAL_API_KEY: API_KEY,
    ENCRYPTION_KEY,
    RATE_LIMIT_PER_MINUTE: '0',
    USER_TOKEN_RATE_LIMIT_PER_MINUTE: '0',
    SYNC_INTERVAL_SECONDS: '0',
    SYNC_POLLING_INTERVAL_SECONDS: '1',
    ...target.env,
    ...extra,
  };
}

// ---------------------------------------------------------------- ingest

// countRows, ingest (storeItems per fetched batch of 25, as SyncEngine.syncWindow) and the bulk
// floor live in bench/ingest.ts, shared with bench/ingest-inprocess.ts.

// ---------------------------------------------------------------- backfill of one user-year

async function backfill(target: Target) {
  const today = realToday();
  const polar = await startPolarFake({ today, days: opts.backfillDays, seed: opts.seed, rateLimit: { shortTerm: 1e9, longTerm: 1e9 } });
  const oura = await startOuraFake({ today, days: opts.backfillDays, seed: opts.seed });
  const database = await target.open();
  const config = loadConfig(
    baseEnv(target, {
      POLAR_CLIENT_ID: polar.clientId,
      POLAR_CLIENT_SECRET: polar.clientSecret,
      POLAR_AUTHORIZATION_URL: polar.authorizationUrl,
      POLAR_TOKEN_URL: polar.tokenUrl,
      POLAR_API_URL: polar.apiUrl,
      OURA_CLIENT_ID: oura.clientId,
      OURA_CLIENT_SECRET: oura.clientSecret,
      OURA_AUTHORIZATION_URL: oura.authorizationUrl,
      OURA_TOKEN_URL: oura.tokenUrl,
      OURA_API_URL: oura.apiUrl,
      SYNC_BACKFILL_DAYS: String(opts.backfillDays),
    }),
  );
  const app = await createApp(config, { database, logger: quietLogger(), workers: true, http: createHttpClient({ baseDelayMs: 50, maxDelayMs: 2000 }) });
  try {
    const prisma = app.database.prisma;
    const user = await prisma.user.create({ data: { externalId: `bench-backfill-${crypto.randomBytes(3).toString('hex')}` } });
    const p = polar.connectUser({ memberId: user.id });
    const o = oura.connectUser();
    const polarConnection = await prisma.connection.create({
      data: { userId: user.id, provider: 'POLAR', providerUserId: String(p.polarUserId), accessTokenEncrypted: app.cipher.encrypt(p.accessToken), scopes: ['accesslink.read_all'] },
    });
    const ouraConnection = await prisma.connection.create({
      data: {
        userId: user.id,
        provider: 'OURA',
        providerUserId: o.ouraUserId,
        accessTokenEncrypted: app.cipher.encrypt(o.accessToken),
        refreshTokenEncrypted: app.cipher.encrypt(o.refreshToken),
        expiresAt: new Date(Date.now() + o.expiresIn * 1000),
        scopes: o.scope.split(' '),
      },
    });
    const started = performance.now();
    const runs = [await app.sync.requestSync(polarConnection.id, 'BACKFILL'), await app.sync.requestSync(ouraConnection.id, 'BACKFILL')];
    const deadline = Date.now() + 8 * 60_000;
    let finished = runs;
    while (Date.now() < deadline) {
      finished = await prisma.syncRun.findMany({ where: { id: { in: runs.map((r) => r.id) } } });
      if (finished.every((r) => r.status !== 'RUNNING')) break;
      await sleep(250);
    }
    const seconds = (performance.now() - started) / 1000;
    const rows = await countRows(app.database, [user.id]);
    return {
      days: opts.backfillDays,
      seconds: round(seconds, 1),
      runs: finished.map((r) => ({ status: r.status, windows: r.windowsTotal, fetched: r.fetched, created: r.created, skipped: r.skipped, error: r.error })),
      rows,
      providerRequests: { polar: polar.requests.length, oura: oura.requests.length },
    };
  } finally {
    await app.close();
    await polar.close();
    await oura.close();
  }
}

// ---------------------------------------------------------------- statements per request

async function countStatements(target: Target, userIds: string[]) {
  const statements: string[] = [];
  const database = await target.open({ onQuery: (sql) => statements.push(sql) });
  const app = await createApp(loadConfig(baseEnv(target)), { database, logger: quietLogger(), workers: false });
  const cases = [
    { users: 1, days: 7 },
    { users: 1, days: 30 },
    { users: Math.min(10, userIds.length), days: 30 },
    { users: Math.min(100, userIds.length), days: Math.min(366, opts.days) },
  ];
  const results: { users: number; days: number; statements: number }[] = [];
  try {
    for (const c of cases) {
      const to = DATA_TODAY;
      const from = addDays(to, -(c.days - 1));
      const body =
        c.users === 1
          ? { query: ONE_USER_QUERY, variables: { id: userGlobalId(userIds[0]), from, to } }
          : { query: MANY_USERS_QUERY, variables: { first: c.users, from, to } };
      // Once to warm caches (the API key's lastUsedAt bookkeeping), then counted.
      for (let round = 0; round < 2; round++) {
        statements.length = 0;
        const response = await app.yoga.fetch('http://localhost/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
          body: JSON.stringify(body),
        });
        const json = (await response.json()) as { errors?: unknown };
        if (json.errors) throw new Error(`days query failed: ${JSON.stringify(json.errors)}`);
      }
      results.push({ ...c, statements: statements.filter((s) => !s.startsWith('UPDATE "public"."ApiKey"')).length });
    }
  } finally {
    await app.close();
  }
  return results;
}

/**
 * The credential check alone, in-process (no HTTP, no GraphQL): PrincipalResolver.resolve of the API
 * key (SHA-256 + the key's row) against a minted user token (HS256 verify + the user's revocation
 * mark), plus building the token's boundary; alternated in blocks, median per-call time of the blocks.
 */
async function verificationCost(target: Target, userId: string) {
  const database = await target.open();
  const app = await createApp(loadConfig(baseEnv(target)), { database, logger: quietLogger(), workers: false });
  try {
    const { token } = await app.principals.signer.mint({ userId, scopes: ['SELF_READ'], ttlSeconds: 3600, revision: 0 });
    const blocks = { apiKey: [] as number[], userToken: [] as number[] };
    const block = async (credential: string) => {
      const started = performance.now();
      for (let i = 0; i < 50; i++) {
        const resolved = await app.principals.resolve(credential);
        if (!('principal' in resolved)) throw new Error(`credential refused: ${resolved.failure}`);
        app.boundaries.for(resolved.principal);
      }
      return (performance.now() - started) / 50;
    };
    for (let round = 0; round < (quick ? 10 : 30); round++) {
      blocks.apiKey.push(await block(API_KEY));
      blocks.userToken.push(await block(token));
    }
    const median = (values: number[]) => percentile([...values].sort((a, b) => a - b), 50);
    const apiKeyMs = round(median(blocks.apiKey.slice(2)), 3);
    const userTokenMs = round(median(blocks.userToken.slice(2)), 3);
    return { apiKeyMs, userTokenMs, differenceMs: round(userTokenMs - apiKeyMs, 3), calls: blocks.apiKey.length * 50 };
  } finally {
    await app.close();
  }
}

// ---------------------------------------------------------------- webhook preparation

/** Polar access token (as sent in Authorization) -> Polar user id of the webhook connections. */
const webhookTokens = new Map<string, number>();

async function prepareWebhooks(target: Target, userIds: string[], polar: PolarFake) {
  const database = await target.open();
  try {
    const config = loadConfig(baseEnv(target));
    const { loadTokenCipher } = await import('../src/security/crypto.js');
    const cipher = loadTokenCipher(config);
    const polarUserIds: number[] = [];
    for (const userId of userIds) {
      const { polarUserId, accessToken } = polar.connectUser({ memberId: userId });
      await database.prisma.connection.create({
        data: { userId, provider: 'POLAR', providerUserId: String(polarUserId), accessTokenEncrypted: cipher.encrypt(accessToken), scopes: ['accesslink.read_all'], lastSyncedAt: new Date() },
      });
      polarUserIds.push(polarUserId);
      webhookTokens.set(`Bearer ${accessToken}`, polarUserId);
    }
    await database.prisma.providerWebhook.upsert({
      where: { provider: 'POLAR' },
      create: { provider: 'POLAR', externalId: 'bench', url: 'http://127.0.0.1/webhooks/polar', events: ['CONTINUOUS_HEART_RATE'], secretEncrypted: cipher.encrypt(WEBHOOK_SECRET) },
      update: { secretEncrypted: cipher.encrypt(WEBHOOK_SECRET) },
    });
    return polarUserIds;
  } finally {
    await database.close();
  }
}

// ---------------------------------------------------------------- HTTP runs

interface LoadResult {
  connections: number;
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
  requestsPerSecond: number;
  requests: number;
  non2xx: number;
  errors: number;
}

async function cannon(port: number, body: string, connections: number, duration: number, credential = API_KEY): Promise<LoadResult> {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/graphql`,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${credential}` },
    body,
    connections,
    duration,
  });
  return {
    connections,
    meanMs: round(result.latency.mean, 3),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requestsPerSecond: round(result.requests.average, 1),
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

const CONCURRENCY = [1, 16, 64];

async function queryRuns(port: number, bodies: { name: string; body: string }[]) {
  // Warm-up: JIT, connection pools, plan caches.
  for (const { body } of bodies) await cannon(port, body, 16, quick ? 1 : 2);
  const out: Record<string, LoadResult[]> = {};
  for (const { name, body } of bodies) {
    out[name] = [];
    for (const c of CONCURRENCY) out[name].push(await cannon(port, body, c, opts.duration));
  }
  return out;
}

/** API key vs user token on the same server, same bodies, alternated so drift hits both alike. */
async function credentialRuns(port: number, userId: string, daysBody: string) {
  const minted = await post(port, '/graphql', JSON.stringify({
    query: 'mutation($u: ID!) { createUserToken(input: { userId: $u, scopes: [SELF_READ], ttlSeconds: 86400 }) { token } }',
    variables: { u: userGlobalId(userId) },
  }), { authorization: `Bearer ${API_KEY}` });
  const token = (JSON.parse(minted.text) as { data?: { createUserToken: { token: string } } }).data?.createUserToken.token;
  if (!token) throw new Error(`createUserToken failed: ${minted.text.slice(0, 300)}`);
  const check = JSON.stringify({ query: '{ __typename }' });
  const runs = { check: { apiKey: [] as LoadResult[], userToken: [] as LoadResult[] }, days: { apiKey: [] as LoadResult[], userToken: [] as LoadResult[] } };
  for (const [name, body] of [['check', check], ['days', daysBody]] as const) {
    await cannon(port, body, 16, quick ? 1 : 2, token);
    for (const c of [1, 16]) {
      runs[name].apiKey.push(await cannon(port, body, c, opts.duration));
      runs[name].userToken.push(await cannon(port, body, c, opts.duration, token));
    }
  }
  // Cost per request of the check: mean latency with the token minus with the key, one connection.
  const verificationCostMs = round(runs.check.userToken[0].meanMs - runs.check.apiKey[0].meanMs, 3);
  return { ...runs, verificationCostMs };
}

function spawnNode(args: string[], env: Record<string, string>, logPath: string): ChildProcess {
  const out = fs.openSync(logPath, 'a');
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  return child;
}

async function startFloor(target: Target, logPath: string): Promise<{ child: ChildProcess; port: number }> {
  const port = await freePort();
  const child = spawnNode(['--import', 'tsx', 'bench/floor-server.ts'], { ...target.floorEnv, PORT: String(port) }, logPath);
  await waitForGraphQL(port, 60_000, child).catch(async (error) => {
    await stopChild(child);
    throw error;
  });
  return { child, port };
}

async function startGateway(env: Record<string, string>, logPath: string): Promise<{ child: ChildProcess; port: number; ms: number }> {
  const port = await freePort();
  const started = performance.now();
  // As deployed (docker/Dockerfile): NODE_ENV=production turns off graphql-js's development checks
  // (its development-mode instanceOf made the days query ~1.6x slower) and Pothos's unused-query warnings.
  const child = spawnNode(['--import', 'tsx', 'src/main.ts'], { NODE_ENV: 'production', ...env, PORT: String(port), HOST: '127.0.0.1' }, logPath);
  await waitForGraphQL(port, 120_000, child);
  return { child, port, ms: performance.now() - started };
}

/**
 * Time from `npm start` to the first answered GraphQL request (an existing database). `npm start`
 * runs a compiled copy of src/ (scripts/start.mjs) that it builds when src/ changed: that build is
 * done and timed first (`buildMs`), as it is once per edit, not per start. With LOG_LEVEL=debug the
 * server logs its start-up phases; each run's are kept in `phases`.
 */
async function startupTimes(env: Record<string, string>, logPath: string, runs: number) {
  const buildStarted = performance.now();
  const built = await new Promise<boolean>((resolve, reject) => {
    const build = spawn(process.execPath, ['scripts/start.mjs', '--build'], { cwd: ROOT, stdio: 'ignore' });
    build.once('error', reject);
    build.once('exit', (code) => resolve(code === 0));
  });
  // Not built: npm start falls back to tsx (slower); buildMs null says so.
  const buildMs = built ? Math.round(performance.now() - buildStarted) : null;
  if (!built) log('start-up: scripts/start.mjs --build failed, npm start runs through tsx');
  const times: number[] = [];
  const phases: Record<string, number>[] = [];
  for (let i = 0; i < runs; i++) {
    const port = await freePort();
    const logStart = fs.existsSync(logPath) ? fs.statSync(logPath).size : 0;
    const out = fs.openSync(logPath, 'a');
    const started = performance.now();
    const child = spawn('npm', ['start', '--silent'], {
      cwd: ROOT,
      env: { ...process.env, ...env, LOG_LEVEL: 'debug', PORT: String(port), HOST: '127.0.0.1' },
      stdio: ['ignore', out, out],
      detached: true,
    });
    fs.closeSync(out);
    try {
      await waitForGraphQL(port, 120_000, child);
      times.push(performance.now() - started);
    } finally {
      await stopChild(child, true);
    }
    const logged = fs.readFileSync(logPath).subarray(logStart).toString('utf8');
    const line = /start-up phases \(ms\) (\{.*\})/.exec(logged);
    if (line) phases.push(JSON.parse(line[1]));
  }
  const sorted = [...times].sort((a, b) => a - b);
  return { runs: times.map((t) => Math.round(t)), medianMs: Math.round(percentile(sorted, 50)), maxMs: Math.round(sorted.at(-1)!), buildMs, phases };
}

// ---------------------------------------------------------------- webhooks

/** Waits (at most 60 s) until five trivial requests in a row are answered within 20 ms each. */
async function waitUntilIdle(port: number): Promise<number> {
  const started = performance.now();
  for (let quick = 0; quick < 5 && performance.now() - started < 60_000; ) {
    const sent = performance.now();
    await post(port, '/graphql', JSON.stringify({ query: '{ __typename }' }), { authorization: `Bearer ${API_KEY}` });
    quick = performance.now() - sent < 20 ? quick + 1 : 0;
    await sleep(50);
  }
  return (performance.now() - started) / 1000;
}

async function webhookLoad(port: number, polarUserIds: number[], onAllSent: () => void) {
  const total = Math.round(opts.webhookRate * opts.webhookSeconds);
  const today = realToday();
  const base = Date.now();
  const deliveries = Array.from({ length: total }, (_, i) => {
    const body = JSON.stringify({
      event: 'CONTINUOUS_HEART_RATE',
      user_id: polarUserIds[i % polarUserIds.length],
      date: today,
      // Distinct timestamps make distinct deliveries (the gateway de-duplicates on them).
      timestamp: new Date(base + i).toISOString(),
      url: `https://www.polaraccesslink.com/v3/users/continuous-heart-rate/${today}`,
    });
    return { body, signature: signPolarWebhook(body, WEBHOOK_SECRET) };
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const latencies: number[] = new Array(total);
  const statuses: number[] = new Array(total).fill(0);
  let done = 0;
  let sent = 0;
  const interval = 1000 / opts.webhookRate;
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const send = (i: number) => {
      const scheduled = started + i * interval;
      const { body, signature } = deliveries[i];
      const req = http.request(
        {
          agent,
          host: '127.0.0.1',
          port,
          path: '/webhooks/polar',
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            'polar-webhook-event': 'CONTINUOUS_HEART_RATE',
            'polar-webhook-signature': signature,
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            // Latency from the scheduled send time: sender lag counts against us, not for us.
            latencies[i] = performance.now() - scheduled;
            statuses[i] = res.statusCode ?? 0;
            if (++done === total) resolve();
          });
        },
      );
      req.on('error', () => {
        latencies[i] = performance.now() - scheduled;
        if (++done === total) resolve();
      });
      req.end(body);
    };
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor((performance.now() - started) / interval) + 1);
      while (sent < due) send(sent++);
      if (sent >= total) {
        clearInterval(timer);
        onAllSent();
      }
    }, 1);
  });
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    deliveries: total,
    targetRate: opts.webhookRate,
    achievedRate: round(total / elapsed, 1),
    p50Ms: round(percentile(sorted, 50)),
    p99Ms: round(percentile(sorted, 99)),
    maxMs: round(sorted.at(-1)!),
    ok: statuses.filter((s) => s === 200).length,
  };
}

// ---------------------------------------------------------------- one database

async function benchDatabase(kind: 'pglite' | 'postgresql', runId: string) {
  const target = await createTarget(kind, runId);
  const logPath = path.join(BENCH, '.data', `${runId}-${kind}-servers.log`);
  const result: Record<string, unknown> = { database: kind, version: target.version };
  const children: ChildProcess[] = [];
  let webhookFake: PolarFake | null = null;
  try {
    // 1. Data: generate, then load through storeItems (normalize + upsert), timed.
    const db = await target.open();
    await migrate(db);
    await ensureInitialApiKey(db.prisma, API_KEY);
    log(`${kind}: generating ${opts.users} users x ${opts.days} days`);
    const genStarted = performance.now();
    const users = Array.from({ length: opts.users }, (_, i) => generateUser(opts.seed, i, DATA_TODAY, opts.days));
    const generateSeconds = (performance.now() - genStarted) / 1000;
    const userIds: string[] = [];
    for (let i = 0; i < opts.users; i++) userIds.push((await db.prisma.user.create({ data: { externalId: `bench-${i}` } })).id);
    log(`${kind}: ingesting ${users.reduce((n, u) => n + u.polar.length + u.oura.length, 0)} payloads through storeItems (batches of a fetch)`);
    const real = await ingest(db, users, userIds);
    const rows = await countRows(db, userIds);
    const totalRows = Object.values(rows).reduce((a, b) => a + b, 0);
    const recordRows = totalRows - rows.HeartRateSample - rows.RawPayload;
    log(`${kind}: ingest ${real.seconds.toFixed(1)} s for ${totalRows} rows; bulk-insert floor`);
    const floor = await bulkInsertFloor(db, userIds);
    const rowsAfter = await countRows(db, userIds);
    if (!isDeepStrictEqual(rows, rowsAfter)) throw new Error(`bulk floor changed the row counts: ${JSON.stringify(rows)} -> ${JSON.stringify(rowsAfter)}`);
    await db.close();
    result.ingest = {
      generateSeconds: round(generateSeconds, 1),
      payloads: real.items,
      rows,
      seconds: round(real.seconds, 2),
      normalizeSeconds: round(real.normalizeSeconds, 2),
      rowsPerSecond: Math.round(totalRows / real.seconds),
      payloadsPerSecond: Math.round(real.items / real.seconds),
      recordsPerSecond: Math.round(recordRows / real.seconds),
      floor: { seconds: round(floor.seconds, 2), statements: floor.statements, rowsPerSecond: Math.round(floor.rows / floor.seconds) },
      ratio: round(totalRows / real.seconds / (floor.rows / floor.seconds), 3),
    };

    // 1b. Apple Health export: the bulk import against the previous per-sample path and the parse-only floor, same data, same database.
    log(`${kind}: Apple Health export import (${opts.appleDays} days generated): floor, per-sample path, bulk path, re-run`);
    const appleDb = await target.open();
    try {
      result.appleExport = await benchAppleExport(appleDb.prisma, opts.appleDays, path.join(BENCH, '.data'));
    } finally {
      await appleDb.close();
    }

    // 2. Backfill of one user-year through both fakes, end to end (in-process workers).
    log(`${kind}: backfill of ${opts.backfillDays} days through the Polar and Oura fakes`);
    result.backfill = await backfill(target);

    // 3. SQL statements per days request, in-process with the onQuery hook.
    result.statements = await countStatements(target, userIds);
    result.verification = await verificationCost(target, userIds[0]);

    // 3b. Scores: recompute one user-year (the backfilled user) and the bench's users; days with vs without scores.
    log(`${kind}: scores recompute and days with/without scores`);
    result.scores = await benchScores(target.open, loadConfig(baseEnv(target)), API_KEY, {
      yearUserExternalIdPrefix: 'bench-backfill-',
      from: addDays(DATA_TODAY, -29),
      to: DATA_TODAY,
      users: Math.min(10, opts.users),
      runs: quick ? 10 : 30,
    });

    // 3c. Series: a one-year daily series and a month of 5-minute heart rate of the backfilled user vs their SQL floors; the NDJSON export of every user.
    log(`${kind}: series vs SQL floor, streamed export`);
    result.series = await benchSeries(target.open, loadConfig(baseEnv(target)), API_KEY, {
      userExternalIdPrefix: 'bench-backfill-',
      runs: quick ? 10 : 30,
      exportFrom: addDays(DATA_TODAY, -(opts.days - 1)),
      exportTo: DATA_TODAY,
    });

    // 4. Webhook setup: a Polar fake the server syncs from, connections, the signed webhook.
    webhookFake = await startPolarFake({ today: realToday(), days: 3, seed: opts.seed, rateLimit: { shortTerm: 1e9, longTerm: 1e9 } });
    const polarUserIds = await prepareWebhooks(target, userIds, webhookFake);
    const serverEnv = baseEnv(target, {
      POLAR_CLIENT_ID: webhookFake.clientId,
      POLAR_CLIENT_SECRET: webhookFake.clientSecret,
      POLAR_AUTHORIZATION_URL: webhookFake.authorizationUrl,
      POLAR_TOKEN_URL: webhookFake.tokenUrl,
      POLAR_API_URL: webhookFake.apiUrl,
      PUBLIC_URL: 'http://127.0.0.1',
    });

    // 5. Start-up on the existing database.
    log(`${kind}: start-up (${opts.startups} x npm start)`);
    result.startup = await startupTimes(serverEnv, logPath, opts.startups);

    // 6. Query: the floor first, then the gateway, same bodies, same client.
    const to = DATA_TODAY;
    const from = addDays(to, -29);
    const manyUsers = Math.min(10, opts.users);
    const bodies = [
      { name: 'oneUser30Days', body: JSON.stringify({ query: ONE_USER_QUERY, variables: { id: userGlobalId(userIds[0]), from, to } }) },
      { name: `users${manyUsers}x30Days`, body: JSON.stringify({ query: MANY_USERS_QUERY, variables: { first: manyUsers, from, to } }) },
    ];
    log(`${kind}: query floor (hand-written SQL server)`);
    const floorServer = await startFloor(target, logPath);
    children.push(floorServer.child);
    const floorAnswers = await Promise.all(bodies.map(async (b) => JSON.parse((await post(floorServer.port, '/graphql', b.body, { authorization: `Bearer ${API_KEY}` })).text)));
    const floorRuns = await queryRuns(floorServer.port, bodies);
    await stopChild(floorServer.child);

    log(`${kind}: query gateway`);
    const gateway = await startGateway(serverEnv, logPath);
    children.push(gateway.child);
    const answers = await Promise.all(bodies.map(async (b) => JSON.parse((await post(gateway.port, '/graphql', b.body, { authorization: `Bearer ${API_KEY}` })).text)));
    const sameAnswers = bodies.map((_, i) => isDeepStrictEqual(answers[i], floorAnswers[i]));
    if (sameAnswers.some((same) => !same)) {
      fs.writeFileSync(path.join(BENCH, '.data', `${runId}-${kind}-answers.json`), JSON.stringify({ answers, floorAnswers }, null, 1));
      log(`${kind}: WARNING the floor's answer differs from the gateway's (see bench/.data)`);
    }
    const rssBefore = rssKb(gateway.child.pid!, 'VmRSS');
    let peakRss = rssBefore ?? 0;
    const sampler = setInterval(() => {
      const rss = rssKb(gateway.child.pid!, 'VmRSS');
      if (rss && rss > peakRss) peakRss = rss;
    }, 50);
    const gatewayRuns = await queryRuns(gateway.port, bodies);
    clearInterval(sampler);
    const answerDays = (a: { data: { user?: { days: unknown[] }; users?: { edges: { node: { days: unknown[] } }[] } } }) =>
      a.data.user ? a.data.user.days.length : a.data.users!.edges.reduce((n, e) => n + e.node.days.length, 0);
    result.query = Object.fromEntries(
      bodies.map((b, i) => [
        b.name,
        {
          sameAnswerAsFloor: sameAnswers[i],
          responseBytes: JSON.stringify(answers[i]).length,
          days: answerDays(answers[i]),
          runs: CONCURRENCY.map((c, k) => ({
            connections: c,
            gateway: gatewayRuns[b.name][k],
            floor: floorRuns[b.name][k],
            throughputRatio: gatewayRuns[b.name][k].requestsPerSecond > 0 ? round(floorRuns[b.name][k].requestsPerSecond / gatewayRuns[b.name][k].requestsPerSecond, 2) : null,
            p50Ratio: round(gatewayRuns[b.name][k].p50Ms / Math.max(floorRuns[b.name][k].p50Ms, 0.5), 2),
          })),
        },
      ]),
    );
    result.memory = { rssBeforeQueryMb: round((rssBefore ?? 0) / 1024, 1), peakRssDuringQueryMb: round(peakRss / 1024, 1) };

    // 6b. The same days query with a user token instead of the API key, and the credential check
    // alone ({ __typename }): what verifying a user token (JWT signature + the user's revocation
    // mark) costs per request next to an API key (hash + key lookup), in the same run.
    log(`${kind}: days query with a user token vs the API key`);
    result.auth = await credentialRuns(gateway.port, userIds[0], bodies[0].body);

    // 7. Webhooks at a fixed rate, then wait for the syncs they queued.
    log(`${kind}: webhooks ${opts.webhookRate}/s for ${opts.webhookSeconds} s`);
    // The query runs may leave the gateway answering a backlog for seconds: measure webhooks on an
    // idle gateway, not the end of the previous phase.
    const idleSeconds = await waitUntilIdle(gateway.port);
    // Processed: every user's heart rate fetched after all deliveries were sent (one fetch after a
    // user's last delivery covers all of them: deliveries join runs that have not fetched yet).
    let afterLoad = Infinity;
    const load = await webhookLoad(gateway.port, polarUserIds, () => (afterLoad = webhookFake!.requests.length));
    const notFetched = () => {
      const fetched = new Set(webhookFake!.requests.slice(afterLoad).filter((r) => r.path.includes('continuous-heart-rate')).map((r) => webhookTokens.get(r.headers.authorization ?? '')));
      return polarUserIds.filter((id) => !fetched.has(id)).length;
    };
    const waitStarted = performance.now();
    while (notFetched() > 0 && performance.now() - waitStarted < opts.webhookWait * 1000) await sleep(250);
    await sleep(1000);
    const drainSeconds = (performance.now() - waitStarted) / 1000;
    await stopChild(gateway.child);

    const check = await target.open();
    try {
      const [deliveries] = await check.query<{ n: number }>(`SELECT count(*)::int AS n FROM "WebhookDelivery" WHERE "provider" = 'POLAR'`);
      const runs = await check.query<{ status: string; n: number }>(`SELECT "status"::text AS status, count(*)::int AS n FROM "SyncRun" WHERE "kind" = 'WEBHOOK' GROUP BY 1`);
      const byStatus = Object.fromEntries(runs.map((r) => [r.status, r.n]));
      const syncRuns = runs.reduce((n, r) => n + r.n, 0);
      result.webhooks = {
        ...load,
        deliveryRows: deliveries.n,
        syncRuns,
        syncRunsByStatus: byStatus,
        // A delivery is lost when it was not acknowledged or left no durable record. Runs are not
        // counted: deliveries that arrive before a run starts fetching join it (coalescing).
        lost: load.deliveries - Math.min(load.ok, deliveries.n),
        drainSeconds: round(drainSeconds, 1),
        completedWithinWait: byStatus.SUCCEEDED ?? 0,
        usersNotFetchedAfterLoad: notFetched(),
        idleWaitSeconds: round(idleSeconds, 1),
      };
    } finally {
      await check.close();
    }
  } finally {
    for (const child of children) await stopChild(child);
    await webhookFake?.close();
    await target.cleanup().catch((error) => log(`cleanup failed: ${error}`));
  }
  return result;
}

// ---------------------------------------------------------------- report

function machine() {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpu: cpus[0]?.model ?? 'unknown',
    memoryGb: round(os.totalmem() / 1024 ** 3, 1),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any

function markdown(report: Any): string {
  const m = report.machine;
  const lines: string[] = [];
  lines.push(`## ${report.startedAt} (${report.options.users} users x ${report.options.days} days${report.options.quick ? ', --quick' : ''})`);
  lines.push('');
  lines.push(`Machine: ${m.cores} cores (${m.cpu}), ${m.memoryGb} GB, Node ${m.node}, ${m.platform}. Databases: ${report.results.map((r: Any) => r.version).join(', ')}. ` +
    `Autocannon ${report.options.duration} s per run; took ${report.totalSeconds} s.`);
  if (report.note) lines.push('', report.note);
  lines.push('');
  lines.push('| measure | ' + report.results.map((r: Any) => r.database).join(' | ') + ' | target |');
  lines.push('| --- | ' + report.results.map(() => '---').join(' | ') + ' | --- |');
  const row = (label: string, f: (r: Any) => string, target = '') => lines.push(`| ${label} | ${report.results.map((r: Any) => f(r)).join(' | ')} | ${target} |`);
  const q = (r: Any, name: string, c: number) => r.query[name].runs.find((x: Any) => x.connections === c);
  const names = Object.keys(report.results[0].query);
  for (const name of names) {
    for (const c of CONCURRENCY) {
      row(
        `${name} c=${c}: gateway p50/p99 ms, req/s`,
        (r) => { const x = q(r, name, c); return `${x.gateway.p50Ms}/${x.gateway.p99Ms}, ${x.gateway.requestsPerSecond}`; },
      );
      row(
        `${name} c=${c}: SQL floor p50/p99 ms, req/s`,
        (r) => { const x = q(r, name, c); return `${x.floor.p50Ms}/${x.floor.p99Ms}, ${x.floor.requestsPerSecond}`; },
      );
      row(
        `${name} c=${c}: ratio (floor req/s / gateway req/s)`,
        (r) => (q(r, name, c).throughputRatio === null ? 'n/a (no gateway answer within the run)' : `**${q(r, name, c).throughputRatio}x**`),
        name === 'oneUser30Days' && c === 16 ? '≤ 1.5x on PostgreSQL' : '',
      );
    }
    row(`${name}: same answer as the floor`, (r) => (r.query[name].sameAnswerAsFloor ? 'yes' : '**no**'));
  }
  const auth = (r: Any, name: 'check' | 'days', c: number) => {
    const i = [1, 16].indexOf(c);
    const key = r.auth[name].apiKey[i];
    const token = r.auth[name].userToken[i];
    return `${key.meanMs}/${token.meanMs} ms, ${key.requestsPerSecond}/${token.requestsPerSecond} req/s (**${round(key.requestsPerSecond / Math.max(token.requestsPerSecond, 0.1), 2)}x**)`;
  };
  for (const c of [1, 16]) row(`oneUser30Days c=${c}: API key / user token mean ms, req/s (key/token)`, (r) => (r.auth ? auth(r, 'days', c) : 'n/a'));
  for (const c of [1, 16]) row(`credential check alone ({ __typename }) c=${c}: API key / user token`, (r) => (r.auth ? auth(r, 'check', c) : 'n/a'));
  row('user-token verification cost per request over HTTP (mean ms, token - key, c=1)', (r) => (r.auth ? `${r.auth.verificationCostMs}` : 'n/a'));
  row('credential check in-process (resolve + boundary), ms per call: API key / user token (difference)', (r) =>
    (r.verification ? `${r.verification.apiKeyMs} / ${r.verification.userTokenMs} (**${r.verification.differenceMs}**)` : 'n/a'));
  row('SQL statements per days request (users x days)', (r) => r.statements.map((s: Any) => `${s.users}x${s.days}: ${s.statements}`).join(', '), 'the same for all');
  row('ingest: payloads, rows (raw + records + HR samples)', (r) => `${r.ingest.payloads}, ${Object.values(r.ingest.rows as Record<string, number>).reduce((a, b) => a + b, 0)}`);
  row('ingest: storeItems rows/s (records/s without HR, payloads/s)', (r) => `${r.ingest.rowsPerSecond} (${r.ingest.recordsPerSecond}, ${r.ingest.payloadsPerSecond})`);
  row('ingest: bulk multi-row INSERT rows/s', (r) => `${r.ingest.floor.rowsPerSecond}`);
  row('ingest: ratio (storeItems / bulk)', (r) => `**${r.ingest.ratio}**`, '≥ 0.5');
  row('Apple export import: records/s floor (parse+map) / per-sample path / bulk path / re-run', (r) =>
    (r.appleExport ? `${r.appleExport.floor.recordsPerSecond} / ${r.appleExport.perSample.recordsPerSecond} / ${r.appleExport.bulk.recordsPerSecond} / ${r.appleExport.rerun.recordsPerSecond} (${r.appleExport.records} records, ${r.appleExport.xmlMb} MB XML, ${r.appleExport.bulk.rawPayloads} raw payloads)` : 'n/a'));
  row('Apple export import: bulk vs per-sample (speed-up), bulk / floor', (r) => (r.appleExport ? `**${r.appleExport.speedup}x**, ${r.appleExport.ratioToFloor}` : 'n/a'), 'the per-sample path slows as the store grows: ≥ 10x at 1 GB (bench/apple-export.ts), less on this small export');
  row(`backfill of one user (${report.options.backfillDays} days, Polar + Oura fakes)`, (r) =>
    `${r.backfill.seconds} s, ${r.backfill.runs.map((x: Any) => x.status).join('/')}, ${Object.values(r.backfill.rows as Record<string, number>).reduce((a, b) => a + b, 0)} rows`);
  row(`scores: recompute of one user-year (${report.options.backfillDays} days backfilled), s`, (r) => (r.scores ? `**${r.scores.yearUser.seconds}** (${r.scores.yearUser.days} days, ${r.scores.yearUser.scores} scores)` : 'n/a'));
  row('scores: recompute of the bench users, s', (r) => (r.scores ? `**${r.scores.users.seconds}** (${r.scores.users.count} users, ${r.scores.users.scores} scores)` : 'n/a'));
  row('days query with scores vs without (in-process median ms, ratio)', (r) =>
    r.scores ? `${r.scores.query.withMs} vs ${r.scores.query.withoutMs} ms, **${r.scores.query.ratio}x** (${r.scores.query.users} users x ${r.scores.query.days} days; ${r.scores.query.statementsWith} vs ${r.scores.query.statementsWithout} statements)` : 'n/a');
  const seriesRow = (x: Any) => `${x.gatewayMs} vs ${x.floorMs} ms, **${x.ratio}x** (${x.points} points, ${x.statements} statements${x.sameAnswer ? '' : ', **answer differs from the floor**'})`;
  row('series: one-year daily sleep_total_seconds, gateway vs SQL floor (in-process median ms, ratio)', (r) => (r.series ? seriesRow(r.series.yearDaily) : 'n/a'));
  row('series: a month of 5-minute heart rate, gateway vs SQL floor (in-process median ms, ratio)', (r) => (r.series?.monthHeartRate ? `${seriesRow(r.series.monthHeartRate)}; ${r.series.monthHeartRate.samples} samples` : 'n/a'));
  row('export: all.ndjson of every user (lines, MB, s, lines/s; peak RSS above before, MB)', (r) =>
    r.series ? `${r.series.export.lines}, ${Math.round(r.series.export.bytes / 104857.6) / 10}, ${r.series.export.seconds}, ${r.series.export.linesPerSecond}; **${r.series.export.peakRssAboveMb}**` : 'n/a');
  row('webhooks: deliveries at rate (achieved/s)', (r) => `${r.webhooks.deliveries} at ${r.webhooks.targetRate}/s (${r.webhooks.achievedRate})`);
  row('webhooks: ack p50/p99 ms', (r) => `${r.webhooks.p50Ms}/**${r.webhooks.p99Ms}**`, 'p99 < 50 ms');
  row('webhooks: acknowledged 200, delivery rows, sync runs, lost', (r) => `${r.webhooks.ok}, ${r.webhooks.deliveryRows}, ${r.webhooks.syncRuns}, **${r.webhooks.lost}**`, '0 lost');
  row('webhooks: syncs completed (wait s)', (r) => `${r.webhooks.completedWithinWait} of ${r.webhooks.syncRuns} (${r.webhooks.drainSeconds} s)`);
  row('webhooks: users not fetched after the last delivery', (r) => `**${r.webhooks.usersNotFetchedAfterLoad ?? 'n/a'}**`, '0');
  row('server peak RSS during the query runs, MB', (r) => `${r.memory.peakRssDuringQueryMb} (idle ${r.memory.rssBeforeQueryMb})`);
  row('start-up: npm start to first answer, median (max) ms', (r) => `**${r.startup.medianMs}** (${r.startup.maxMs})`, '< 3000 ms embedded');
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------- main

async function main() {
  const started = performance.now();
  const runId = `${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-')}-${crypto.randomBytes(2).toString('hex')}`;
  fs.mkdirSync(path.join(BENCH, '.data'), { recursive: true });
  log(`run ${runId}: ${dbs.join(' + ')}, ${opts.users} users x ${opts.days} days${quick ? ' (quick)' : ''}`);
  const results = [];
  for (const kind of dbs) results.push(await benchDatabase(kind, runId));
  const report = {
    runId,
    startedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    machine: machine(),
    options: { ...opts, quick, dbs },
    note: flags.note ?? null,
    results,
    totalSeconds: Math.round((performance.now() - started) / 1000),
  };
  fs.mkdirSync(path.join(BENCH, 'results'), { recursive: true });
  const jsonPath = path.join(BENCH, 'results', `${runId}.json`);
  fs.writeFileSync(jsonPath, JSON.stringify(report, null, 2) + '\n');
  const md = markdown(report);
  if (!flags['no-append']) {
    const resultsPath = path.join(BENCH, 'RESULTS.md');
    if (!fs.existsSync(resultsPath)) fs.writeFileSync(resultsPath, '# Bench results\n\nAppended by `npm run bench` (see bench/README.md for how to read them).\n\n');
    fs.appendFileSync(resultsPath, md + '\n');
  }
  process.stdout.write('\n' + md);
  log(`JSON: ${path.relative(ROOT, jsonPath)}${flags['no-append'] ? '' : '; table appended to bench/RESULTS.md'}; ${report.totalSeconds} s`);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
