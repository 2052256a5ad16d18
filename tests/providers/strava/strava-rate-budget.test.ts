/**
 * Issue 20 section 4, windows shortened: Strava's limits belong to the application, so several
 * users connecting at once share one budget with the webhook events arriving meanwhile. The
 * simulator's 15-minute window is PERIOD seconds with READS reads (the daily one is far away);
 * STRAVA_RATE_LIMIT_PERIODS tells the reader the same. Claims: every webhook-triggered activity
 * is fetched within one window of its event, the backfills proceed at the budget's pace (waiting,
 * with progress saying so), no window fails and no 429 is lost.
 */
import { registerProviderWebhook } from '../../../src/connections/webhook-admin.js';
import { createHttpClient } from '../../../src/providers/http.js';
import { providerById } from '../../../src/providers/registry.js';
import { toProgress } from '../../../src/sync/progress.js';
import { databaseVariants } from '../../support/databases.js';
import { createUser, fromGlobalId } from '../../support/polar-oauth-helpers.js';
import { connectStrava, startStravaStack } from '../../support/strava-app.js';

const PERIOD = 4;
const READS = 24;
const USERS = 5;
const EVENTS = 3;

describe.each(databaseVariants())('Strava under the app-wide rate budget (%s)', (variant) => {
  let stack: Awaited<ReturnType<typeof startStravaStack>>;

  beforeAll(async () => {
    stack = await startStravaStack(variant, {
      fake: { days: 14, seed: 9, rateLimit: { overall: [2 * READS, 100_000], read: [READS, 100_000], periodsSeconds: [PERIOD, 3600] } },
      env: { SYNC_BACKFILL_DAYS: '10', STRAVA_RATE_LIMIT_PERIODS: `${PERIOD},3600` },
      maxDelayMs: 200,
    });
    await registerProviderWebhook({ ...stack.t.app, prisma: stack.t.database.prisma, http: createHttpClient() }, providerById('STRAVA'));
  }, 60_000);
  afterAll(() => stack.close());

  it(`${USERS} users connect at once while events arrive: webhook fetches within a window, backfills paced, nothing failed or lost`, async () => {
    const prisma = stack.t.database.prisma;
    const started = Date.now();
    const users = await Promise.all(Array.from({ length: USERS }, (_, i) => createUser(stack.t, `strava-budget-${i}`)));
    const redirects = await Promise.all(users.map((u) => connectStrava(stack.strava, stack.t, u.gid)));
    const connections = redirects.map((r) => fromGlobalId(r.searchParams.get('connectionId')!));
    const athletes = await Promise.all(connections.map(async (id) => Number((await prisma.connection.findUniqueOrThrow({ where: { id } })).providerUserId)));

    // Events for the first users while every backfill is under way; each must be fetched within a window.
    const latencies: number[] = [];
    const announced = new Set<number | string>();
    const messages = new Set<string>();
    const watchProgress = async () => {
      for (const run of await prisma.syncRun.findMany({ where: { connectionId: { in: connections }, kind: 'BACKFILL' } })) {
        const message = toProgress(run).message;
        if (message) messages.add(message);
      }
    };
    for (let i = 0; i < EVENTS; i++) {
      await new Promise((resolve) => setTimeout(resolve, 700));
      const athlete = athletes[i % USERS];
      const activity = stack.strava.addActivity(athlete, { minutesAgo: 30 + i });
      announced.add(activity.id);
      const sent = Date.now();
      expect(await stack.strava.sendEvent({ object_type: 'activity', aspect_type: 'create', object_id: activity.id, owner_id: athlete })).toBe(200);
      for (;;) {
        await watchProgress();
        if (await prisma.workout.findFirst({ where: { provider: 'STRAVA', providerRecordId: String(activity.id) }, select: { id: true } })) break;
        if (Date.now() - sent > 30_000) throw new Error(`event ${i} not fetched in 30 s`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      latencies.push(Date.now() - sent);
    }

    // The backfills finish at the budget's pace.
    for (;;) {
      await watchProgress();
      const running = await prisma.syncRun.count({ where: { connectionId: { in: connections }, status: 'RUNNING' } });
      if (running === 0) break;
      if (Date.now() - started > 150_000) throw new Error('backfills did not finish in 150 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const seconds = (Date.now() - started) / 1000;
    const runs = await prisma.syncRun.findMany({ where: { connectionId: { in: connections } } });
    const apiRequests = stack.strava.requests.filter((r) => r.path.startsWith('/api/v3/athlete/') || r.path.startsWith('/api/v3/activities/')).length;
    process.stderr.write(
      `[strava budget] ${variant}: ${USERS} backfills + ${EVENTS} events in ${seconds.toFixed(1)} s, ${apiRequests} API requests (${READS} reads per ${PERIOD} s), webhook latency ms ${latencies.join('/')}, 429s ${stack.strava.rateLimited}, delayed windows ${stack.t.logLines.filter((l) => l.includes('window waits')).length}\n`,
    );

    expect(runs.filter((r) => r.status !== 'SUCCEEDED').map((r) => [r.kind, r.status, r.error])).toEqual([]);
    // More requests than one window allows: the budget had to pace them.
    expect(apiRequests).toBeGreaterThan(3 * READS);
    expect(stack.t.logLines.some((l) => l.includes('window waits'))).toBe(true);
    expect([...messages].every((m) => /^waiting for rate budget until \d\d:\d\d UTC$/.test(m))).toBe(true);
    // Each webhook-triggered activity within one window of its event (its fetch may have to wait for the window's end).
    for (const latency of latencies) expect(latency).toBeLessThan(2 * PERIOD * 1000 + 1500);
    // Every backfilled activity is there (and each announced one, fetched by id whatever its local
    // date); any 429 was turned into a delay, none into a loss.
    const today = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.parse(`${today}T00:00:00Z`) - 9 * 86_400_000).toISOString().slice(0, 10);
    for (const [i, athlete] of athletes.entries()) {
      const expected = stack.strava
        .activitiesFor(athlete)
        .filter((a) => {
          const day = new Date(Date.parse(a.start_date) + a.utc_offset * 1000).toISOString().slice(0, 10);
          return (day >= from && day <= today) || announced.has(a.id);
        }).length;
      expect(await prisma.workout.count({ where: { userId: users[i].id, provider: 'STRAVA' } })).toBe(expected);
    }
  }, 200_000);
});
