/**
 * Done-when of the push contract: a client written as a mobile SDK (src/sandbox/phones/client.ts)
 * pushes a week of HealthKit and of Health Connect records with a user token; they appear in
 * `days` with the right units and local dates; re-pushing changes nothing; deletions remove the
 * records; API keys, tokens without SELF_INGEST and other users' tokens are refused.
 * Expected values are worked out by hand from the rules in src/sandbox/phones/week.ts.
 */
import { decodeGlobalID } from '@pothos/plugin-relay';
import { PushClient, PushError, totalOf } from '../../src/sandbox/phones/client.js';
import { healthConnectWeek, healthKitWeek } from '../../src/sandbox/phones/week.js';
import { MAX_BATCH_RECORDS } from '../../src/ingest/contract.js';
import { databaseVariants } from '../support/databases.js';
import { createTestApp, TEST_ADMIN_KEY, type TestApp } from '../support/test-app.js';

const FROM = '2026-11-02';
const TO = '2026-11-08';
const MI = 1609.344;

const DAYS = `query($from: LocalDate!, $to: LocalDate!) { me { days(from: $from, to: $to) {
  date
  activity { source { provider } steps activeEnergyKcal distanceMeters }
  sleep { source { provider } startTime endTime timeInBedSeconds totalSleepSeconds lightSleepSeconds deepSleepSeconds remSleepSeconds awakeSeconds }
  workouts { source { provider } sport startTime durationSeconds distanceMeters energyKcal averageHeartRateBpm maxHeartRateBpm }
} } }`;

type Day = {
  date: string;
  activity: { source: { provider: string }; steps: number; activeEnergyKcal: number; distanceMeters: number }[];
  sleep: { source: { provider: string }; startTime: string; endTime: string; timeInBedSeconds: number; totalSleepSeconds: number; lightSleepSeconds: number; deepSleepSeconds: number; remSleepSeconds: number; awakeSeconds: number }[];
  workouts: { source: { provider: string }; sport: string; startTime: string; durationSeconds: number; distanceMeters: number | null; energyKcal: number | null; averageHeartRateBpm: number | null; maxHeartRateBpm: number | null }[];
};

const of = <T extends { source: { provider: string } }>(list: T[], provider: string) => list.filter((x) => x.source.provider === provider);

