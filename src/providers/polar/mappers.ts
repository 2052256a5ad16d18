/**
 * Polar payloads -> normalized records. Pure and synchronous; never throw (a bug becomes a skip
 * with its reason). Numeric fields go through FieldReader, so absurd or mistyped values are nulled
 * and reported instead of stored.
 *
 * Polar mixes snake_case (non-transactional) and kebab-case (transactional) keys for the same
 * fields; `pick` reads either. Fields starting with `_` are not Polar's: the fetchers inject them
 * (and they are stored with the raw payload, so replaying a mapper gives the same result):
 *   _utc_offset_minutes  the wearer's offset, for payloads that carry none (daily data)
 *   _utc_offset_source   where that offset came from ('same-day' | 'nearest-day')
 *   _sleep_start_time    the night's sleep_start_time, for Nightly Recharge and skin temperature
 *
 * Partial records (recoveryPart, dailyActivityPart) put their extras under one top-level key per
 * part ('nightlyRecharge', 'skinTemperature', 'activity', 'cardioLoad') so that a shallow JSON merge
 * of extras keeps every part's data.
 */
import type { HeartRateSampleRecord, HypnogramStage, Json, MapOutcome, NormalizedRecord, SleepRecord } from '../../normalize/records.js';
import { mapped, skip } from '../../normalize/records.js';
import { localDateOf, localDateTimeToUtc, parseLocalDate, parseOffsetDateTime } from '../../normalize/time.js';
import { FieldReader, PLAUSIBLE, isPlausibleInstant } from '../../normalize/units.js';
import { heartRateSamples } from '../../normalize/heart-rate.js';
import { asObj, errorMessage, safely, type Obj } from '../../normalize/payload.js';
import { mapPolarSport } from './sport-map.js';
import { POLAR_HYPNOGRAM_STAGES } from './stage-map.js';
import { emitMeasurements } from '../../measurements/emit.js';


/** Polar-specific scales. */
const RANGE = {
  load: [0, 5_000],
  rechargeStatus: [1, 6],
  ansCharge: [-10, 10],
  ansChargeStatus: [1, 5],
  beatToBeatMs: [200, 3_000],
  skinTemperatureCelsius: [20, 45],
  sampleRateSeconds: [0.001, 3_600],
  zoneIndex: [0, 10],
} as const satisfies Record<string, readonly [number, number]>;

const MS_PER_MINUTE = 60_000;


/** The first of `keys` present (not null/undefined) in `o`. */
function pick(o: Obj | null, ...keys: string[]): unknown {
  if (!o) return undefined;
  for (const key of keys) if (o[key] !== undefined && o[key] !== null) return o[key];
  return undefined;
}



function readDate(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  try {
    return parseLocalDate(value.slice(0, 10));
  } catch {
    return null;
  }
}

/** The injected offset, or 0 with an issue saying so. */
function injectedOffset(o: Obj, r: FieldReader): number {
  const offset = r.int('_utc_offset_minutes', o._utc_offset_minutes, PLAUSIBLE.utcOffsetMinutes);
  if (offset === null) {
    r.issues.push({ field: 'utcOffsetMinutes', reason: 'Polar gives no offset for this data and none could be inferred; assumed UTC' });
    return 0;
  }
  return offset;
}

/** What every day-keyed Polar payload starts with: the object, its local date and the injected offset. */
interface DailyPayload {
  o: Obj;
  r: FieldReader;
  localDate: Date;
  /** YYYY-MM-DD of localDate: the record id of the day's merged record. */
  date: string;
  offset: number;
}

/**
 * Runs the body of a day-keyed mapper once the payload is an object with a valid local date
 * (skipped with `missing` otherwise). `dateOf` reads the date (default: `date`).
 */
function mapDaily(
  payload: unknown,
  what: string,
  body: (day: DailyPayload) => MapOutcome,
  dateOf: (o: Obj) => Date | null = (o) => readDate(pick(o, 'date')),
  missing = 'missing or invalid date',
): MapOutcome {
  return safely(() => {
    const o = asObj(payload);
    if (!o) return skip(`${what} payload is not an object`);
    const r = new FieldReader();
    const localDate = dateOf(o);
    if (!localDate) return skip(missing);
    return body({ o, r, localDate, date: localDate.toISOString().slice(0, 10), offset: injectedOffset(o, r) });
  });
}

