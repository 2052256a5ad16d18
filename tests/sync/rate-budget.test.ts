/**
 * The app-wide rate budget (src/sync/rate-budget.ts): kept in the database, fed by the provider's
 * rate-limit headers, webhook-triggered work first, a window delayed (never failed, never restarted
 * from scratch) when the budget is spent, and no periodic run stacked on a pending backfill.
 *
 * The long test is issue 14 item 6 scaled down: the Polar simulator's 15-minute window is 5 s with
 * 40 requests (slower than the sync runs unhindered), and our HTTP client's longest in-request wait
 * (30 s in production, shorter than Polar's 15-minute Retry-After) is 100 ms, shorter than the
 * simulator's Retry-After. A 150-day backfill needs many periods' budget in its exercise window alone.
 */
import { createHttpClient } from '../../src/providers/http.js';
import { commaSeparatedWindows } from '../../src/providers/rate-limit.js';
import { RateBudgets, RateBudgetWait, budgetedHttp } from '../../src/sync/rate-budget.js';
import { WEBHOOK_JOB_PRIORITY } from '../../src/sync/engine.js';
import { toProgress } from '../../src/sync/progress.js';
import type { PolarFake } from '../fakes/polar/index.js';
import { databaseVariants, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { connectPolar, startPolarStack, stopPolarStack } from '../support/polar-app.js';
import { createUser, fromGlobalId } from '../support/polar-oauth-helpers.js';
import type { TestApp } from '../support/test-app.js';

describe('rate-limit headers', () => {
  test("Polar's \"short, long\" lists become two windows with absolute resets", () => {
    const read = commaSeparatedWindows({ limit: 'RateLimit-Limit', usage: 'RateLimit-Usage', resetSeconds: 'RateLimit-Reset' });
    const headers = new Headers({ 'RateLimit-Limit': '520, 5100', 'RateLimit-Usage': '12, 4000', 'RateLimit-Reset': '840, 86000' });
    expect(read(headers, 1_000_000)).toEqual([
      { limit: 520, remaining: 508, resetAt: new Date(1_000_000 + 840_000) },
      { limit: 5100, remaining: 1100, resetAt: new Date(1_000_000 + 86_000_000) },
    ]);
    expect(read(new Headers({ 'RateLimit-Limit': '520' }), 0)).toBeNull();
    // WHOOP's form: parameters after ';' are ignored, remaining given directly.
    const whoop = commaSeparatedWindows({ limit: 'X-RateLimit-Limit', remaining: 'X-RateLimit-Remaining', resetSeconds: 'X-RateLimit-Reset' });
    expect(whoop(new Headers({ 'X-RateLimit-Limit': '100, 100;window=60', 'X-RateLimit-Remaining': '7', 'X-RateLimit-Reset': '30' }), 0)).toEqual([
      { limit: 100, remaining: 7, resetAt: new Date(30_000) },
    ]);
  });
});

describe.each(databaseVariants())('the rate budget (%s)', (variant) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase(variant);
  });
  afterAll(() => database.close());

  test('kept in the database: two budget objects (two replicas) see the same; webhooks may use the reserve, background may not', async () => {
    let now = Date.parse('2026-11-20T12:00:00Z');
    const replicaA = new RateBudgets(database.prisma, () => now);
    // B trusts what it read for up to a second while the budget looks comfortable: each of its checks comes a little later.
    const replicaB = { waitUntil: (key: string, priority: 'interactive' | 'background') => ((now += 1001), new RateBudgets(database.prisma, () => now).waitUntil(key, priority)) };
    const reset = new Date(now + 60_000);
    expect(await replicaB.waitUntil('acme:client', 'background')).toBeNull();
    // 100 a minute, 10 of them kept for webhooks: 11 left is still fine for background work ...
    await replicaA.observe('acme:client', [{ limit: 100, remaining: 11, resetAt: reset }, { limit: 10_000, remaining: 9000, resetAt: new Date(now + 86_400_000) }]);
    expect(await replicaB.waitUntil('acme:client', 'background')).toBeNull();
    // ... 10 left is the reserve: background waits for the reset, webhook-triggered work goes on.
    await replicaA.observe('acme:client', [{ limit: 100, remaining: 10, resetAt: reset }]);
    expect(await replicaB.waitUntil('acme:client', 'background')).toEqual(reset);
    expect(await replicaB.waitUntil('acme:client', 'interactive')).toBeNull();
    // The daily window is the tighter one when it is nearly spent.
    const tomorrow = new Date(now + 86_400_000);
    await replicaA.observe('acme:client', [{ limit: 100, remaining: 90, resetAt: reset }, { limit: 10_000, remaining: 0, resetAt: tomorrow }]);
    expect(await replicaB.waitUntil('acme:client', 'interactive')).toEqual(tomorrow);
    // Another key is untouched.
    expect(await replicaB.waitUntil('other:client', 'background')).toBeNull();
    // After the reset instant the stale numbers do not hold anything back.
    now = tomorrow.getTime() + 1;
    expect(await replicaB.waitUntil('acme:client', 'background')).toBeNull();
  });

  test('a 429 blocks the key for everyone until its Retry-After; a request inside the block is not sent', async () => {
    const now = Date.now();
    const budgets = new RateBudgets(database.prisma, () => now);
    let sent = 0;
    const http = budgetedHttp(
      {
        async request() {
          sent++;
          return createHttpClient({ fetch: async () => new Response('{}', { status: 429, headers: { 'retry-after': '120' } }), maxRetries: 0 }).request({ method: 'GET', url: 'http://x.test/a' });
        },
      },
      budgets,
      { key: 'blocked:client', priority: 'interactive', now: () => now },
    );
    await expect(http.request({ method: 'GET', url: 'http://x.test/a' })).rejects.toThrow(/429/);
    expect(sent).toBe(1);
    const wait = await http.request({ method: 'GET', url: 'http://x.test/a' }).catch((error: unknown) => error);
    expect(wait).toBeInstanceOf(RateBudgetWait);
    expect((wait as RateBudgetWait).until.getTime()).toBe(now + 120_000);
    expect(sent).toBe(1);
  });

  test("a 429 without Retry-After blocks until the spent window's reset from the rate-limit headers (not our own backoff)", async () => {
    const now = Date.now();
    const budgets = new RateBudgets(database.prisma, () => now);
    const read = commaSeparatedWindows({ limit: 'X-RateLimit-Limit', remaining: 'X-RateLimit-Remaining', resetSeconds: 'X-RateLimit-Reset' });
    // WHOOP's shape: the minute window is spent and resets in 45 s; the daily one still has room.
    const headers = { 'X-RateLimit-Limit': '100, 10000', 'X-RateLimit-Remaining': '0, 9000', 'X-RateLimit-Reset': '45, 80000' };
    const inner = createHttpClient({ fetch: async () => new Response('{}', { status: 429, headers }), maxRetries: 0, baseDelayMs: 10 });
    const http = budgetedHttp(inner, budgets, { key: 'whoop-like:client', priority: 'interactive', read, now: () => now });
    await expect(http.request({ method: 'GET', url: 'http://x.test/a' })).rejects.toThrow(/429/);
    const wait = await http.request({ method: 'GET', url: 'http://x.test/a' }).catch((error: unknown) => error);
    expect(wait).toBeInstanceOf(RateBudgetWait);
    expect((wait as RateBudgetWait).until.getTime()).toBe(now + 45_000);
    // Without any rate-limit headers the block is our own backoff (10 ms here), as before.
    const bare = budgetedHttp(createHttpClient({ fetch: async () => new Response('{}', { status: 429 }), maxRetries: 0, baseDelayMs: 10 }), budgets, { key: 'bare:client', priority: 'interactive', read, now: () => now });
    await expect(bare.request({ method: 'GET', url: 'http://x.test/a' })).rejects.toThrow(/429/);
    const bareWait = await bare.request({ method: 'GET', url: 'http://x.test/a' }).catch((error: unknown) => error);
    expect((bareWait as RateBudgetWait).until.getTime()).toBe(now + 10);
  });
});

