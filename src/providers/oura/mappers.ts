/**
 * Oura API v2 documents -> normalized records. Pure and synchronous; never throw (a bug becomes a
 * skip with its reason). Numeric fields go through FieldReader, so absurd or mistyped values are
 * nulled and reported instead of stored.
 *
 * Time: Oura timestamps carry the wearer's offset ('2025-03-14T23:41:00+10:00'); every record gets
 * the UTC instant, that offset, and a local date. Sleep and daily documents use Oura's own `day`
 * as the local date (for sleep: the date the night is filed under, i.e. the morning it ended).
 * Daily documents have no start instant of their own: startTime is local midnight of `day` at the
 * offset of the document's `timestamp`; documents without one (daily_spo2, daily_stress,
 * daily_resilience) use the offset the fetcher injects from the day's sleep, else UTC with an issue.
 *
 * Record ids: documents with an identity of their own (sleep, workout, vO2_max) use Oura's
 * document `id` as providerRecordId, so a webhook delete (object_id) removes them. The daily
 * documents that feed one night's Recovery (daily_readiness, daily_sleep, daily_spo2,
 * daily_stress, daily_resilience and the main sleep) and one day's DailyActivity use the `day`
 * string, so all parts merge into one record; each part keeps its extras under its own top-level
 * key ('readiness', 'dailySleep', 'spo2', 'stress', 'resilience', 'sleep', 'activity') because the
 * store merges extras shallowly.
 *
 * Fields starting with `_` are not Oura's: the fetchers inject them (they are stored with the raw
 * payload, so replaying a mapper gives the same result):
 *   _daily_sleep_score    the day's daily_sleep score, on the day's main sleep only -> SleepSession.score
 *   _daily_sleep_id       that daily_sleep document's id
 *   _main_sleep           true on the day's main sleep (longest long_sleep), false on other long_sleeps
 *   _utc_offset_minutes   the wearer's offset, for heartrate groups (Oura's heartrate timestamps are
 *                         UTC) and daily documents without a `timestamp`
 *   _utc_offset_source    where that offset came from ('same-day' | 'nearest-day')
 */
import type { HeartRateSampleRecord, Json, MapOutcome, NormalizedRecord, RecoveryRecord, SleepRecord } from '../../normalize/records.js';
import { mapped, skip } from '../../normalize/records.js';
import { localDateOf, localDateTimeToUtc, parseLocalDate, tryParseOffsetDateTime } from '../../normalize/time.js';
import { FieldReader, PLAUSIBLE, isPlausibleInstant } from '../../normalize/units.js';
import { heartRateSamples } from '../../normalize/heart-rate.js';
import { asObj, safely, type Obj } from '../../normalize/payload.js';
import type { SleepType } from '../../generated/prisma/enums.js';
import { mapOuraSport } from './sport-map.js';
import { emitMeasurements, type MeasurementInput } from '../../measurements/emit.js';
import { levelValue } from '../../measurements/catalogue.js';
import { OURA_SLEEP_PHASES, OURA_SLEEP_PHASE_SECONDS } from './stage-map.js';


/** Oura-specific scales. */
const RANGE = {
  sampleIntervalSeconds: [1, 3_600],
  breathingDisturbanceIndex: [0, 200],
  metMinutes: [0, 10_000],
  count: [0, 100_000],
  contributor: [0, 100],
} as const satisfies Record<string, readonly [number, number]>;

/** Oura sleep `type` -> SleepType; 'deleted' is skipped before this is consulted. */
export const OURA_SLEEP_TYPES: Readonly<Record<string, SleepType>> = {
  long_sleep: 'MAIN',
  sleep: 'MAIN',
  late_nap: 'NAP',
  rest: 'REST',
};




/** The document's `day` ('YYYY-MM-DD'), or null. Exported for the fetchers' window filter. */
export function ouraDayOf(payload: unknown): string | null {
  const day = asObj(payload)?.day;
  if (typeof day !== 'string') return null;
  try {
    const date = parseLocalDate(day);
    // A day in 1970 or 2100 is a device clock error, not data: every daily mapper skips it.
    return isPlausibleInstant(date) ? date.toISOString().slice(0, 10) : null;
  } catch {
    return null;
  }
}

