/**
 * F11: SIGTERM while a sync job runs. The real server runs as a child process against a slowed
 * Polar fake; mid-backfill, with a window fetch in flight, it gets SIGTERM (not SIGKILL): it must
 * exit 0 after stopping pg-boss gracefully, leaving no job "active" (the in-flight job finished or
 * was released by pg-boss's graceful stop, so nobody waits for SYNC_JOB_TIMEOUT_SECONDS), and the
 * next process on the same database resumes the run to SUCCEEDED with exactly the records of an
 * undisturbed in-process backfill, without duplicates.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openPGlite, openPostgres, type Database } from '../../src/db/database.js';
import { authorize, startPolarFake, type PolarFake } from '../fakes/polar/index.js';
import { databaseVariants, type DatabaseVariant } from '../support/databases.js';
import { ENCRYPTION_KEY, REDIRECT } from '../support/polar-app.js';
import {
  assertNoDuplicates,
  connectionGlobalId,
  createAndConnect,
  duplicateReport,
  NO_RATE_LIMIT,
  realToday,
  snapshotRecords,
  startResilienceStack,
  stopResilienceStack,
  waitFor,
  type RecordSnapshot,
} from '../support/polar-resilience.js';
import { freePort, graphqlOver, killAllServers, killServer, startServer, waitUntilReady, type ServerProcess } from '../support/server-process.js';
import { waitForSyncIdle } from '../support/sync.js';
import { TEST_ADMIN_KEY } from '../support/test-app.js';

const DAYS = 30;
const SEED = 29;
/**
 * Long: a job left "active" by the first process would be taken over only after this, so a run that
 * finishes well within it after the restart was resumed because the job was released.
 */
const JOB_TIMEOUT_SECONDS = 60;
/** The ranged endpoints (12 of the 17 windows) answer after this long: the backfill takes a while. */
const SLOW_MS = 1000;
const SLOW_PATHS = ['/v3/users/activities', '/v3/users/continuous-heart-rate', '/v3/users/cardio-load', '/v3/users/biosensing'];

const fromGlobalId = (id: string) => Buffer.from(id, 'base64').toString().split(':')[1];

interface RunView {
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  kind: string;
  windowsDone: number;
  windowsTotal: number;
  error: string | null;
}

const SYNC_RUNS = `query($id: ID!) { node(id: $id) { ... on Connection { status syncRuns(first: 10) { edges { node { kind status windowsDone windowsTotal error } } } } } }`;

async function syncRunsOver(server: ServerProcess, connectionId: string): Promise<RunView[]> {
  const res = await graphqlOver(server, TEST_ADMIN_KEY, SYNC_RUNS, { id: connectionGlobalId(connectionId) });
  if (res.body.errors) throw new Error(JSON.stringify(res.body.errors));
  return res.body.data.node.syncRuns.edges.map((e: { node: RunView }) => e.node);
}

