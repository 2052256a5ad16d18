/**
 * Strava end to end, with only STRAVA_* pointing at the simulator (an independent loopback
 * server): connect -> callback -> backfill; days shows the workouts with the simulator's values
 * (expected values worked out here from its payload) and their heart-rate samples next to Polar's;
 * the subscription handshake; create / delete / deauthorization events; unticked activity:read_all.
 */
import { registerProviderWebhook } from '../../../src/connections/webhook-admin.js';
import { createHttpClient } from '../../../src/providers/http.js';
import { providerById } from '../../../src/providers/registry.js';
import { authorize, type StravaActivity } from '../../../src/sandbox/strava/index.js';
import { startPolarFake, type PolarFake } from '../../fakes/polar/index.js';
import { databaseVariants } from '../../support/databases.js';
import { connectPolar } from '../../support/polar-app.js';
import { createUser, fromGlobalId } from '../../support/polar-oauth-helpers.js';
import { waitFor } from '../../support/polar-resilience.js';
import { connectStrava, startStravaStack, STRAVA_VERIFY_TOKEN } from '../../support/strava-app.js';
import { waitForSyncIdle } from '../../support/sync.js';

const today = new Date().toISOString().slice(0, 10);
const dayOffset = (days: number) => new Date(Date.parse(`${today}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
/** The local date by hand: UTC start plus utc_offset seconds (start_date_local is not read). */
const localDate = (a: StravaActivity) => new Date(Date.parse(a.start_date) + a.utc_offset * 1000).toISOString().slice(0, 10);

describe.each(databaseVariants())('Strava (%s)', (variant) => {
  let stack: Awaited<ReturnType<typeof startStravaStack>>;
  let polar: PolarFake;
  let user: { id: string; gid: string };
  let athleteId: number;
  let connectionId: string;

  beforeAll(async () => {
    polar = await startPolarFake({ today, days: 14, seed: 3 });
    stack = await startStravaStack(variant, {
      env: { POLAR_CLIENT_ID: polar.clientId, POLAR_CLIENT_SECRET: polar.clientSecret, POLAR_AUTHORIZATION_URL: polar.authorizationUrl, POLAR_TOKEN_URL: polar.tokenUrl, POLAR_API_URL: polar.apiUrl },
    });
    user = await createUser(stack.t, 'strava-runner');
  }, 60_000);
  afterAll(async () => {
    await stack.close();
    await polar.close();
  });

  it('connects (comma scopes, approval_prompt), backfills, and days shows the simulator values and heart-rate samples next to Polar', async () => {
    const redirect = await connectStrava(stack.strava, stack.t, user.gid);
    expect(redirect.searchParams.get('status')).toBe('connected');
    connectionId = fromGlobalId(redirect.searchParams.get('connectionId')!);
    const authorizeRequest = stack.strava.requests.find((r) => r.path === '/oauth/authorize')!;
    expect([authorizeRequest.query.scope, authorizeRequest.query.approval_prompt]).toEqual(['read,activity:read,activity:read_all', 'auto']);
    const runs = await waitForSyncIdle(stack.t.database.prisma, connectionId, { timeoutMs: 60_000 });
    expect(runs.map((r) => [r.status, r.error])).toEqual([['SUCCEEDED', null]]);
    const connection = await stack.t.database.prisma.connection.findUniqueOrThrow({ where: { id: connectionId } });
    expect(connection.scopes).toEqual(['read', 'activity:read', 'activity:read_all']);
    athleteId = Number(connection.providerUserId);

    const from = dayOffset(-13);
    const expected = stack.strava.activitiesFor(athleteId).filter((a) => localDate(a) >= from && localDate(a) <= today);
    expect(expected.length).toBeGreaterThan(3);
    expect(await stack.t.database.prisma.workout.count({ where: { userId: user.id, provider: 'STRAVA' } })).toBe(expected.length);

    const polarRedirect = await connectPolar(polar, stack.t, user.gid);
    await waitForSyncIdle(stack.t.database.prisma, fromGlobalId(polarRedirect.searchParams.get('connectionId')!), { timeoutMs: 60_000 });

    const res = await stack.t.graphql(
      `query($id: ID!, $from: LocalDate!, $to: LocalDate!) { user(id: $id) { days(from: $from, to: $to) { date workouts {
        providerRecordId sport providerSport startTime endTime utcOffsetMinutes localDate durationSeconds distanceMeters energyKcal averageHeartRateBpm maxHeartRateBpm extras source { provider device } } } } }`,
      { id: user.gid, from, to: today },
    );
    expect(res.body.errors).toBeUndefined();
    const days = res.body.data.user.days as { date: string; workouts: any[] }[];
    const workouts = days.flatMap((d) => d.workouts.map((w) => ({ ...w, day: d.date })));
    expect(new Set(workouts.map((w) => w.source.provider))).toEqual(new Set(['STRAVA', 'POLAR']));
    const strava = new Map(workouts.filter((w) => w.source.provider === 'STRAVA').map((w) => [w.providerRecordId, w]));
    expect(strava.size).toBe(expected.length);

    const sportOf: Record<string, string> = { Run: 'RUNNING', TrailRun: 'TRAIL_RUNNING', Ride: 'CYCLING', VirtualRide: 'INDOOR_CYCLING', MountainBikeRide: 'MOUNTAIN_BIKING', Swim: 'SWIMMING', Walk: 'WALKING', WeightTraining: 'STRENGTH_TRAINING', Yoga: 'YOGA' };
    for (const a of expected) {
      const w = strava.get(String(a.id))!;
      // Energy: calories when there are any; else a power ride's kJ of work at 24 % efficiency in kcal.
      const energy = a.calories > 0 ? a.calories : a.kilojoules && a.device_watts ? Math.round((a.kilojoules / 0.24 / 4.184) * 10) / 10 : null;
      expect({
        day: w.day,
        sport: w.sport,
        providerSport: w.providerSport,
        startTime: w.startTime,
        endTime: w.endTime,
        utcOffsetMinutes: w.utcOffsetMinutes,
        durationSeconds: w.durationSeconds,
        distanceMeters: w.distanceMeters,
        energyKcal: w.energyKcal,
        averageHeartRateBpm: w.averageHeartRateBpm,
        maxHeartRateBpm: w.maxHeartRateBpm,
        sourceDevice: w.source.device,
        moving: w.extras.movingTimeSeconds,
      }).toEqual({
        day: localDate(a),
        sport: sportOf[a.sport_type],
        providerSport: a.sport_type,
        startTime: new Date(a.start_date).toISOString(),
        endTime: new Date(Date.parse(a.start_date) + a.elapsed_time * 1000).toISOString(),
        utcOffsetMinutes: a.utc_offset / 60,
        durationSeconds: a.elapsed_time,
        distanceMeters: a.distance > 0 ? a.distance : null,
        energyKcal: energy,
        averageHeartRateBpm: a.average_heartrate ?? null,
        maxHeartRateBpm: a.max_heartrate ?? null,
        sourceDevice: a.device_name,
        moving: a.moving_time,
      });
      if (energy !== null && a.calories === 0) expect(w.extras.energySource).toMatch(/kilojoules/);
    }
    expect(expected.some((a) => a.manual) || expected.some((a) => a.calories === 0 && a.kilojoules)).toBe(true);

    // The heart-rate stream of one activity: one sample per (time, heartrate) pair, at start + time (the first page of 100).
    const recorded = expected.find((a) => a.streams?.heartrate)!;
    const start = Date.parse(recorded.start_date);
    const hr = await stack.t.graphql(
      `query($id: ID!, $from: DateTime!, $to: DateTime!) { user(id: $id) { heartRate(from: $from, to: $to, provider: STRAVA, first: 100) { edges { node { time bpm context } } } } }`,
      { id: user.gid, from: new Date(start).toISOString(), to: new Date(start + recorded.elapsed_time * 1000 + 1000).toISOString() },
    );
    expect(hr.body.errors).toBeUndefined();
    const samples = hr.body.data.user.heartRate.edges.map((e: any) => e.node);
    expect(samples).toEqual(recorded.streams!.time.slice(0, 100).map((t, i) => ({ time: new Date(start + t * 1000).toISOString(), bpm: recorded.streams!.heartrate![i], context: 'workout' })));
  }, 150_000);

  it('registers the one subscription through the hub.challenge handshake (our verify token only) and acts on create, delete and deauthorization events', async () => {
    const prisma = stack.t.database.prisma;
    const wrong = await stack.t.app.yoga.fetch('http://gateway.test/webhooks/strava?hub.mode=subscribe&hub.challenge=c1&hub.verify_token=nope');
    expect(wrong.status).toBe(401);
    const webhook = await registerProviderWebhook({ ...stack.t.app, prisma, http: createHttpClient() }, providerById('STRAVA'));
    expect(webhook.externalId).toBe(String(stack.strava.subscription!.id));
    expect(stack.strava.subscription!.callback_url).toBe(`${stack.t.config.publicUrl}/webhooks/strava`);
    // Registering again keeps the one subscription.
    await registerProviderWebhook({ ...stack.t.app, prisma, http: createHttpClient() }, providerById('STRAVA'));
    expect(stack.strava.subscription!.id).toBe(Number(webhook.externalId));

    const created = stack.strava.addActivity(athleteId, { minutesAgo: 100 });
    // A forged event (another subscription id) is refused and fetches nothing.
    expect(await stack.strava.sendEvent({ object_type: 'activity', aspect_type: 'create', object_id: created.id, owner_id: athleteId }, { subscriptionId: 999 })).toBe(401);
    expect(await stack.strava.sendEvent({ object_type: 'activity', aspect_type: 'create', object_id: created.id, owner_id: athleteId })).toBe(200);
    const stored = await waitFor('the created activity', () => prisma.workout.findFirst({ where: { provider: 'STRAVA', providerRecordId: String(created.id) } }), { timeoutMs: 30_000 });
    expect([stored.durationSeconds, stored.distanceMeters, stored.userId]).toEqual([created.elapsed_time, created.distance, user.id]);
    // An activity recorded six days ago and uploaded now (a watch synced late): the event names it,
    // and it is fetched by id, whatever its date.
    const late = stack.strava.addActivity(athleteId, { minutesAgo: 6 * 24 * 60 });
    expect(await stack.strava.sendEvent({ object_type: 'activity', aspect_type: 'create', object_id: late.id, owner_id: athleteId })).toBe(200);
    const lateStored = await waitFor('the late activity', () => prisma.workout.findFirst({ where: { provider: 'STRAVA', providerRecordId: String(late.id) } }), { timeoutMs: 30_000 });
    expect([lateStored.durationSeconds, lateStored.distanceMeters]).toEqual([late.elapsed_time, late.distance]);

    // The activity's heart-rate stream became samples; the delete event removes them with it.
    const during = (a: { start_date: string; elapsed_time: number }) => ({ userId: user.id, provider: 'STRAVA' as const, time: { gte: new Date(a.start_date), lte: new Date(Date.parse(a.start_date) + a.elapsed_time * 1000) } });
    expect(await prisma.heartRateSample.count({ where: during(created) })).toBe(created.streams!.heartrate!.length);
    const lateSamples = await prisma.heartRateSample.count({ where: during(late) });
    expect(lateSamples).toBe(late.streams!.heartrate!.length);
    stack.strava.deleteActivity(created.id);
    expect(await stack.strava.sendEvent({ object_type: 'activity', aspect_type: 'delete', object_id: created.id, owner_id: athleteId })).toBe(200);
    expect(await prisma.workout.count({ where: { provider: 'STRAVA', providerRecordId: String(created.id) } })).toBe(0);
    expect(await prisma.heartRateSample.count({ where: during(created) })).toBe(0);
    expect(await prisma.heartRateSample.count({ where: during(late) })).toBe(lateSamples);

    expect(await stack.strava.revokeAthlete(athleteId)).toBe(200);
    const revoked = await prisma.connection.findUniqueOrThrow({ where: { id: connectionId } });
    expect(revoked.status).toBe('REVOKED');
    // Events after the revocation start nothing.
    const runs = await prisma.syncRun.count({ where: { connectionId } });
    expect(await stack.strava.sendEvent({ object_type: 'activity', aspect_type: 'create', object_id: created.id + 1, owner_id: athleteId })).toBe(200);
    expect(await prisma.syncRun.count({ where: { connectionId } })).toBe(runs);
  }, 60_000);

  it('a user who unticks activity:read_all: the granted scopes are stored, private activities stay out; disconnect deauthorizes', async () => {
    const other = await createUser(stack.t, 'strava-private');
    // The user unticks "private activities" on Strava's page.
    stack.strava.setNextGrantedScopes(['read', 'activity:read']);
    const started = await stack.t.graphql(`mutation($input: ConnectProviderInput!) { connectProvider(input: $input) { authorizationUrl } }`, {
      input: { userId: other.gid, provider: 'STRAVA', redirectUri: 'https://app.example.com/connected' },
    });
    const callback = new URL(await authorize(stack.strava, started.body.data.connectProvider.authorizationUrl));
    expect(callback.searchParams.get('scope')).toBe('read,activity:read');
    const response = await stack.t.app.yoga.fetch(`http://gateway.test${callback.pathname}${callback.search}`, { redirect: 'manual' });
    const id = fromGlobalId(new URL(response.headers.get('location')!).searchParams.get('connectionId')!);
    await waitForSyncIdle(stack.t.database.prisma, id, { timeoutMs: 60_000 });
    const connection = await stack.t.database.prisma.connection.findUniqueOrThrow({ where: { id } });
    expect(connection.scopes).toEqual(['read', 'activity:read']);
    const shown = await stack.t.graphql(`query($id: ID!) { node(id: $id) { ... on Connection { scopes } } }`, { id: Buffer.from(`Connection:${id}`).toString('base64') });
    expect(shown.body.data.node.scopes).toEqual(['read', 'activity:read']);
    const visible = stack.strava.activitiesFor(Number(connection.providerUserId)).filter((a) => localDate(a) >= dayOffset(-13) && a.visibility !== 'only_me');
    expect(await stack.t.database.prisma.workout.count({ where: { userId: other.id, provider: 'STRAVA' } })).toBe(visible.length);

    const disconnected = await stack.t.graphql(`mutation($id: ID!) { disconnectProvider(connectionId: $id, deleteData: true) }`, { id: Buffer.from(`Connection:${id}`).toString('base64') });
    expect(disconnected.body.errors).toBeUndefined();
    expect(stack.strava.requests.filter((r) => r.path === '/oauth/deauthorize').map((r) => r.status)).toContain(200);
  }, 90_000);
});
