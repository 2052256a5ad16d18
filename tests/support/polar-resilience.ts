/**
 * Helpers for the Polar fault-injection and crash-resume suites (tests/sync/polar-faults*.test.ts,
 * tests/sync/polar-crash*.test.ts): a gateway + Polar fake whose clocks agree on one "today", a
 * stable projection of everything a sync stored (to compare a disturbed sync with an undisturbed
 * one), duplicate checks, and small waiting helpers.
 */
import crypto from 'node:crypto';
import type { PrismaClient } from '../../src/generated/prisma/client.js';
import { createHttpClient, type HttpClient, type RetryInfo } from '../../src/providers/http.js';
import { startPolarFake, type PolarFake, type PolarFakeOptions } from '../fakes/polar/index.js';
import type { DatabaseVariant } from './databases.js';
import { connectPolar, ENCRYPTION_KEY } from './polar-app.js';
import { userGlobalId } from './seed.js';
import { createTestApp, type TestApp } from './test-app.js';

/** The real current UTC date. The Polar fetchers judge what Polar still serves by the real clock. */
export const realToday = (): string => new Date().toISOString().slice(0, 10);

/** Rate limits high enough that retry storms never hit the fake's own (15 min) limiter. */
export const NO_RATE_LIMIT = { shortTerm: 1_000_000, longTerm: 10_000_000 } as const;

export interface ResilienceStack {
  fake: PolarFake;
  t: TestApp;
  today: string;
  /** Every in-request retry the gateway's HTTP client made. */
  retries: RetryInfo[];
}

export interface ResilienceStackOptions {
  /** 'YYYY-MM-DD' both the fake and the sync engine treat as today (default: the real UTC date). */
  today?: string;
  env?: Record<string, string>;
  fake?: PolarFakeOptions;
  /** In-request retry policy of the provider HTTP client (default: fast back-off, maxDelayMs 2000). */
  http?: { baseDelayMs?: number; maxDelayMs?: number; maxRetries?: number; timeoutMs?: number };
}

/**
 * Like startPolarStack, but the fake's and the engine's "today" are the same date (the real one by
 * default), so an in-process sync plans the same windows as a real server started today would.
 */
export async function startResilienceStack(variant: DatabaseVariant, options: ResilienceStackOptions = {}): Promise<ResilienceStack> {
  const today = options.today ?? realToday();
  const fake = await startPolarFake({ today, days: 60, seed: 7, rateLimit: NO_RATE_LIMIT, ...options.fake });
  const retries: RetryInfo[] = [];
  const http: HttpClient = createHttpClient({ baseDelayMs: 5, maxDelayMs: 2000, ...options.http, onRetry: (info) => retries.push(info) });
  try {
    const t = await createTestApp(
      variant,
      {
        POLAR_CLIENT_ID: fake.clientId,
        POLAR_CLIENT_SECRET: fake.clientSecret,
        POLAR_AUTHORIZATION_URL: fake.authorizationUrl,
        POLAR_TOKEN_URL: fake.tokenUrl,
        POLAR_API_URL: fake.apiUrl,
        PUBLIC_URL: 'http://gateway.test',
        OAUTH_REDIRECT_ALLOWLIST: 'https://app.example.com/',
        ENCRYPTION_KEY,
        SYNC_BACKFILL_DAYS: '60',
        SYNC_POLLING_INTERVAL_SECONDS: '1',
        SYNC_INTERVAL_SECONDS: '0',
        ...options.env,
      },
      { http, today: () => today },
    );
    return { fake, t, today, retries };
  } catch (error) {
    await fake.close();
    throw error;
  }
}

export async function stopResilienceStack(stack: ResilienceStack | undefined): Promise<void> {
  if (!stack) return;
  stack.fake.faults.clear();
  await stack.t.close().catch(() => {});
  await stack.fake.close();
}