/** The document's `id`, or null. */
export function ouraIdOf(payload: unknown): string | null {
  const id = asObj(payload)?.id;
  if (typeof id === 'string' && id.trim() !== '') return id;
  if (typeof id === 'number' && Number.isFinite(id)) return String(id);
  return null;
}

/** A {key: number} object (Oura's `contributors`) as Json, each value range-checked. */
function contributors(value: unknown, field: string, r: FieldReader): { [key: string]: Json } | null {
  const o = asObj(value);
  if (!o) return null;
  const out: { [key: string]: Json } = {};
  for (const [k, v] of Object.entries(o)) out[k] = r.num(`${field}.${k}`, v, RANGE.contributor);
  return out;
}

/** Oura's {interval, items[], timestamp} series, kept as Json for extras (numbers or null only). */
function series(value: unknown): { [key: string]: Json } | null {
  const o = asObj(value);
  if (!o || !Array.isArray(o.items)) return null;
  return {
    interval: typeof o.interval === 'number' ? o.interval : null,
    timestamp: typeof o.timestamp === 'string' ? o.timestamp : null,
    items: o.items.map((v) => (typeof v === 'number' && Number.isFinite(v) ? v : null)),
  };
}


/**
 * The frame of a daily document: its day, the offset of its `timestamp`, and local midnight of the
 * day at that offset. Null when `day` is missing.
 */
interface DailyFrame {
  day: string;
  localDate: Date;
  utcOffsetMinutes: number;
  startTime: Date;
}

function dailyFrame(o: Obj, r: FieldReader): DailyFrame | null {
  const day = ouraDayOf(o);
  if (!day) return null;
  const stamp = tryParseOffsetDateTime(o.timestamp);
  let utcOffsetMinutes = 0;
  if (stamp && stamp.utcOffsetMinutes >= PLAUSIBLE.utcOffsetMinutes[0] && stamp.utcOffsetMinutes <= PLAUSIBLE.utcOffsetMinutes[1]) {
    utcOffsetMinutes = stamp.utcOffsetMinutes;
  } else {
    const injected = r.int('_utc_offset_minutes', o._utc_offset_minutes, PLAUSIBLE.utcOffsetMinutes);
    if (injected !== null) utcOffsetMinutes = injected;
    else r.issues.push({ field: 'utcOffsetMinutes', reason: 'no timestamp with an offset and no offset known for the day; assumed UTC' });
  }
  return { day, localDate: parseLocalDate(day), utcOffsetMinutes, startTime: localDateTimeToUtc(`${day}T00:00:00`, utcOffsetMinutes) };
}

type RecoveryPart = Extract<NormalizedRecord, { kind: 'recoveryPart' }>['record'];

function recoveryPart(frame: DailyFrame, fields: Partial<RecoveryRecord>): NormalizedRecord {
  const record: RecoveryPart = {
    providerRecordId: frame.day,
    sourceDevice: null,
    utcOffsetMinutes: frame.utcOffsetMinutes,
    localDate: frame.localDate,
    startTime: frame.startTime,
    ...fields,
  };
  return { kind: 'recoveryPart', record };
}

// ---------------------------------------------------------------- sleep

/**
 * One Oura sleep period -> a SleepSession (+ heart-rate samples, + for the day's main sleep a
 * recoveryPart with the night's HRV, lowest/average HR and breathing rate).
 *
 * SleepSession.score: Oura scores the day, not the period (daily_sleep). The sleep fetcher copies
 * that day's daily_sleep score onto the day's main sleep as `_daily_sleep_score`; a `score` on the
 * document itself (not documented, but harmless) is used when there is no injected one. Naps and
 * other periods get no score. The daily score and its contributors are also on the Recovery's
 * extras (`dailySleep`, from the daily_sleep mapper).
 */