/** The identity and time fields of a day's merged record (one per local date). */
const localMidnight = (day: DailyPayload): Date => localDateTimeToUtc(`${day.date}T00:00:00`, day.offset);

const dayRecord = (day: DailyPayload, startTime: Date) => ({
  providerRecordId: day.date,
  sourceDevice: null,
  utcOffsetMinutes: day.offset,
  localDate: day.localDate,
  startTime,
});

/** Keeps the numeric entries of a {"HH:MM": value} map (Polar's sample maps), as Json. */
function numericMap(value: unknown): { [key: string]: Json } | null {
  const o = asObj(value);
  if (!o) return null;
  const out: { [key: string]: Json } = {};
  for (const [k, v] of Object.entries(o)) if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  return out;
}

/** 'HH:MM' or 'HH:MM:SS' -> seconds after local midnight, or null. */
function clockSeconds(value: string): number | null {
  const m = /^(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!m) return null;
  const [h, min, s] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  return h < 24 && min < 60 && s < 60 ? h * 3600 + min * 60 + s : null;
}

/**
 * A night's {"HH:MM": value} map -> entries placed in time after `start` (local clock times wrap
 * past midnight). Ordering comes from the clock values, not key order, which jsonb does not keep.
 */
function clockEntriesAfter(
  map: Obj,
  start: Date,
  utcOffsetMinutes: number,
): { entries: { at: Date; minutesAfterStart: number; value: unknown }[]; badKeys: number } {
  const startMinute = Math.floor(start.getTime() / MS_PER_MINUTE);
  const startLocalMinutes = (((startMinute + utcOffsetMinutes) % 1440) + 1440) % 1440;
  const startMinuteMs = startMinute * MS_PER_MINUTE;
  const entries: { at: Date; minutesAfterStart: number; value: unknown }[] = [];
  let badKeys = 0;
  for (const [key, value] of Object.entries(map)) {
    const seconds = clockSeconds(key);
    if (seconds === null) {
      badKeys++;
      continue;
    }
    const minutesAfterStart = (Math.floor(seconds / 60) - startLocalMinutes + 1440) % 1440;
    entries.push({ at: new Date(startMinuteMs + minutesAfterStart * MS_PER_MINUTE), minutesAfterStart, value });
  }
  entries.sort((a, b) => a.minutesAfterStart - b.minutesAfterStart);
  return { entries, badKeys };
}


// ---------------------------------------------------------------- exercise

/**
 * The providerRecordId of an exercise. The non-transactional API identifies an exercise by a
 * hashed string id ("aQlC83"), the transactional one by a numeric id, and no field of either
 * payload links the two. What both carry is the device id and the start (local time + offset), so
 * the record id is derived from those: "<device id>@<UTC start to the second>Z". One device cannot
 * start two exercises in the same second, and both APIs map to the same id, so upserts merge them.
 * Both Polar ids are kept in extras.
 */
export function polarExerciseRecordId(deviceId: string | null, startUtc: Date): string {
  return `${deviceId ?? 'unknown-device'}@${startUtc.toISOString().slice(0, 19)}Z`;
}

interface ExerciseStart {
  start: Date;
  utcOffsetMinutes: number;
  deviceId: string | null;
}

function exerciseStart(o: Obj, r: FieldReader): ExerciseStart | string {
  const startRaw = pick(o, 'start_time', 'start-time');
  if (typeof startRaw !== 'string' || !startRaw) return 'missing start_time';
  const deviceId = r.str('device_id', pick(o, 'device_id', 'device-id'));
  try {
    if (/(Z|[+-]\d{2}:?\d{2})$/.test(startRaw)) {
      const { instant, utcOffsetMinutes } = parseOffsetDateTime(startRaw);
      return { start: instant, utcOffsetMinutes, deviceId };
    }
    const offset = r.int('start_time_utc_offset', pick(o, 'start_time_utc_offset', 'start-time-utc-offset'), PLAUSIBLE.utcOffsetMinutes);
    if (offset === null) return 'missing or invalid start_time_utc_offset';
    return { start: localDateTimeToUtc(startRaw, offset), utcOffsetMinutes: offset, deviceId };
  } catch (error) {
    return `invalid start_time: ${errorMessage(error)}`;
  }
}