const fromGlobalId = (id: string): string => Buffer.from(id, 'base64').toString().split(':')[1];
export const connectionGlobalId = (id: string): string => Buffer.from(`Connection:${id}`).toString('base64');

export interface ConnectedUser {
  userId: string;
  connectionId: string;
  polarUserId: number;
}

/** Creates a gateway user and connects it to Polar through the fake (which starts the backfill). */
export async function createAndConnect(stack: ResilienceStack, externalId: string): Promise<ConnectedUser> {
  const created = await stack.t.graphql('mutation($e: String!) { createUser(input: { externalId: $e }) { id } }', { e: externalId });
  if (created.body.errors) throw new Error(JSON.stringify(created.body.errors));
  const userId = fromGlobalId(created.body.data.createUser.id);
  const redirect = await connectPolar(stack.fake, stack.t, userGlobalId(userId));
  if (redirect.searchParams.get('status') !== 'connected') throw new Error(`connect failed: ${redirect}`);
  const connectionId = fromGlobalId(redirect.searchParams.get('connectionId')!);
  const connection = await stack.t.database.prisma.connection.findUniqueOrThrow({ where: { id: connectionId } });
  return { userId, connectionId, polarUserId: Number(connection.providerUserId) };
}

/** Fields that legitimately differ between two databases holding the same data. */
const VOLATILE = new Set(['id', 'userId', 'rawPayloadId', 'createdAt', 'updatedAt', 'duplicateOfId', 'fetchedAt', 'normalizedAt']);