export function mapSleep(payload: unknown): MapOutcome {
  return safely(() => {
    const o = asObj(payload);
    if (!o) return skip('sleep payload is not an object');
    const r = new FieldReader();
    const id = ouraIdOf(o);
    if (!id) return skip('missing sleep id');
    const rawType = typeof o.type === 'string' ? o.type : null;
    if (rawType === 'deleted') return skip('sleep period was deleted at Oura (type "deleted")');
    const day = ouraDayOf(o);
    if (!day) return skip('missing or invalid day');
    const start = tryParseOffsetDateTime(o.bedtime_start);
    const end = tryParseOffsetDateTime(o.bedtime_end);
    if (!start || !end) return skip('missing or invalid bedtime_start / bedtime_end');
    if (!isPlausibleInstant(start.instant)) return skip(`implausible bedtime_start ${start.instant.toISOString()}`);
    const spanSeconds = (end.instant.getTime() - start.instant.getTime()) / 1000;
    if (spanSeconds <= 0 || spanSeconds > 86_400) return skip(`implausible sleep span of ${spanSeconds} s`);
    const offset = start.utcOffsetMinutes;
    const localDate = parseLocalDate(day);

    let type: SleepType = 'NAP';
    if (rawType && OURA_SLEEP_TYPES[rawType]) type = OURA_SLEEP_TYPES[rawType];
    else r.issues.push({ field: 'type', reason: `unknown sleep type ${JSON.stringify(rawType)}; stored as NAP` });
    const isMain = typeof o._main_sleep === 'boolean' ? o._main_sleep : rawType === 'long_sleep';

    const dur = (field: string) => r.int(field, o[field], PLAUSIBLE.durationSeconds);
    const timeInBed = dur('time_in_bed') ?? Math.round(spanSeconds);
    const lowestHr = r.num('lowest_heart_rate', o.lowest_heart_rate, PLAUSIBLE.heartRateBpm);
    const averageHr = r.num('average_heart_rate', o.average_heart_rate, PLAUSIBLE.heartRateBpm);
    const averageHrv = r.num('average_hrv', o.average_hrv, PLAUSIBLE.hrvMs);
    const breathing = r.num('average_breath', o.average_breath, PLAUSIBLE.breathingRatePerMinute);
    const injectedScore = r.int('_daily_sleep_score', o._daily_sleep_score, PLAUSIBLE.score);
    const ownScore = r.int('score', o.score, PLAUSIBLE.score);

    const hypnogram = mapHypnogram(o.sleep_phase_5_min, start.instant, r);

    // Heart rate during the period: {interval, items[], timestamp}; nulls mark missing samples.
    const samples: HeartRateSampleRecord[] = [];
    const hr = asObj(o.heart_rate);
    if (hr && Array.isArray(hr.items)) {
      const interval = r.num('heart_rate.interval', hr.interval, RANGE.sampleIntervalSeconds);
      const first = tryParseOffsetDateTime(hr.timestamp);
      if (interval === null || !first) {
        r.issues.push({ field: 'heart_rate', reason: 'series without a valid interval / timestamp; samples dropped' });
      } else {
        const points = hr.items.map((value, i) => ({
          at: new Date(first.instant.getTime() + i * interval * 1000),
          value,
          utcOffsetMinutes: offset,
          context: 'sleep',
        }));
        samples.push(...heartRateSamples(points.filter((p) => p.value !== null), 'heart_rate.items', r.issues, { utcOffsetMinutes: offset, context: 'sleep', sourceDevice: null }));
      }
    }

    const readiness = asObj(o.readiness);
    const extras: { [key: string]: Json } = {
      ouraType: rawType,
      period: r.int('period', o.period, RANGE.count),
      restlessPeriods: r.int('restless_periods', o.restless_periods, RANGE.count),
      readinessScoreDelta: r.num('readiness_score_delta', o.readiness_score_delta, [-100, 100]),
      sleepScoreDelta: r.num('sleep_score_delta', o.sleep_score_delta, [-100, 100]),
      sleepAlgorithmVersion: r.str('sleep_algorithm_version', o.sleep_algorithm_version),
      lowBatteryAlert: typeof o.low_battery_alert === 'boolean' ? o.low_battery_alert : null,
      readiness: readiness
        ? {
            score: r.int('readiness.score', readiness.score, PLAUSIBLE.score),
            temperatureDeviationCelsius: r.num('readiness.temperature_deviation', readiness.temperature_deviation, PLAUSIBLE.temperatureDeviationCelsius),
            temperatureTrendDeviationCelsius: r.num(
              'readiness.temperature_trend_deviation',
              readiness.temperature_trend_deviation,
              PLAUSIBLE.temperatureDeviationCelsius,
            ),
            contributors: contributors(readiness.contributors, 'readiness.contributors', r),
          }
        : null,
      hrv: series(o.hrv),
      dailySleepId: typeof o._daily_sleep_id === 'string' ? o._daily_sleep_id : null,
    };

    const sleep: SleepRecord = {
      providerRecordId: id,
      sourceDevice: null,
      utcOffsetMinutes: offset,
      localDate,
      startTime: start.instant,
      endTime: end.instant,
      type,
      timeInBedSeconds: timeInBed,
      totalSleepSeconds: dur('total_sleep_duration'),
      lightSleepSeconds: dur('light_sleep_duration'),
      deepSleepSeconds: dur('deep_sleep_duration'),
      remSleepSeconds: dur('rem_sleep_duration'),
      awakeSeconds: dur('awake_time'),
      unrecognizedSleepSeconds: null,
      latencySeconds: dur('latency'),
      efficiencyPercent: r.num('efficiency', o.efficiency, PLAUSIBLE.percent),
      score: isMain ? (injectedScore ?? ownScore) : ownScore,
      interruptionsSeconds: null,
      averageHeartRateBpm: averageHr,
      lowestHeartRateBpm: lowestHr,
      averageHrvRmssdMs: averageHrv,
      breathingRatePerMinute: breathing,
      hypnogram,
      extras,
    };
    const records: NormalizedRecord[] = [{ kind: 'sleep', record: sleep }];
    if (isMain) {
      records.push(
        recoveryPart(
          { day, localDate, utcOffsetMinutes: offset, startTime: localDateTimeToUtc(`${day}T00:00:00`, offset) },
          {
            hrvRmssdMs: averageHrv,
            restingHeartRateBpm: lowestHr,
            averageHeartRateBpm: averageHr,
            breathingRatePerMinute: breathing,
            extras: { sleep: { sleepId: id, bedtimeStart: start.instant.toISOString(), bedtimeEnd: end.instant.toISOString() } },
          },
        ),
        // The night's resting heart rate: Oura's lowest heart rate of the main sleep, filed under its day.
        ...emitMeasurements(r, { providerRecordId: day, startTime: start.instant, endTime: end.instant, utcOffsetMinutes: offset, localDate }, [
          ['resting_heart_rate_bpm', 'lowest_heart_rate', lowestHr],
        ]),
      );
    }
    if (samples.length) records.push({ kind: 'heartRate', samples });
    return mapped(records, r.issues);
  });
}