/** The providerRecordId an exercise payload maps to (the fetchers use it for RawItems), or null. */
export function exerciseRecordIdOf(payload: unknown): string | null {
  const o = asObj(payload);
  if (!o) return null;
  const start = exerciseStart(o, new FieldReader());
  return typeof start === 'string' ? null : polarExerciseRecordId(start.deviceId, start.start);
}

export function mapExercise(payload: unknown): MapOutcome {
  return safely(() => {
    const o = asObj(payload);
    if (!o) return skip('exercise payload is not an object');
    const r = new FieldReader();
    const polarId = pick(o, 'id');
    if (typeof polarId !== 'string' && typeof polarId !== 'number') return skip('missing exercise id');
    if (polarId === '') return skip('missing exercise id');

    const start = exerciseStart(o, r);
    if (typeof start === 'string') return skip(start);
    if (!isPlausibleInstant(start.start)) return skip(`implausible start time ${start.start.toISOString()}`);
    const durationSeconds = r.duration('duration', pick(o, 'duration'));
    if (durationSeconds === null) return skip('missing or invalid duration');

    const sport = r.str('sport', pick(o, 'sport'));
    const detailed = r.str('detailed_sport_info', pick(o, 'detailed_sport_info', 'detailed-sport-info'));
    const device = r.str('device', pick(o, 'device'));
    const sourceDevice = device ?? start.deviceId;
    const heartRate = asObj(pick(o, 'heart_rate', 'heart-rate'));
    const loadPro = asObj(pick(o, 'training_load_pro', 'training-load-pro'));

    const trainingLoad =
      r.num('training_load_pro.cardio-load', pick(loadPro, 'cardio-load', 'cardio_load'), RANGE.load) ??
      r.num('training_load', pick(o, 'training_load', 'training-load'), RANGE.load);

    const zonesRaw = pick(o, 'heart_rate_zones', 'heart-rate-zones');
    const zoneList = Array.isArray(zonesRaw) ? zonesRaw : Array.isArray(asObj(zonesRaw)?.zone) ? (asObj(zonesRaw)!.zone as unknown[]) : null;
    const heartRateZones: Json[] | null = zoneList
      ? zoneList.map(asObj).flatMap((z, i) => {
          if (!z) return [];
          const f = `heart_rate_zones[${i}]`;
          return [
            {
              zone: r.int(`${f}.index`, pick(z, 'index'), RANGE.zoneIndex),
              lowerBpm: r.int(`${f}.lower-limit`, pick(z, 'lower-limit', 'lower_limit'), PLAUSIBLE.heartRateBpm),
              upperBpm: r.int(`${f}.upper-limit`, pick(z, 'upper-limit', 'upper_limit'), PLAUSIBLE.heartRateBpm),
              durationSeconds: r.duration(`${f}.in-zone`, pick(z, 'in-zone', 'in_zone')),
            },
          ];
        })
      : null;

    const extras: { [key: string]: Json } = {
      polarExerciseId: typeof polarId === 'string' ? polarId : null,
      polarTransactionalExerciseId: typeof polarId === 'number' ? polarId : null,
      deviceId: start.deviceId,
      uploadTime: r.str('upload_time', pick(o, 'upload_time', 'upload-time')),
      hasRoute: typeof pick(o, 'has_route', 'has-route') === 'boolean' ? (pick(o, 'has_route', 'has-route') as boolean) : null,
      clubId: r.str('club_id', pick(o, 'club_id', 'club-id')),
      clubName: r.str('club_name', pick(o, 'club_name', 'club-name')),
      runningIndex: r.num('running-index', pick(o, 'running-index', 'running_index'), [0, 150]),
      fatPercentage: r.num('fat_percentage', pick(o, 'fat_percentage', 'fat-percentage'), PLAUSIBLE.percent),
      carbohydratePercentage: r.num('carbohydrate_percentage', pick(o, 'carbohydrate_percentage', 'carbohydrate-percentage'), PLAUSIBLE.percent),
      proteinPercentage: r.num('protein_percentage', pick(o, 'protein_percentage', 'protein-percentage'), PLAUSIBLE.percent),
      perceivedLoad: r.num('training_load_pro.perceived-load', pick(loadPro, 'perceived-load', 'perceived_load'), RANGE.load),
      cardioLoadInterpretation: r.str('training_load_pro.cardio-load-interpretation', pick(loadPro, 'cardio-load-interpretation')),
      muscleLoadInterpretation: r.str('training_load_pro.muscle-load-interpretation', pick(loadPro, 'muscle-load-interpretation')),
      perceivedLoadInterpretation: r.str('training_load_pro.perceived-load-interpretation', pick(loadPro, 'perceived-load-interpretation')),
      userRpe: r.str('training_load_pro.user-rpe', pick(loadPro, 'user-rpe')),
    };

    const records: NormalizedRecord[] = [
      {
        kind: 'workout',
        record: {
          providerRecordId: polarExerciseRecordId(start.deviceId, start.start),
          sourceDevice,
          utcOffsetMinutes: start.utcOffsetMinutes,
          localDate: localDateOf(start.start, start.utcOffsetMinutes),
          startTime: start.start,
          endTime: new Date(start.start.getTime() + durationSeconds * 1000),
          sport: mapPolarSport(sport, detailed),
          providerSport: [sport, detailed].filter(Boolean).join('/') || 'UNKNOWN',
          durationSeconds,
          distanceMeters: r.num('distance', pick(o, 'distance'), PLAUSIBLE.distanceMeters),
          energyKcal: r.num('calories', pick(o, 'calories'), PLAUSIBLE.energyKcal),
          averageHeartRateBpm: r.int('heart_rate.average', pick(heartRate, 'average'), PLAUSIBLE.heartRateBpm),
          maxHeartRateBpm: r.int('heart_rate.maximum', pick(heartRate, 'maximum'), PLAUSIBLE.heartRateBpm),
          trainingLoad,
          muscleLoad: r.num('training_load_pro.muscle-load', pick(loadPro, 'muscle-load', 'muscle_load'), RANGE.load),
          intensity: extras.cardioLoadInterpretation as string | null,
          heartRateZones,
          extras,
        },
      },
    ];

    // Sample type 0 is heart rate; `data` is comma-separated at `recording-rate` seconds from the start.
    const samplesRaw = pick(o, 'samples');
    const hrSample = Array.isArray(samplesRaw)
      ? samplesRaw.map(asObj).find((s) => s !== null && String(pick(s, 'sample-type', 'sample_type')) === '0')
      : undefined;
    if (hrSample) {
      const rate = r.num('samples[0].recording-rate', pick(hrSample, 'recording-rate', 'recording_rate'), RANGE.sampleRateSeconds);
      const data = pick(hrSample, 'data');
      if (rate !== null && typeof data === 'string' && data.trim() !== '') {
        const points = data.split(',').map((value, i) => ({ at: new Date(start.start.getTime() + i * rate * 1000), value: value.trim() }));
        const samples = heartRateSamples(points, 'samples[0].data', r.issues, { utcOffsetMinutes: start.utcOffsetMinutes, context: 'workout', sourceDevice });
        if (samples.length) records.push({ kind: 'heartRate', samples });
      }
    }
    return mapped(records, r.issues);
  });
}