/** The simulator's short window: 30 requests per 2 s (about 13 a second for background work). */
const LIMIT = 30;
const PERIOD_SECONDS = 2;
const DAYS = 150;

describe.each(databaseVariants())(`a ${DAYS}-day Polar backfill under the rate limit (%s)`, (variant) => {
  let fake: PolarFake;
  let t: TestApp;

  beforeAll(async () => {
    ({ fake, t } = await startPolarStack(
      variant,
      { SYNC_BACKFILL_DAYS: String(DAYS) },
      { days: DAYS, seed: 3, rateLimit: { shortTerm: LIMIT, shortTermSeconds: PERIOD_SECONDS } },
      { maxDelayMs: 100 },
    ));
  }, 60_000);
  afterAll(() => stopPolarStack({ fake, t }));

  it('completes: windows wait for the budget across periods, keep their progress, and no periodic run joins', async () => {
    const prisma = t.database.prisma;
    const user = await createUser(t, 'year');
    const started = Date.now();
    const redirect = await connectPolar(fake, t, user.gid);
    expect(redirect.searchParams.get('status')).toBe('connected');
    const connectionId = fromGlobalId(redirect.searchParams.get('connectionId')!);

    const messages = new Set<string>();
    let periodicChecked = false;
    let run;
    for (;;) {
      [run] = await prisma.syncRun.findMany({ where: { connectionId } });
      const shown = toProgress(run);
      if (shown.message) {
        messages.add(shown.message);
        const api = await t.graphql(`query($id: ID!) { node(id: $id) { ... on Connection { syncRuns { edges { node { waitingUntil } } } } } }`, { id: redirect.searchParams.get('connectionId') });
        expect(api.body.errors).toBeUndefined();
        if (!periodicChecked) {
          // The periodic sync comes while the backfill waits: it must not plan a second full-range run.
          expect(await t.app.sync.syncDueConnections()).toBe(0);
          periodicChecked = true;
        }
      }
      if (run.status !== 'RUNNING') break;
      if (Date.now() - started > 400_000) throw new Error(`backfill stuck at ${run.windowsDone}/${run.windowsTotal}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const seconds = (Date.now() - started) / 1000;
    process.stderr.write(`[rate budget] ${DAYS}-day Polar backfill (${variant}): ${seconds.toFixed(1)} s, ${run.windowsTotal} windows, ${fake.requests.filter((r) => r.path.startsWith('/v3/')).length} API requests, ${fake.requests.filter((r) => r.status === 429).length} answered 429\n`);

    expect([run.status, run.error, run.windowsDone]).toEqual(['SUCCEEDED', null, run.windowsTotal]);
    expect(messages.size).toBeGreaterThan(0);
    for (const message of messages) expect(message).toMatch(/^waiting for rate budget until \d\d:\d\d UTC$/);
    expect(periodicChecked).toBe(true);
    expect(await prisma.syncRun.count({ where: { connectionId } })).toBe(1);

    // Every exercise of the range is there, and the run's counts say so.
    const polarUserId = Number((await prisma.connection.findUniqueOrThrow({ where: { id: connectionId } })).providerUserId);
    const exercises = fake.dataFor(polarUserId).exercises;
    expect(exercises.length).toBeGreaterThan(50);
    expect(await prisma.workout.count({ where: { userId: user.id, provider: 'POLAR' } })).toBe(exercises.length);
    // The exercise window alone needed more than one period's budget (three calls per old exercise) ...
    const exerciseCalls = fake.requests.filter((r) => /exercise-transactions\/\d+\/exercises\//.test(r.path) && r.status === 200).length;
    expect(exerciseCalls).toBeGreaterThan(5 * LIMIT);
    // ... and was not restarted from scratch: a delay re-fetches at most the batch in flight (5
    // exercises), never what was stored before it.
    const summaries = fake.requests.filter((r) => /exercise-transactions\/\d+\/exercises\/[^/]+$/.test(r.path) && r.status === 200).map((r) => r.path.split('/').at(-1));
    const exerciseDelays = t.logLines.filter((l) => l.includes('window waits') && l.includes('"dataType":"exercise"')).length;
    expect(exerciseDelays).toBeGreaterThan(3);
    expect(summaries.length - new Set(summaries).size).toBeLessThanOrEqual(5 * exerciseDelays);
    // Paced by the headers: the budget kept background work out of the last 10 % of each period.
    expect(fake.requests.filter((r) => r.status === 429).length).toBe(0);
  }, 450_000);

  it('webhook-triggered windows are queued ahead of backfill windows', async () => {
    const connection = await t.database.prisma.connection.findFirstOrThrow();
    const run = await t.app.sync.requestSync(connection.id, 'WEBHOOK', { window: { from: '2026-11-19', to: '2026-11-20' }, dataTypes: ['sleep'] });
    const backfill = await t.app.sync.requestSync(connection.id, 'RESYNC', { window: { from: '2026-11-19', to: '2026-11-20' }, dataTypes: ['sleep'] });
    const rows = await t.database.prisma.$queryRawUnsafe<{ key: string; priority: number }[]>(
      `SELECT singleton_key AS key, priority FROM pgboss.job WHERE singleton_key LIKE $1 OR singleton_key LIKE $2`,
      `${run.id}:%`,
      `${backfill.id}:%`,
    );
    expect(rows.filter((r) => r.key.startsWith(run.id)).map((r) => r.priority)).toEqual([WEBHOOK_JOB_PRIORITY]);
    expect(rows.filter((r) => r.key.startsWith(backfill.id)).map((r) => r.priority)).toEqual([0]);
  });
});