/** sleep_phase_5_min ("4422211...") -> one 5-minute segment per character from bedtime_start. */
function mapHypnogram(value: unknown, start: Date, r: FieldReader): SleepRecord['hypnogram'] {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') {
    r.issues.push({ field: 'sleep_phase_5_min', reason: `not a string: ${typeof value}` });
    return null;
  }
  const segments: NonNullable<SleepRecord['hypnogram']> = [];
  let unknown = 0;
  [...value].forEach((code, i) => {
    const stage = OURA_SLEEP_PHASES[code];
    if (!stage) {
      unknown++;
      return;
    }
    segments.push({
      start: new Date(start.getTime() + i * OURA_SLEEP_PHASE_SECONDS * 1000).toISOString(),
      durationSeconds: OURA_SLEEP_PHASE_SECONDS,
      stage,
    });
  });
  if (unknown) r.issues.push({ field: 'sleep_phase_5_min', reason: `${unknown} unknown stage codes dropped` });
  return segments.length ? segments : null;
}

// ---------------------------------------------------------------- recovery parts

/**
 * The shape every daily Oura document shares: an object with a plausible `day`, mapped into that
 * night's Recovery, plus (optionally) measurements covering the local day, keyed by the day.
 */
function mapDailyRecovery(
  dataType: string,
  payload: unknown,
  fields: (o: Obj, r: FieldReader) => Partial<RecoveryRecord>,
  measurements?: (o: Obj, r: FieldReader) => MeasurementInput[],
): MapOutcome {
  return safely(() => {
    const o = asObj(payload);
    if (!o) return skip(`${dataType} payload is not an object`);
    const r = new FieldReader();
    const frame = dailyFrame(o, r);
    if (!frame) return skip('missing or invalid day');
    const records = [recoveryPart(frame, fields(o, r))];
    if (measurements) {
      const { day, startTime, utcOffsetMinutes, localDate } = frame;
      const endTime = new Date(startTime.getTime() + 86_400_000);
      records.push(...emitMeasurements(r, { providerRecordId: day, startTime, endTime, utcOffsetMinutes, localDate }, measurements(o, r)));
    }
    return mapped(records, r.issues);
  });
}