// ---------------------------------------------------------------- sleep

export function mapSleep(payload: unknown): MapOutcome {
  return safely(() => {
    const o = asObj(payload);
    if (!o) return skip('sleep payload is not an object');
    const r = new FieldReader();
    const localDate = readDate(pick(o, 'date'));
    if (!localDate) return skip('missing or invalid date');
    const date = localDate.toISOString().slice(0, 10);
    let start: { instant: Date; utcOffsetMinutes: number };
    let end: { instant: Date; utcOffsetMinutes: number };
    try {
      start = parseOffsetDateTime(String(pick(o, 'sleep_start_time')));
      end = parseOffsetDateTime(String(pick(o, 'sleep_end_time')));
    } catch {
      return skip('missing or invalid sleep_start_time / sleep_end_time');
    }
    if (!isPlausibleInstant(start.instant)) return skip(`implausible sleep start ${start.instant.toISOString()}`);
    const timeInBedSeconds = (end.instant.getTime() - start.instant.getTime()) / 1000;
    if (timeInBedSeconds <= 0 || timeInBedSeconds > 86_400) return skip(`implausible sleep span of ${timeInBedSeconds} s`);
    const offset = start.utcOffsetMinutes;
    const sourceDevice = r.str('device_id', pick(o, 'device_id'));

    const light = r.int('light_sleep', pick(o, 'light_sleep'), PLAUSIBLE.durationSeconds);
    const deep = r.int('deep_sleep', pick(o, 'deep_sleep'), PLAUSIBLE.durationSeconds);
    const rem = r.int('rem_sleep', pick(o, 'rem_sleep'), PLAUSIBLE.durationSeconds);
    const unrecognized = r.int('unrecognized_sleep_stage', pick(o, 'unrecognized_sleep_stage'), PLAUSIBLE.durationSeconds);
    const interruptions = r.int('total_interruption_duration', pick(o, 'total_interruption_duration'), PLAUSIBLE.durationSeconds);
    // Asleep = every sleep stage, unrecognized included (= time in bed - interruptions).
    const totalSleepSeconds =
      light !== null && deep !== null && rem !== null ? light + deep + rem + (unrecognized ?? 0) : null;

    const hypnogram = mapHypnogram(asObj(pick(o, 'hypnogram')), start.instant, end.instant, offset, r);

    const hrMap = asObj(pick(o, 'heart_rate_samples'));
    let samples: HeartRateSampleRecord[] = [];
    if (hrMap) {
      const { entries, badKeys } = clockEntriesAfter(hrMap, start.instant, offset);
      if (badKeys) r.issues.push({ field: 'heart_rate_samples', reason: `${badKeys} keys are not HH:MM` });
      samples = heartRateSamples(entries, 'heart_rate_samples', r.issues, { utcOffsetMinutes: offset, context: 'sleep', sourceDevice });
    }
    const bpms = samples.map((s) => s.bpm);

    const extras: { [key: string]: Json } = {
      continuity: r.num('continuity', pick(o, 'continuity'), [0, 10]),
      continuityClass: r.int('continuity_class', pick(o, 'continuity_class'), [0, 10]),
      sleepCharge: r.int('sleep_charge', pick(o, 'sleep_charge'), [0, 10]),
      sleepGoalSeconds: r.int('sleep_goal', pick(o, 'sleep_goal'), PLAUSIBLE.durationSeconds),
      sleepRating: r.int('sleep_rating', pick(o, 'sleep_rating'), [0, 10]),
      shortInterruptionSeconds: r.int('short_interruption_duration', pick(o, 'short_interruption_duration'), PLAUSIBLE.durationSeconds),
      longInterruptionSeconds: r.int('long_interruption_duration', pick(o, 'long_interruption_duration'), PLAUSIBLE.durationSeconds),
      sleepCycles: r.int('sleep_cycles', pick(o, 'sleep_cycles'), [0, 50]),
      groupDurationScore: r.num('group_duration_score', pick(o, 'group_duration_score'), PLAUSIBLE.score),
      groupSolidityScore: r.num('group_solidity_score', pick(o, 'group_solidity_score'), PLAUSIBLE.score),
      groupRegenerationScore: r.num('group_regeneration_score', pick(o, 'group_regeneration_score'), PLAUSIBLE.score),
    };

    const sleep: SleepRecord = {
      providerRecordId: date,
      sourceDevice,
      utcOffsetMinutes: offset,
      localDate,
      startTime: start.instant,
      endTime: end.instant,
      type: 'MAIN',
      timeInBedSeconds,
      totalSleepSeconds,
      lightSleepSeconds: light,
      deepSleepSeconds: deep,
      remSleepSeconds: rem,
      awakeSeconds: interruptions,
      unrecognizedSleepSeconds: unrecognized,
      latencySeconds: null,
      efficiencyPercent: totalSleepSeconds !== null ? Math.round((totalSleepSeconds / timeInBedSeconds) * 1000) / 10 : null,
      score: r.num('sleep_score', pick(o, 'sleep_score'), PLAUSIBLE.score),
      interruptionsSeconds: interruptions,
      averageHeartRateBpm: bpms.length ? Math.round(bpms.reduce((a, b) => a + b, 0) / bpms.length) : null,
      lowestHeartRateBpm: bpms.length ? Math.min(...bpms) : null,
      averageHrvRmssdMs: null,
      breathingRatePerMinute: null,
      hypnogram,
      extras,
    };
    const records: NormalizedRecord[] = [
      { kind: 'sleep', record: sleep },
      {
        kind: 'recoveryPart',
        record: {
          providerRecordId: date,
          sourceDevice,
          utcOffsetMinutes: offset,
          localDate,
          startTime: start.instant,
          sleepCharge: extras.sleepCharge as number | null,
        },
      },
    ];
    if (samples.length) records.push({ kind: 'heartRate', samples });
    return mapped(records, r.issues);
  });
}

