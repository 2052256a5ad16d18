import type { MapOutcome, NormalizedRecord } from '../../../src/normalize/records.js';
import { annotateSleeps } from '../../../src/providers/oura/fetchers.js';
import {
  mapDailyActivity,
  mapDailyReadiness,
  mapDailyResilience,
  mapDailySleep,
  mapDailySpo2,
  mapDailyStress,
  mapHeartRate,
  mapSession,
  mapSleep,
  mapVo2Max,
  mapWorkout,
} from '../../../src/providers/oura/mappers.js';
import { mapOuraSport } from '../../../src/providers/oura/sport-map.js';

function records(outcome: MapOutcome): NormalizedRecord[] {
  if (!outcome.ok) throw new Error(`expected records, got skip: ${outcome.reason}`);
  return outcome.records;
}
function only<K extends NormalizedRecord['kind']>(outcome: MapOutcome, kind: K): Extract<NormalizedRecord, { kind: K }> {
  const found = records(outcome).filter((r) => r.kind === kind);
  expect(found).toHaveLength(1);
  return found[0] as Extract<NormalizedRecord, { kind: K }>;
}
const day = (d: string) => new Date(`${d}T00:00:00Z`);
const issuesOf = (outcome: MapOutcome) => (outcome.ok ? outcome.nulledFields.map((i) => i.field) : []);

/** A long_sleep in Sydney (+10:00), as GET /v2/usercollection/sleep returns it. */
function sydneySleep(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: '8f9a5221-639e-4a85-81cb-4065ef23f979',
    average_breath: 14.875,
    average_heart_rate: 56.125,
    average_hrv: 48,
    awake_time: 2790,
    bedtime_end: '2025-03-14T06:53:00+10:00',
    bedtime_start: '2025-03-13T22:41:00+10:00',
    day: '2025-03-14',
    deep_sleep_duration: 4950,
    efficiency: 91,
    heart_rate: { interval: 300, items: [null, 61, 58, 300, 55.6], timestamp: '2025-03-13T22:41:00.000+10:00' },
    hrv: { interval: 300, items: [null, 41, 52, 47, 50], timestamp: '2025-03-13T22:41:00.000+10:00' },
    latency: 540,
    light_sleep_duration: 14280,
    low_battery_alert: false,
    lowest_heart_rate: 49,
    movement_30_sec: '1111122211',
    period: 0,
    readiness: {
      contributors: { activity_balance: 82, body_temperature: 98, hrv_balance: 75, previous_day_activity: 88, previous_night: 80, recovery_index: 91, resting_heart_rate: 95, sleep_balance: 84 },
      score: 84,
      temperature_deviation: -0.12,
      temperature_trend_deviation: 0.05,
    },
    readiness_score_delta: 1,
    rem_sleep_duration: 7500,
    restless_periods: 212,
    sleep_phase_5_min: '4422x13',
    sleep_score_delta: -2,
    sleep_algorithm_version: 'v2',
    time_in_bed: 29520,
    total_sleep_duration: 26730,
    type: 'long_sleep',
    ...overrides,
  };
}