/** daily_sleep -> the night's Recovery extras `dailySleep` (score + contributors). */
export function mapDailySleep(payload: unknown): MapOutcome {
  return mapDailyRecovery('daily_sleep', payload, (o, r) => ({
    extras: {
      dailySleep: {
        id: ouraIdOf(o),
        score: r.int('score', o.score, PLAUSIBLE.score),
        contributors: contributors(o.contributors, 'contributors', r),
      },
    },
  }));
}

/** daily_readiness -> Recovery readinessScore, skin temperature deviation, extras `readiness`. */
export function mapDailyReadiness(payload: unknown): MapOutcome {
  return mapDailyRecovery('daily_readiness', payload, (o, r) => ({
    readinessScore: r.int('score', o.score, PLAUSIBLE.score),
    skinTemperatureDeviationCelsius: r.num('temperature_deviation', o.temperature_deviation, PLAUSIBLE.temperatureDeviationCelsius),
    extras: {
      readiness: {
        id: ouraIdOf(o),
        temperatureTrendDeviationCelsius: r.num('temperature_trend_deviation', o.temperature_trend_deviation, PLAUSIBLE.temperatureDeviationCelsius),
        contributors: contributors(o.contributors, 'contributors', r),
      },
    },
  }));
}

/** daily_spo2 -> Recovery extras `spo2`; measurements spo2_percent, breathing_disturbance_index. */
export function mapDailySpo2(payload: unknown): MapOutcome {
  return mapDailyRecovery(
    'daily_spo2',
    payload,
    (o, r) => {
      const spo2 = asObj(o.spo2_percentage);
      return {
        extras: {
          spo2: {
            id: ouraIdOf(o),
            averagePercent: r.num('spo2_percentage.average', spo2?.average, PLAUSIBLE.percent),
            breathingDisturbanceIndex: r.num('breathing_disturbance_index', o.breathing_disturbance_index, RANGE.breathingDisturbanceIndex),
          },
        },
      };
    },
    (o) => [
      ['spo2_percent', 'spo2_percentage.average', asObj(o.spo2_percentage)?.average],
      ['breathing_disturbance_index', 'breathing_disturbance_index', o.breathing_disturbance_index],
    ],
  );
}

/** daily_stress -> Recovery extras `stress`; measurements stress_high_seconds, recovery_high_seconds. */
export function mapDailyStress(payload: unknown): MapOutcome {
  return mapDailyRecovery(
    'daily_stress',
    payload,
    (o, r) => ({
      extras: {
        stress: {
          id: ouraIdOf(o),
          stressHighSeconds: r.int('stress_high', o.stress_high, [0, 86_400]),
          recoveryHighSeconds: r.int('recovery_high', o.recovery_high, [0, 86_400]),
          daySummary: r.str('day_summary', o.day_summary),
        },
      },
    }),
    (o) => [
      ['stress_high_seconds', 'stress_high', o.stress_high],
      ['recovery_high_seconds', 'recovery_high', o.recovery_high],
    ],
  );
}

/** daily_resilience -> Recovery extras `resilience`; measurement resilience_level (limited 1 .. exceptional 5). */
export function mapDailyResilience(payload: unknown): MapOutcome {
  return mapDailyRecovery(
    'daily_resilience',
    payload,
    (o, r) => ({
      extras: {
        resilience: {
          id: ouraIdOf(o),
          level: r.str('level', o.level),
          contributors: contributors(o.contributors, 'contributors', r),
        },
      },
    }),
    (o, r) => {
      if (typeof o.level !== 'string') return [];
      const level = levelValue('resilience_level', o.level);
      if (level === null) r.issues.push({ field: 'level', reason: `unknown resilience level ${JSON.stringify(o.level).slice(0, 40)}; no resilience_level measurement` });
      return level === null ? [] : [['resilience_level', 'level', level]];
    },
  );
}

