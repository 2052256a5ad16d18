import { loadConfig } from '../../../src/config.js';
import type { NormalizedRecord } from '../../../src/normalize/records.js';
import { createHttpClient } from '../../../src/providers/http.js';
import { PolarClient } from '../../../src/providers/polar/client.js';
import { createPolarAdapter } from '../../../src/providers/polar/index.js';
import { exerciseRecordIdOf, mapExercise } from '../../../src/providers/polar/mappers.js';
import type { ConnectionContext, ProviderAdapter, RawItem, SyncWindow } from '../../../src/providers/types.js';
import { startPolarFake, type PolarFake, type PolarUserDataView } from '../../fakes/polar/index.js';

const TODAY = '2025-03-15';
const OFFSET = -420;

/** The record id an exercise of the fake must get: device id + UTC start. */
function expectedExerciseId(e: { device_id: string; start_time: string; start_time_utc_offset: number }): string {
  const utc = new Date(Date.parse(`${e.start_time}Z`) - e.start_time_utc_offset * 60_000);
  return `${e.device_id}@${utc.toISOString().slice(0, 19)}Z`;
}

describe('Polar fetchers against the fake', () => {
  let fake: PolarFake;
  let adapter: ProviderAdapter;
  let connection: ConnectionContext;
  let polarUserId: number;
  let data: PolarUserDataView;

  beforeEach(async () => {
    fake = await startPolarFake({ seed: 11, today: TODAY, days: 90 });
    adapter = createPolarAdapter({ now: () => new Date(`${TODAY}T12:00:00Z`), batchSize: 10 });
    const connected = fake.connectUser({ memberId: 'member-1', timeZoneOffsetMinutes: OFFSET });
    polarUserId = connected.polarUserId;
    data = fake.dataFor(polarUserId);
    const config = loadConfig({ POLAR_API_URL: fake.apiUrl, POLAR_CLIENT_ID: fake.clientId, POLAR_CLIENT_SECRET: fake.clientSecret });
    connection = {
      http: createHttpClient({ baseDelayMs: 5 }),
      accessToken: connected.accessToken,
      userId: 'member-1',
      providerUserId: String(polarUserId),
      settings: adapter.settings(config),
    };
  });
  afterEach(async () => {
    await fake.close();
  });

  const definition = (name: string) => {
    const found = adapter.dataTypes.find((d) => d.name === name);
    if (!found) throw new Error(`no data type ${name}`);
    return found;
  };

  /** Runs a fetch like the engine does: store (collect) each batch, then commit it. */
  async function run(name: string, window: SyncWindow, options: { commit?: boolean } = {}) {
    const def = definition(name);
    const items: RawItem[] = [];
    const batches: { size: number; commit: boolean }[] = [];
    for await (const batch of def.fetch(connection, window)) {
      items.push(...batch.items);
      batches.push({ size: batch.items.length, commit: !!batch.commit });
      if (batch.commit && options.commit !== false) await batch.commit();
    }
    const records: NormalizedRecord[] = [];
    for (const item of items) {
      const outcome = def.map(item.payload);
      if (!outcome.ok) throw new Error(`${name} ${item.providerRecordId} skipped: ${outcome.reason}`);
      records.push(...outcome.records);
    }
    return { items, records, batches };
  }
  const of = <K extends NormalizedRecord['kind']>(records: NormalizedRecord[], kind: K) =>
    records.filter((r): r is Extract<NormalizedRecord, { kind: K }> => r.kind === kind);

  it('offers every data type with Polar limits', () => {
    expect(adapter.dataTypes.map((d) => [d.name, d.maxWindowDays, d.maxHistoryDays])).toEqual([
      ['exercise', 30, null],
      ['sleep', 28, 28],
      ['nightly_recharge', 28, 28],
      ['daily_activity', 28, 365],
      ['continuous_heart_rate', 28, 365],
      ['cardio_load', 28, 365],
      ['physical_information', 365, null],
      ['skin_temperature', 28, 365],
    ]);
  });

  it('fetches every exercise once: the 30-day listing plus the transaction for older ones, committed last', async () => {
    const { items, records, batches } = await run('exercise', { from: '2024-12-16', to: TODAY });
    const workouts = of(records, 'workout');
    expect(workouts).toHaveLength(data.exercises.length);
    expect(new Set(items.map((i) => i.providerRecordId))).toEqual(new Set(data.exercises.map(expectedExerciseId)));
    expect(new Set(workouts.map((w) => w.record.providerRecordId))).toEqual(new Set(items.map((i) => i.providerRecordId)));
    // Only the last batch commits, and it comes after every item.
    expect(batches.filter((b) => b.commit)).toHaveLength(1);
    expect(batches.at(-1)!.commit).toBe(true);

    // Old exercises came through the transaction (numeric ids) with zones and HR samples.
    const old = workouts.find((w) => typeof (w.record.extras as { polarTransactionalExerciseId: unknown }).polarTransactionalExerciseId === 'number')!;
    expect(old).toBeDefined();
    const source = data.exercises.find((e) => expectedExerciseId(e) === old.record.providerRecordId)!;
    expect(old.record).toMatchObject({
      averageHeartRateBpm: source.heart_rate.average,
      energyKcal: source.calories,
      trainingLoad: source.training_load_pro['cardio-load'],
      utcOffsetMinutes: OFFSET,
    });
    expect(old.record.heartRateZones).toHaveLength(5);
    const hrSamples = of(records, 'heartRate').flatMap((h) => h.samples);
    expect(hrSamples.length).toBe(data.exercises.reduce((n, e) => n + e.samples.find((s) => s['sample-type'] === '0')!.data.split(',').length, 0));

    // The guaranteed 23:xx-local run two days ago: UTC-7 puts it on the next UTC day, local date stays.
    const late = workouts.find((w) => w.record.localDate.toISOString().startsWith('2025-03-13') && w.record.startTime.toISOString().startsWith('2025-03-14T06:'));
    expect(late).toBeDefined();

    // Committed: the next transaction is empty, and a second sync only re-lists the last 30 days.
    const PUTs = fake.requests.filter((r) => r.method === 'PUT' && r.path.includes('/exercise-transactions/'));
    expect(PUTs.map((r) => r.status)).toEqual([200]);
    const again = await run('exercise', { from: '2025-03-10', to: TODAY });
    expect(again.items.length).toBeLessThan(items.length);
    expect(again.items.every((i) => typeof (i.payload as { id: unknown }).id === 'string')).toBe(true);
  });

  it('does not commit a transaction whose batches were not stored', async () => {
    await run('exercise', { from: '2024-12-16', to: '2025-01-10' }, { commit: false });
    expect(fake.requests.some((r) => r.method === 'PUT')).toBe(false);
    const retry = await run('exercise', { from: '2024-12-16', to: '2025-01-10' });
    expect(of(retry.records, 'workout').length).toBe(data.exercises.length);
  });

  it('resumes an interrupted exercise window after its last stored batch: no item fetched twice, none lost', async () => {
    const window = { from: '2024-12-16', to: TODAY };
    const def = definition('exercise');
    // First run: stop (as a spent rate budget would) after the third batch is stored.
    const first: RawItem[] = [];
    let resume: import('../../../src/normalize/records.js').Json | undefined;
    let stored = 0;
    for await (const batch of def.fetch(connection, window)) {
      first.push(...batch.items);
      if (batch.resume !== undefined) resume = batch.resume;
      if (++stored === 3) break;
    }
    expect(resume).toBeDefined();
    const summariesBefore = fake.requests.filter((r) => /exercise-transactions\/\d+\/exercises\/[^/]+$/.test(r.path)).length;
    const listingsBefore = fake.requests.filter((r) => r.path.endsWith('/v3/exercises')).length;
    // Second run from the resume point: the rest, in a new transaction, committed at the end.
    const second: RawItem[] = [];
    for await (const batch of def.fetch(connection, window, resume)) {
      second.push(...batch.items);
      if (batch.commit) await batch.commit();
    }
    const ids = [...first, ...second].map((i) => i.providerRecordId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(new Set(data.exercises.map(expectedExerciseId)));
    // The listing was not asked again, and no exercise summary twice.
    expect(fake.requests.filter((r) => r.path.endsWith('/v3/exercises')).length).toBe(listingsBefore);
    const summaries = fake.requests.filter((r) => /exercise-transactions\/\d+\/exercises\/[^/]+$/.test(r.path)).map((r) => r.path.split('/').at(-1));
    expect(summaries.length).toBeGreaterThan(summariesBefore);
    expect(new Set(summaries).size).toBe(summaries.length);
  });

  it('maps the listing and the transactional view of the same exercise to one record id', async () => {
    const client = new PolarClient(connection.http, fake.apiUrl, connection.accessToken);
    const listed = await client.listExercises({ samples: true, zones: true });
    const tx = (await client.createTransaction(String(polarUserId), 'exercise'))!;
    const urls = await client.listTransactionItems(String(polarUserId), tx);
    const transactional = await Promise.all(urls.map((u) => client.getJson(u)));
    const listedIds = listed.map(exerciseRecordIdOf);
    const txIds = transactional.map(exerciseRecordIdOf);
    expect(listedIds.length).toBeGreaterThan(5);
    for (const id of listedIds) expect(txIds).toContain(id);
    const one = transactional.find((t) => exerciseRecordIdOf(t) === listedIds[0]);
    const a = mapExercise(listed[0]);
    const b = mapExercise(one);
    expect(a.ok && b.ok).toBe(true);
    const idOf = (r: NormalizedRecord) => (r.kind === 'workout' ? r.record.providerRecordId : null);
    if (a.ok && b.ok) {
      expect(idOf(b.records[0])).toBe(idOf(a.records[0]));
      expect(idOf(a.records[0])).toBe(listedIds[0]);
    }
  });

  it('fetches sleep with totals, hypnogram, recovery part and sleep heart rate', async () => {
    const { records } = await run('sleep', { from: '2025-02-20', to: TODAY });
    const expected = data.sleeps.filter((s) => s.date >= '2025-02-20');
    const sleeps = of(records, 'sleep');
    expect(sleeps.map((s) => s.record.providerRecordId)).toEqual(expected.map((s) => s.date));
    for (const [i, s] of sleeps.entries()) {
      const src = expected[i];
      expect(s.record.totalSleepSeconds).toBe(src.light_sleep + src.deep_sleep + src.rem_sleep + src.unrecognized_sleep_stage);
      expect(s.record.score).toBe(src.sleep_score);
      expect(s.record.utcOffsetMinutes).toBe(OFFSET);
      const stageSeconds = (stage: string) => s.record.hypnogram!.filter((h) => h.stage === stage).reduce((n, h) => n + h.durationSeconds, 0);
      expect(stageSeconds('DEEP')).toBe(src.deep_sleep);
      expect(stageSeconds('REM')).toBe(src.rem_sleep);
      expect(stageSeconds('LIGHT')).toBe(src.light_sleep);
      expect(stageSeconds('AWAKE')).toBe(src.total_interruption_duration);
    }
    expect(of(records, 'recoveryPart').map((p) => [p.record.providerRecordId, p.record.sleepCharge])).toEqual(
      expected.map((s) => [s.date, s.sleep_charge]),
    );
    expect(of(records, 'heartRate').flatMap((h) => h.samples)).toHaveLength(expected.reduce((n, s) => n + Object.keys(s.heart_rate_samples).length, 0));
  });

  it('does not call sleep for windows Polar no longer serves', async () => {
    const { items } = await run('sleep', { from: '2024-12-16', to: '2025-01-31' });
    expect(items).toEqual([]);
    expect(fake.requests).toHaveLength(0);
  });

  it('fetches Nightly Recharge as recovery parts timed by the night and with the wearer offset', async () => {
    const { records } = await run('nightly_recharge', { from: '2025-03-01', to: TODAY });
    const expected = data.nightlyRecharges.filter((r) => r.date >= '2025-03-01');
    const parts = of(records, 'recoveryPart');
    expect(parts.map((p) => [p.record.providerRecordId, p.record.hrvRmssdMs, p.record.ansCharge, p.record.nightlyRechargeStatus])).toEqual(
      expected.map((r) => [r.date, r.heart_rate_variability_avg, r.ans_charge, r.nightly_recharge_status]),
    );
    for (const p of parts) {
      const night = data.sleeps.find((s) => s.date === p.record.providerRecordId)!;
      expect(p.record.utcOffsetMinutes).toBe(OFFSET);
      expect(p.record.startTime.getTime()).toBe(Date.parse(night.sleep_start_time));
    }
  });

  it('fetches daily activity over more than 28 days in ranges, dated by start_time', async () => {
    const { records } = await run('daily_activity', { from: '2025-01-20', to: TODAY });
    const parts = of(records, 'dailyActivityPart');
    const expected = data.activities.filter((a) => a.date >= '2025-01-20');
    expect(parts.map((p) => [p.record.providerRecordId, p.record.steps, p.record.totalEnergyKcal])).toEqual(
      expected.map((a) => [a.date, a.steps, a.calories]),
    );
    const calls = fake.requests.filter((r) => r.path === '/v3/users/activities');
    expect(calls.map((c) => [c.query.from, c.query.to])).toEqual([
      ['2025-01-20', '2025-02-16'],
      ['2025-02-17', '2025-03-15'],
    ]);
    expect(parts.at(-2)!.record.startTime.toISOString()).toBe('2025-03-14T07:00:00.000Z');
  });

  it('fetches continuous heart rate with the offset taken from the nights', async () => {
    const { items, records } = await run('continuous_heart_rate', { from: '2025-03-10', to: '2025-03-12' });
    expect(items.map((i) => [i.providerRecordId, (i.payload as Record<string, unknown>)._utc_offset_minutes])).toEqual([
      ['2025-03-10', OFFSET],
      ['2025-03-11', OFFSET],
      ['2025-03-12', OFFSET],
    ]);
    const samples = of(records, 'heartRate').flatMap((h) => h.samples);
    const src = data.continuousHeartRate.filter((d) => d.date >= '2025-03-10' && d.date <= '2025-03-12');
    expect(samples).toHaveLength(src.reduce((n, d) => n + d.heart_rate_samples.length, 0));
    const first = src[0].heart_rate_samples[0];
    expect(samples[0].time.getTime()).toBe(Date.parse(`2025-03-10T${first.sample_time}Z`) - OFFSET * 60_000);
    expect(samples[0].bpm).toBe(first.heart_rate);
  });

  it('fetches cardio load into the daily activity of the same date', async () => {
    const { records } = await run('cardio_load', { from: '2025-03-01', to: '2025-03-14' });
    const expected = data.cardioLoad.filter((c) => c.date >= '2025-03-01' && c.date <= '2025-03-14');
    expect(of(records, 'dailyActivityPart').map((p) => [p.record.providerRecordId, p.record.cardioLoad, p.record.cardioLoadStrain, p.record.cardioLoadStatus])).toEqual(
      expected.map((c) => [c.date, c.cardio_load, c.strain, c.cardio_load_status]),
    );
  });

  it('fetches VO2max from physical-information transactions and commits them', async () => {
    const { records, batches } = await run('physical_information', { from: '2025-01-01', to: TODAY });
    expect(of(records, 'vo2Max').map((v) => [v.record.providerRecordId, v.record.vo2MaxMlPerKgMin])).toEqual(
      data.physicalInformation.map((p) => [String(p.id), p['vo2-max']]),
    );
    expect(batches.at(-1)!.commit).toBe(true);
    expect((await run('physical_information', { from: '2025-01-01', to: TODAY })).items).toEqual([]);
  });

  it('fetches skin temperature into the night recovery', async () => {
    const { records } = await run('skin_temperature', { from: '2025-03-01', to: TODAY });
    const expected = data.skinTemperature.filter((t) => t.sleep_date >= '2025-03-01');
    expect(of(records, 'recoveryPart').map((p) => [p.record.providerRecordId, p.record.skinTemperatureDeviationCelsius])).toEqual(
      expected.map((t) => [t.sleep_date, t.deviation_from_baseline_celsius]),
    );
  });

  it('registers (409 on a second time is fine) and de-registers the user', async () => {
    const fresh = fake.connectUser();
    const ctx = { ...connection, accessToken: fresh.accessToken, userId: 'member-2', providerUserId: String(fresh.polarUserId) };
    expect(await adapter.register!(ctx)).toEqual({ providerUserId: String(fresh.polarUserId) });
    expect(await adapter.register!(ctx)).toEqual({ providerUserId: String(fresh.polarUserId) });
    expect(fake.users.get(fresh.polarUserId)).toMatchObject({ registered: true, memberId: 'member-2' });
    await adapter.deregister!(ctx);
    expect(fake.users.get(fresh.polarUserId)).toMatchObject({ registered: false });
    await expect(adapter.deregister!(ctx)).resolves.toBeUndefined();
    expect(adapter.providerUserIdFromToken!({ access_token: 'x', x_user_id: 12345678 })).toBe('12345678');
  });
});