describe('Oura sleep mapper', () => {
  it('maps a long_sleep at +10:00: UTC instants, offset, localDate = day, stages, HR/HRV, hypnogram', () => {
    const outcome = mapSleep(sydneySleep());
    const { record } = only(outcome, 'sleep');
    expect(record.providerRecordId).toBe('8f9a5221-639e-4a85-81cb-4065ef23f979');
    expect(record.startTime.toISOString()).toBe('2025-03-13T12:41:00.000Z');
    expect(record.endTime.toISOString()).toBe('2025-03-13T20:53:00.000Z');
    expect(record.utcOffsetMinutes).toBe(600);
    expect(record.localDate).toEqual(day('2025-03-14'));
    expect(record).toMatchObject({
      type: 'MAIN',
      timeInBedSeconds: 29520,
      totalSleepSeconds: 26730,
      lightSleepSeconds: 14280,
      deepSleepSeconds: 4950,
      remSleepSeconds: 7500,
      awakeSeconds: 2790,
      latencySeconds: 540,
      efficiencyPercent: 91,
      lowestHeartRateBpm: 49,
      averageHeartRateBpm: 56.125,
      averageHrvRmssdMs: 48,
      breathingRatePerMinute: 14.875,
      score: null,
    });
    // '4422x13': 'x' dropped (with an issue), the rest one 5-minute segment each from bedtime_start.
    expect(record.hypnogram).toEqual([
      { start: '2025-03-13T12:41:00.000Z', durationSeconds: 300, stage: 'AWAKE' },
      { start: '2025-03-13T12:46:00.000Z', durationSeconds: 300, stage: 'AWAKE' },
      { start: '2025-03-13T12:51:00.000Z', durationSeconds: 300, stage: 'LIGHT' },
      { start: '2025-03-13T12:56:00.000Z', durationSeconds: 300, stage: 'LIGHT' },
      { start: '2025-03-13T13:06:00.000Z', durationSeconds: 300, stage: 'DEEP' },
      { start: '2025-03-13T13:11:00.000Z', durationSeconds: 300, stage: 'REM' },
    ]);
    expect(issuesOf(outcome)).toEqual(expect.arrayContaining(['sleep_phase_5_min', 'heart_rate.items']));
    expect(record.extras).toMatchObject({
      ouraType: 'long_sleep',
      restlessPeriods: 212,
      readiness: { score: 84, temperatureDeviationCelsius: -0.12 },
      hrv: { interval: 300, items: [null, 41, 52, 47, 50] },
    });

    // Heart-rate series: nulls skipped, 300 bpm dropped, context 'sleep', sleep offset.
    const hr = only(outcome, 'heartRate');
    expect(hr.samples.map((s) => [s.time.toISOString(), s.bpm, s.context, s.utcOffsetMinutes])).toEqual([
      ['2025-03-13T12:46:00.000Z', 61, 'sleep', 600],
      ['2025-03-13T12:51:00.000Z', 58, 'sleep', 600],
      ['2025-03-13T13:01:00.000Z', 56, 'sleep', 600],
    ]);

    // The main sleep feeds the night's Recovery (keyed by day) with HRV / lowest HR / breathing.
    const part = only(outcome, 'recoveryPart');
    expect(part.record).toMatchObject({
      providerRecordId: '2025-03-14',
      utcOffsetMinutes: 600,
      hrvRmssdMs: 48,
      restingHeartRateBpm: 49,
      breathingRatePerMinute: 14.875,
      extras: { sleep: { sleepId: '8f9a5221-639e-4a85-81cb-4065ef23f979' } },
    });
    expect(part.record.localDate).toEqual(day('2025-03-14'));
    expect(part.record.startTime.toISOString()).toBe('2025-03-13T14:00:00.000Z');
  });

  it('maps -07:00: a bedtime before local midnight lands on the next UTC day', () => {
    const outcome = mapSleep(
      sydneySleep({ bedtime_start: '2025-03-13T23:10:00-07:00', bedtime_end: '2025-03-14T07:02:30-07:00', heart_rate: null, hrv: null }),
    );
    const { record } = only(outcome, 'sleep');
    expect(record.startTime.toISOString()).toBe('2025-03-14T06:10:00.000Z');
    expect(record.endTime.toISOString()).toBe('2025-03-14T14:02:30.000Z');
    expect(record.utcOffsetMinutes).toBe(-420);
    expect(record.localDate).toEqual(day('2025-03-14'));
  });

  it('maps sleep types and skips deleted periods, missing ids and dates', () => {
    expect(only(mapSleep(sydneySleep({ type: 'sleep' })), 'sleep').record.type).toBe('MAIN');
    const nap = mapSleep(sydneySleep({ type: 'late_nap' }));
    expect(only(nap, 'sleep').record.type).toBe('NAP');
    expect(records(nap).some((r) => r.kind === 'recoveryPart')).toBe(false);
    expect(only(mapSleep(sydneySleep({ type: 'rest' })), 'sleep').record.type).toBe('REST');
    expect(mapSleep(sydneySleep({ type: 'deleted' }))).toEqual({ ok: false, reason: expect.stringContaining('deleted') });
    expect(mapSleep(sydneySleep({ id: undefined }))).toEqual({ ok: false, reason: 'missing sleep id' });
    expect(mapSleep(sydneySleep({ day: '2025-02-30' }))).toEqual({ ok: false, reason: 'missing or invalid day' });
    expect(mapSleep(sydneySleep({ bedtime_end: 'soon' })).ok).toBe(false);
    expect(mapSleep(sydneySleep({ bedtime_end: '2025-03-13T22:00:00+10:00' })).ok).toBe(false);
    expect(mapSleep(null).ok).toBe(false);
    expect(mapSleep([1, 2]).ok).toBe(false);
  });

  it('nulls absurd values with issues instead of storing them', () => {
    const outcome = mapSleep(sydneySleep({ lowest_heart_rate: 5, average_hrv: 'lots', efficiency: 140, average_breath: -1 }));
    const { record } = only(outcome, 'sleep');
    expect(record.lowestHeartRateBpm).toBeNull();
    expect(record.averageHrvRmssdMs).toBeNull();
    expect(record.efficiencyPercent).toBeNull();
    expect(record.breathingRatePerMinute).toBeNull();
    expect(issuesOf(outcome)).toEqual(expect.arrayContaining(['lowest_heart_rate', 'average_hrv', 'efficiency', 'average_breath']));
  });

  it('takes the daily sleep score the fetcher copies onto the main sleep', () => {
    const main = sydneySleep();
    const nap = sydneySleep({ id: 'nap-1', type: 'late_nap', bedtime_start: '2025-03-14T14:00:00+10:00', bedtime_end: '2025-03-14T14:40:00+10:00', time_in_bed: 2400 });
    const short = sydneySleep({ id: 'short-1', bedtime_start: '2025-03-14T03:00:00+10:00', bedtime_end: '2025-03-14T04:00:00+10:00', time_in_bed: 3600 });
    const annotated = annotateSleeps([short, main, nap] as never, [{ id: 'ds-1', day: '2025-03-14', score: 82 }] as never);
    const [shortOut, mainOut, napOut] = annotated.map((p) => only(mapSleep(p), 'sleep').record);
    expect(mainOut.score).toBe(82);
    expect(mainOut.extras).toMatchObject({ dailySleepId: 'ds-1' });
    expect(shortOut.score).toBeNull();
    expect(napOut.score).toBeNull();
    // Only the main sleep feeds the Recovery.
    expect(records(mapSleep(annotated[0])).some((r) => r.kind === 'recoveryPart')).toBe(false);
    expect(records(mapSleep(annotated[1])).some((r) => r.kind === 'recoveryPart')).toBe(true);
  });
});

