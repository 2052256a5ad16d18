/**
 * Shared scaffolding for the suites that interrupt a real server process mid-backfill and restart it
 * on the same database (tests/sync/polar-crash-resume.test.ts: SIGKILL, tests/hardening/
 * sigterm-resume.test.ts: SIGTERM). `useInterruptedBackfill` (call it inside a `describe`) starts a
 * Polar fake and a fresh database for child servers, and gives each step of such a test: an
 * undisturbed in-process baseline, child servers (`start`), connecting over real HTTP with the
 * ranged endpoints slowed down, waiting until the backfill is part-way done with a fetch in flight,
 * waiting for the run to finish after the restart, and comparing the result with the baseline.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openPGlite, openPostgres, type Database } from '../../src/db/database.js';
import { authorize, startPolarFake, type PolarFake } from '../fakes/polar/index.js';
import type { DatabaseVariant } from './databases.js';
import { ENCRYPTION_KEY, REDIRECT } from './polar-app.js';
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
  type ConnectedUser,
  type RecordSnapshot,
  type ResilienceStack,
} from './polar-resilience.js';
import { freePort, graphqlOver, killServer, startServer, waitUntilReady, type ServerProcess } from './server-process.js';
import { waitForSyncIdle } from './sync.js';
import { TEST_ADMIN_KEY } from './test-app.js';

/** The ranged endpoints (12 of the 17 windows) answer after this long: the backfill takes a while. */
export const SLOW_MS = 1000;
export const SLOW_PATHS = ['/v3/users/activities', '/v3/users/continuous-heart-rate', '/v3/users/cardio-load', '/v3/users/biosensing'];

const fromGlobalId = (id: string) => Buffer.from(id, 'base64').toString().split(':')[1];

export interface RunView {
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  kind: string;
  windowsDone: number;
  windowsTotal: number;
  error: string | null;
}

const SYNC_RUNS = `query($id: ID!) { node(id: $id) { ... on Connection { status syncRuns(first: 10) { edges { node { kind status windowsDone windowsTotal error } } } } } }`;

/** The connection's sync runs (newest first), read over the child server's GraphQL API. */
export async function syncRunsOver(server: ServerProcess, connectionId: string): Promise<RunView[]> {
  const res = await graphqlOver(server, TEST_ADMIN_KEY, SYNC_RUNS, { id: connectionGlobalId(connectionId) });
  if (res.body.errors) throw new Error(JSON.stringify(res.body.errors));
  return res.body.data.node.syncRuns.edges.map((e: { node: RunView }) => e.node);
}

interface ChildDatabase {
  env: Record<string, string>;
  open: () => Promise<Database>;
  drop: () => Promise<void>;
}