/**
 * {"HH:MM": code} -> consecutive segments. Each key marks where a stage begins; segments are placed
 * at whole minutes after the sleep start and the last one ends at the sleep end.
 */
function mapHypnogram(map: Obj | null, start: Date, end: Date, offset: number, r: FieldReader): SleepRecord['hypnogram'] {
  if (!map) return null;
  const { entries, badKeys } = clockEntriesAfter(map, start, offset);
  let badCodes = 0;
  const points: { minutesAfterStart: number; stage: HypnogramStage }[] = [];
  for (const e of entries) {
    const stage = typeof e.value === 'number' ? POLAR_HYPNOGRAM_STAGES[e.value] : undefined;
    if (!stage) badCodes++;
    else points.push({ minutesAfterStart: e.minutesAfterStart, stage });
  }
  if (badKeys || badCodes) r.issues.push({ field: 'hypnogram', reason: `${badKeys} bad keys, ${badCodes} unknown stage codes dropped` });
  if (!points.length) return null;
  const first = points[0].minutesAfterStart;
  const segments: NonNullable<SleepRecord['hypnogram']> = [];
  points.forEach((p, i) => {
    const from = start.getTime() + (p.minutesAfterStart - first) * MS_PER_MINUTE;
    const to = i + 1 < points.length ? start.getTime() + (points[i + 1].minutesAfterStart - first) * MS_PER_MINUTE : end.getTime();
    const durationSeconds = Math.min(to, end.getTime()) / 1000 - from / 1000;
    if (durationSeconds > 0) segments.push({ start: new Date(from).toISOString(), durationSeconds, stage: p.stage });
  });
  return segments;
}