describe('Oura daily documents -> Recovery parts keyed by day', () => {
  const readiness = {
    id: 'rd-1',
    contributors: { activity_balance: 56, body_temperature: 98, hrv_balance: 75, previous_day_activity: null, previous_night: 35, recovery_index: 47, resting_heart_rate: 94, sleep_balance: 73 },
    day: '2025-03-14',
    score: 72,
    temperature_deviation: 0.31,
    temperature_trend_deviation: -0.1,
    timestamp: '2025-03-14T00:00:00.000-07:00',
  };

  it('daily_readiness: score, temperature deviation, contributors under extras.readiness', () => {
    const { record } = only(mapDailyReadiness(readiness), 'recoveryPart');
    expect(record).toMatchObject({
      providerRecordId: '2025-03-14',
      utcOffsetMinutes: -420,
      readinessScore: 72,
      skinTemperatureDeviationCelsius: 0.31,
      extras: { readiness: { id: 'rd-1', temperatureTrendDeviationCelsius: -0.1, contributors: { hrv_balance: 75, previous_day_activity: null } } },
    });
    expect(record.localDate).toEqual(day('2025-03-14'));
    expect(record.startTime.toISOString()).toBe('2025-03-14T07:00:00.000Z');
  });

  it('daily_sleep, daily_spo2, daily_stress, daily_resilience: distinct top-level extras keys, same record id', () => {
    const parts = [
      mapDailySleep({ id: 'ds-1', day: '2025-03-14', score: 82, contributors: { deep_sleep: 90, efficiency: 85 }, timestamp: '2025-03-14T00:00:00+10:00' }),
      mapDailySpo2({ id: 'sp-1', day: '2025-03-14', spo2_percentage: { average: 96.4 }, breathing_disturbance_index: 7 }),
      mapDailyStress({ id: 'st-1', day: '2025-03-14', stress_high: 5400, recovery_high: 3600, day_summary: 'normal' }),
      mapDailyResilience({ id: 're-1', day: '2025-03-14', level: 'solid', contributors: { sleep_recovery: 70.2, daytime_recovery: 40, stress: 55 } }),
    ].map((o) => only(o, 'recoveryPart').record);
    expect(parts.map((p) => p.providerRecordId)).toEqual(['2025-03-14', '2025-03-14', '2025-03-14', '2025-03-14']);
    expect(parts.map((p) => Object.keys(p.extras as object))).toEqual([['dailySleep'], ['spo2'], ['stress'], ['resilience']]);
    expect(parts[0].extras).toEqual({ dailySleep: { id: 'ds-1', score: 82, contributors: { deep_sleep: 90, efficiency: 85 } } });
    expect(parts[0].utcOffsetMinutes).toBe(600);
    expect(parts[1].extras).toEqual({ spo2: { id: 'sp-1', averagePercent: 96.4, breathingDisturbanceIndex: 7 } });
    expect(parts[2].extras).toEqual({ stress: { id: 'st-1', stressHighSeconds: 5400, recoveryHighSeconds: 3600, daySummary: 'normal' } });
    expect(parts[3].extras).toMatchObject({ resilience: { level: 'solid' } });
    // No timestamp: UTC assumed, and said so.
    expect(issuesOf(mapDailySpo2({ id: 'sp-1', day: '2025-03-14', spo2_percentage: null }))).toContain('utcOffsetMinutes');
  });

  it('daily_spo2, daily_stress, daily_resilience and the main sleep emit measurements for the day', () => {
    const measurements = (outcome: MapOutcome) =>
      records(outcome).flatMap((r) => (r.kind === 'measurement' ? [[r.record.metric, r.record.value, r.record.providerRecordId, r.record.startTime.toISOString(), r.record.endTime?.toISOString() ?? null]] : []));
    // A +10:00 day: local midnight of 2025-03-14 is 14:00 UTC on the 13th; the interval is that local day.
    const day14 = ['2025-03-14', '2025-03-13T14:00:00.000Z', '2025-03-14T14:00:00.000Z'];
    const t = { timestamp: '2025-03-14T00:00:00+10:00' };
    expect(measurements(mapDailySpo2({ id: 'sp-1', day: '2025-03-14', spo2_percentage: { average: 96.4 }, breathing_disturbance_index: 7, ...t }))).toEqual([
      ['spo2_percent', 96.4, ...day14],
      ['breathing_disturbance_index', 7, ...day14],
    ]);
    expect(measurements(mapDailyStress({ id: 'st-1', day: '2025-03-14', stress_high: 5400, recovery_high: 3600, ...t }))).toEqual([
      ['stress_high_seconds', 5400, ...day14],
      ['recovery_high_seconds', 3600, ...day14],
    ]);
    expect(measurements(mapDailyResilience({ id: 're-1', day: '2025-03-14', level: 'solid', ...t }))).toEqual([['resilience_level', 3, ...day14]]);
    // An unknown level word is reported, not guessed.
    const odd = mapDailyResilience({ id: 're-1', day: '2025-03-14', level: 'heroic', ...t });
    expect(measurements(odd)).toEqual([]);
    expect(issuesOf(odd)).toContain('level');
    // An SpO2 average of 30 % is refused with its reason (catalogue range 50..100).
    const low = mapDailySpo2({ id: 'sp-1', day: '2025-03-14', spo2_percentage: { average: 30 }, ...t });
    expect(measurements(low)).toEqual([]);
    expect(low.ok && low.nulledFields).toEqual([{ field: 'spo2_percentage.average', reason: 'out of range [50, 100]: 30' }]);
    // The main sleep's lowest heart rate (49) is the night's resting heart rate, over the sleep period.
    expect(measurements(mapSleep(sydneySleep()))).toEqual([['resting_heart_rate_bpm', 49, '2025-03-14', '2025-03-13T12:41:00.000Z', '2025-03-13T20:53:00.000Z']]);
  });

  it('skips daily documents without a valid day', () => {
    expect(mapDailyReadiness({ ...readiness, day: undefined })).toEqual({ ok: false, reason: 'missing or invalid day' });
    expect(mapDailySpo2({ id: 'x', day: 'yesterday' }).ok).toBe(false);
    expect(mapDailyReadiness({ ...readiness, score: 250 }).ok).toBe(true);
    expect(only(mapDailyReadiness({ ...readiness, score: 250 }), 'recoveryPart').record.readinessScore).toBeNull();
  });
});

