/** Every Oura data type fetched from the Oura fake and compared with the fake's own data. */
import { loadConfig } from '../../../src/config.js';
import type { NormalizedRecord } from '../../../src/normalize/records.js';
import { createHttpClient } from '../../../src/providers/http.js';
import { createOuraAdapter } from '../../../src/providers/oura/index.js';
import { OURA_SCOPES } from '../../../src/providers/oura/settings.js';
import type { ConnectionContext, ProviderAdapter, RawItem, SyncWindow } from '../../../src/providers/types.js';
import { startOuraFake, type OuraFake, type OuraUserDataView } from '../../fakes/oura/index.js';

const TODAY = '2025-03-15';
const OFFSET = -420;
const WINDOW: SyncWindow = { from: '2025-02-20', to: '2025-03-14' };

describe('Oura fetchers against the fake', () => {
  let fake: OuraFake;
  let adapter: ProviderAdapter;
  let connection: ConnectionContext;
  let data: OuraUserDataView;

  beforeAll(async () => {
    fake = await startOuraFake({ seed: 5, today: TODAY, days: 40, pageSize: 4, heartRatePageSize: 150 });
    adapter = createOuraAdapter({ batchSize: 10 });
    const user = fake.connectUser({ timeZoneOffsetMinutes: OFFSET, scopes: [...OURA_SCOPES] });
    data = fake.dataFor(user.ouraUserId);
    const config = loadConfig({ OURA_API_URL: fake.apiUrl, OURA_CLIENT_ID: fake.clientId, OURA_CLIENT_SECRET: fake.clientSecret });
    connection = {
      http: createHttpClient({ baseDelayMs: 5 }),
      accessToken: user.accessToken,
      userId: 'user-1',
      providerUserId: user.ouraUserId,
      settings: adapter.settings(config),
    };
    // register() finds the provider user id webhooks carry.
    expect(await adapter.register!(connection)).toEqual({ providerUserId: user.ouraUserId });
  });
  afterAll(async () => {
    await fake.close();
  });

  async function run(name: string, window: SyncWindow = WINDOW) {
    const def = adapter.dataTypes.find((d) => d.name === name)!;
    const items: RawItem[] = [];
    for await (const batch of def.fetch(connection, window)) items.push(...batch.items);
    const records: NormalizedRecord[] = [];
    const skipped: string[] = [];
    for (const item of items) {
      const outcome = def.map(item.payload);
      if (outcome.ok) records.push(...outcome.records);
      else skipped.push(`${item.providerRecordId}: ${outcome.reason}`);
    }
    return { items, records, skipped };
  }
  const of = <K extends NormalizedRecord['kind']>(records: NormalizedRecord[], kind: K) =>
    records.filter((r): r is Extract<NormalizedRecord, { kind: K }> => r.kind === kind);
  const inWindow = (d: { day: string }) => d.day >= WINDOW.from && d.day <= WINDOW.to;
  const idsOf = (docs: { id: string }[]) => docs.map((d) => d.id).sort();

  it('sleep: every period of the window, paged, with times, offsets, day and the daily score on the main sleep', async () => {
    const { items, records, skipped } = await run('sleep');
    const expected = data.sleep.filter(inWindow);
    expect(items.map((i) => i.providerRecordId).sort()).toEqual(idsOf(expected));
    expect(fake.requests.some((r) => r.path === '/v2/usercollection/sleep' && 'next_token' in r.query)).toBe(true);
    const sleeps = of(records, 'sleep');
    expect(sleeps.length + skipped.length).toBe(expected.length);
    for (const doc of expected) {
      const s = sleeps.find((x) => x.record.providerRecordId === doc.id);
      if (doc.type === 'deleted') {
        expect(s).toBeUndefined();
        continue;
      }
      expect(s!.record.startTime.getTime()).toBe(Date.parse(doc.bedtime_start));
      expect(s!.record.endTime.getTime()).toBe(Date.parse(doc.bedtime_end));
      expect(s!.record.utcOffsetMinutes).toBe(OFFSET);
      expect(s!.record.localDate.toISOString().slice(0, 10)).toBe(doc.day);
      expect(s!.record.totalSleepSeconds).toBe(doc.total_sleep_duration);
      if (doc.type === 'long_sleep') {
        const daily = data.daily_sleep.find((d) => d.day === doc.day);
        expect(s!.record.type).toBe('MAIN');
        expect(s!.record.score).toBe(daily?.score ?? null);
      }
    }
    const parts = of(records, 'recoveryPart');
    expect(new Set(parts.map((p) => p.record.providerRecordId)).size).toBe(parts.length);
  });

  it('daily documents: one Recovery / DailyActivity part per day with the wearer offset', async () => {
    for (const [name, docs] of [
      ['daily_sleep', data.daily_sleep],
      ['daily_readiness', data.daily_readiness],
      ['daily_spo2', data.daily_spo2],
      ['daily_stress', data.daily_stress],
      ['daily_resilience', data.daily_resilience],
    ] as const) {
      const { items, records, skipped } = await run(name);
      const expected = (docs as { id: string; day: string }[]).filter(inWindow);
      expect(items.map((i) => i.providerRecordId).sort()).toEqual(idsOf(expected));
      expect(skipped).toEqual([]);
      const parts = of(records, 'recoveryPart');
      expect(parts.map((p) => p.record.providerRecordId).sort()).toEqual(expected.map((d) => d.day).sort());
      for (const p of parts) expect([name, p.record.utcOffsetMinutes]).toEqual([name, OFFSET]);
    }
    const readiness = of((await run('daily_readiness')).records, 'recoveryPart');
    for (const doc of data.daily_readiness.filter(inWindow)) {
      expect(readiness.find((p) => p.record.providerRecordId === doc.day)!.record.readinessScore).toBe(doc.score);
    }
    const activity = of((await run('daily_activity')).records, 'dailyActivityPart');
    const expectedActivity = data.daily_activity.filter(inWindow);
    expect(activity).toHaveLength(expectedActivity.length);
    for (const doc of expectedActivity) {
      const a = activity.find((p) => p.record.providerRecordId === doc.day)!.record;
      expect([a.steps, a.totalEnergyKcal, a.utcOffsetMinutes]).toEqual([doc.steps, doc.total_calories, OFFSET]);
      expect(a.activeDurationSeconds).toBe(doc.high_activity_time + doc.medium_activity_time + doc.low_activity_time);
    }
  });

  it('workout, vO2_max and session', async () => {
    const workouts = await run('workout');
    const expectedWorkouts = data.workout.filter(inWindow);
    expect(of(workouts.records, 'workout').map((w) => w.record.providerRecordId).sort()).toEqual(idsOf(expectedWorkouts));
    for (const doc of expectedWorkouts) {
      const w = of(workouts.records, 'workout').find((x) => x.record.providerRecordId === doc.id)!.record;
      expect([w.startTime.getTime(), w.providerSport, w.energyKcal, w.distanceMeters]).toEqual([Date.parse(doc.start_datetime), doc.activity, doc.calories, doc.distance]);
    }
    const vo2 = await run('vO2_max');
    expect(of(vo2.records, 'vo2Max').length + vo2.skipped.length).toBe(data.vO2_max.filter(inWindow).length);
    const sessions = await run('session');
    expect(sessions.items.map((i) => i.providerRecordId).sort()).toEqual(idsOf(data.session.filter(inWindow)));
    expect(sessions.records).toEqual([]);
  });

  it('heartrate: every sample of the complete UTC days around the window, paged, with context = source', async () => {
    const window = { from: '2025-03-10', to: '2025-03-11' };
    const { items, records } = await run('heartrate', window);
    expect(items.map((i) => i.providerRecordId)).toEqual(['heartrate:2025-03-09', 'heartrate:2025-03-10', 'heartrate:2025-03-11', 'heartrate:2025-03-12']);
    expect(fake.requests.some((r) => r.path === '/v2/usercollection/heartrate' && 'next_token' in r.query)).toBe(true);
    const start = Date.parse('2025-03-09T00:00:00Z');
    const end = Date.parse('2025-03-13T00:00:00Z');
    const expected = data.heartrate.filter((s) => Date.parse(s.timestamp) >= start && Date.parse(s.timestamp) < end);
    const samples = of(records, 'heartRate').flatMap((r) => r.samples);
    expect(samples.length).toBe(expected.length);
    expect(samples.map((s) => [s.time.getTime(), s.bpm, s.context])).toEqual(expected.map((s) => [Date.parse(s.timestamp), s.bpm, s.source]));
    expect(new Set(samples.map((s) => s.utcOffsetMinutes))).toEqual(new Set([OFFSET]));
  });
});