// ---------------------------------------------------------------- nightly recharge & skin temperature

/** The night's start: the injected sleep start, or local midnight of the date with an issue. */
function nightStart(o: Obj, date: string, offset: number, r: FieldReader): Date {
  const sleepStart = o._sleep_start_time;
  if (typeof sleepStart === 'string') {
    try {
      return parseOffsetDateTime(sleepStart).instant;
    } catch {
      r.issues.push({ field: '_sleep_start_time', reason: 'not a date-time with offset' });
    }
  }
  r.issues.push({ field: 'startTime', reason: 'no sleep known for this night; using local midnight of the date' });
  return localDateTimeToUtc(`${date}T00:00:00`, offset);
}

export function mapNightlyRecharge(payload: unknown): MapOutcome {
  return mapDaily(payload, 'nightly recharge', (day) => {
    const { o, r } = day;
    return mapped(
      [
        {
          kind: 'recoveryPart',
          record: {
            ...dayRecord(day, nightStart(o, day.date, day.offset, r)),
            hrvRmssdMs: r.num('heart_rate_variability_avg', pick(o, 'heart_rate_variability_avg'), PLAUSIBLE.hrvMs),
            averageHeartRateBpm: r.num('heart_rate_avg', pick(o, 'heart_rate_avg'), PLAUSIBLE.heartRateBpm),
            beatToBeatAverageMs: r.num('beat_to_beat_avg', pick(o, 'beat_to_beat_avg'), RANGE.beatToBeatMs),
            breathingRatePerMinute: r.num('breathing_rate_avg', pick(o, 'breathing_rate_avg'), PLAUSIBLE.breathingRatePerMinute),
            nightlyRechargeStatus: r.int('nightly_recharge_status', pick(o, 'nightly_recharge_status'), RANGE.rechargeStatus),
            ansCharge: r.num('ans_charge', pick(o, 'ans_charge'), RANGE.ansCharge),
            ansChargeStatus: r.int('ans_charge_status', pick(o, 'ans_charge_status'), RANGE.ansChargeStatus),
            extras: {
              nightlyRecharge: {
                // Local "HH:MM" keys of the night, as Polar sends them.
                hrvSamplesMs: numericMap(pick(o, 'hrv_samples')),
                breathingSamplesPerMinute: numericMap(pick(o, 'breathing_samples')),
              },
            },
          },
        },
      ],
      r.issues,
    );
  });
}