describe('Oura daily_activity, workout, heartrate, vO2_max, session', () => {
  it('daily_activity -> dailyActivityPart keyed by day', () => {
    const outcome = mapDailyActivity({
      id: 'da-1',
      class_5_min: '0000111222',
      score: 87,
      active_calories: 612,
      average_met_minutes: 1.6,
      contributors: { meet_daily_targets: 60, move_every_hour: 100, recovery_time: 100, stay_active: 86, training_frequency: 80, training_volume: 96 },
      equivalent_walking_distance: 11234,
      high_activity_time: 600,
      inactivity_alerts: 1,
      low_activity_time: 15000,
      medium_activity_time: 2400,
      met: { interval: 60, items: [0.9, 1.2], timestamp: '2025-03-14T04:00:00.000-07:00' },
      meters_to_target: -2000,
      non_wear_time: 300,
      resting_time: 30000,
      sedentary_time: 35000,
      steps: 12034,
      target_calories: 500,
      target_meters: 9000,
      total_calories: 2790,
      day: '2025-03-14',
      timestamp: '2025-03-14T04:00:00.000-07:00',
    });
    const { record } = only(outcome, 'dailyActivityPart');
    expect(record).toMatchObject({
      providerRecordId: '2025-03-14',
      utcOffsetMinutes: -420,
      steps: 12034,
      activeEnergyKcal: 612,
      totalEnergyKcal: 2790,
      activeDurationSeconds: 18000,
      distanceMeters: 11234,
      score: 87,
      extras: { activity: { id: 'da-1', targetCalories: 500, sedentarySeconds: 35000, nonWearSeconds: 300 } },
    });
    expect(record.startTime.toISOString()).toBe('2025-03-14T07:00:00.000Z');
    expect(record.localDate).toEqual(day('2025-03-14'));
  });

  it('workout: offsets, sport table, null distance, calories, intensity', () => {
    const outcome = mapWorkout({
      id: 'wk-1',
      activity: 'strength_training',
      calories: 245.5,
      day: '2025-03-13',
      distance: null,
      end_datetime: '2025-03-13T19:05:00.000+10:00',
      intensity: 'moderate',
      label: null,
      source: 'confirmed',
      start_datetime: '2025-03-13T18:20:00.000+10:00',
    });
    const { record } = only(outcome, 'workout');
    expect(record).toMatchObject({
      providerRecordId: 'wk-1',
      sport: 'STRENGTH_TRAINING',
      providerSport: 'strength_training',
      durationSeconds: 2700,
      distanceMeters: null,
      energyKcal: 245.5,
      intensity: 'moderate',
      utcOffsetMinutes: 600,
      extras: { label: null, source: 'confirmed' },
    });
    expect(record.startTime.toISOString()).toBe('2025-03-13T08:20:00.000Z');
    expect(record.localDate).toEqual(day('2025-03-13'));
    expect(mapOuraSport('Running')).toBe('RUNNING');
    expect(mapOuraSport('cycling')).toBe('CYCLING');
    expect(mapOuraSport('yoga')).toBe('YOGA');
    expect(mapOuraSport('underwater_basket_weaving')).toBe('OTHER');
    expect(mapWorkout({ activity: 'running', start_datetime: '2025-03-13T18:20:00+10:00', end_datetime: '2025-03-13T19:05:00+10:00' }).ok).toBe(false);
    expect(mapWorkout({ id: 'wk-2', start_datetime: '2025-03-13T18:20:00+10:00', end_datetime: '2025-03-13T18:00:00+10:00' }).ok).toBe(false);
  });

  it('heartrate group: context = source, injected offset, bad samples dropped with issues', () => {
    const outcome = mapHeartRate({
      date: '2025-03-14',
      _utc_offset_minutes: -420,
      _utc_offset_source: 'same-day',
      items: [
        { bpm: 72, source: 'awake', timestamp: '2025-03-14T17:00:00+00:00' },
        { bpm: 64, source: 'rest', timestamp: '2025-03-14T16:55:00+00:00' },
        { bpm: 999, source: 'awake', timestamp: '2025-03-14T17:05:00+00:00' },
        { bpm: 70, source: 'workout', timestamp: 'nope' },
      ],
    });
    const hr = only(outcome, 'heartRate');
    expect(hr.samples.map((s) => [s.time.toISOString(), s.bpm, s.context, s.utcOffsetMinutes])).toEqual([
      ['2025-03-14T16:55:00.000Z', 64, 'rest', -420],
      ['2025-03-14T17:00:00.000Z', 72, 'awake', -420],
    ]);
    expect(issuesOf(outcome)).toEqual(['items.timestamp', 'items.bpm']);
    // Without an injected offset, the timestamp's own offset is used.
    const own = only(mapHeartRate({ items: [{ bpm: 60, source: 'sleep', timestamp: '2025-03-14T02:00:00+10:00' }] }), 'heartRate');
    expect(own.samples[0].utcOffsetMinutes).toBe(600);
    expect(mapHeartRate({ date: '2025-03-14' }).ok).toBe(false);
  });

  it('vO2_max -> vo2Max; session -> skip with reason', () => {
    const { record } = only(mapVo2Max({ id: 'v-1', day: '2025-03-14', timestamp: '2025-03-14T07:30:00-07:00', vo2_max: 44.5 }), 'vo2Max');
    expect(record).toMatchObject({ providerRecordId: 'v-1', vo2MaxMlPerKgMin: 44.5, utcOffsetMinutes: -420 });
    expect(record.measuredAt.toISOString()).toBe('2025-03-14T14:30:00.000Z');
    expect(record.localDate).toEqual(day('2025-03-14'));
    expect(mapVo2Max({ id: 'v-2', day: '2025-03-14', vo2_max: 3 }).ok).toBe(false);
    const session = mapSession({ id: 's-1', day: '2025-03-14', type: 'breathing' });
    expect(session.ok).toBe(false);
    expect(!session.ok && session.reason).toMatch(/no normalized record/);
  });
});
