/**
 * The Polar backfill under provider trouble, end to end over loopback (gateway in process, Polar
 * fake on a real port). Every scenario uses a fresh gateway + a fresh fake with the same seed, so
 * the connected user (the fake's first user) has exactly the same data each time and the stored
 * records can be compared with an undisturbed baseline:
 *   a. baseline: an undisturbed backfill, snapshotted (every column of every normalized table);
 *   b. bursts of 429 (short Retry-After), 500/502/503, connections reset mid-body, bursts longer
 *      than the in-request retries (the queue retries the job) and one 429 with a Retry-After longer
 *      than the client's maxDelayMs (the engine re-queues the window): same records, no duplicates;
 *   c. the user's token revoked mid-backfill (401): connection NEEDS_REAUTH, run FAILED, no crash;
 *   d. an outage of one data type longer than all retries: run FAILED naming that data type, the
 *      other data types stored; a resync after the outage fills the gap (equal to the baseline).
 */
import { WINDOW_QUEUE } from '../../src/sync/engine.js';
import { databaseVariants } from '../support/databases.js';
import {
  assertNoDuplicates,
  connectionGlobalId,
  createAndConnect,
  duplicateReport,
  realToday,
  requestCounts,
  snapshotRecords,
  startResilienceStack,
  stopResilienceStack,
  waitFor,
  type RecordSnapshot,
  type ResilienceStack,
} from '../support/polar-resilience.js';
import { waitForSyncIdle } from '../support/sync.js';

const DAYS = 45;
const ENV = { SYNC_BACKFILL_DAYS: String(DAYS) };
const FAKE = { days: DAYS, seed: 11 };
/** The first user of every fresh fake: the one each scenario connects. */
const POLAR_USER = 10_000_001;

const shiftDate = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