function stable(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(stable);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = stable((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

function project(rows: Record<string, unknown>[]): Record<string, unknown>[] {
  return rows
    .map((row) => Object.fromEntries(Object.entries(row).filter(([k]) => !VOLATILE.has(k)).map(([k, v]) => [k, stable(v)])))
    .sort((a, b) => String(a.providerRecordId).localeCompare(String(b.providerRecordId)));
}

const maskPort = (value: unknown): unknown => JSON.parse(JSON.stringify(value).replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT'));

const sha = (value: unknown): string => crypto.createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);

export interface RecordSnapshot {
  workouts: Record<string, unknown>[];
  sleepSessions: Record<string, unknown>[];
  recoveries: Record<string, unknown>[];
  dailyActivities: Record<string, unknown>[];
  vo2MaxEstimates: Record<string, unknown>[];
  heartRate: { count: number; digest: string };
  /**
   * Raw payloads: a content digest per `dataType/providerRecordId` (the fake's loopback port is
   * masked: it differs per fake instance), and whether every payload was normalized.
   */
  rawPayloads: { keys: string[]; digests: Record<string, string>; allNormalized: boolean };
}

/**
 * Everything the sync stored for one user, without ids and timestamps: every column of Workout,
 * SleepSession, Recovery, DailyActivity, Vo2MaxEstimate (sorted by providerRecordId), the
 * heart-rate samples as count + digest, and the raw payloads as keys + digest.
 */
export async function snapshotRecords(prisma: PrismaClient, userId: string): Promise<RecordSnapshot> {
  const where = { userId };
  const [workouts, sleepSessions, recoveries, dailyActivities, vo2MaxEstimates, heartRate, raw] = await Promise.all([
    prisma.workout.findMany({ where }),
    prisma.sleepSession.findMany({ where }),
    prisma.recovery.findMany({ where }),
    prisma.dailyActivity.findMany({ where }),
    prisma.vo2MaxEstimate.findMany({ where }),
    prisma.heartRateSample.findMany({ where, orderBy: { time: 'asc' }, select: { provider: true, time: true, bpm: true, utcOffsetMinutes: true, context: true, sourceDevice: true } }),
    prisma.rawPayload.findMany({ where, select: { dataType: true, providerRecordId: true, payload: true, normalizedAt: true } }),
  ]);
  const rawSorted = raw
    .map((r) => ({ key: `${r.dataType}/${r.providerRecordId}`, payload: maskPort(stable(r.payload)), normalized: r.normalizedAt !== null }))
    .sort((a, b) => a.key.localeCompare(b.key));
  return {
    workouts: project(workouts as never),
    sleepSessions: project(sleepSessions as never),
    recoveries: project(recoveries as never),
    dailyActivities: project(dailyActivities as never),
    vo2MaxEstimates: project(vo2MaxEstimates as never),
    heartRate: { count: heartRate.length, digest: sha(heartRate.map((h) => stable(h))) },
    rawPayloads: {
      keys: rawSorted.map((r) => r.key),
      digests: Object.fromEntries(rawSorted.map((r) => [r.key, sha(r.payload)])),
      allNormalized: rawSorted.every((r) => r.normalized),
    },
  };
}

/** Per table: row count and number of distinct natural keys (equal when there are no duplicates). */
export async function duplicateReport(prisma: PrismaClient, userId: string) {
  const where = { userId };
  const [workouts, sleeps, recoveries, activities, vo2, hr, raw] = await Promise.all([
    prisma.workout.findMany({ where, select: { providerRecordId: true, startTime: true } }),
    prisma.sleepSession.findMany({ where, select: { providerRecordId: true, localDate: true } }),
    prisma.recovery.findMany({ where, select: { providerRecordId: true, localDate: true } }),
    prisma.dailyActivity.findMany({ where, select: { providerRecordId: true, localDate: true } }),
    prisma.vo2MaxEstimate.findMany({ where, select: { providerRecordId: true } }),
    prisma.heartRateSample.findMany({ where, select: { time: true } }),
    prisma.rawPayload.findMany({ where, select: { dataType: true, providerRecordId: true } }),
  ]);
  const distinct = (values: unknown[]) => new Set(values.map((v) => (v instanceof Date ? v.toISOString() : String(v)))).size;
  return {
    workouts: { rows: workouts.length, distinctIds: distinct(workouts.map((w) => w.providerRecordId)), distinctStarts: distinct(workouts.map((w) => w.startTime)) },
    sleepSessions: { rows: sleeps.length, distinctIds: distinct(sleeps.map((s) => s.providerRecordId)), distinctDates: distinct(sleeps.map((s) => s.localDate)) },
    recoveries: { rows: recoveries.length, distinctIds: distinct(recoveries.map((r) => r.providerRecordId)) },
    dailyActivities: { rows: activities.length, distinctIds: distinct(activities.map((a) => a.providerRecordId)), distinctDates: distinct(activities.map((a) => a.localDate)) },
    vo2MaxEstimates: { rows: vo2.length, distinctIds: distinct(vo2.map((v) => v.providerRecordId)) },
    heartRate: { rows: hr.length, distinctTimes: distinct(hr.map((h) => h.time)) },
    rawPayloads: { rows: raw.length, distinctKeys: distinct(raw.map((r) => `${r.dataType}/${r.providerRecordId}`)) },
  };
}

/** Asserts (throws) that every table of duplicateReport has as many rows as distinct keys. */
export function assertNoDuplicates(report: Awaited<ReturnType<typeof duplicateReport>>): void {
  const problems: string[] = [];
  for (const [table, counts] of Object.entries(report)) {
    const { rows, ...distincts } = counts as { rows: number } & Record<string, number>;
    for (const [what, n] of Object.entries(distincts)) if (n !== rows) problems.push(`${table}: ${rows} rows but ${n} ${what}`);
  }
  if (problems.length) throw new Error(`duplicates: ${problems.join('; ')}`);
}

/** Paths (without query) the fake was asked for, with how many times each. */
export function requestCounts(fake: PolarFake, since = 0): Map<string, number> {
  const counts = new Map<string, number>();
  for (const entry of fake.requests.slice(since)) {
    const key = `${entry.method} ${entry.path}${Object.keys(entry.query).length ? `?${new URLSearchParams(entry.query as Record<string, string>)}` : ''}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

export async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, options: { timeoutMs?: number; intervalMs?: number } = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
}
