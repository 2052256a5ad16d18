/**
 * Garmin end to end, with only the GARMIN_* variables pointing at the simulator (src/sandbox/garmin/)
 * as an independent loopback server that pushes to the gateway's real listener, every Garmin URL
 * behind a path-prefix proxy: connect with PKCE -> backfill requests -> pushed history -> `days`
 * beside an Oura connection; updates replace; permission changes and deregistrations; refused
 * deliveries write nothing. Expected values are read off the simulator's payload and worked out
 * here, not by the mappers.
 */
import { GarminFake, startGarminFake, type Summary } from '../../../src/sandbox/garmin/index.js';
import { followAuthorization } from '../../../src/sandbox/shared/http.js';
import { createHttpClient } from '../../../src/providers/http.js';
import { startOuraFake, type OuraFake } from '../../fakes/oura/index.js';
import { databaseVariants } from '../../support/databases.js';
import { listeningTestApp, type ListeningApp } from '../../support/listening-app.js';
import { ENCRYPTION_KEY, REDIRECT, TODAY } from '../../support/polar-app.js';
import { CONNECT_PROVIDER, createUser, fromGlobalId } from '../../support/polar-oauth-helpers.js';
import { waitFor } from '../../support/polar-resilience.js';
import { startPrefixProxy, type PrefixProxy } from '../../support/prefix-proxy.js';
import { waitForSyncIdle } from '../../support/sync.js';
import { connectOura, OURA_VERIFICATION_TOKEN } from '../../support/two-provider-app.js';

const SECRET = 'path-secret-0123456789abcdef';
const DAY = '2026-11-18';