describe.each(databaseVariants())('Polar sync under provider faults (%s)', (variant) => {
  const today = realToday();
  let baseline: RecordSnapshot;
  let baselineRequests: Map<string, number>;
  let stack: ResilienceStack | undefined;

  afterEach(async () => {
    await stopResilienceStack(stack);
    stack = undefined;
  });

  it('a. an undisturbed backfill: the baseline', async () => {
    const started = Date.now();
    stack = await startResilienceStack(variant, { today, env: ENV, fake: FAKE });
    const user = await createAndConnect(stack, 'baseline');
    expect(user.polarUserId).toBe(POLAR_USER);
    const [run] = await waitForSyncIdle(stack.t.database.prisma, user.connectionId, { timeoutMs: 180_000 });
    expect(run.status).toBe('SUCCEEDED');
    expect(run.error).toBeNull();
    expect(run.windowsDone).toBe(run.windowsTotal);
    baseline = await snapshotRecords(stack.t.database.prisma, user.userId);
    baselineRequests = requestCounts(stack.fake);
    assertNoDuplicates(await duplicateReport(stack.t.database.prisma, user.userId));
    const data = stack.fake.dataFor(user.polarUserId);
    expect(baseline.workouts.length).toBe(data.exercises.length);
    expect(baseline.sleepSessions.length).toBeGreaterThan(20);
    expect(baseline.recoveries.length).toBeGreaterThan(20);
    expect(baseline.dailyActivities.length).toBeGreaterThanOrEqual(DAYS - 1);
    expect(baseline.heartRate.count).toBeGreaterThan(1000);
    expect(baseline.rawPayloads.allNormalized).toBe(true);
    // No 429/5xx. (A keep-alive socket the fake closed while idle can cost a network_error retry.)
    expect(stack.retries.filter((r) => r.reason !== 'network_error')).toEqual([]);
    console.log(`[polar-faults ${variant}] baseline: ${run.windowsTotal} windows, ${stack.fake.requests.length} requests, ${Date.now() - started} ms`);
  }, 240_000);

  it('b. 429 bursts, 5xx bursts, resets mid-body and a long Retry-After: same records, no duplicates', async () => {
    expect(baseline).toBeDefined();
    const started = Date.now();
    stack = await startResilienceStack(variant, { today, env: ENV, fake: FAKE });
    const { faults } = stack.fake;
    // Short Retry-After, several in a row: retried inside the request (1 s each).
    faults.failNext(3, 429, { retryAfterSeconds: 1, pathPrefix: '/v3/users/sleep' });
    // 5xx bursts within the in-request retries.
    faults.failNext(3, 500, { pathPrefix: '/v3/users/continuous-heart-rate' });
    faults.failNext(2, 503, { pathPrefix: '/v3/users/cardio-load' });
    faults.failNext(2, 502, { pathPrefix: `/v3/users/${POLAR_USER}/exercise-transactions` });
    // Connections cut after the headers and part of the body.
    faults.resetConnectionNext(2, '/v3/exercises');
    faults.resetConnectionNext(1, '/v3/users/biosensing/skintemperature');
    // Longer than the in-request retries (4): the job fails once and the queue retries it.
    faults.failNext(6, 503, { pathPrefix: '/v3/users/nightly-recharge' });
    // Retry-After 3 s > maxDelayMs 2 s: the client gives up at once and the engine re-queues the window.
    faults.failNext(1, 429, { retryAfterSeconds: 3, pathPrefix: '/v3/users/activities' });
    const pendingBefore = faults.pending;

    const user = await createAndConnect(stack, 'faulty');
    expect(user.polarUserId).toBe(POLAR_USER);
    const [run] = await waitForSyncIdle(stack.t.database.prisma, user.connectionId, { timeoutMs: 180_000 });
    expect({ status: run.status, error: run.error }).toEqual({ status: 'SUCCEEDED', error: null });
    expect(run.windowsDone).toBe(run.windowsTotal);
    expect(faults.pending).toBe(0);

    const snapshot = await snapshotRecords(stack.t.database.prisma, user.userId);
    expect(snapshot).toEqual(baseline);
    assertNoDuplicates(await duplicateReport(stack.t.database.prisma, user.userId));

    // The faults were served and retried: the fake's log shows every injected status, the cut
    // bodies, and the affected paths asked for more often than in the undisturbed run.
    const log = stack.fake.requests;
    const statuses = (prefix: string) => log.filter((r) => r.path.startsWith(prefix)).map((r) => (r.aborted ? 'reset' : r.status));
    expect(statuses('/v3/users/sleep').filter((s) => s === 429).length).toBe(3);
    expect(statuses('/v3/users/continuous-heart-rate').filter((s) => s === 500).length).toBe(3);
    expect(statuses('/v3/users/cardio-load').filter((s) => s === 503).length).toBe(2);
    expect(statuses(`/v3/users/${POLAR_USER}/exercise-transactions`).filter((s) => s === 502).length).toBe(2);
    expect(statuses('/v3/exercises').filter((s) => s === 'reset').length).toBe(2);
    expect(statuses('/v3/users/biosensing').filter((s) => s === 'reset').length).toBe(1);
    expect(statuses('/v3/users/nightly-recharge').filter((s) => s === 503).length).toBe(6);
    expect(statuses('/v3/users/activities').filter((s) => s === 429).length).toBe(1);
    const counts = requestCounts(stack.fake);
    const retried = [...counts].filter(([key, n]) => n > (baselineRequests.get(key) ?? 0)).map(([key]) => key);
    for (const prefix of ['GET /v3/users/sleep', 'GET /v3/users/continuous-heart-rate', 'GET /v3/users/cardio-load', 'GET /v3/exercises', 'GET /v3/users/nightly-recharge', 'GET /v3/users/activities']) {
      expect(retried.some((key) => key.startsWith(prefix))).toBe(true);
    }
    // What the client and the engine did about them.
    const reasons = new Set(stack.retries.map((r) => r.reason));
    expect([...reasons].sort()).toEqual(['network_error', 'rate_limited', 'server_error']);
    expect(stack.retries.filter((r) => r.reason === 'rate_limited').every((r) => r.delayMs === 1000)).toBe(true);
    const logs = stack.t.logLines.join('\n');
    expect(logs).toMatch(/rate budget spent; window waits.*"dataType":"daily_activity"/);
    expect(logs).toMatch(/sync window failed; will retry.*nightly_recharge/);
    expect(logs).not.toMatch(/failed for good/);
    console.log(
      `[polar-faults ${variant}] faults: ${pendingBefore} injected, ${stack.retries.length} in-request retries, ${log.length} requests (baseline ${[...baselineRequests.values()].reduce((a, b) => a + b, 0)}), ${Date.now() - started} ms`,
    );
  }, 240_000);

  it('c. the token revoked mid-backfill (401): NEEDS_REAUTH, run FAILED with a clear error, no crash', async () => {
    const started = Date.now();
    stack = await startResilienceStack(variant, { today, env: ENV, fake: FAKE });
    const prisma = stack.t.database.prisma;
    // Slow every data request down so the backfill is still running when the token is revoked.
    stack.fake.faults.delayNext(10_000, 60, '/v3/');
    const user = await createAndConnect(stack, 'revoked');
    const running = await waitFor('two windows done', async () => {
      const run = await prisma.syncRun.findFirst({ where: { connectionId: user.connectionId } });
      return run && run.windowsDone >= 2 ? run : null;
    }, { timeoutMs: 60_000, intervalMs: 20 });
    expect(running.status).toBe('RUNNING');
    const revokedAt = stack.fake.requests.length;
    stack.fake.revokeUser(user.polarUserId);

    const [run] = await waitForSyncIdle(prisma, user.connectionId, { timeoutMs: 60_000 });
    expect(run.status).toBe('FAILED');
    expect(run.error).toMatch(/401/);
    expect(run.error).toMatch(/re-?authori[sz]ation/i);
    expect(run.windowsDone).toBeLessThan(run.windowsTotal);
    const connection = await prisma.connection.findUniqueOrThrow({ where: { id: user.connectionId } });
    expect(connection.status).toBe('NEEDS_REAUTH');
    expect(connection.lastError).toMatch(/refused our access token/);
    expect(connection.lastError).toMatch(/connect again/);

    // No hammering with a dead token: the windows still queued are dropped without a request.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const after = stack.fake.requests.slice(revokedAt);
    expect(after.filter((r) => r.status === 401).length).toBeLessThanOrEqual(2);
    expect(after.filter((r) => r.status === 200 && r.path.startsWith('/v3/')).length).toBeLessThanOrEqual(3);

    // Still serving: GraphQL shows the state; records of the finished windows are kept.
    const res = await stack.t.graphql(
      `query($id: ID!) { node(id: $id) { ... on Connection { status lastError syncRuns(first: 5) { edges { node { status error windowsDone windowsTotal } } } } } }`,
      { id: connectionGlobalId(user.connectionId) },
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.node.status).toBe('NEEDS_REAUTH');
    expect(res.body.data.node.syncRuns.edges[0].node).toMatchObject({ status: 'FAILED', windowsDone: run.windowsDone, windowsTotal: run.windowsTotal });
    expect(await prisma.rawPayload.count({ where: { userId: user.userId } })).toBeGreaterThan(0);
    // A resync is refused while the connection needs re-authorisation.
    const resync = await stack.t.graphql(`mutation($id: ID!) { resyncConnection(connectionId: $id) { id } }`, { id: connectionGlobalId(user.connectionId) });
    expect(resync.body.errors?.[0]?.message).toMatch(/NEEDS_REAUTH/);
    assertNoDuplicates(await duplicateReport(prisma, user.userId));
    console.log(`[polar-faults ${variant}] 401 mid-sync: failed after ${run.windowsDone}/${run.windowsTotal} windows, ${Date.now() - started} ms`);
  }, 180_000);

  it('d. an outage of one data type longer than every retry: FAILED naming it, others stored; a resync fills the gap', async () => {
    expect(baseline).toBeDefined();
    const started = Date.now();
    stack = await startResilienceStack(variant, { today, env: ENV, fake: FAKE });
    const prisma = stack.t.database.prisma;
    // Same code path as production (retryCount < retryLimit), but 2 queue retries 1-6 s apart
    // instead of 5 retries over up to two minutes, to keep the suite short.
    await stack.t.app.boss.updateQueue(WINDOW_QUEUE, { name: WINDOW_QUEUE, retryLimit: 2, retryDelay: 1, retryBackoff: true });
    stack.fake.faults.failNext(100_000, 503, { pathPrefix: '/v3/users/activities' });

    const user = await createAndConnect(stack, 'outage');
    const [run] = await waitForSyncIdle(prisma, user.connectionId, { timeoutMs: 180_000 });
    expect(run.status).toBe('FAILED');
    expect(run.windowsDone).toBe(run.windowsTotal);
    expect(run.error).toMatch(/^daily_activity \d{4}-\d\d-\d\d\.\.\d{4}-\d\d-\d\d: GET http:\/\/127\.0\.0\.1:\d+\/v3\/users\/activities answered 503 after 4 retries$/);
    const connection = await prisma.connection.findUniqueOrThrow({ where: { id: user.connectionId } });
    expect(connection.status).toBe('ACTIVE');
    expect(connection.lastError).toBe(run.error);
    expect(connection.lastSyncedAt).toBeNull();

    // Every daily_activity window: 1 + 2 queue attempts, each 1 + 4 in-request attempts.
    const activityWindows = Math.ceil(DAYS / 28);
    expect(stack.fake.requests.filter((r) => r.path === '/v3/users/activities' && r.status === 503).length).toBe(activityWindows * 3 * 5);
    expect(stack.t.logLines.filter((l) => l.includes('sync window failed for good')).length).toBe(activityWindows);

    // Everything else is stored exactly as in the baseline; no daily activity payload is.
    const partial = await snapshotRecords(prisma, user.userId);
    expect(partial.workouts).toEqual(baseline.workouts);
    expect(partial.sleepSessions).toEqual(baseline.sleepSessions);
    expect(partial.recoveries).toEqual(baseline.recoveries);
    expect(partial.vo2MaxEstimates).toEqual(baseline.vo2MaxEstimates);
    expect(partial.heartRate).toEqual(baseline.heartRate);
    expect(partial.rawPayloads.keys).toEqual(baseline.rawPayloads.keys.filter((k) => !k.startsWith('daily_activity/')));
    expect(partial.dailyActivities.every((a) => a.steps === null || a.steps === undefined)).toBe(true);

    // The outage ends; a resync of the backfill range fills the gap.
    stack.fake.faults.clear();
    const resync = await stack.t.graphql(`mutation($id: ID!, $from: LocalDate!, $to: LocalDate!) { resyncConnection(connectionId: $id, from: $from, to: $to) { id status } }`, {
      id: connectionGlobalId(user.connectionId),
      from: shiftDate(today, -(DAYS - 1)),
      to: today,
    });
    expect(resync.body.errors).toBeUndefined();
    const runs = await waitForSyncIdle(prisma, user.connectionId, { minRuns: 2, timeoutMs: 180_000 });
    const last = runs.at(-1)!;
    expect({ kind: last.kind, status: last.status, error: last.error }).toEqual({ kind: 'RESYNC', status: 'SUCCEEDED', error: null });
    expect(await snapshotRecords(prisma, user.userId)).toEqual(baseline);
    assertNoDuplicates(await duplicateReport(prisma, user.userId));
    const healed = await prisma.connection.findUniqueOrThrow({ where: { id: user.connectionId } });
    expect(healed.lastError).toBeNull();
    expect(healed.lastSyncedAt).not.toBeNull();
    console.log(`[polar-faults ${variant}] outage + resync: ${Date.now() - started} ms`);
  }, 300_000);
});