// ---------------------------------------------------------------- daily activity

export function mapDailyActivity(payload: unknown): MapOutcome {
  return safely(() => {
    const o = asObj(payload);
    if (!o) return skip('daily_activity payload is not an object');
    const r = new FieldReader();
    const frame = dailyFrame(o, r);
    if (!frame) return skip('missing or invalid day');
    const dur = (field: string) => r.int(field, o[field], [0, 86_400]);
    const high = dur('high_activity_time');
    const medium = dur('medium_activity_time');
    const low = dur('low_activity_time');
    const present = [high, medium, low].filter((v): v is number => v !== null);
    return mapped(
      [
        {
          kind: 'dailyActivityPart',
          record: {
            providerRecordId: frame.day,
            sourceDevice: null,
            utcOffsetMinutes: frame.utcOffsetMinutes,
            localDate: frame.localDate,
            startTime: frame.startTime,
            steps: r.int('steps', o.steps, PLAUSIBLE.steps),
            activeEnergyKcal: r.num('active_calories', o.active_calories, PLAUSIBLE.energyKcal),
            totalEnergyKcal: r.num('total_calories', o.total_calories, PLAUSIBLE.energyKcal),
            activeDurationSeconds: present.length ? present.reduce((a, b) => a + b, 0) : null,
            distanceMeters: r.num('equivalent_walking_distance', o.equivalent_walking_distance, PLAUSIBLE.distanceMeters),
            score: r.int('score', o.score, PLAUSIBLE.score),
            extras: {
              activity: {
                id: ouraIdOf(o),
                targetCalories: r.num('target_calories', o.target_calories, PLAUSIBLE.energyKcal),
                targetMeters: r.num('target_meters', o.target_meters, PLAUSIBLE.distanceMeters),
                metersToTarget: r.num('meters_to_target', o.meters_to_target, [-PLAUSIBLE.distanceMeters[1], PLAUSIBLE.distanceMeters[1]]),
                highActivitySeconds: high,
                mediumActivitySeconds: medium,
                lowActivitySeconds: low,
                sedentarySeconds: dur('sedentary_time'),
                restingSeconds: dur('resting_time'),
                nonWearSeconds: dur('non_wear_time'),
                averageMetMinutes: r.num('average_met_minutes', o.average_met_minutes, RANGE.metMinutes),
                inactivityAlerts: r.int('inactivity_alerts', o.inactivity_alerts, RANGE.count),
                contributors: contributors(o.contributors, 'contributors', r),
              },
            },
          },
        },
      ],
      r.issues,
    );
  });
}

// ---------------------------------------------------------------- workout

export function mapWorkout(payload: unknown): MapOutcome {
  return safely(() => {
    const o = asObj(payload);
    if (!o) return skip('workout payload is not an object');
    const r = new FieldReader();
    const id = ouraIdOf(o);
    if (!id) return skip('missing workout id');
    const start = tryParseOffsetDateTime(o.start_datetime);
    const end = tryParseOffsetDateTime(o.end_datetime);
    if (!start || !end) return skip('missing or invalid start_datetime / end_datetime');
    if (!isPlausibleInstant(start.instant)) return skip(`implausible start_datetime ${start.instant.toISOString()}`);
    const durationSeconds = (end.instant.getTime() - start.instant.getTime()) / 1000;
    if (durationSeconds <= 0 || durationSeconds > PLAUSIBLE.durationSeconds[1]) return skip(`implausible workout span of ${durationSeconds} s`);
    const activity = r.str('activity', o.activity);
    const day = ouraDayOf(o);
    return mapped(
      [
        {
          kind: 'workout',
          record: {
            providerRecordId: id,
            sourceDevice: null,
            utcOffsetMinutes: start.utcOffsetMinutes,
            localDate: day ? parseLocalDate(day) : localDateOf(start.instant, start.utcOffsetMinutes),
            startTime: start.instant,
            endTime: end.instant,
            sport: mapOuraSport(activity),
            providerSport: activity ?? 'unknown',
            durationSeconds,
            distanceMeters: r.num('distance', o.distance, PLAUSIBLE.distanceMeters),
            energyKcal: r.num('calories', o.calories, PLAUSIBLE.energyKcal),
            averageHeartRateBpm: null,
            maxHeartRateBpm: null,
            trainingLoad: null,
            muscleLoad: null,
            intensity: r.str('intensity', o.intensity),
            heartRateZones: null,
            extras: { label: r.str('label', o.label), source: r.str('source', o.source) },
          },
        },
      ],
      r.issues,
    );
  });
}