describe.each(databaseVariants())('Garmin, the push provider (%s)', (variant) => {
  let garmin: GarminFake;
  let oura: OuraFake;
  let app: ListeningApp;
  let proxies: PrefixProxy[];
  let user: { id: string; gid: string };
  let connectionId: string;
  let garminUserId: string;

  const prisma = () => app.t.database.prisma;
  /** Everything the simulator sent has been answered and mapped. */
  const settled = async () => {
    await garmin.idle();
    await waitFor('push deliveries processed', async () => (await prisma().pushDelivery.count()) === 0);
  };
  const summaryOn = (key: Parameters<GarminFake['summaries']>[1], date: string): Summary => garmin.summaries(garminUserId, key).find((s) => s.calendarDate === date)!;

  beforeAll(async () => {
    garmin = await startGarminFake({ today: TODAY, days: 20, seed: 5, offsetSeconds: 3600, batchItems: 25 });
    oura = await startOuraFake({ today: TODAY, days: 20, seed: 5 });
    proxies = await Promise.all([
      startPrefixProxy(garmin.url, '/edge/garmin-auth'),
      startPrefixProxy(garmin.url, '/edge/garmin-token'),
      startPrefixProxy(garmin.url, '/edge/garmin/api'),
    ]);
    const [auth, token, api] = proxies;
    app = await listeningTestApp(
      variant,
      {
        GARMIN_CLIENT_ID: garmin.clientId,
        GARMIN_CLIENT_SECRET: garmin.clientSecret,
        GARMIN_AUTHORIZATION_URL: `${auth.base}/oauth2Confirm`,
        GARMIN_TOKEN_URL: `${token.base}/di-oauth2-service/oauth/token`,
        GARMIN_API_URL: api.base,
        GARMIN_WEBHOOK_PATH_SECRET: SECRET,
        OURA_CLIENT_ID: oura.clientId,
        OURA_CLIENT_SECRET: oura.clientSecret,
        OURA_AUTHORIZATION_URL: oura.authorizationUrl,
        OURA_TOKEN_URL: oura.tokenUrl,
        OURA_API_URL: oura.apiUrl,
        OURA_WEBHOOK_VERIFICATION_TOKEN: OURA_VERIFICATION_TOKEN,
        OAUTH_REDIRECT_ALLOWLIST: 'https://app.example.com/',
        ENCRYPTION_KEY,
        SYNC_BACKFILL_DAYS: '10',
        SYNC_POLLING_INTERVAL_SECONDS: '1',
        SYNC_INTERVAL_SECONDS: '0',
      },
      { http: createHttpClient({ baseDelayMs: 5, maxDelayMs: 2000 }), today: () => TODAY },
    );
    // What the operator enters in Garmin's portal (npm run cli -- webhooks register garmin prints it).
    garmin.webhookUrl = `${app.url}/webhooks/garmin/${SECRET}`;

    user = await createUser(app.t, 'garmin-user');
    const started = await app.t.graphql(CONNECT_PROVIDER, { input: { userId: user.gid, provider: 'GARMIN', redirectUri: REDIRECT } });
    expect(started.body.errors).toBeUndefined();
    const callback = new URL(await followAuthorization(garmin.url, started.body.data.connectProvider.authorizationUrl, 'Garmin'));
    const response = await app.t.app.yoga.fetch(`${app.url}${callback.pathname}${callback.search}`, { redirect: 'manual' });
    const redirect = new URL(response.headers.get('location')!);
    expect(redirect.searchParams.get('status')).toBe('connected');
    connectionId = fromGlobalId(redirect.searchParams.get('connectionId')!);
    expect((await connectOura(oura, app.t, user.gid)).searchParams.get('status')).toBe('connected');
    garminUserId = (await prisma().connection.findUniqueOrThrow({ where: { id: connectionId } })).providerUserId!;
  }, 90_000);

  afterAll(async () => {
    await app?.close();
    await Promise.all([garmin?.close(), oura?.close(), ...(proxies ?? []).map((p) => p.close())]);
  });

  it('connects with PKCE, requests the backfill and maps the pushed history into days beside Oura', async () => {
    // PKCE S256 and the client credentials in the body (the simulator refuses anything else).
    const authorize = garmin.requests.find((r) => r.path === '/oauth2Confirm')!;
    expect(authorize.query.code_challenge_method).toBe('S256');
    const runs = await waitForSyncIdle(prisma(), connectionId, { timeoutMs: 60_000 });
    expect(runs.map((r) => [r.kind, r.status, r.error])).toEqual([['BACKFILL', 'SUCCEEDED', null]]);
    // One backfill request per type (10 days: one window each; activity files are pings, never requested).
    const backfills = garmin.requests.filter((r) => r.path.startsWith('/wellness-api/rest/backfill/'));
    expect(backfills.map((r) => r.path.split('/').pop()).sort()).toEqual(
      ['activities', 'activityDetails', 'bloodPressures', 'bodyComps', 'dailies', 'epochs', 'hrv', 'pulseOx', 'respiration', 'skinTemp', 'sleeps', 'stressDetails', 'userMetrics'].sort(),
    );
    expect(backfills.every((r) => r.status === 202)).toBe(true);
    expect(runs[0].awaitingTypes.every((t) => runs[0].arrivedTypes.includes(t))).toBe(true);
    await settled();
    // Deliveries came in batches mixing types, each answered 200.
    expect(garmin.deliveries.length).toBeGreaterThan(3);
    expect(garmin.deliveries.every((d) => d.status === 200)).toBe(true);
    expect(garmin.deliveries.some((d) => d.keys.length > 1)).toBe(true);

    const daily = summaryOn('dailies', DAY);
    const sleep = summaryOn('sleeps', DAY);
    const hrv = summaryOn('hrv', DAY);
    const activity = garmin.summaries(garminUserId, 'activities').find((a) => new Date(((a.startTimeInSeconds as number) + 3600) * 1000).toISOString().startsWith(DAY))!;
    const details = garmin.summaries(garminUserId, 'activityDetails').find((d) => d.activityId === activity.activityId)!;
    const levels = sleep.sleepLevelsMap as Record<string, { startTimeInSeconds: number; endTimeInSeconds: number }[]>;
    const lastStageEnd = Math.max(...Object.values(levels).flat().map((l) => l.endTimeInSeconds));
    const stageCount = Object.values(levels).flat().length;

    const res = await app.t.graphql(
      `query($id: ID!, $from: DateTime!, $to: DateTime!) { user(id: $id) {
        days(from: "${DAY}", to: "${DAY}") {
          workouts { sport durationSeconds distanceMeters averageHeartRateBpm startTime source { provider device } }
          sleep { type startTime endTime totalSleepSeconds deepSleepSeconds score hypnogram source { provider } }
          recovery { hrvRmssdMs restingHeartRateBpm source { provider } }
          activity { steps activeEnergyKcal totalEnergyKcal extras source { provider } }
        }
        heartRate(from: $from, to: $to, provider: GARMIN, first: 100) { edges { node { time bpm context } } }
      } }`,
      {
        id: user.gid,
        from: new Date((activity.startTimeInSeconds as number) * 1000).toISOString(),
        to: new Date(((activity.startTimeInSeconds as number) + (activity.durationInSeconds as number)) * 1000).toISOString(),
      },
    );
    expect(res.body.errors).toBeUndefined();
    const [day] = res.body.data.user.days;
    const of = <T extends { source: { provider: string } }>(list: T[], provider: string) => list.filter((r) => r.source.provider === provider);
    expect(of(day.workouts, 'GARMIN')).toEqual([
      {
        sport: 'RUNNING',
        durationSeconds: activity.durationInSeconds,
        distanceMeters: activity.distanceInMeters,
        averageHeartRateBpm: activity.averageHeartRateInBeatsPerMinute,
        startTime: new Date((activity.startTimeInSeconds as number) * 1000).toISOString(),
        source: { provider: 'GARMIN', device: 'forerunner965' },
      },
    ]);
    // Every sample of the activity details (and of its FIT file, at the same instants) is one heart-rate sample.
    const samples = details.samples as { startTimeInSeconds: number; heartRate: number }[];
    expect(res.body.data.user.heartRate.edges.map((e: any) => [e.node.time, e.node.bpm, e.node.context])).toEqual(
      samples.map((s) => [new Date(s.startTimeInSeconds * 1000).toISOString(), s.heartRate, 'workout']),
    );
    const [garminSleep] = of<any>(day.sleep, 'GARMIN');
    expect(garminSleep).toMatchObject({
      type: 'MAIN',
      startTime: new Date((sleep.startTimeInSeconds as number) * 1000).toISOString(),
      // The session ends with its last stage (durationInSeconds counts sleep only).
      endTime: new Date(lastStageEnd * 1000).toISOString(),
      totalSleepSeconds: sleep.durationInSeconds,
      deepSleepSeconds: sleep.deepSleepDurationInSeconds,
      score: (sleep.overallSleepScore as { value: number }).value,
    });
    expect(garminSleep.hypnogram).toHaveLength(stageCount);
    expect(of(day.recovery, 'GARMIN')).toEqual([{ hrvRmssdMs: hrv.lastNightAvg, restingHeartRateBpm: daily.restingHeartRateInBeatsPerMinute, source: { provider: 'GARMIN' } }]);
    const [garminDay] = of(day.activity, 'GARMIN');
    expect(garminDay).toMatchObject({
      steps: daily.steps,
      activeEnergyKcal: daily.activeKilocalories,
      totalEnergyKcal: (daily.activeKilocalories as number) + (daily.bmrKilocalories as number),
      extras: { averageStressLevel: daily.averageStressLevel, bmrKilocalories: daily.bmrKilocalories, bodyBatteryChargedValue: daily.bodyBatteryChargedValue },
    });
    // Stress and body battery samples of the day's stress details are measurements (negative codes are not values).
    const stress = summaryOn('stressDetails', DAY);
    const stressValues = Object.entries(stress.timeOffsetStressLevelValues as Record<string, number>)
      .filter(([, v]) => v >= 0)
      .map(([offset, v]) => [new Date(((stress.startTimeInSeconds as number) + Number(offset)) * 1000).toISOString(), v]);
    const stored = await prisma().measurement.findMany({
      where: { userId: user.id, provider: 'GARMIN', metric: 'stress_level', localDate: new Date(`${DAY}T00:00:00Z`) },
      orderBy: { startTime: 'asc' },
    });
    expect(stored.map((m) => [m.startTime.toISOString(), m.value])).toEqual(stressValues);
    const pressure = garmin.summaries(garminUserId, 'bloodPressures')[garmin.summaries(garminUserId, 'bloodPressures').length - 1];
    const systolic = await prisma().measurement.findFirst({ where: { userId: user.id, provider: 'GARMIN', metric: 'blood_pressure_systolic_mmhg', startTime: new Date((pressure.measurementTimeInSeconds as number) * 1000) } });
    expect(systolic?.value).toBe(pressure.systolic);
    // Beside the other provider's records of the same day.
    expect(of(day.sleep, 'OURA').length).toBeGreaterThan(0);
    expect(of(day.activity, 'OURA').length).toBe(1);

    // Activity files: pings, downloaded once each (FIT decoded with Garmin's SDK); a second GET is 410.
    const files = garmin.requests.filter((r) => r.path === '/wellness-api/rest/activityFile');
    const activitiesInRange = await prisma().rawPayload.count({ where: { userId: user.id, provider: 'GARMIN', dataType: 'activities' } });
    expect(files.length).toBe(activitiesInRange);
    expect(await prisma().rawPayload.count({ where: { userId: user.id, provider: 'GARMIN', dataType: 'activityFiles' } })).toBe(activitiesInRange);
    const again = await fetch(`${garmin.url}${files[0].path}?${new URLSearchParams(files[0].query)}`);
    expect(again.status).toBe(410);
    // Every call went through the configured (prefixed) URLs.
    expect(proxies.flatMap((p) => p.outside)).toEqual([]);
    expect(proxies[2].forwarded).toContain('/edge/garmin/api/wellness-api/rest/user/id');
  }, 120_000);

  it('a re-sent summary replaces the earlier one', async () => {
    const sleep = summaryOn('sleeps', DAY);
    const daily = summaryOn('dailies', DAY);
    garmin.resend(garminUserId, 'sleeps', sleep.summaryId, { overallSleepScore: { value: 97, qualifierKey: 'EXCELLENT' } });
    garmin.resend(garminUserId, 'dailies', daily.summaryId, { steps: (daily.steps as number) + 1234 });
    await settled();
    const sleeps = await prisma().sleepSession.findMany({ where: { userId: user.id, provider: 'GARMIN', localDate: new Date(`${DAY}T00:00:00Z`) } });
    expect(sleeps.map((s) => s.score)).toEqual([97]);
    const days = await prisma().dailyActivity.findMany({ where: { userId: user.id, provider: 'GARMIN', localDate: new Date(`${DAY}T00:00:00Z`) } });
    expect(days.map((d) => d.steps)).toEqual([(daily.steps as number) + 1234]);
  }, 60_000);

  it('refuses deliveries with a wrong client id or path secret, and writes nothing', async () => {
    const garminPayloads = () => prisma().rawPayload.count({ where: { provider: 'GARMIN' } });
    const before = await garminPayloads();
    const body = JSON.stringify({ bloodPressures: [{ userId: garminUserId, summaryId: 'intruder', measurementTimeInSeconds: 1_763_000_000, systolic: 200, diastolic: 100 }] });
    expect(await garmin.deliverRaw(body, { 'garmin-client-id': 'someone-else' })).toBe(401);
    expect(await garmin.deliverRaw(body, {}, `${app.url}/webhooks/garmin/not-the-secret`)).toBe(404);
    expect(await garmin.deliverRaw(body, {}, `${app.url}/webhooks/garmin`)).toBe(404);
    expect(await prisma().pushDelivery.count()).toBe(0);
    expect(await garminPayloads()).toBe(before);
  }, 30_000);

  it('shows a permission change on the connection; a deregistration revokes it', async () => {
    garmin.changePermissions(garminUserId, ['ACTIVITY_EXPORT']);
    await settled();
    const changed = await prisma().connection.findUniqueOrThrow({ where: { id: connectionId } });
    expect(changed.scopes).toEqual(['ACTIVITY_EXPORT']);
    expect(changed.lastError).toMatch(/does not share HEALTH_EXPORT/);
    garmin.deregister(garminUserId);
    await settled();
    const revoked = await prisma().connection.findUniqueOrThrow({ where: { id: connectionId } });
    expect(revoked.status).toBe('REVOKED');
  }, 60_000);
});