export function mapSkinTemperature(payload: unknown): MapOutcome {
  return mapDaily(payload, 'skin temperature', (day) => {
    const { o, r } = day;
    const deviation = r.num('deviation_from_baseline_celsius', pick(o, 'deviation_from_baseline_celsius'), PLAUSIBLE.temperatureDeviationCelsius);
    const absolute = r.num('sleep_time_skin_temperature_celsius', pick(o, 'sleep_time_skin_temperature_celsius'), RANGE.skinTemperatureCelsius);
    if (deviation === null && absolute === null) return skip('no usable skin temperature value');
    const startTime = nightStart(o, day.date, day.offset, r);
    return mapped(
      [
        {
          kind: 'recoveryPart',
          record: {
            ...dayRecord(day, startTime),
            skinTemperatureDeviationCelsius: deviation,
            extras: { skinTemperature: { sleepTimeSkinTemperatureCelsius: absolute } },
          },
        },
        // Biosensing values as measurements too, filed under the night's date.
        ...emitMeasurements(r, { providerRecordId: day.date, startTime, utcOffsetMinutes: day.offset, localDate: day.localDate }, [
          ['skin_temperature_celsius', 'sleep_time_skin_temperature_celsius', absolute],
          ['skin_temperature_deviation_celsius', 'deviation_from_baseline_celsius', deviation],
        ]),
      ],
      r.issues,
    );
  }, (o) => readDate(pick(o, 'sleep_date', 'date')), 'missing or invalid sleep_date');
}

// ---------------------------------------------------------------- daily activity & cardio load

/** The local date of a daily-activity payload: `date` (transactional) or the date of `start_time`. */
const activityLocalDate = (o: Obj | null): Date | null => readDate(pick(o, 'date')) ?? readDate(pick(o, 'start_time', 'start-time'));

export function activityDateOf(payload: unknown): string | null {
  return activityLocalDate(asObj(payload))?.toISOString().slice(0, 10) ?? null;
}

export function mapDailyActivity(payload: unknown): MapOutcome {
  return mapDaily(payload, 'daily activity', (day) => {
    const { o, r } = day;
    return mapped(
      [
        {
          kind: 'dailyActivityPart',
          record: {
            ...dayRecord(day, localMidnight(day)),
            steps: r.int('steps', pick(o, 'steps', 'active-steps'), PLAUSIBLE.steps),
            activeEnergyKcal: r.num('active_calories', pick(o, 'active_calories', 'active-calories'), PLAUSIBLE.energyKcal),
            totalEnergyKcal: r.num('calories', pick(o, 'calories'), PLAUSIBLE.energyKcal),
            activeDurationSeconds: r.duration('active_duration', pick(o, 'active_duration', 'duration')),
            distanceMeters: r.num('distance_from_steps', pick(o, 'distance_from_steps'), PLAUSIBLE.distanceMeters),
            extras: {
              activity: {
                dailyActivityGoalPercent: r.num('daily_activity', pick(o, 'daily_activity'), [0, 1000]),
                inactiveDurationSeconds: r.duration('inactive_duration', pick(o, 'inactive_duration')),
                inactivityAlertCount: r.int('inactivity_alert_count', pick(o, 'inactivity_alert_count'), [0, 1000]),
                endTime: r.str('end_time', pick(o, 'end_time')),
              },
            },
          },
        },
      ],
      r.issues,
    );
  }, activityLocalDate, 'missing or invalid date / start_time');
}

export function mapCardioLoad(payload: unknown): MapOutcome {
  return mapDaily(payload, 'cardio load', (day) => {
    const { o, r } = day;
    const level = asObj(pick(o, 'cardio_load_level'));
    const levels: { [key: string]: Json } | null = level
      ? {
          veryLow: r.num('cardio_load_level.very_low', pick(level, 'very_low', 'very-low'), RANGE.load),
          low: r.num('cardio_load_level.low', pick(level, 'low'), RANGE.load),
          medium: r.num('cardio_load_level.medium', pick(level, 'medium'), RANGE.load),
          high: r.num('cardio_load_level.high', pick(level, 'high'), RANGE.load),
          veryHigh: r.num('cardio_load_level.very-high', pick(level, 'very-high', 'very_high'), RANGE.load),
        }
      : null;
    return mapped(
      [
        {
          kind: 'dailyActivityPart',
          record: {
            ...dayRecord(day, localMidnight(day)),
            cardioLoad: r.num('cardio_load', pick(o, 'cardio_load'), RANGE.load),
            cardioLoadStrain: r.num('strain', pick(o, 'strain'), RANGE.load),
            cardioLoadTolerance: r.num('tolerance', pick(o, 'tolerance'), RANGE.load),
            cardioLoadStatus: r.str('cardio_load_status', pick(o, 'cardio_load_status')),
            extras: { cardioLoad: { ratio: r.num('cardio_load_ratio', pick(o, 'cardio_load_ratio'), [0, 100]), levels } },
          },
        },
      ],
      r.issues,
    );
  });
}

