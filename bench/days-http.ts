/**
 * Focused HTTP measurement of the days query: the floor (bench/floor-server.ts) and one or more
 * gateways (`node --import tsx src/main.ts` from a checkout directory), each its own process as in
 * `npm run bench` §6, driven by autocannon with the same two bodies. The servers are measured in
 * turns (floor, gateway A, gateway B, floor, ...) for --rounds rounds, so noise from the shared
 * machine hits all of them alike; the median req/s per server and the ratios are printed, and the
 * CPU time each server process used per request (from /proc; steadier than req/s when the machine
 * is shared, but it leaves out the database server's work).
 *
 *   node --import tsx bench/days-http.ts [--db pglite|postgresql|both] [--rounds 3] [--duration 4]
 *     [--c 1,16,64] [--gateway name=dir[,KEY=VALUE...]]... [--cpu-prof DIR] [--fresh]
 *
 * The data (10 users x 30 days, the bench generator through storeItem) is made once and kept in
 * the database `whg_days_http` / bench/.data/days-http-pglite (--fresh recreates it).
 * Each gateway runs with the bench's environment (bench/run.ts baseEnv); `dir` lets a copy of an
 * older commit be measured in the same run (e.g. `git archive HEAD | tar -x -C /tmp/base`, with
 * node_modules linked and src/generated copied). Default: `--gateway current=.`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { ensureInitialApiKey } from '../src/auth/api-keys.js';
import { openPGlite, openPostgres, type Database } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { storeItem } from '../src/sync/store.js';
import { MANY_USERS_QUERY, ONE_USER_QUERY, userGlobalId } from './days-query.js';
import { generateUser, mapperFor } from './generate.js';
import { freePort } from '../tests/support/server-process.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const API_KEY = 'whg_bench_admin_key_0123456789abcdef';
const DATA_TODAY = '2026-06-30';
const USERS = 10;
const DAYS = 30;

const { values: flags } = parseArgs({
  options: {
    db: { type: 'string', default: 'both' },
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '4' },
    c: { type: 'string', default: '1,16,64' },
    gateway: { type: 'string', multiple: true },
    'cpu-prof': { type: 'string' },
    fresh: { type: 'boolean', default: false },
    'postgres-url': { type: 'string', default: process.env.BENCH_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres' },
  },
});
const rounds = Number(flags.rounds);
const duration = Number(flags.duration);
const concurrency = flags.c!.split(',').map(Number);
const gateways = (flags.gateway ?? ['current=.']).map((spec) => {
  const [head, ...envs] = spec.split(',');
  const [name, dir] = head.split('=');
  return { name, dir: path.resolve(ROOT, dir), env: Object.fromEntries(envs.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)])) };
});
const dbs = flags.db === 'both' ? (['postgresql', 'pglite'] as const) : [flags.db as 'pglite' | 'postgresql'];
const log = (message: string) => process.stdout.write(`[days-http ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function post(port: number, body: string) {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
    body,
  });
  return { status: res.status, text: await res.text() };
}

/** The target database, with the data set made on first use. */
async function prepare(kind: 'pglite' | 'postgresql') {
  let open: () => Promise<Database>;
  let env: Record<string, string>;
  let floorEnv: Record<string, string>;
  let exists: boolean;
  if (kind === 'pglite') {
    const dataDir = path.join(ROOT, 'bench', '.data', 'days-http-pglite');
    if (flags.fresh) fs.rmSync(dataDir, { recursive: true, force: true });
    exists = fs.existsSync(path.join(dataDir, 'ready'));
    if (!exists) fs.rmSync(dataDir, { recursive: true, force: true });
    fs.mkdirSync(dataDir, { recursive: true });
    open = () => openPGlite(dataDir);
    env = { DATA_DIR: dataDir };
    floorEnv = { FLOOR_PGLITE_DIR: path.join(dataDir, 'pglite') };
  } else {
    const admin = new pg.Client({ connectionString: flags['postgres-url'] });
    await admin.connect();
    if (flags.fresh) await admin.query(`DROP DATABASE IF EXISTS whg_days_http WITH (FORCE)`);
    exists = (await admin.query(`SELECT 1 FROM pg_database WHERE datname = 'whg_days_http'`)).rowCount === 1;
    if (exists) {
      const check = new pg.Client({ connectionString: withDb('whg_days_http') });
      await check.connect();
      exists = (await check.query(`SELECT 1 FROM pg_tables WHERE tablename = 'days_http_ready'`)).rowCount === 1;
      await check.end();
      if (!exists) await admin.query(`DROP DATABASE whg_days_http WITH (FORCE)`);
    }
    if (!exists) await admin.query(`CREATE DATABASE whg_days_http`);
    await admin.end();
    const url = withDb('whg_days_http');
    open = () => openPostgres(url);
    env = { DATABASE_URL: url };
    floorEnv = { FLOOR_DATABASE_URL: url };
  }
  const db = await open();
  try {
    if (!exists) {
      log(`${kind}: making ${USERS} users x ${DAYS} days (once)`);
      await migrate(db);
      await ensureInitialApiKey(db.prisma, API_KEY);
      for (let u = 0; u < USERS; u++) {
        const userId = (await db.prisma.user.create({ data: { externalId: `bench-${u}` } })).id;
        const payloads = generateUser(42, u, DATA_TODAY, DAYS);
        for (const provider of ['POLAR', 'OURA'] as const) {
          for (const item of provider === 'POLAR' ? payloads.polar : payloads.oura) {
            await storeItem(db.prisma, { userId, provider }, item, mapperFor(provider, item.dataType), { workoutPriority: ['POLAR', 'OURA'] });
          }
        }
      }
      await db.query(`CREATE TABLE days_http_ready (x int)`).catch(() => {});
      if (kind === 'pglite') fs.writeFileSync(path.join(env.DATA_DIR, 'ready'), '');
    }
    const users = await db.query<{ id: string }>(`SELECT "id" FROM "User" ORDER BY "createdAt" ASC, "id" ASC LIMIT 1`);
    return { env, floorEnv, firstUserId: users[0].id };
  } finally {
    await db.close();
  }
}

