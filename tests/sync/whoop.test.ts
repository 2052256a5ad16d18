/**
 * WHOOP end to end, configured only through WHOOP_* variables pointing at the WHOOP simulator on
 * loopback, next to Polar and Oura for the same user: connect -> callback -> backfill -> one days
 * query; signed webhooks (recovery.updated by sleep UUID, workout.deleted, bad signature, stale
 * timestamp); a burst of 429s; refresh-token rotation; disconnect revokes access at WHOOP.
 *
 * One day (2026-11-18) of the simulator's data is replaced by round values, so the expected
 * normalized values below are worked out by hand from those payloads.
 */
import { authorizeWhoop, signWhoopWebhook, startWhoopFake, type WhoopFake, type WhoopWorkout } from '../../src/sandbox/whoop/index.js';
import { databaseVariants } from '../support/databases.js';
import { connectPolar, REDIRECT, TODAY } from '../support/polar-app.js';
import { userGlobalId } from '../support/seed.js';
import { waitForSyncIdle } from '../support/sync.js';
import { connectOura, startTwoProviderStack, stopTwoProviderStack } from '../support/two-provider-app.js';

const fromGlobalId = (id: string) => Buffer.from(id, 'base64').toString().split(':')[1];
const connectionGlobalId = (id: string) => Buffer.from(`Connection:${id}`).toString('base64');
const DAY = '2026-11-18';
const WORKOUT_ID = '0f6a2c1e-5b7d-4e8f-9a10-1b2c3d4e5f60';

/** Round values for DAY's night, cycle and an evening workout (local -05:00: 21:15 on DAY is 02:15Z the next day). */
function pinDay(whoop: WhoopFake, userId: number): { sleepId: string } {
  const data = whoop.dataFor(userId);
  const sleep = data.sleeps.find((s) => !s.nap && s.end.startsWith(DAY))!;
  const cycle = data.cycles.find((c) => c.id === sleep.cycle_id)!;
  const previous = data.cycles.find((c) => c.id === sleep.cycle_id - 1)!;
  Object.assign(sleep, {
    start: '2026-11-18T03:40:00.000Z',
    end: '2026-11-18T11:10:00.000Z',
    score_state: 'SCORED',
    score: {
      stage_summary: {
        total_in_bed_time_milli: 27_000_000,
        total_awake_time_milli: 1_800_000,
        total_no_data_time_milli: 0,
        total_light_sleep_time_milli: 12_600_000,
        total_slow_wave_sleep_time_milli: 5_400_000,
        total_rem_sleep_time_milli: 7_200_000,
        sleep_cycle_count: 4,
        disturbance_count: 9,
      },
      sleep_needed: { baseline_milli: 27_000_000, need_from_sleep_debt_milli: 0, need_from_recent_strain_milli: 0, need_from_recent_nap_milli: 0 },
      respiratory_rate: 15.5,
      sleep_performance_percentage: 88,
      sleep_consistency_percentage: 80,
      sleep_efficiency_percentage: 93.33,
    },
  });
  Object.assign(cycle, { start: sleep.start, score_state: 'SCORED', score: { strain: 14.2, kilojoule: 10_460, average_heart_rate: 64, max_heart_rate: 171 } });
  previous.end = sleep.start;
  Object.assign(data.recoveries.find((r) => r.sleep_id === sleep.id)!, {
    score_state: 'SCORED',
    score: { user_calibrating: false, recovery_score: 67, resting_heart_rate: 52, hrv_rmssd_milli: 64.25, spo2_percentage: 96.5, skin_temp_celsius: 33.4 },
  });
  // The only workout of DAY (local): one that starts on the next UTC date.
  const localDay = (w: WhoopWorkout) => new Date(Date.parse(w.start) - 5 * 3_600_000).toISOString().slice(0, 10);
  data.workouts.splice(0, data.workouts.length, ...data.workouts.filter((w) => localDay(w) !== DAY));
  data.workouts.push({
    id: WORKOUT_ID,
    user_id: userId,
    created_at: '2026-11-19T03:30:00.000Z',
    updated_at: '2026-11-19T03:30:00.000Z',
    start: '2026-11-19T02:15:00.000Z',
    end: '2026-11-19T03:15:30.000Z',
    timezone_offset: '-05:00',
    sport_name: 'functional-fitness',
    score_state: 'SCORED',
    score: {
      strain: 12.5,
      average_heart_rate: 150,
      max_heart_rate: 178,
      kilojoule: 2_092,
      percent_recorded: 100,
      distance_meter: 10_000.5,
      altitude_gain_meter: 20,
      altitude_change_meter: 1,
      zone_durations: { zone_zero_milli: 0, zone_one_milli: 600_000, zone_two_milli: 1_200_000, zone_three_milli: 1_200_000, zone_four_milli: 600_000, zone_five_milli: 30_000 },
    },
  });
  data.workouts.sort((a, b) => Date.parse(b.start) - Date.parse(a.start));
  // Another workout WHOOP could not score: stored with its times, metrics null (not zero).
  const unscorable = data.workouts.find((w) => w.id !== WORKOUT_ID)!;
  unscorable.score_state = 'UNSCORABLE';
  delete unscorable.score;
  return { sleepId: sleep.id };
}

