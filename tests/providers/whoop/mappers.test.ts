/**
 * WHOOP mappers, pure: expected values worked out by hand from the payloads below. The wearer's
 * offset comes from `timezone_offset` on every record (another integration read a wrong field name
 * and lost it); records not SCORED are never mapped as zeros.
 */
import { mapCycle, mapRecovery, mapSleep, mapWorkout } from '../../../src/providers/whoop/index.js';
import type { MapOutcome, NormalizedRecord } from '../../../src/normalize/records.js';

type Any = Record<string, any>;
const recordOf = (r: NormalizedRecord): Any => ('record' in r ? r.record : r.samples);
const only = (outcome: MapOutcome): Any => {
  if (!outcome.ok) throw new Error(`skipped: ${outcome.reason}`);
  expect(outcome.records).toHaveLength(1);
  return recordOf(outcome.records[0]);
};
const day = (d: Date) => d.toISOString().slice(0, 10);

const sleep = {
  id: 'ecfc6a15-4661-442f-a9a4-f160dd7afae8',
  cycle_id: 93845,
  user_id: 10129,
  created_at: '2026-03-02T13:00:00.000Z',
  updated_at: '2026-03-02T13:00:00.000Z',
  // 23:30 in Sydney (+11:00) on 1 March to 07:00 on 2 March.
  start: '2026-03-01T12:30:00.000Z',
  end: '2026-03-01T20:00:00.000Z',
  timezone_offset: '+11:00',
  nap: false,
  score_state: 'SCORED',
  score: {
    stage_summary: {
      total_in_bed_time_milli: 27_000_000,
      total_awake_time_milli: 2_700_000,
      total_no_data_time_milli: 300_000,
      total_light_sleep_time_milli: 12_000_000,
      total_slow_wave_sleep_time_milli: 6_000_000,
      total_rem_sleep_time_milli: 6_000_500,
      sleep_cycle_count: 5,
      disturbance_count: 12,
    },
    sleep_needed: { baseline_milli: 27_395_716, need_from_sleep_debt_milli: 352_230, need_from_recent_strain_milli: 208_595, need_from_recent_nap_milli: -12_312 },
    respiratory_rate: 16.11328125,
    sleep_performance_percentage: 98,
    sleep_consistency_percentage: 90,
    sleep_efficiency_percentage: 91.69533,
  },
};