// ---------------------------------------------------------------- heart rate

/**
 * A heartrate group as the fetcher builds it: `{date (UTC day), items: [{bpm, source, timestamp}],
 * _utc_offset_minutes?}`. Oura's heartrate timestamps are UTC; the wearer's offset is the injected
 * one when present, else the timestamp's own. `source` becomes the sample context.
 */
export function mapHeartRate(payload: unknown): MapOutcome {
  return safely(() => {
    const o = asObj(payload);
    if (!o) return skip('heartrate payload is not an object');
    if (!Array.isArray(o.items)) return skip('heartrate payload has no items list');
    const r = new FieldReader();
    const injected = r.int('_utc_offset_minutes', o._utc_offset_minutes, PLAUSIBLE.utcOffsetMinutes);
    let badTimes = 0;
    const points: { at: Date; value: unknown; utcOffsetMinutes: number; context: string | null }[] = [];
    for (const item of o.items) {
      const s = asObj(item);
      const at = tryParseOffsetDateTime(s?.timestamp);
      if (!s || !at || !isPlausibleInstant(at.instant)) {
        badTimes++;
        continue;
      }
      points.push({
        at: at.instant,
        value: s.bpm,
        utcOffsetMinutes: injected ?? at.utcOffsetMinutes,
        context: typeof s.source === 'string' ? s.source : null,
      });
    }
    if (badTimes) r.issues.push({ field: 'items.timestamp', reason: `${badTimes} samples without a valid timestamp` });
    points.sort((a, b) => a.at.getTime() - b.at.getTime());
    const samples = heartRateSamples(points, 'items.bpm', r.issues, { utcOffsetMinutes: 0, context: null, sourceDevice: null });
    return mapped(samples.length ? [{ kind: 'heartRate', samples }] : [], r.issues);
  });
}

// ---------------------------------------------------------------- vO2 max

export function mapVo2Max(payload: unknown): MapOutcome {
  return safely(() => {
    const o = asObj(payload);
    if (!o) return skip('vO2_max payload is not an object');
    const r = new FieldReader();
    const id = ouraIdOf(o);
    if (!id) return skip('missing vO2_max id');
    const day = ouraDayOf(o);
    if (!day) return skip('missing or invalid day');
    const vo2 = r.num('vo2_max', o.vo2_max, PLAUSIBLE.vo2MaxMlPerKgMin);
    if (vo2 === null) return skip('no usable vo2_max');
    const parsed = tryParseOffsetDateTime(o.timestamp);
    const stamp = parsed && isPlausibleInstant(parsed.instant) ? parsed : null;
    const utcOffsetMinutes = stamp?.utcOffsetMinutes ?? 0;
    if (!stamp) r.issues.push({ field: 'timestamp', reason: 'missing, invalid or implausible; measuredAt is local midnight of day, UTC assumed' });
    return mapped(
      [
        {
          kind: 'vo2Max',
          record: {
            providerRecordId: id,
            sourceDevice: null,
            utcOffsetMinutes,
            localDate: parseLocalDate(day),
            measuredAt: stamp?.instant ?? localDateTimeToUtc(`${day}T00:00:00`, 0),
            vo2MaxMlPerKgMin: vo2,
          },
        },
      ],
      r.issues,
    );
  });
}

// ---------------------------------------------------------------- session

/**
 * Sessions (meditation, breathing, relaxation, naps started in the app) have no normalized record
 * kind; their heart rate already arrives through `heartrate` (source 'session'). The raw payload is
 * kept (the store writes it before mapping) and the skip reason says why nothing was normalized.
 */
export function mapSession(payload: unknown): MapOutcome {
  return safely(() => {
    if (!asObj(payload)) return skip('session payload is not an object');
    return skip('Oura sessions have no normalized record; the raw payload is kept');
  });
}
