import type { MapOutcome, NormalizedRecord } from '../../../src/normalize/records.js';
import {
  exerciseRecordIdOf,
  mapCardioLoad,
  mapContinuousHeartRate,
  mapDailyActivity,
  mapExercise,
  mapNightlyRecharge,
  mapPhysicalInformation,
  mapSkinTemperature,
  mapSleep,
} from '../../../src/providers/polar/mappers.js';
import { mapPolarSport } from '../../../src/providers/polar/sport-map.js';

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

/** A non-transactional exercise as GET /v3/exercises?samples=true&zones=true returns it. */
function exercise(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'aQlC83x',
    upload_time: '2025-03-14T07:40:11.000Z',
    polar_user: 'https://www.polaraccesslink.com/v3/users/10000001',
    device: 'Polar Vantage V3',
    device_id: '1F2E3D4C',
    start_time: '2025-03-13T23:30:00',
    start_time_utc_offset: -420,
    duration: 'PT45M12.5S',
    calories: 512,
    distance: 8123.4,
    heart_rate: { average: 151, maximum: 176 },
    training_load: 88.2,
    sport: 'RUNNING',
    detailed_sport_info: 'RUNNING_ROAD',
    has_route: true,
    fat_percentage: 31,
    carbohydrate_percentage: 67,
    protein_percentage: 2,
    'running-index': 52,
    training_load_pro: {
      date: '2025-03-13',
      'cardio-load': 90.5,
      'muscle-load': 0,
      'perceived-load': 120.5,
      'cardio-load-interpretation': 'MEDIUM',
      'muscle-load-interpretation': 'NOT_AVAILABLE',
      'perceived-load-interpretation': 'LOW',
      'user-rpe': 'RPE_MODERATE',
    },
    heart_rate_zones: [
      { index: 1, 'lower-limit': 93, 'upper-limit': 111, 'in-zone': 'PT1M' },
      { index: 2, 'lower-limit': 111, 'upper-limit': 130, 'in-zone': 'PT5M30S' },
      { index: 3, 'lower-limit': 130, 'upper-limit': 148, 'in-zone': 'PT20M' },
      { index: 4, 'lower-limit': 148, 'upper-limit': 167, 'in-zone': 'PT15M' },
      { index: 5, 'lower-limit': 167, 'upper-limit': 186, 'in-zone': 'PT3M42.5S' },
    ],
    samples: [
      { 'recording-rate': 10, 'sample-type': '0', data: '120,131,abc,140,400,152' },
      { 'recording-rate': 10, 'sample-type': '1', data: '10.1,10.4,10.2' },
    ],
    ...overrides,
  };
}

/** The same exercise in the transactional (kebab-case, numeric id) shape the fetcher assembles. */
function transactionalExercise(): Record<string, unknown> {
  const e = exercise();
  return {
    id: 100123456,
    'upload-time': e.upload_time,
    'polar-user': e.polar_user,
    'transaction-id': 1001,
    device: e.device,
    'device-id': e.device_id,
    'start-time': e.start_time,
    'start-time-utc-offset': e.start_time_utc_offset,
    duration: e.duration,
    calories: e.calories,
    distance: e.distance,
    'heart-rate': e.heart_rate,
    'training-load': e.training_load,
    sport: e.sport,
    'has-route': true,
    'detailed-sport-info': e.detailed_sport_info,
    'fat-percentage': 31,
    'carbohydrate-percentage': 67,
    'protein-percentage': 2,
    'running-index': 52,
    'training-load-pro': e.training_load_pro,
    'heart-rate-zones': e.heart_rate_zones,
    samples: [{ 'recording-rate': 10, 'sample-type': '0', data: '120,131,135' }],
  };
}