/** A place for the child's data: a fresh PostgreSQL database, or an empty DATA_DIR for PGlite. */
async function prepareDatabase(variant: DatabaseVariant, name: string): Promise<ChildDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `whg-${name}-`));
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
  const dbName = `whg_${name}_${crypto.randomBytes(6).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${dbName}`);
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  return {
    env: { DATA_DIR: dataDir, DATABASE_URL: url.toString() },
    open: (): Promise<Database> => openPostgres(url.toString()),
    async drop() {
      await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface InterruptedBackfillOptions {
  variant: DatabaseVariant;
  /** SYNC_BACKFILL_DAYS of the children and the baseline, and the days of fake data. */
  days: number;
  seed: number;
  /** SYNC_JOB_TIMEOUT_SECONDS of the child servers. */
  jobTimeoutSeconds: number;
  /** Names the temporary DATA_DIR (`whg-<name>-`) and PostgreSQL database (`whg_<name>_`). */
  name: string;
}

export interface BaselineOptions {
  timeoutMs: number;
  /** Extra assertions on the undisturbed backfill (run before the common ones). */
  inspect?: (baseline: { snapshot: RecordSnapshot; stack: ResilienceStack; user: ConnectedUser }) => void;
}

export interface HttpConnection {
  userId: string;
  connectionId: string;
  /** Where the fake's consent page sent the browser back to (our OAuth callback). */
  callback: URL;
}

export interface InterruptedBackfill {
  /** The Polar fake the child servers talk to (started in beforeAll). */
  readonly fake: PolarFake;
  /** An undisturbed in-process backfill of the same fake data: the records a resumed run must end with. */
  runBaseline(externalId: string, options: BaselineOptions): Promise<RecordSnapshot>;
  /** Starts a child server on the shared database and waits until it is ready. */
  start(): Promise<ServerProcess>;
  /** Opens the child's database directly (close it after use). */
  openDatabase(): Promise<Database>;
  /** Creates a user and connects it over real HTTP (which starts the backfill), slowing the ranged endpoints down first. */
  connectOverHttp(server: ServerProcess, externalId: string): Promise<HttpConnection>;
  /** Waits until at least `minWindowsDone` but at most windowsTotal - 5 windows are done and a slow fetch is in flight. */
  waitUntilMidBackfill(server: ServerProcess, connectionId: string, minWindowsDone: number): Promise<RunView>;
  /** Waits until the run is no longer RUNNING. */
  waitUntilFinished(server: ServerProcess, connectionId: string, timeoutMs: number): Promise<RunView>;
  /** The user's records equal the baseline, without duplicates, and no window job is left open. */
  expectBaselineRecords(db: Database, userId: string, baseline: RecordSnapshot): Promise<void>;
}

/** Registers beforeAll/afterAll (fake, child database, child servers) in the enclosing describe. */
export function useInterruptedBackfill(options: InterruptedBackfillOptions): InterruptedBackfill {
  const { variant, days, seed, jobTimeoutSeconds, name } = options;
  // The child's engine plans windows from the real date: the fake and the baseline use it too.
  const today = realToday();
  let fake: PolarFake;
  let database: ChildDatabase;
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    fake = await startPolarFake({ today, days, seed, rateLimit: NO_RATE_LIMIT });
    database = await prepareDatabase(variant, name);
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
    SYNC_BACKFILL_DAYS: String(days),
    SYNC_JOB_TIMEOUT_SECONDS: String(jobTimeoutSeconds),
    SYNC_POLLING_INTERVAL_SECONDS: '1',
    SYNC_INTERVAL_SECONDS: '0',
    LOG_LEVEL: 'debug',
  });

  const fetching = () => fake.requests.some((r) => r.status === 0 && SLOW_PATHS.some((p) => r.path.startsWith(p)));

  return {
    get fake() {
      return fake;
    },

    async runBaseline(externalId, { timeoutMs, inspect }) {
      const stack = await startResilienceStack(variant, { today, env: { SYNC_BACKFILL_DAYS: String(days) }, fake: { days, seed } });
      try {
        const user = await createAndConnect(stack, externalId);
        const [run] = await waitForSyncIdle(stack.t.database.prisma, user.connectionId, { timeoutMs });
        expect({ status: run.status, error: run.error, done: run.windowsDone }).toEqual({ status: 'SUCCEEDED', error: null, done: run.windowsTotal });
        const snapshot = await snapshotRecords(stack.t.database.prisma, user.userId);
        inspect?.({ snapshot, stack, user });
        expect(snapshot.heartRate.count).toBeGreaterThan(1000);
        return snapshot;
      } finally {
        await stopResilienceStack(stack);
      }
    },

    async start() {
      const port = await freePort();
      const server = startServer(port, serverEnv(port));
      servers.push(server);
      await waitUntilReady(server, TEST_ADMIN_KEY);
      return server;
    },

    openDatabase: () => database.open(),

    async connectOverHttp(server, externalId) {
      // connectProvider -> the fake's consent redirect -> our callback.
      const created = await graphqlOver(server, TEST_ADMIN_KEY, 'mutation($e: String!) { createUser(input: { externalId: $e }) { id } }', { e: externalId });
      expect(created.body.errors).toBeUndefined();
      const userId = fromGlobalId(created.body.data.createUser.id);
      for (const prefix of SLOW_PATHS) fake.faults.delayNext(1000, SLOW_MS, prefix);
      const connect = await graphqlOver(server, TEST_ADMIN_KEY, `mutation($input: ConnectProviderInput!) { connectProvider(input: $input) { authorizationUrl } }`, {
        input: { userId: created.body.data.createUser.id, provider: 'POLAR', redirectUri: REDIRECT },
      });
      expect(connect.body.errors).toBeUndefined();
      const callback = new URL(await authorize(fake, connect.body.data.connectProvider.authorizationUrl));
      const callbackResponse = await fetch(callback, { redirect: 'manual' });
      expect(callbackResponse.status).toBe(302);
      const redirect = new URL(callbackResponse.headers.get('location')!);
      expect(redirect.searchParams.get('status')).toBe('connected');
      return { userId, connectionId: fromGlobalId(redirect.searchParams.get('connectionId')!), callback };
    },

    waitUntilMidBackfill: (server, connectionId, minWindowsDone) =>
      waitFor(
        'a backfill part-way done, with a fetch in flight',
        async () => {
          if (!fetching()) return null;
          const [run] = await syncRunsOver(server, connectionId);
          return run && run.windowsDone >= minWindowsDone && run.windowsDone <= run.windowsTotal - 5 && fetching() ? run : null;
        },
        { timeoutMs: 90_000, intervalMs: 50 },
      ),

    waitUntilFinished: (server, connectionId, timeoutMs) =>
      waitFor(
        'the run to finish after the restart',
        async () => {
          const [run] = await syncRunsOver(server, connectionId);
          return run && run.status !== 'RUNNING' ? run : null;
        },
        { timeoutMs, intervalMs: 250 },
      ),

    async expectBaselineRecords(db, userId, baseline) {
      expect(await snapshotRecords(db.prisma, userId)).toEqual(baseline);
      assertNoDuplicates(await duplicateReport(db.prisma, userId));
      // Nothing left behind in the queue.
      const open = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'sync-window' AND state < 'completed'`);
      expect(open[0].n).toBe(0);
    },
  };
}