function withDb(name: string) {
  const url = new URL(flags['postgres-url']!);
  url.pathname = `/${name}`;
  return url.toString();
}

async function start(args: string[], cwd: string, env: Record<string, string>): Promise<{ child: ChildProcess; port: number }> {
  const port = await freePort();
  fs.mkdirSync(path.join(ROOT, 'bench', '.data'), { recursive: true });
  const logPath = path.join(ROOT, 'bench', '.data', 'days-http-servers.log');
  const out = fs.openSync(logPath, 'a');
  const child = spawn(process.execPath, args, { cwd, env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' }, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${child.exitCode} (see ${logPath})`);
    const ok = await post(port, JSON.stringify({ query: '{ __typename }' })).then((r) => r.status === 200, () => false);
    if (ok) return { child, port };
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error(`no answer from ${args.join(' ')}`);
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** CPU time (user + system) the process has used, ms (from /proc: robust to other load on the machine). */
function cpuMs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (100/s)
}

async function cannon(port: number, body: string, connections: number, seconds: number, pid?: number) {
  const cpuBefore = pid ? cpuMs(pid) : 0;
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/graphql`,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
    body,
    connections,
    duration: seconds,
  });
  if (result.non2xx || result.errors) log(`  WARNING ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: result.requests.average, cpuMsPerRequest: pid ? (cpuMs(pid) - cpuBefore) / Math.max(1, result.requests.total) : NaN };
}

async function benchDatabase(kind: 'pglite' | 'postgresql') {
  const { env, floorEnv, firstUserId } = await prepare(kind);
  const from = '2026-06-01';
  const bodies = [
    { name: 'oneUser30Days', body: JSON.stringify({ query: ONE_USER_QUERY, variables: { id: userGlobalId(firstUserId), from, to: DATA_TODAY } }) },
    { name: 'users10x30Days', body: JSON.stringify({ query: MANY_USERS_QUERY, variables: { first: USERS, from, to: DATA_TODAY } }) },
  ];
  const baseEnv = { NODE_ENV: 'production', INITIAL_API_KEY: API_KEY, ENCRYPTION_KEY: 'c'.repeat(64), RATE_LIMIT_PER_MINUTE: '0', SYNC_INTERVAL_SECONDS: '0', SYNC_POLLING_INTERVAL_SECONDS: '1', ...env };
  const servers = [
    { name: 'floor', cwd: ROOT, args: ['--import', 'tsx', 'bench/floor-server.ts'], env: floorEnv },
    ...gateways.map((g) => ({
      name: g.name,
      cwd: g.dir,
      args: [...(flags['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', path.resolve(flags['cpu-prof'], `${kind}-${g.name}`)] : []), '--import', 'tsx', 'src/main.ts'],
      env: { ...baseEnv, ...g.env },
    })),
  ];
  // samples[server][body][c] = req/s per round; cpu[...] = the server's CPU ms per request
  const samples: Record<string, Record<string, Record<number, number[]>>> = {};
  const cpu: Record<string, Record<string, Record<number, number[]>>> = {};
  const answers: Record<string, string[]> = {};
  for (let round = 0; round < rounds; round++) {
    for (const server of servers) {
      const { child, port } = await start(server.args, server.cwd, server.env);
      try {
        answers[server.name] ??= await Promise.all(bodies.map(async (b) => (await post(port, b.body)).text));
        for (const { body } of bodies) await cannon(port, body, 16, 2); // warm-up
        for (const { name, body } of bodies) {
          for (const c of concurrency) {
            const { rps, cpuMsPerRequest } = await cannon(port, body, c, duration, child.pid);
            (((samples[server.name] ??= {})[name] ??= {})[c] ??= []).push(rps);
            (((cpu[server.name] ??= {})[name] ??= {})[c] ??= []).push(cpuMsPerRequest);
          }
        }
        const last = (b: string, c: number) => `c=${c} ${samples[server.name][b][c].at(-1)!.toFixed(0)}/s ${cpu[server.name][b][c].at(-1)!.toFixed(2)}ms`;
        log(`${kind} round ${round + 1}/${rounds} ${server.name}: ${bodies.map((b) => `${b.name} ${concurrency.map((c) => last(b.name, c)).join(' ')}`).join(' | ')}`);
      } finally {
        await stop(child);
      }
    }
  }
  for (const server of servers.slice(1)) {
    const same = bodies.map((_, i) => isDeepStrictEqual(JSON.parse(answers[server.name][i]), JSON.parse(answers.floor[i])));
    if (same.some((s) => !s)) log(`${kind}: WARNING ${server.name}'s answers differ from the floor's: ${same}`);
  }
  const table: Record<string, unknown>[] = [];
  for (const { name } of bodies) {
    for (const c of concurrency) {
      const floor = median(samples.floor[name][c]);
      const floorCpu = median(cpu.floor[name][c]);
      const row: Record<string, unknown> = { db: kind, query: name, c, floor: Math.round(floor), 'floor cpu ms': Math.round(floorCpu * 100) / 100 };
      for (const g of gateways) {
        const rps = median(samples[g.name][name][c]);
        const gCpu = median(cpu[g.name][name][c]);
        row[g.name] = Math.round(rps * 10) / 10;
        row[`${g.name} ratio`] = Math.round((floor / rps) * 100) / 100;
        row[`${g.name} cpu ms`] = Math.round(gCpu * 100) / 100;
        row[`${g.name} cpu ratio`] = Math.round((gCpu / floorCpu) * 100) / 100;
      }
      table.push(row);
    }
  }
  return table;
}

const all: Record<string, unknown>[] = [];
for (const kind of dbs) all.push(...(await benchDatabase(kind)));
console.table(all);
console.log(JSON.stringify(all));