describe('WHOOP mappers', () => {
  test('sleep: stages from milliseconds, WHOOP sleep performance as the score, filed on the local morning it ended', () => {
    const r = only(mapSleep(sleep));
    expect(r).toMatchObject({
      providerRecordId: sleep.id,
      type: 'MAIN',
      utcOffsetMinutes: 660,
      timeInBedSeconds: 27_000,
      lightSleepSeconds: 12_000,
      deepSleepSeconds: 6_000,
      remSleepSeconds: 6_001, // 6000.5 s rounded
      totalSleepSeconds: 24_001,
      awakeSeconds: 2_700,
      unrecognizedSleepSeconds: 300,
      efficiencyPercent: 91.69533,
      score: 98,
      breathingRatePerMinute: 16.11328125,
    });
    // Ended 20:00 UTC on 1 March = 07:00 on 2 March in Sydney.
    expect(day(r.localDate)).toBe('2026-03-02');
    expect(r.extras.whoop).toMatchObject({ sleepConsistencyPercentage: 90, disturbanceCount: 12, sleepNeededSeconds: { fromRecentNap: -12 } });
  });

  test('the offset is read from timezone_offset on every record type; a missing one is UTC with an issue', () => {
    const west = { timezone_offset: '-07:00' };
    expect(only(mapSleep({ ...sleep, ...west })).utcOffsetMinutes).toBe(-420);
    expect(only(mapWorkout({ id: 'w', start: '2026-03-01T02:00:00.000Z', end: '2026-03-01T03:00:00.000Z', sport_name: 'running', score_state: 'PENDING_SCORE', ...west })).utcOffsetMinutes).toBe(-420);
    expect(only(mapCycle({ id: 1, start: '2026-03-01T06:00:00.000Z', score_state: 'SCORED', score: { strain: 5, kilojoule: 4184 }, ...west })).utcOffsetMinutes).toBe(-420);
    expect(only(mapRecovery({ sleep_id: 's', cycle_id: 1, score_state: 'SCORED', score: { recovery_score: 50 }, _sleep: { start: sleep.start, end: sleep.end, ...west } })).utcOffsetMinutes).toBe(-420);
    expect(only(mapSleep({ ...sleep, timezone_offset: 'Z' })).utcOffsetMinutes).toBe(0);
    // A field named like another integration's guess is not the offset.
    const { timezone_offset: _, ...without } = sleep;
    const outcome = mapSleep({ ...without, zone_offset: '+11:00' });
    expect(only(outcome).utcOffsetMinutes).toBe(0);
    expect(outcome.ok && outcome.nulledFields).toEqual([{ field: 'timezone_offset', reason: 'missing; assumed UTC' }]);
  });

  test('a nap is a NAP; a sleep not yet scored keeps its times and null metrics, never zeros', () => {
    expect(only(mapSleep({ ...sleep, nap: true })).type).toBe('NAP');
    const { score: _, ...unscored } = sleep;
    const r = only(mapSleep({ ...unscored, score_state: 'PENDING_SCORE' }));
    expect(r).toMatchObject({ startTime: new Date(sleep.start), endTime: new Date(sleep.end), totalSleepSeconds: null, deepSleepSeconds: null, score: null, efficiencyPercent: null });
    expect(r.extras.whoop.scoreState).toBe('PENDING_SCORE');
    // A score next to a state other than SCORED is not trusted either.
    expect(only(mapSleep({ ...sleep, score_state: 'UNSCORABLE' })).totalSleepSeconds).toBeNull();
  });

  test('recovery: score, HRV RMSSD, resting HR, SpO2 and skin temperature, on the local date its sleep ended; unscored ones skipped', () => {
    const payload = {
      cycle_id: 93845,
      sleep_id: sleep.id,
      user_id: 10129,
      score_state: 'SCORED',
      score: { user_calibrating: false, recovery_score: 44, resting_heart_rate: 64, hrv_rmssd_milli: 31.813562, spo2_percentage: 95.6875, skin_temp_celsius: 33.7 },
      _sleep: { start: sleep.start, end: sleep.end, timezone_offset: sleep.timezone_offset },
    };
    const r = only(mapRecovery(payload));
    expect(r).toMatchObject({ providerRecordId: `recovery:${sleep.id}`, readinessScore: 44, hrvRmssdMs: 31.813562, restingHeartRateBpm: 64, skinTemperatureDeviationCelsius: null, utcOffsetMinutes: 660 });
    expect(day(r.localDate)).toBe('2026-03-02');
    expect(r.extras.whoop).toMatchObject({ spo2Percentage: 95.6875, skinTempCelsius: 33.7, userCalibrating: false, cycleId: '93845' });
    const pending = mapRecovery({ ...payload, score_state: 'PENDING_SCORE', score: undefined });
    expect(pending).toEqual({ ok: false, reason: `recovery of sleep ${sleep.id} is PENDING_SCORE: raw payload kept, fetched again once scored` });
  });

  test('cycle: day strain and kJ -> kcal on the day its sleep ended; out-of-range strain nulled', () => {
    // Starts 22:40 on 1 March at -05:00; the physiological day is 2 March.
    const cycle = { id: 93845, start: '2026-03-02T03:40:00.000Z', timezone_offset: '-05:00', score_state: 'SCORED', score: { strain: 5.2951527, kilojoule: 8368, average_heart_rate: 68, max_heart_rate: 141 } };
    const r = only(mapCycle(cycle));
    expect(r).toMatchObject({ providerRecordId: 'cycle:93845', totalEnergyKcal: 2000, activeEnergyKcal: null, steps: null });
    expect(day(r.localDate)).toBe('2026-03-02');
    expect(r.extras.whoop).toMatchObject({ strain: 5.2951527, averageHeartRateBpm: 68, maxHeartRateBpm: 141, end: null });
    const wild = mapCycle({ ...cycle, score: { ...cycle.score, strain: 25 } });
    expect(only(wild).extras.whoop.strain).toBeNull();
    expect(mapCycle({ ...cycle, score_state: 'PENDING_SCORE', score: undefined }).ok).toBe(false);
  });

  test('workout: sport mapped with the raw name kept, kJ -> kcal, zones in seconds, local start date', () => {
    const workout = {
      id: 'ecfc6a15-4661-442f-a9a4-f160dd7afae9',
      start: '2026-03-02T01:30:00.000Z', // 20:30 on 1 March at -05:00
      end: '2026-03-02T02:15:00.000Z',
      timezone_offset: '-05:00',
      sport_name: 'Mountain Biking',
      score_state: 'SCORED',
      score: {
        strain: 8.2463,
        average_heart_rate: 123,
        max_heart_rate: 146,
        kilojoule: 1569,
        percent_recorded: 100,
        distance_meter: 1772.77,
        altitude_gain_meter: 46.64,
        altitude_change_meter: -0.781,
        zone_durations: { zone_zero_milli: 300_000, zone_one_milli: 600_000, zone_two_milli: 900_000, zone_three_milli: 600_000, zone_four_milli: 300_000, zone_five_milli: 0 },
      },
    };
    const r = only(mapWorkout(workout));
    expect(r).toMatchObject({ sport: 'MOUNTAIN_BIKING', providerSport: 'Mountain Biking', durationSeconds: 2_700, distanceMeters: 1772.77, averageHeartRateBpm: 123, maxHeartRateBpm: 146 });
    expect(r.energyKcal).toBeCloseTo(375, 6); // 1569 / 4.184
    expect(day(r.localDate)).toBe('2026-03-01');
    expect(r.heartRateZones.map((z: any) => z.durationSeconds)).toEqual([300, 600, 900, 600, 300, 0]);
    expect(r.extras.whoop).toMatchObject({ strain: 8.2463, altitudeGainMeters: 46.64, altitudeChangeMeters: -0.781 });
    expect(only(mapWorkout({ ...workout, sport_name: 'underwater-hockey' })).sport).toBe('OTHER');
    const unscorable = only(mapWorkout({ ...workout, score_state: 'UNSCORABLE', score: undefined }));
    expect(unscorable).toMatchObject({ energyKcal: null, averageHeartRateBpm: null, distanceMeters: null, heartRateZones: null, durationSeconds: 2_700 });
  });
});