// ---------------------------------------------------------------- continuous heart rate

export function mapContinuousHeartRate(payload: unknown): MapOutcome {
  // Polar gives local clock times and no offset here; see the fetcher for where the offset comes from.
  return mapDaily(payload, 'continuous heart rate', (day) => {
    const { o, r, offset } = day;
    const list = pick(o, 'heart_rate_samples');
    if (!Array.isArray(list)) return skip('missing heart_rate_samples');
    const dayStart = localMidnight(day).getTime();
    let badTimes = 0;
    const points: { at: Date; value: unknown }[] = [];
    for (const item of list) {
      const s = asObj(item);
      const seconds = typeof s?.sample_time === 'string' ? clockSeconds(s.sample_time) : null;
      if (seconds === null) {
        badTimes++;
        continue;
      }
      points.push({ at: new Date(dayStart + seconds * 1000), value: s!.heart_rate });
    }
    if (badTimes) r.issues.push({ field: 'heart_rate_samples.sample_time', reason: `${badTimes} samples without a valid HH:MM:SS time` });
    const samples = heartRateSamples(points, 'heart_rate_samples.heart_rate', r.issues, { utcOffsetMinutes: offset, context: 'continuous', sourceDevice: null });
    return mapped(samples.length ? [{ kind: 'heartRate', samples }] : [], r.issues);
  });
}

// ---------------------------------------------------------------- physical information

export function mapPhysicalInformation(payload: unknown): MapOutcome {
  return safely(() => {
    const o = asObj(payload);
    if (!o) return skip('physical information payload is not an object');
    const r = new FieldReader();
    const created = pick(o, 'created');
    let measuredAt: Date;
    try {
      if (typeof created !== 'string') return skip('missing created');
      measuredAt = parseOffsetDateTime(created).instant;
    } catch {
      return skip('invalid created');
    }
    if (!isPlausibleInstant(measuredAt)) return skip(`implausible created ${measuredAt.toISOString()}`);
    const vo2 = r.num('vo2-max', pick(o, 'vo2-max', 'vo2_max'), PLAUSIBLE.vo2MaxMlPerKgMin);
    const offset = injectedOffset(o, r);
    const id = pick(o, 'id');
    const providerRecordId = typeof id === 'number' || (typeof id === 'string' && id.trim() !== '') ? String(id) : measuredAt.toISOString();
    const localDate = localDateOf(measuredAt, offset);
    // Every value of the physical information is a measurement at `created`; VO2max is also a Vo2MaxEstimate.
    const records: NormalizedRecord[] = emitMeasurements(r, { providerRecordId, startTime: measuredAt, utcOffsetMinutes: offset, localDate }, [
      ['weight_kg', 'weight', pick(o, 'weight')],
      ['height_cm', 'height', pick(o, 'height')],
      ['max_heart_rate_bpm', 'maximum-heart-rate', pick(o, 'maximum-heart-rate', 'maximum_heart_rate')],
      ['resting_heart_rate_bpm', 'resting-heart-rate', pick(o, 'resting-heart-rate', 'resting_heart_rate')],
      ['aerobic_threshold_bpm', 'aerobic-threshold', pick(o, 'aerobic-threshold', 'aerobic_threshold')],
      ['anaerobic_threshold_bpm', 'anaerobic-threshold', pick(o, 'anaerobic-threshold', 'anaerobic_threshold')],
      ['vo2max_ml_per_kg_min', 'vo2-max', vo2],
    ]);
    if (vo2 !== null) {
      records.push({ kind: 'vo2Max', record: { providerRecordId, sourceDevice: null, utcOffsetMinutes: offset, localDate, measuredAt, vo2MaxMlPerKgMin: vo2 } });
    }
    if (records.length === 0) return skip('no usable value (weight, height, heart rates, vo2-max)');
    return mapped(records, r.issues);
  });
}