describe.each(databaseVariants())('WHOOP next to Polar and Oura (%s)', (variant) => {
  let stack: Awaited<ReturnType<typeof startTwoProviderStack>>;
  let whoop: WhoopFake;
  let userId: string;
  let connectionId: string;
  let whoopUserId: number;
  const prisma = () => stack.t.database.prisma;

  const days = async (from: string, to: string) => {
    const res = await stack.t.graphql(
      `query($id: ID!) { user(id: $id) { days(from: "${from}", to: "${to}") {
        date
        sleep { type startTime endTime utcOffsetMinutes timeInBedSeconds totalSleepSeconds lightSleepSeconds deepSleepSeconds remSleepSeconds awakeSeconds unrecognizedSleepSeconds efficiencyPercent score breathingRatePerMinute source { provider } }
        recovery { readinessScore hrvRmssdMs restingHeartRateBpm skinTemperatureDeviationCelsius extras source { provider } }
        activity { totalEnergyKcal utcOffsetMinutes extras source { provider } }
        workouts { providerRecordId sport providerSport startTime utcOffsetMinutes durationSeconds energyKcal distanceMeters averageHeartRateBpm maxHeartRateBpm heartRateZones extras source { provider } }
      } } }`,
      { id: userGlobalId(userId) },
    );
    expect(res.body.errors).toBeUndefined();
    return res.body.data.user.days as any[];
  };
  const deliver = (body: string, headers: Record<string, string>) =>
    stack.t.app.yoga.fetch('http://gateway.test/webhooks/whoop', { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  const signed = (body: string, timestamp = String(Date.now())) =>
    deliver(body, { 'x-whoop-signature-timestamp': timestamp, 'x-whoop-signature': signWhoopWebhook(timestamp, body, whoop.clientSecret) });

  beforeAll(async () => {
    stack = await startTwoProviderStack(variant, async () => {
      whoop = await startWhoopFake({ today: TODAY, days: 20, seed: 19, offsetMinutes: -300, clientId: 'whoop-app', clientSecret: 'whoop-app-secret-0123', minuteWindowSeconds: 2 });
      return {
        WHOOP_CLIENT_ID: whoop.clientId,
        WHOOP_CLIENT_SECRET: whoop.clientSecret,
        WHOOP_AUTHORIZATION_URL: whoop.authorizationUrl,
        WHOOP_TOKEN_URL: whoop.tokenUrl,
        WHOOP_API_URL: whoop.apiUrl,
        SYNC_BACKFILL_DAYS: '7',
      };
    });
    const created = await stack.t.graphql('mutation { createUser(input: { externalId: "whoop-polar-oura" }) { id } }');
    userId = fromGlobalId(created.body.data.createUser.id);
  }, 60_000);
  afterAll(async () => {
    await stopTwoProviderStack(stack);
    await whoop.close();
  });

  it('connects WHOOP and backfills: the days query shows its sleep, recovery, day strain and workout beside Polar and Oura', async () => {
    whoopUserId = 424_242;
    whoop.setNextUser({ userId: whoopUserId });
    const polar = fromGlobalId((await connectPolar(stack.polar, stack.t, userGlobalId(userId))).searchParams.get('connectionId')!);
    const oura = fromGlobalId((await connectOura(stack.oura, stack.t, userGlobalId(userId))).searchParams.get('connectionId')!);
    const authUrl = (await stack.t.graphql(`mutation($input: ConnectProviderInput!) { connectProvider(input: $input) { authorizationUrl } }`, {
      input: { userId: userGlobalId(userId), provider: 'WHOOP', redirectUri: REDIRECT },
    })).body.data.connectProvider.authorizationUrl as string;
    const asked = new URL(authUrl);
    expect(asked.searchParams.get('scope')!.split(' ')).toEqual(expect.arrayContaining(['offline', 'read:recovery', 'read:cycles', 'read:sleep', 'read:workout', 'read:profile']));
    expect(asked.searchParams.get('state')!.length).toBeGreaterThanOrEqual(8);
    // The authorization creates the user at WHOOP; the day is pinned before the callback starts the backfill.
    const callback = new URL(await authorizeWhoop(whoop, authUrl));
    pinDay(whoop, whoopUserId);
    const response = await stack.t.app.yoga.fetch(`http://gateway.test${callback.pathname}${callback.search}`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    connectionId = fromGlobalId(new URL(response.headers.get('location')!).searchParams.get('connectionId')!);
    for (const id of [polar, oura, connectionId]) expect((await waitForSyncIdle(prisma(), id, { timeoutMs: 90_000 }))[0].status).toBe('SUCCEEDED');

    const connection = await prisma().connection.findUniqueOrThrow({ where: { id: connectionId } });
    expect(connection).toMatchObject({ status: 'ACTIVE', providerUserId: String(whoopUserId), sandbox: false });
    expect(connection.scopes).toContain('offline');
    expect(connection.refreshTokenEncrypted).toMatch(/^v1\./);
    // Every collection call asked for at most 25 records.
    const listCalls = whoop.requests.filter((r) => /\/developer\/v2\/(cycle|recovery|activity\/sleep|activity\/workout)$/.test(r.path));
    expect(listCalls.length).toBeGreaterThan(0);
    expect(listCalls.every((r) => Number(r.query.limit) <= 25)).toBe(true);

    const [day] = await days(DAY, DAY);
    const whoopOf = (list: any[]) => list.filter((r) => r.source.provider === 'WHOOP');
    expect(whoopOf(day.sleep)).toEqual([
      {
        type: 'MAIN',
        startTime: '2026-11-18T03:40:00.000Z',
        endTime: '2026-11-18T11:10:00.000Z',
        utcOffsetMinutes: -300,
        timeInBedSeconds: 27_000,
        totalSleepSeconds: 25_200, // 12600 light + 5400 deep + 7200 REM
        lightSleepSeconds: 12_600,
        deepSleepSeconds: 5_400,
        remSleepSeconds: 7_200,
        awakeSeconds: 1_800,
        unrecognizedSleepSeconds: 0,
        efficiencyPercent: 93.33,
        score: 88,
        breathingRatePerMinute: 15.5,
        source: { provider: 'WHOOP' },
      },
    ]);
    expect(whoopOf(day.recovery)).toEqual([
      {
        readinessScore: 67,
        hrvRmssdMs: 64.25,
        restingHeartRateBpm: 52,
        skinTemperatureDeviationCelsius: null,
        extras: { whoop: expect.objectContaining({ recoveryScore: 67, spo2Percentage: 96.5, skinTempCelsius: 33.4, scoreState: 'SCORED' }) },
        source: { provider: 'WHOOP' },
      },
    ]);
    const [activity] = whoopOf(day.activity);
    expect(activity.totalEnergyKcal).toBeCloseTo(2_500, 6); // 10460 kJ / 4.184
    expect(activity.utcOffsetMinutes).toBe(-300);
    expect(activity.extras.whoop).toMatchObject({ strain: 14.2, averageHeartRateBpm: 64, maxHeartRateBpm: 171 });
    const [workout] = whoopOf(day.workouts);
    expect(workout).toMatchObject({
      providerRecordId: WORKOUT_ID,
      sport: 'CIRCUIT_TRAINING',
      providerSport: 'functional-fitness',
      startTime: '2026-11-19T02:15:00.000Z', // 21:15 on the 18th at -05:00
      utcOffsetMinutes: -300,
      durationSeconds: 3_630,
      distanceMeters: 10_000.5,
      averageHeartRateBpm: 150,
      maxHeartRateBpm: 178,
      extras: { whoop: expect.objectContaining({ strain: 12.5 }) },
    });
    expect(workout.energyKcal).toBeCloseTo(500, 6); // 2092 kJ / 4.184
    expect(workout.heartRateZones.map((z: any) => z.durationSeconds)).toEqual([0, 600, 1_200, 1_200, 600, 30]);
    // Polar and Oura data of the same user in the same query.
    const week = await days('2026-11-14', '2026-11-20');
    const providers = new Set(week.flatMap((d) => [...d.sleep, ...d.recovery, ...d.workouts, ...d.activity].map((r: any) => r.source.provider)));
    expect([...providers].sort()).toEqual(['OURA', 'POLAR', 'WHOOP']);

    // Not scored: today's recovery is kept raw but not mapped; the unscorable workout has null metrics.
    const today = whoop.dataFor(whoopUserId).recoveries.find((r) => r.score_state === 'PENDING_SCORE')!;
    expect(await prisma().rawPayload.count({ where: { userId, provider: 'WHOOP', providerRecordId: `recovery:${today.sleep_id}` } })).toBe(1);
    expect(await prisma().recovery.count({ where: { userId, provider: 'WHOOP', providerRecordId: `recovery:${today.sleep_id}` } })).toBe(0);
    const unscorable = whoop.dataFor(whoopUserId).workouts.find((w) => w.score_state === 'UNSCORABLE')!;
    const stored = await prisma().workout.findMany({ where: { userId, provider: 'WHOOP', providerRecordId: unscorable.id } });
    if (stored.length) expect(stored[0]).toMatchObject({ energyKcal: null, averageHeartRateBpm: null, distanceMeters: null });
  }, 150_000);

  it('refuses bad signatures and stale timestamps; a signed recovery.updated (sleep UUID) updates the day, workout.deleted removes the workout', async () => {
    const today = whoop.dataFor(whoopUserId).recoveries.find((r) => r.score_state === 'PENDING_SCORE')!;
    whoop.scoreRecovery(whoopUserId, today.sleep_id, { user_calibrating: false, recovery_score: 81, resting_heart_rate: 49, hrv_rmssd_milli: 77.5, spo2_percentage: 97, skin_temp_celsius: 33.9 });
    const body = JSON.stringify({ user_id: whoopUserId, id: today.sleep_id, type: 'recovery.updated', trace_id: 'trace-recovery-1' });
    const now = String(Date.now());
    expect((await deliver(body, { 'x-whoop-signature-timestamp': now, 'x-whoop-signature': signWhoopWebhook(now, body, 'not-the-secret') })).status).toBe(401);
    expect((await deliver(body, { 'x-whoop-signature-timestamp': now })).status).toBe(401);
    expect((await signed(body, String(Date.now() - 10 * 60_000))).status).toBe(401);
    expect(await prisma().webhookDelivery.count({ where: { provider: 'WHOOP' } })).toBe(0);

    const runsBefore = await prisma().syncRun.count({ where: { connectionId } });
    const ok = await signed(body);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ ok: true, queued: 1 });
    await waitForSyncIdle(prisma(), connectionId, { minRuns: runsBefore + 1, timeoutMs: 60_000 });
    const [day] = await days(TODAY, TODAY);
    expect(day.recovery.filter((r: any) => r.source.provider === 'WHOOP')).toEqual([expect.objectContaining({ readinessScore: 81, hrvRmssdMs: 77.5, restingHeartRateBpm: 49 })]);
    // Fetched by id: the sleep, then its cycle's recovery.
    const sleep = whoop.dataFor(whoopUserId).sleeps.find((s) => s.id === today.sleep_id)!;
    const paths = whoop.requests.map((r) => r.path);
    expect(paths).toContain(`/developer/v2/activity/sleep/${today.sleep_id}`);
    expect(paths).toContain(`/developer/v2/cycle/${sleep.cycle_id}/recovery`);

    expect(await prisma().workout.count({ where: { userId, provider: 'WHOOP', providerRecordId: WORKOUT_ID } })).toBe(1);
    whoop.deleteWorkout(whoopUserId, WORKOUT_ID);
    const deleted = await signed(JSON.stringify({ user_id: whoopUserId, id: WORKOUT_ID, type: 'workout.deleted', trace_id: 'trace-delete-1' }));
    expect(deleted.status).toBe(200);
    // Removed when the delivery is acknowledged, not by a later sync.
    expect(await prisma().workout.count({ where: { userId, provider: 'WHOOP', providerRecordId: WORKOUT_ID } })).toBe(0);
  }, 90_000);

  it('a burst of 429s slows a resync without losing a window', async () => {
    // WHOOP re-scores every sleep: each must arrive despite the 429s.
    for (const s of whoop.dataFor(whoopUserId).sleeps) if (s.score) s.score.sleep_performance_percentage = 50;
    const before = await prisma().sleepSession.count({ where: { userId, provider: 'WHOOP' } });
    const runsBefore = await prisma().syncRun.count({ where: { connectionId } });
    whoop.faults.failNext(12, 429, { pathPrefix: '/developer/v2/' });
    const resync = await stack.t.graphql(`mutation($id: ID!) { resyncConnection(connectionId: $id) { id } }`, { id: connectionGlobalId(connectionId) });
    expect(resync.body.errors).toBeUndefined();
    const runs = await waitForSyncIdle(prisma(), connectionId, { minRuns: runsBefore + 1, timeoutMs: 90_000 });
    const run = runs.at(-1)!;
    expect(run).toMatchObject({ status: 'SUCCEEDED', error: null });
    expect(run.windowsDone).toBe(run.windowsTotal);
    expect(whoop.requests.filter((r) => r.status === 429)).toHaveLength(12);
    const sleeps = await prisma().sleepSession.findMany({ where: { userId, provider: 'WHOOP' }, select: { score: true } });
    expect(sleeps).toHaveLength(before);
    expect(sleeps.filter((s) => s.score !== 50)).toEqual([]);
    // The 429 blocked the client's budget (shared by every worker) until the spent window's
    // X-RateLimit-Reset (WHOOP sends no Retry-After; the simulator's window is 2 s here).
    const budget = await prisma().rateBudget.findUnique({ where: { key: `whoop:${whoop.clientId}` } });
    expect(budget?.blockedUntil).not.toBeNull();
  }, 120_000);

  it('rotates the refresh token on expiry (the old one is refused afterwards); disconnect revokes access at WHOOP', async () => {
    const before = await prisma().connection.findUniqueOrThrow({ where: { id: connectionId } });
    whoop.expireAccessTokens(whoopUserId);
    const runsBefore = await prisma().syncRun.count({ where: { connectionId } });
    await stack.t.graphql(`mutation($id: ID!) { resyncConnection(connectionId: $id, from: "${TODAY}", to: "${TODAY}") { id } }`, { id: connectionGlobalId(connectionId) });
    const runs = await waitForSyncIdle(prisma(), connectionId, { minRuns: runsBefore + 1, timeoutMs: 60_000 });
    expect(runs.at(-1)!.status).toBe('SUCCEEDED');
    const after = await prisma().connection.findUniqueOrThrow({ where: { id: connectionId } });
    expect(after.refreshTokenEncrypted).not.toBe(before.refreshTokenEncrypted);
    const old = stack.t.app.cipher.decrypt(before.refreshTokenEncrypted!);
    expect(whoop.refreshTokensOf(whoopUserId).find((t) => t.token === old)?.status).toBe('used');
    const reuse = await fetch(whoop.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: old, client_id: whoop.clientId, client_secret: whoop.clientSecret }),
    });
    expect(reuse.status).toBe(400);
    expect((await reuse.json()).error).toBe('invalid_grant');

    const res = await stack.t.graphql(`mutation($id: ID!) { disconnectProvider(connectionId: $id, deleteData: false) }`, { id: connectionGlobalId(connectionId) });
    expect(res.body).toEqual({ data: { disconnectProvider: true } });
    expect(whoop.accessRevoked(whoopUserId)).toBe(true);
    expect(whoop.requests.some((r) => r.method === 'DELETE' && r.path === '/developer/v2/user/access' && r.status === 204)).toBe(true);
  }, 90_000);
});