describe.each(databaseVariants())('push contract, a week from two phones (%s)', (variant) => {
  let t: TestApp;
  let alice: string;
  let bob: string;
  let aliceToken: string;
  let aliceReadOnly: string;
  let bobToken: string;
  const push = (token: string) => new PushClient({ url: 'http://localhost', token, fetch: (url, init) => t.app.yoga.fetch(url, init), maxRetries: 0 });
  const raw = (path: string, token: string | null, body: unknown, headers: Record<string, string> = {}) =>
    t.app.yoga.fetch(`http://localhost${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      body: JSON.stringify(body),
    });
  const days = async (token = aliceToken): Promise<Day[]> => {
    const result = await t.graphql(DAYS, { from: FROM, to: TO }, token);
    expect(result.body.errors).toBeUndefined();
    return result.body.data.me.days;
  };
  const token = async (user: string, scopes: string) =>
    (await t.graphql(`mutation($u: ID!) { createUserToken(input: { userId: $u, scopes: [${scopes}] }) { token } }`, { u: user })).body.data.createUserToken.token as string;

  beforeAll(async () => {
    t = await createTestApp(variant, { USER_TOKEN_RATE_LIMIT_PER_MINUTE: '60' });
    alice = (await t.graphql('mutation { createUser(input: { externalId: "phone-alice" }) { id } }')).body.data.createUser.id;
    bob = (await t.graphql('mutation { createUser(input: { externalId: "phone-bob" }) { id } }')).body.data.createUser.id;
    aliceToken = await token(alice, 'SELF_READ, SELF_INGEST');
    aliceReadOnly = await token(alice, 'SELF_READ');
    bobToken = await token(bob, 'SELF_INGEST');
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it('a pushed week appears in days with converted units and local dates; re-pushing changes nothing', async () => {
    const hk = healthKitWeek(FROM);
    const hc = healthConnectWeek(FROM);
    const first = totalOf([...(await push(aliceToken).push('apple-health', hk)), ...(await push(aliceToken).push('health-connect', hc))]);
    expect(first).toMatchObject({ accepted: hk.length + hc.length, refused: 0, skipped: 0, created: hk.length + hc.length });

    const week = await days();
    expect(week.map((d) => d.date)).toEqual(['2026-11-02', '2026-11-03', '2026-11-04', '2026-11-05', '2026-11-06', '2026-11-07', '2026-11-08']);
    week.forEach((day, i) => {
      // HealthKit: the Watch's steps (12 x (320 + 10i)) beat the iPhone's (12 x (300 + 10i)); never their sum.
      const [apple] = of(day.activity, 'APPLE_HEALTH');
      expect(apple.steps).toBe(12 * (320 + 10 * i));
      expect(apple.activeEnergyKcal).toBeCloseTo(300, 6); // 12 x 25 kcal, sent as "Cal" or as kJ
      expect(apple.distanceMeters).toBeCloseTo(12 * 0.25 * MI, 6);
      // Health Connect: 12 x (250 + 5i) + the 100 steps at 00:30 local (22:30 UTC the day before).
      const [google] = of(day.activity, 'HEALTH_CONNECT');
      expect(google.steps).toBe(12 * (250 + 5 * i) + 100);
      expect(google.distanceMeters).toBeCloseTo(2400, 6);
      expect(google.activeEnergyKcal).toBeCloseTo(240, 6);

      // The Watch's stages (the iPhone only knew "in bed"): core 4 h, deep 1 h, REM 2 h 15, awake 15 min, 23:00-06:30 (-07:00).
      const [night] = of(day.sleep, 'APPLE_HEALTH');
      expect(night).toMatchObject({ lightSleepSeconds: 4 * 3600, deepSleepSeconds: 3600, remSleepSeconds: 135 * 60, awakeSeconds: 900, totalSleepSeconds: (4 + 1) * 3600 + 135 * 60, timeInBedSeconds: 7.5 * 3600 });
      expect(night.startTime).toBe(`${day.date}T06:00:00.000Z`); // 23:00 -07:00 the evening before
      expect(night.endTime).toBe(`${day.date}T13:30:00.000Z`);
      // Health Connect: light 5 h 15, deep 1 h 30, REM 1 h, awake 15 min; 23:00-07:00 (+02:00).
      const [hcNight] = of(day.sleep, 'HEALTH_CONNECT');
      expect(hcNight).toMatchObject({ lightSleepSeconds: 315 * 60, deepSleepSeconds: 90 * 60, remSleepSeconds: 3600, awakeSeconds: 900, totalSleepSeconds: (315 + 90 + 60) * 60, timeInBedSeconds: 8 * 3600 });
      expect(hcNight.endTime).toBe(`${day.date}T05:00:00.000Z`);
    });
    // Runs on days 1, 3, 5 at 18:00 -07:00 (3.1 mi, 410 kcal, HR 150/172), and day 6's at 23:30 local: 06:30 UTC on the next date, still day 6 here.
    const appleRuns = week.map((d) => of(d.workouts, 'APPLE_HEALTH').map((w) => w.startTime));
    expect(appleRuns).toEqual([[], ['2026-11-04T01:00:00.000Z'], [], ['2026-11-06T01:00:00.000Z'], [], ['2026-11-08T01:00:00.000Z'], ['2026-11-09T06:30:00.000Z']]);
    expect(of(week[1].workouts, 'APPLE_HEALTH')[0]).toMatchObject({ sport: 'RUNNING', durationSeconds: 2700, energyKcal: 410, averageHeartRateBpm: 150, maxHeartRateBpm: 172 });
    expect(of(week[1].workouts, 'APPLE_HEALTH')[0].distanceMeters).toBeCloseTo(3.1 * MI, 6);
    expect(of(week[2].workouts, 'HEALTH_CONNECT')).toEqual([expect.objectContaining({ sport: 'RUNNING', durationSeconds: 2700, startTime: '2026-11-04T16:00:00.000Z' })]);
    // Heart rate: 144 Watch samples a day; 12 x 6 Health Connect samples a day.
    const prisma = t.database.prisma;
    const aliceId = decodeGlobalID(alice).id;
    expect(await prisma.heartRateSample.count({ where: { userId: aliceId, provider: 'APPLE_HEALTH' } })).toBe(7 * 144);
    expect(await prisma.heartRateSample.count({ where: { userId: aliceId, provider: 'HEALTH_CONNECT' } })).toBe(7 * 72);
    const vo2 = await prisma.vo2MaxEstimate.findMany({ where: { userId: aliceId }, orderBy: { provider: 'asc' }, select: { provider: true, vo2MaxMlPerKgMin: true, localDate: true } });
    expect(vo2).toEqual([
      { provider: 'APPLE_HEALTH', vo2MaxMlPerKgMin: 47.3, localDate: new Date('2026-11-05T00:00:00Z') },
      { provider: 'HEALTH_CONNECT', vo2MaxMlPerKgMin: 44, localDate: new Date('2026-11-06T00:00:00Z') },
    ]);
    // Measurements, each converted from the unit given: HealthKit's HRV stays SDNN, Health Connect's is RMSSD.
    const series = async (metric: string, provider: string) =>
      ((await t.graphql(`query($m: String!, $p: Provider) { me { series(metric: $m, provider: $p, from: "${FROM}", to: "${TO}", bucket: DAY) { date value } } }`, { m: metric, p: provider }, aliceToken)).body.data.me.series as { date: string; value: number }[]);
    const daily = (f: (i: number) => number) => week.map((d, i) => ({ date: d.date, value: f(i) }));
    expect(await series('hrv_sdnn_ms', 'APPLE_HEALTH')).toEqual(daily((i) => 45 + i));
    expect(await series('hrv_rmssd_ms', 'APPLE_HEALTH')).toEqual([]);
    expect(await series('hrv_rmssd_ms', 'HEALTH_CONNECT')).toEqual(daily((i) => 38 + i));
    expect(await series('resting_heart_rate_bpm', 'APPLE_HEALTH')).toEqual(daily((i) => 52 + i));
    expect(await series('spo2_percent', 'APPLE_HEALTH')).toEqual(daily(() => 97)); // 0.97 with unit "%"
    expect(await series('spo2_percent', 'HEALTH_CONNECT')).toEqual(daily(() => 96));
    expect(await series('respiratory_rate_brpm', 'APPLE_HEALTH')).toEqual(daily(() => 14.5));
    const [appleWeight] = await series('weight_kg', 'APPLE_HEALTH');
    expect(appleWeight.date).toBe(FROM);
    expect(appleWeight.value).toBeCloseTo(165 * 0.45359237, 9); // 165 lb
    expect(await series('weight_kg', 'HEALTH_CONNECT')).toEqual([{ date: FROM, value: 72.5 }]);

    // The phones show as connections of the user.
    const me = await t.graphql('{ me { connections { provider status } } }', undefined, aliceToken);
    expect(me.body.data.me.connections.map((c: { provider: string }) => c.provider).sort()).toEqual(['APPLE_HEALTH', 'HEALTH_CONNECT']);

    // Re-pushing everything: accepted, all unchanged; the rows are untouched.
    const before = await prisma.dailyActivity.findMany({ where: { userId: aliceId }, orderBy: { id: 'asc' }, select: { id: true, updatedAt: true, steps: true } });
    const again = totalOf([...(await push(aliceToken).push('apple-health', hk)), ...(await push(aliceToken).push('health-connect', hc))]);
    expect(again).toMatchObject({ accepted: hk.length + hc.length, created: 0, updated: 0, unchanged: hk.length + hc.length });
    expect(await prisma.dailyActivity.findMany({ where: { userId: aliceId }, orderBy: { id: 'asc' }, select: { id: true, updatedAt: true, steps: true } })).toEqual(before);
    expect(await days()).toEqual(week);
  }, 120_000);

  it('deletions remove exactly the deleted records; another user cannot delete them', async () => {
    const hk = healthKitWeek(FROM);
    const hc = healthConnectWeek(FROM);
    const watchSteps = hk.find((r) => r.kind === 'quantity' && r.type === 'HKQuantityTypeIdentifierStepCount' && r.sourceName.includes('Watch') && r.startDate.startsWith(`${FROM}T08`))!;
    const run = hk.find((r) => r.kind === 'workout')!;
    const hcNight = hc.filter((r) => r.recordType === 'SleepSessionRecord')[3];
    // Bob's token finds none of Alice's records.
    expect(totalOf(await push(bobToken).push('apple-health', [], [watchSteps.uuid, run.uuid])).deleted).toBe(0);
    expect(of((await days())[1].workouts, 'APPLE_HEALTH')).toHaveLength(1);

    const reports = [...(await push(aliceToken).push('apple-health', [], [watchSteps.uuid, run.uuid])), ...(await push(aliceToken).push('health-connect', [], [hcNight.metadata.id]))];
    expect(totalOf(reports).deleted).toBe(3);
    const week = await days();
    // Day 0 without one Watch hour: Watch 11 x 320 = 3520 < iPhone 12 x 300 = 3600, so the iPhone's total counts now.
    expect(of(week[0].activity, 'APPLE_HEALTH')[0].steps).toBe(3600);
    expect(of(week[1].workouts, 'APPLE_HEALTH')).toEqual([]);
    expect(of(week[3].sleep, 'HEALTH_CONNECT')).toEqual([]);
    expect(of(week[4].sleep, 'HEALTH_CONNECT')).toHaveLength(1);
    // Pushing the run again brings it back (idempotent by its UUID, whatever happened before).
    await push(aliceToken).push('apple-health', [run]);
    expect(of((await days())[1].workouts, 'APPLE_HEALTH')).toHaveLength(1);
  }, 60_000);

  it('refuses API keys, tokens without SELF_INGEST and other users; reports bad records one by one', async () => {
    const batch = { schemaVersion: 1, records: healthKitWeek(FROM, 1).slice(0, 3) };
    const key = await raw('/ingest/v1/apple-health', TEST_ADMIN_KEY, batch);
    expect(key.status).toBe(403);
    expect((await key.json()).message).toMatch(/user token with scope SELF_INGEST/);
    expect((await raw('/ingest/v1/apple-health', aliceReadOnly, batch)).status).toBe(403);
    expect((await raw('/ingest/v1/apple-health', null, batch)).status).toBe(401);
    expect((await raw(`/ingest/v1/users/${encodeURIComponent(alice)}/apple-health`, bobToken, batch)).status).toBe(404);
    expect((await raw(`/ingest/v1/users/${encodeURIComponent(alice)}/apple-health`, aliceToken, batch)).status).toBe(200);
    expect((await raw('/ingest/v1/fitbit', aliceToken, batch)).status).toBe(404);
    expect(await t.database.prisma.rawPayload.count({ where: { userId: decodeGlobalID(bob).id } })).toBe(0);

    // Too many records: 422 naming the limit, nothing written.
    const tooMany = await raw('/ingest/v1/health-connect', bobToken, { schemaVersion: 1, records: Array.from({ length: MAX_BATCH_RECORDS + 1 }, () => ({})) });
    expect(tooMany.status).toBe(422);
    expect(await tooMany.json()).toMatchObject({ limit: MAX_BATCH_RECORDS, message: expect.stringMatching(/records/) });
    // One bad record among good ones: it alone is refused, with the field named.
    const [good, , third] = healthConnectWeek(FROM, 1);
    const bad = { ...third, startTime: '2026-11-02 08:00:00' };
    const mixed = await raw('/ingest/v1/health-connect', bobToken, { schemaVersion: 1, records: [good, bad] });
    expect(mixed.status).toBe(200);
    const report = await mixed.json();
    expect(report).toMatchObject({ accepted: 1, created: 1, refused: [{ index: 1, id: third.metadata.id, errors: [expect.stringMatching(/^startTime: .*offset/)] }] });
    expect(await t.database.prisma.rawPayload.count({ where: { userId: decodeGlobalID(bob).id } })).toBe(1);
    // A unit the contract does not know is refused; gzip that is not gzip is a 400.
    const badUnit = await raw('/ingest/v1/health-connect', bobToken, { schemaVersion: 1, records: [{ ...third, recordType: 'DistanceRecord', distance: { value: 1, unit: 'furlongs' } }] });
    expect((await badUnit.json()).refused[0].errors.join()).toMatch(/distance\.unit/);
    expect((await raw('/ingest/v1/health-connect', bobToken, batch, { 'content-encoding': 'gzip' })).status).toBe(400);
    await expect(push(bobToken).send('health-connect', { schemaVersion: 2 } as never)).rejects.toThrow(PushError);
  }, 60_000);

  it('rate-limits each user', async () => {
    let status = 0;
    for (let i = 0; i < 80 && status !== 429; i++) status = (await raw('/ingest/v1/apple-health', bobToken, { schemaVersion: 1 })).status;
    expect(status).toBe(429);
    // Alice's bucket is her own.
    expect((await raw('/ingest/v1/apple-health', aliceToken, { schemaVersion: 1 })).status).toBe(200);
  }, 30_000);
});