describe('Polar mappers', () => {
  describe('exercise', () => {
    it('maps a 23:30 local run in UTC-7 to the next UTC day but keeps the local date', () => {
      const outcome = mapExercise(exercise());
      const w = only(outcome, 'workout').record;
      expect(w.startTime.toISOString()).toBe('2025-03-14T06:30:00.000Z');
      expect(w.utcOffsetMinutes).toBe(-420);
      expect(w.localDate).toEqual(day('2025-03-13'));
      expect(w.endTime.toISOString()).toBe('2025-03-14T07:15:12.500Z');
      expect(w).toMatchObject({
        providerRecordId: '1F2E3D4C@2025-03-14T06:30:00Z',
        sport: 'RUNNING',
        providerSport: 'RUNNING/RUNNING_ROAD',
        durationSeconds: 2712.5,
        distanceMeters: 8123.4,
        energyKcal: 512,
        averageHeartRateBpm: 151,
        maxHeartRateBpm: 176,
        trainingLoad: 90.5,
        muscleLoad: 0,
        intensity: 'MEDIUM',
        sourceDevice: 'Polar Vantage V3',
      });
      expect(w.heartRateZones).toEqual([
        { zone: 1, lowerBpm: 93, upperBpm: 111, durationSeconds: 60 },
        { zone: 2, lowerBpm: 111, upperBpm: 130, durationSeconds: 330 },
        { zone: 3, lowerBpm: 130, upperBpm: 148, durationSeconds: 1200 },
        { zone: 4, lowerBpm: 148, upperBpm: 167, durationSeconds: 900 },
        { zone: 5, lowerBpm: 167, upperBpm: 186, durationSeconds: 222.5 },
      ]);
      expect(w.extras).toMatchObject({
        polarExerciseId: 'aQlC83x',
        runningIndex: 52,
        fatPercentage: 31,
        carbohydratePercentage: 67,
        proteinPercentage: 2,
        perceivedLoad: 120.5,
        userRpe: 'RPE_MODERATE',
      });
    });

    it('maps UTC+10 starts: an early-morning start falls on the previous UTC day, a late one on the same', () => {
      const morning = only(mapExercise(exercise({ start_time: '2025-03-14T06:15:00', start_time_utc_offset: 600 })), 'workout').record;
      expect(morning.startTime.toISOString()).toBe('2025-03-13T20:15:00.000Z');
      expect(morning.utcOffsetMinutes).toBe(600);
      expect(morning.localDate).toEqual(day('2025-03-14'));

      const late = only(mapExercise(exercise({ start_time: '2025-03-13T23:30:00', start_time_utc_offset: 600 })), 'workout').record;
      expect(late.startTime.toISOString()).toBe('2025-03-13T13:30:00.000Z');
      expect(late.localDate).toEqual(day('2025-03-13'));
    });

    it('turns sample-type 0 into workout heart-rate samples, dropping unusable values with one issue', () => {
      const outcome = mapExercise(exercise());
      const hr = only(outcome, 'heartRate');
      expect(hr.samples.map((s) => [s.time.toISOString(), s.bpm])).toEqual([
        ['2025-03-14T06:30:00.000Z', 120],
        ['2025-03-14T06:30:10.000Z', 131],
        ['2025-03-14T06:30:30.000Z', 140],
        ['2025-03-14T06:30:50.000Z', 152],
      ]);
      expect(hr.samples.every((s) => s.context === 'workout' && s.utcOffsetMinutes === -420)).toBe(true);
      expect(outcome.ok && outcome.nulledFields).toEqual([{ field: 'samples[0].data', reason: expect.stringContaining('2 of 6') }]);
    });

    it('gives the listing (string id) and the transaction (numeric id) views of one exercise the same record id', () => {
      const listed = only(mapExercise(exercise()), 'workout').record;
      const transactional = only(mapExercise(transactionalExercise()), 'workout').record;
      expect(transactional.providerRecordId).toBe(listed.providerRecordId);
      expect(exerciseRecordIdOf(transactionalExercise())).toBe(listed.providerRecordId);
      expect(transactional).toMatchObject({
        startTime: listed.startTime,
        localDate: listed.localDate,
        sport: 'RUNNING',
        trainingLoad: 90.5,
        averageHeartRateBpm: 151,
        heartRateZones: listed.heartRateZones,
      });
      expect(transactional.extras).toMatchObject({ polarTransactionalExerciseId: 100123456, runningIndex: 52 });
    });

    it('nulls absurd or mistyped numbers with issues', () => {
      const outcome = mapExercise(exercise({ calories: -5, distance: 'far', heart_rate: { average: 'fast', maximum: 999 } }));
      const w = only(outcome, 'workout').record;
      expect(w).toMatchObject({ energyKcal: null, distanceMeters: null, averageHeartRateBpm: null, maxHeartRateBpm: null });
      expect(outcome.ok && outcome.nulledFields.map((i) => i.field)).toEqual(
        expect.arrayContaining(['calories', 'distance', 'heart_rate.average', 'heart_rate.maximum']),
      );
    });

    it('falls back to training_load when training_load_pro is absent', () => {
      const w = only(mapExercise(exercise({ training_load_pro: undefined })), 'workout').record;
      expect(w.trainingLoad).toBe(88.2);
      expect(w.muscleLoad).toBeNull();
    });

    it('skips exercises without id, start time, offset or duration', () => {
      expect(mapExercise(exercise({ id: undefined }))).toEqual({ ok: false, reason: 'missing exercise id' });
      expect(mapExercise(exercise({ start_time: undefined }))).toEqual({ ok: false, reason: 'missing start_time' });
      expect(mapExercise(exercise({ start_time_utc_offset: undefined })).ok).toBe(false);
      expect(mapExercise(exercise({ start_time: '13/03/2025 23:30' })).ok).toBe(false);
      expect(mapExercise(exercise({ duration: 'forty minutes' }))).toEqual({ ok: false, reason: 'missing or invalid duration' });
      expect(mapExercise(exercise({ start_time: '1970-01-01T00:00:00' })).ok).toBe(false);
    });

    it('normalizes sports through the table and keeps the raw names', () => {
      expect(mapPolarSport('OTHER', 'STRENGTH_TRAINING')).toBe('STRENGTH_TRAINING');
      expect(mapPolarSport('CYCLING', 'INDOOR_CYCLING')).toBe('INDOOR_CYCLING');
      expect(mapPolarSport('CYCLING', 'ROAD_BIKING')).toBe('CYCLING');
      expect(mapPolarSport('OTHER', 'WALKING')).toBe('WALKING');
      expect(mapPolarSport('RUNNING', 'SOMETHING_NEW')).toBe('RUNNING');
      expect(mapPolarSport('UNHEARD_OF', null)).toBe('OTHER');
      const w = only(mapExercise(exercise({ sport: 'OTHER', detailed_sport_info: 'UNDERWATER_HOCKEY' })), 'workout').record;
      expect(w.sport).toBe('OTHER');
      expect(w.providerSport).toBe('OTHER/UNDERWATER_HOCKEY');
    });
  });

  describe('sleep', () => {
    const sleep = {
      polar_user: 'https://www.polaraccesslink.com/v3/users/10000001',
      date: '2025-03-14',
      sleep_start_time: '2025-03-13T23:50:30+02:00',
      sleep_end_time: '2025-03-14T00:30:30+02:00',
      device_id: '1F2E3D4C',
      continuity: 3.1,
      continuity_class: 3,
      light_sleep: 1200,
      deep_sleep: 600,
      rem_sleep: 300,
      unrecognized_sleep_stage: 0,
      sleep_score: 77,
      total_interruption_duration: 300,
      sleep_charge: 3,
      sleep_goal: 28800,
      sleep_rating: 3,
      short_interruption_duration: 300,
      long_interruption_duration: 0,
      sleep_cycles: 1,
      group_duration_score: 40,
      group_solidity_score: 80.2,
      group_regeneration_score: 70,
      // Keys are stored out of order on purpose: jsonb does not keep key order.
      hypnogram: { '00:15': 4, '23:50': 2, '00:05': 0, '00:10': 3, '00:25': 1, '00:00': 3 },
      heart_rate_samples: { '00:01': 52, '23:51': 55, '23:56': 54, '00:06': 300 },
    };

    it('maps stages, score and the hypnogram across midnight as UTC instants', () => {
      const outcome = mapSleep(sleep);
      const s = only(outcome, 'sleep').record;
      expect(s.startTime.toISOString()).toBe('2025-03-13T21:50:30.000Z');
      expect(s.endTime.toISOString()).toBe('2025-03-13T22:30:30.000Z');
      expect(s).toMatchObject({
        providerRecordId: '2025-03-14',
        localDate: day('2025-03-14'),
        utcOffsetMinutes: 120,
        type: 'MAIN',
        timeInBedSeconds: 2400,
        totalSleepSeconds: 2100,
        lightSleepSeconds: 1200,
        deepSleepSeconds: 600,
        remSleepSeconds: 300,
        awakeSeconds: 300,
        interruptionsSeconds: 300,
        score: 77,
        efficiencyPercent: 87.5,
      });
      expect(s.hypnogram).toEqual([
        { start: '2025-03-13T21:50:30.000Z', durationSeconds: 600, stage: 'LIGHT' },
        { start: '2025-03-13T22:00:30.000Z', durationSeconds: 300, stage: 'LIGHT' },
        { start: '2025-03-13T22:05:30.000Z', durationSeconds: 300, stage: 'AWAKE' },
        { start: '2025-03-13T22:10:30.000Z', durationSeconds: 300, stage: 'LIGHT' },
        { start: '2025-03-13T22:15:30.000Z', durationSeconds: 600, stage: 'DEEP' },
        { start: '2025-03-13T22:25:30.000Z', durationSeconds: 300, stage: 'REM' },
      ]);
      expect(s.extras).toMatchObject({ sleepCharge: 3, continuity: 3.1, groupSolidityScore: 80.2 });
    });

    it('adds a recovery part with the sleep charge and sleep heart-rate samples', () => {
      const outcome = mapSleep(sleep);
      const part = only(outcome, 'recoveryPart').record;
      expect(part).toMatchObject({ providerRecordId: '2025-03-14', sleepCharge: 3, localDate: day('2025-03-14'), utcOffsetMinutes: 120 });
      expect(part.startTime.toISOString()).toBe('2025-03-13T21:50:30.000Z');
      const hr = only(outcome, 'heartRate');
      expect(hr.samples.map((x) => [x.time.toISOString(), x.bpm, x.context])).toEqual([
        ['2025-03-13T21:51:00.000Z', 55, 'sleep'],
        ['2025-03-13T21:56:00.000Z', 54, 'sleep'],
        ['2025-03-13T22:01:00.000Z', 52, 'sleep'],
      ]);
      expect(only(outcome, 'sleep').record).toMatchObject({ averageHeartRateBpm: 54, lowestHeartRateBpm: 52 });
    });

    it('skips a night without date or times', () => {
      expect(mapSleep({ ...sleep, date: undefined }).ok).toBe(false);
      expect(mapSleep({ ...sleep, sleep_start_time: '2025-03-13T23:50:30' }).ok).toBe(false);
      expect(mapSleep({ ...sleep, sleep_end_time: '2025-03-13T20:00:00+02:00' }).ok).toBe(false);
    });
  });

  describe('nightly recharge and skin temperature', () => {
    const recharge = {
      polar_user: 'https://www.polaraccesslink.com/v3/users/10000001',
      date: '2025-03-14',
      heart_rate_avg: 52,
      beat_to_beat_avg: 1154,
      heart_rate_variability_avg: 61,
      breathing_rate_avg: 14.2,
      nightly_recharge_status: 4,
      ans_charge: 3.5,
      ans_charge_status: 4,
      hrv_samples: { '00:20': 60, '00:25': 63 },
      breathing_samples: { '00:20': 14.1, '00:25': 14.4 },
    };

    it('maps Nightly Recharge to a recovery part keyed by the date, timed by the injected sleep start', () => {
      const outcome = mapNightlyRecharge({ ...recharge, _utc_offset_minutes: 120, _sleep_start_time: '2025-03-13T23:50:30+02:00' });
      const part = only(outcome, 'recoveryPart').record;
      expect(part).toMatchObject({
        providerRecordId: '2025-03-14',
        localDate: day('2025-03-14'),
        utcOffsetMinutes: 120,
        hrvRmssdMs: 61,
        averageHeartRateBpm: 52,
        beatToBeatAverageMs: 1154,
        breathingRatePerMinute: 14.2,
        nightlyRechargeStatus: 4,
        ansCharge: 3.5,
        ansChargeStatus: 4,
      });
      expect(part.startTime.toISOString()).toBe('2025-03-13T21:50:30.000Z');
      expect(part.extras).toEqual({
        nightlyRecharge: { hrvSamplesMs: { '00:20': 60, '00:25': 63 }, breathingSamplesPerMinute: { '00:20': 14.1, '00:25': 14.4 } },
      });
      expect(outcome.ok && outcome.nulledFields).toEqual([]);
      // Nothing else is set, so merging into the night's Recovery keeps the sleep part's fields.
      expect(part).not.toHaveProperty('sleepCharge');
      expect(part).not.toHaveProperty('skinTemperatureDeviationCelsius');
    });

    it('without an offset or sleep start, assumes UTC and local midnight and says so', () => {
      const outcome = mapNightlyRecharge({ ...recharge, ans_charge: 42 });
      const part = only(outcome, 'recoveryPart').record;
      expect(part.utcOffsetMinutes).toBe(0);
      expect(part.startTime.toISOString()).toBe('2025-03-14T00:00:00.000Z');
      expect(part.ansCharge).toBeNull();
      expect(outcome.ok && outcome.nulledFields.map((i) => i.field)).toEqual(['utcOffsetMinutes', 'startTime', 'ans_charge']);
    });

    it('maps skin temperature deviation into the same night', () => {
      const part = only(
        mapSkinTemperature({ sleep_time_skin_temperature_celsius: 34.5, deviation_from_baseline_celsius: 0.31, sleep_date: '2025-03-14', _utc_offset_minutes: 120 }),
        'recoveryPart',
      ).record;
      expect(part).toMatchObject({ providerRecordId: '2025-03-14', skinTemperatureDeviationCelsius: 0.31, localDate: day('2025-03-14') });
      expect(part.extras).toEqual({ skinTemperature: { sleepTimeSkinTemperatureCelsius: 34.5 } });
      expect(mapSkinTemperature({ sleep_date: '2025-03-14' }).ok).toBe(false);
      // Biosensing as measurements: no sleep injected, so local midnight at +02:00 (22:00 UTC the day before).
      const measured = records(
        mapSkinTemperature({ sleep_time_skin_temperature_celsius: 34.5, deviation_from_baseline_celsius: 0.31, sleep_date: '2025-03-14', _utc_offset_minutes: 120 }),
      ).flatMap((r) => (r.kind === 'measurement' ? [[r.record.metric, r.record.value, r.record.providerRecordId, r.record.startTime.toISOString(), r.record.localDate]] : []));
      expect(measured).toEqual([
        ['skin_temperature_celsius', 34.5, '2025-03-14', '2025-03-13T22:00:00.000Z', day('2025-03-14')],
        ['skin_temperature_deviation_celsius', 0.31, '2025-03-14', '2025-03-13T22:00:00.000Z', day('2025-03-14')],
      ]);
    });
  });

  describe('daily activity and cardio load', () => {
    it('dates a daily activity by its start_time (no date field) and merges under the local date', () => {
      const part = only(
        mapDailyActivity({
          start_time: '2025-03-14T00:00:00',
          end_time: '2025-03-14T23:59:59',
          active_duration: 'PT2H10M',
          inactive_duration: 'PT9H',
          daily_activity: 87.5,
          calories: 2350,
          active_calories: 620,
          steps: 11234,
          inactivity_alert_count: 1,
          distance_from_steps: 8210.5,
          _utc_offset_minutes: -300,
        }),
        'dailyActivityPart',
      ).record;
      expect(part).toMatchObject({
        providerRecordId: '2025-03-14',
        localDate: day('2025-03-14'),
        utcOffsetMinutes: -300,
        steps: 11234,
        totalEnergyKcal: 2350,
        activeEnergyKcal: 620,
        activeDurationSeconds: 7800,
        distanceMeters: 8210.5,
      });
      expect(part.startTime.toISOString()).toBe('2025-03-14T05:00:00.000Z');
      expect(part).not.toHaveProperty('cardioLoad');
    });

    it('maps cardio load (with the kebab-case very-high level) to the same day', () => {
      const part = only(
        mapCardioLoad({
          date: '2025-03-14',
          cardio_load_status: 'PRODUCTIVE',
          cardio_load: 95.2,
          strain: 60.1,
          tolerance: 50.3,
          cardio_load_ratio: 1.19,
          cardio_load_level: { very_low: 20, low: 35, medium: 50, high: 70, 'very-high': 95 },
          _utc_offset_minutes: 120,
        }),
        'dailyActivityPart',
      ).record;
      expect(part).toMatchObject({
        providerRecordId: '2025-03-14',
        cardioLoad: 95.2,
        cardioLoadStrain: 60.1,
        cardioLoadTolerance: 50.3,
        cardioLoadStatus: 'PRODUCTIVE',
      });
      expect(part.extras).toEqual({ cardioLoad: { ratio: 1.19, levels: { veryLow: 20, low: 35, medium: 50, high: 70, veryHigh: 95 } } });
      expect(part).not.toHaveProperty('steps');
    });
  });

  describe('continuous heart rate and VO2max', () => {
    it('places local HH:MM:SS samples with the injected offset', () => {
      const outcome = mapContinuousHeartRate({
        polar_user: 'x',
        date: '2025-03-14',
        heart_rate_samples: [
          { heart_rate: 63, sample_time: '00:02:11' },
          { heart_rate: 70, sample_time: '23:57:11' },
          { heart_rate: 0, sample_time: '12:00:00' },
          { heart_rate: 70, sample_time: '25:00:00' },
        ],
        _utc_offset_minutes: 120,
      });
      const hr = only(outcome, 'heartRate');
      expect(hr.samples.map((s) => [s.time.toISOString(), s.bpm, s.utcOffsetMinutes])).toEqual([
        ['2025-03-13T22:02:11.000Z', 63, 120],
        ['2025-03-14T21:57:11.000Z', 70, 120],
      ]);
      expect(outcome.ok && outcome.nulledFields).toHaveLength(2);
    });

    it('assumes UTC with an issue when no offset was injected', () => {
      const outcome = mapContinuousHeartRate({ date: '2025-03-14', heart_rate_samples: [{ heart_rate: 63, sample_time: '08:00:00' }] });
      expect(only(outcome, 'heartRate').samples[0].time.toISOString()).toBe('2025-03-14T08:00:00.000Z');
      expect(outcome.ok && outcome.nulledFields[0].field).toBe('utcOffsetMinutes');
    });

    it('maps physical information with vo2-max, skips it without', () => {
      const info = {
        id: 901234,
        'transaction-id': 1002,
        created: '2025-02-14T07:12:40.000Z',
        weight: 74.2,
        height: 180,
        'maximum-heart-rate': 188,
        'resting-heart-rate': 52,
        'vo2-max': 48,
        _utc_offset_minutes: -420,
      };
      const v = only(mapPhysicalInformation(info), 'vo2Max').record;
      expect(v).toMatchObject({ providerRecordId: '901234', vo2MaxMlPerKgMin: 48, utcOffsetMinutes: -420, localDate: day('2025-02-14') });
      expect(v.measuredAt.toISOString()).toBe('2025-02-14T07:12:40.000Z');
      // Without a usable vo2-max the other values still become measurements; with nothing usable it is a skip.
      const noVo2 = mapPhysicalInformation({ ...info, 'vo2-max': 500 });
      expect(noVo2.ok && noVo2.records.some((r) => r.kind === 'vo2Max')).toBe(false);
      expect(noVo2.ok && noVo2.nulledFields).toEqual([{ field: 'vo2-max', reason: 'out of range [10, 100]: 500' }]);
      expect(mapPhysicalInformation({ id: 1, created: info.created, _utc_offset_minutes: -420 }).ok).toBe(false);
    });

    it('maps every value of physical information to a measurement at `created`', () => {
      const outcome = mapPhysicalInformation({
        id: 901234,
        created: '2025-02-14T07:12:40.000Z',
        weight: 74.2,
        height: 180,
        'maximum-heart-rate': 188,
        'resting-heart-rate': 52,
        'aerobic-threshold': 132,
        'anaerobic-threshold': 700,
        'vo2-max': 48,
        _utc_offset_minutes: -420,
      });
      if (!outcome.ok) throw new Error(outcome.reason);
      const values = outcome.records.flatMap((r) => (r.kind === 'measurement' ? [[r.record.metric, r.record.value, r.record.providerRecordId, r.record.startTime.toISOString(), r.record.endTime, r.record.localDate.toISOString().slice(0, 10)]] : []));
      // 07:12 UTC at UTC-7 is 00:12 local on the 14th.
      const at = ['901234', '2025-02-14T07:12:40.000Z', null, '2025-02-14'];
      expect(values).toEqual([
        ['weight_kg', 74.2, ...at],
        ['height_cm', 180, ...at],
        ['max_heart_rate_bpm', 188, ...at],
        ['resting_heart_rate_bpm', 52, ...at],
        ['aerobic_threshold_bpm', 132, ...at],
        ['vo2max_ml_per_kg_min', 48, ...at],
      ]);
      // The out-of-range anaerobic threshold is reported, not stored.
      expect(outcome.nulledFields).toEqual([{ field: 'anaerobic-threshold', reason: 'out of range [60, 250]: 700' }]);
    });
  });

  it('never throws on garbage', () => {
    const mappers = [mapExercise, mapSleep, mapNightlyRecharge, mapSkinTemperature, mapDailyActivity, mapCardioLoad, mapContinuousHeartRate, mapPhysicalInformation];
    const garbage: unknown[] = [null, undefined, 42, 'x', [], {}, { date: 5 }, { date: '2025-02-30' }, { id: {}, start_time: [], duration: {} }];
    // Every field of a valid payload replaced by odd values, one at a time.
    const base = exercise();
    for (const key of Object.keys(base)) for (const odd of [null, 'NaN', -1, {}, [], true, 1e308]) garbage.push({ ...base, [key]: odd });
    for (const map of mappers) for (const payload of garbage) expect(() => map(payload)).not.toThrow();
  });
});