/** A place for the child's data: a fresh PostgreSQL database, or an empty DATA_DIR for PGlite. */
async function prepareDatabase(variant: DatabaseVariant): Promise<{ env: Record<string, string>; open: () => Promise<Database>; drop: () => Promise<void> }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'whg-sigterm-'));
  if (variant === 'pglite') {
    return {
      env: { DATA_DIR: dataDir },
      open: (): Promise<Database> => openPGlite(dataDir),
      async drop() {
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const adminUrl = process.env.TEST_DATABASE_URL!;
  const name = `whg_sigterm_${crypto.randomBytes(6).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    env: { DATA_DIR: dataDir, DATABASE_URL: url.toString() },
    open: (): Promise<Database> => openPostgres(url.toString()),
    async drop() {
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

afterAll(async () => {
  await killAllServers();
});

describe.each(databaseVariants())('SIGTERM while a sync job runs (%s)', (variant) => {
  const today = realToday();
  let baseline: RecordSnapshot;
  let fake: PolarFake;
  let database: Awaited<ReturnType<typeof prepareDatabase>>;
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    fake = await startPolarFake({ today, days: DAYS, seed: SEED, rateLimit: NO_RATE_LIMIT });
    database = await prepareDatabase(variant);
  }, 60_000);

  afterAll(async () => {
    for (const server of servers) await killServer(server).catch(() => undefined);
    await fake?.close();
    await database?.drop();
  }, 60_000);

  const serverEnv = (port: number): Record<string, string> => ({
    ...database.env,
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    POLAR_CLIENT_ID: fake.clientId,
    POLAR_CLIENT_SECRET: fake.clientSecret,
    POLAR_AUTHORIZATION_URL: fake.authorizationUrl,
    POLAR_TOKEN_URL: fake.tokenUrl,
    POLAR_API_URL: fake.apiUrl,
    OAUTH_REDIRECT_ALLOWLIST: 'https://app.example.com/',
    ENCRYPTION_KEY,
    INITIAL_API_KEY: TEST_ADMIN_KEY,
    SYNC_BACKFILL_DAYS: String(DAYS),
    SYNC_JOB_TIMEOUT_SECONDS: String(JOB_TIMEOUT_SECONDS),
    SYNC_POLLING_INTERVAL_SECONDS: '1',
    SYNC_INTERVAL_SECONDS: '0',
    LOG_LEVEL: 'debug',
  });

  async function start(): Promise<ServerProcess> {
    const port = await freePort();
    const server = startServer(port, serverEnv(port));
    servers.push(server);
    await waitUntilReady(server, TEST_ADMIN_KEY);
    return server;
  }

  it('baseline: an undisturbed in-process backfill of the same fake data', async () => {
    const stack = await startResilienceStack(variant, { today, env: { SYNC_BACKFILL_DAYS: String(DAYS) }, fake: { days: DAYS, seed: SEED } });
    try {
      const user = await createAndConnect(stack, 'sigterm-baseline');
      const [run] = await waitForSyncIdle(stack.t.database.prisma, user.connectionId, { timeoutMs: 90_000 });
      expect({ status: run.status, error: run.error, done: run.windowsDone }).toEqual({ status: 'SUCCEEDED', error: null, done: run.windowsTotal });
      baseline = await snapshotRecords(stack.t.database.prisma, user.userId);
      expect(baseline.heartRate.count).toBeGreaterThan(1000);
    } finally {
      await stopResilienceStack(stack);
    }
  }, 120_000);

  it('SIGTERM mid-backfill: exit 0, no job left active, the next process resumes to the same records, no duplicates', async () => {
    expect(baseline).toBeDefined();
    const t0 = Date.now();
    const first = await start();
    const created = await graphqlOver(first, TEST_ADMIN_KEY, 'mutation { createUser(input: { externalId: "sigterm" }) { id } }');
    expect(created.body.errors).toBeUndefined();
    const userId = fromGlobalId(created.body.data.createUser.id);
    for (const prefix of SLOW_PATHS) fake.faults.delayNext(1000, SLOW_MS, prefix);
    const connect = await graphqlOver(first, TEST_ADMIN_KEY, `mutation($input: ConnectProviderInput!) { connectProvider(input: $input) { authorizationUrl } }`, {
      input: { userId: created.body.data.createUser.id, provider: 'POLAR', redirectUri: REDIRECT },
    });
    expect(connect.body.errors).toBeUndefined();
    const callback = new URL(await authorize(fake, connect.body.data.connectProvider.authorizationUrl));
    const callbackResponse = await fetch(callback, { redirect: 'manual' });
    expect(callbackResponse.status).toBe(302);
    const redirect = new URL(callbackResponse.headers.get('location')!);
    expect(redirect.searchParams.get('status')).toBe('connected');
    const connectionId = fromGlobalId(redirect.searchParams.get('connectionId')!);

    const fetching = () => fake.requests.some((r) => r.status === 0 && SLOW_PATHS.some((p) => r.path.startsWith(p)));
    const atTerm = await waitFor(
      'a backfill part-way done, with a fetch in flight',
      async () => {
        if (!fetching()) return null;
        const [run] = await syncRunsOver(first, connectionId);
        return run && run.windowsDone >= 3 && run.windowsDone <= run.windowsTotal - 5 && fetching() ? run : null;
      },
      { timeoutMs: 90_000, intervalMs: 50 },
    );
    expect(atTerm.status).toBe('RUNNING');
    const termAt = Date.now();
    const exit = await killServer(first, 'SIGTERM', 40_000);
    const stopMs = Date.now() - termAt;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(first.output()).toContain('SIGTERM: stopped');

    // Between the processes: no window job is left "active" (pg-boss released or finished it).
    const db = await database.open();
    let between: { state: string; n: number }[];
    let runBetween: { windowsDone: number; windowsTotal: number; status: string };
    try {
      between = await db.query<{ state: string; n: number }>(`SELECT state::text AS state, count(*)::int AS n FROM pgboss.job WHERE name = 'sync-window' GROUP BY state ORDER BY state`);
      runBetween = await db.prisma.syncRun.findFirstOrThrow({ where: { connectionId } });
    } finally {
      await db.close();
    }
    expect(between.filter((s) => s.state === 'active')).toEqual([]);
    expect(runBetween.status).toBe('RUNNING');
    expect(runBetween.windowsDone).toBeLessThan(runBetween.windowsTotal);

    const restartAt = Date.now();
    const second = await start();
    const finished = await waitFor(
      'the run to finish after the restart',
      async () => {
        const [run] = await syncRunsOver(second, connectionId);
        return run && run.status !== 'RUNNING' ? run : null;
      },
      { timeoutMs: 90_000, intervalMs: 250 },
    );
    const resumedMs = Date.now() - restartAt;
    expect(finished).toEqual({ kind: 'BACKFILL', status: 'SUCCEEDED', windowsDone: atTerm.windowsTotal, windowsTotal: atTerm.windowsTotal, error: null });
    // Resumed by release, not by the job-timeout takeover.
    expect(resumedMs).toBeLessThan(JOB_TIMEOUT_SECONDS * 1000);
    expect(await killServer(second, 'SIGTERM')).toEqual({ code: 0, signal: null });

    const after = await database.open();
    try {
      expect(await snapshotRecords(after.prisma, userId)).toEqual(baseline);
      assertNoDuplicates(await duplicateReport(after.prisma, userId));
      const open = await after.query<{ n: number }>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'sync-window' AND state < 'completed'`);
      expect(open[0].n).toBe(0);
    } finally {
      await after.close();
    }
    console.log(
      `[sigterm-resume ${variant}] SIGTERM at ${atTerm.windowsDone}/${atTerm.windowsTotal} windows; exit 0 after ${stopMs} ms; jobs between processes ${JSON.stringify(between)}; run at ${runBetween.windowsDone}/${runBetween.windowsTotal}; resumed to SUCCEEDED ${resumedMs} ms after restart; whole test ${Date.now() - t0} ms`,
    );
  }, 200_000);
});
