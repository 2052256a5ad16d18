/**
 * Garmin summaries -> normalized records. Pure: payload in, records (or a reasoned skip) out.
 *
 * Time: every Garmin instant is seconds since the epoch (UTC). `*OffsetInSeconds` is the offset of
 * the time the user's DEVICE displayed, not a time zone (users may set any display time): it is
 * taken as the record's UTC offset. Summaries of one day carry `calendarDate`, the user's own day,
 * used as the local date as is.
 *
 * Updates replace: Garmin re-sends a summary (same user, type and start) when it changes, so the
 * records are keyed by what stays the same across re-sends: the activity id, the sleep's start,
 * the calendar date of the daily summaries.
 */
import { heartRateSamples } from '../../normalize/heart-rate.js';
import { asObj, safely, type Obj } from '../../normalize/payload.js';
import { mapped, skip, type FieldIssue, type HeartRateSampleRecord, type HypnogramStage, type MapOutcome, type NormalizedRecord, type RecoveryRecord, type SleepRecord } from '../../normalize/records.js';
import { localDateOf, localDateTimeToUtc, parseLocalDate } from '../../normalize/time.js';
import { FieldReader, gramsToKilograms, PLAUSIBLE } from '../../normalize/units.js';
import type { MetricId } from '../../measurements/catalogue.js';
import { emitMeasurements } from '../../measurements/emit.js';
import { GARMIN_SPORT_MAP } from './sport-map.js';
import { GARMIN_SLEEP_LEVELS } from './stage-map.js';

/** Epochs shorter than this are partial: Garmin re-sends them complete. */
export const FULL_EPOCH_SECONDS = 900;

interface Frame {
  utcOffsetMinutes: number;
  localDate: Date;
  day: string;
}

const instant = (seconds: number) => new Date(seconds * 1000);

/** The display offset (seconds) as the record's UTC offset in minutes; 0 and a note when unusable. */
function offsetMinutes(r: FieldReader, field: string, seconds: unknown): number {
  const value = r.num(field, seconds);
  if (value === null) return 0;
  const minutes = Math.round(value / 60);
  const [min, max] = PLAUSIBLE.utcOffsetMinutes;
  if (minutes < min || minutes > max) {
    r.issues.push({ field, reason: `display offset ${value} s outside UTC-12..+14; taken as 0` });
    return 0;
  }
  return minutes;
}

/** Offset and local day of a summary: calendarDate when it has one, else the local date of `start`. */
function frameOf(r: FieldReader, p: Obj, start: number, offsetField = 'startTimeOffsetInSeconds'): Frame {
  const utcOffsetMinutes = offsetMinutes(r, offsetField, p[offsetField]);
  const calendarDate = typeof p.calendarDate === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(p.calendarDate) ? p.calendarDate : null;
  const localDate = calendarDate ? parseLocalDate(calendarDate) : localDateOf(instant(start), utcOffsetMinutes);
  return { utcOffsetMinutes, localDate, day: localDate.toISOString().slice(0, 10) };
}

function requireStart(r: FieldReader, p: Obj, field = 'startTimeInSeconds'): number | null {
  return r.num(field, p[field], [946_684_800, 4_102_444_800]);
}

/** Local midnight of a frame's day as a UTC instant (the start of daily records). */
const dayStart = (frame: Frame) => localDateTimeToUtc(`${frame.day}T00:00:00`, frame.utcOffsetMinutes);

// ---------------------------------------------------------------- activities

/** The workout of an activity summary (also the `summary` of activity details). */
function workoutOf(r: FieldReader, p: Obj, fallbackId: unknown): NormalizedRecord | null {
  const start = requireStart(r, p);
  const duration = r.num('durationInSeconds', p.durationInSeconds, PLAUSIBLE.durationSeconds);
  const id = r.str('activityId', p.activityId ?? fallbackId);
  if (start === null || duration === null || !id) return null;
  const frame = frameOf(r, p, start);
  const type = r.str('activityType', p.activityType) ?? 'UNKNOWN';
  const extras: Obj = {};
  for (const key of ['activityName', 'steps', 'averageSpeedInMetersPerSecond', 'maxSpeedInMetersPerSecond', 'totalElevationGainInMeters', 'totalElevationLossInMeters', 'averageRunCadenceInStepsPerMinute', 'averageBikeCadenceInRoundsPerMinute', 'parentSummaryId', 'isParent', 'manual']) {
    if (p[key] !== undefined) extras[key] = p[key];
  }
  return {
    kind: 'workout',
    record: {
      providerRecordId: id,
      sourceDevice: r.str('deviceName', p.deviceName),
      utcOffsetMinutes: frame.utcOffsetMinutes,
      localDate: localDateOf(instant(start), frame.utcOffsetMinutes),
      startTime: instant(start),
      endTime: instant(start + duration),
      sport: GARMIN_SPORT_MAP[type] ?? 'OTHER',
      providerSport: type,
      durationSeconds: duration,
      distanceMeters: r.num('distanceInMeters', p.distanceInMeters, PLAUSIBLE.distanceMeters),
      // Activities' active calories include BMR (unlike the dailies'): Garmin's own figure.
      energyKcal: r.num('activeKilocalories', p.activeKilocalories, PLAUSIBLE.energyKcal),
      averageHeartRateBpm: r.num('averageHeartRateInBeatsPerMinute', p.averageHeartRateInBeatsPerMinute, PLAUSIBLE.heartRateBpm),
      maxHeartRateBpm: r.num('maxHeartRateInBeatsPerMinute', p.maxHeartRateInBeatsPerMinute, PLAUSIBLE.heartRateBpm),
      trainingLoad: null,
      muscleLoad: null,
      intensity: null,
      heartRateZones: null,
      extras: Object.keys(extras).length ? (extras as never) : null,
    },
  };
}

export function mapActivity(payload: unknown): MapOutcome {
  return safely(() => {
    const p = asObj(payload);
    if (!p) return skip('activity is not an object');
    const r = new FieldReader();
    const workout = workoutOf(r, p, p.summaryId);
    return workout ? mapped([workout], r.issues) : skip(`activity without usable id, start or duration (${issuesText(r.issues)})`);
  });
}

/** Activity details: the activity's workout (from `summary`) and its samples' heart rate. */
export function mapActivityDetails(payload: unknown): MapOutcome {
  return safely(() => {
    const p = asObj(payload);
    if (!p) return skip('activity details are not an object');
    const summary = asObj(p.summary);
    if (!summary) return skip('activity details without summary');
    const r = new FieldReader();
    const workout = workoutOf(r, summary, p.activityId);
    if (!workout || workout.kind !== 'workout') return skip(`activity details without usable id, start or duration (${issuesText(r.issues)})`);
    const samples = Array.isArray(p.samples) ? p.samples : [];
    const points = samples.flatMap((s) => {
      const sample = asObj(s);
      const at = sample ? Number(sample.startTimeInSeconds) : NaN;
      return sample && Number.isFinite(at) && sample.heartRate !== undefined ? [{ at: instant(at), value: sample.heartRate }] : [];
    });
    const hr = heartRateSamples(points, 'samples.heartRate', r.issues, { utcOffsetMinutes: workout.record.utcOffsetMinutes, context: 'workout', sourceDevice: workout.record.sourceDevice });
    return mapped(hr.length ? [workout, { kind: 'heartRate', samples: hr }] : [workout], r.issues);
  });
}

/** An activity file as fetched and decoded (fetchPushed): its heart-rate records. */
export function mapActivityFile(payload: unknown): MapOutcome {
  return safely(() => {
    const p = asObj(payload);
    if (!p) return skip('activity file is not an object');
    const r = new FieldReader();
    const offset = offsetMinutes(r, 'startTimeOffsetInSeconds', p.startTimeOffsetInSeconds ?? 0);
    const records = Array.isArray(p.records) ? p.records : [];
    const points = records.flatMap((x) => {
      const rec = asObj(x);
      return rec && typeof rec.time === 'string' && rec.heartRate !== undefined ? [{ at: new Date(rec.time), value: rec.heartRate }] : [];
    });
    const hr = heartRateSamples(points, 'records.heartRate', r.issues, { utcOffsetMinutes: offset, context: 'workout', sourceDevice: r.str('deviceName', p.deviceName) });
    return mapped(hr.length ? [{ kind: 'heartRate', samples: hr }] : [], r.issues);
  });
}

// ---------------------------------------------------------------- sleep

/** One sleep: the main session (stages from sleepLevelsMap, ending with its last stage) and its naps. */
export function mapSleep(payload: unknown): MapOutcome {
  return safely(() => {
    const p = asObj(payload);
    if (!p) return skip('sleep is not an object');
    const r = new FieldReader();
    const start = requireStart(r, p);
    const id = r.str('summaryId', p.summaryId);
    if (start === null || !id) return skip(`sleep without start or summaryId (${issuesText(r.issues)})`);
    const frame = frameOf(r, p, start);
    const hypnogram: NonNullable<SleepRecord['hypnogram']> = [];
    let lastEnd = 0;
    for (const [level, spans] of Object.entries(asObj(p.sleepLevelsMap) ?? {})) {
      const stage: HypnogramStage = GARMIN_SLEEP_LEVELS[level] ?? 'UNKNOWN';
      for (const span of Array.isArray(spans) ? spans : []) {
        const s = asObj(span);
        const from = Number(s?.startTimeInSeconds);
        const to = Number(s?.endTimeInSeconds);
        if (!Number.isFinite(from) || !Number.isFinite(to) || to <= from) continue;
        hypnogram.push({ start: instant(from).toISOString(), durationSeconds: to - from, stage });
        lastEnd = Math.max(lastEnd, to);
      }
    }
    hypnogram.sort((a, b) => (a.start < b.start ? -1 : 1));
    const asleep = r.int('durationInSeconds', p.durationInSeconds, PLAUSIBLE.durationSeconds);
    const awake = r.int('awakeDurationInSeconds', p.awakeDurationInSeconds, PLAUSIBLE.durationSeconds);
    // durationInSeconds counts sleep only: the session ends with its last stage, else after sleep and awake time.
    const end = lastEnd > start ? lastEnd : start + (asleep ?? 0) + (awake ?? 0);
    if (end <= start) return skip('sleep without stages or duration');
    const score = asObj(p.overallSleepScore);
    const respiration = Object.values(asObj(p.timeOffsetSleepRespiration) ?? {}).filter((v): v is number => typeof v === 'number');
    const records: NormalizedRecord[] = [
      {
        kind: 'sleep',
        record: {
          providerRecordId: id,
          sourceDevice: null,
          utcOffsetMinutes: frame.utcOffsetMinutes,
          localDate: frame.localDate,
          startTime: instant(start),
          endTime: instant(end),
          type: 'MAIN',
          timeInBedSeconds: end - start,
          totalSleepSeconds: asleep,
          lightSleepSeconds: r.int('lightSleepDurationInSeconds', p.lightSleepDurationInSeconds, PLAUSIBLE.durationSeconds),
          deepSleepSeconds: r.int('deepSleepDurationInSeconds', p.deepSleepDurationInSeconds, PLAUSIBLE.durationSeconds),
          remSleepSeconds: r.int('remSleepInSeconds', p.remSleepInSeconds, PLAUSIBLE.durationSeconds),
          awakeSeconds: awake,
          unrecognizedSleepSeconds: r.int('unmeasurableSleepInSeconds', p.unmeasurableSleepInSeconds ?? p.unmeasurableSleepDurationInSeconds, PLAUSIBLE.durationSeconds),
          latencySeconds: null,
          efficiencyPercent: null,
          score: score ? r.int('overallSleepScore.value', score.value, PLAUSIBLE.score) : null,
          interruptionsSeconds: null,
          averageHeartRateBpm: null,
          lowestHeartRateBpm: null,
          averageHrvRmssdMs: null,
          breathingRatePerMinute: respiration.length ? r.num('timeOffsetSleepRespiration', respiration.reduce((a, b) => a + b, 0) / respiration.length, PLAUSIBLE.breathingRatePerMinute) : null,
          hypnogram: hypnogram.length ? hypnogram : null,
          extras: { validation: (p.validation as string) ?? null, overallSleepScoreQualifier: (score?.qualifierKey as string) ?? null, sleepScores: (p.sleepScores as never) ?? null },
        },
      },
    ];
    for (const n of Array.isArray(p.naps) ? p.naps : []) {
      const nap = asObj(n);
      const napStart = nap ? r.num('naps.napStartTimeInSeconds', nap.napStartTimeInSeconds) : null;
      const napDuration = nap ? r.int('naps.napDurationInSeconds', nap.napDurationInSeconds, PLAUSIBLE.durationSeconds) : null;
      if (!nap || napStart === null || !napDuration) continue;
      const napOffset = offsetMinutes(r, 'naps.napOffsetInSeconds', nap.napOffsetInSeconds ?? p.startTimeOffsetInSeconds);
      records.push({
        kind: 'sleep',
        record: {
          ...emptySleep,
          providerRecordId: `${id}:nap:${napStart}`,
          sourceDevice: null,
          utcOffsetMinutes: napOffset,
          localDate: localDateOf(instant(napStart), napOffset),
          startTime: instant(napStart),
          endTime: instant(napStart + napDuration),
          type: 'NAP',
          timeInBedSeconds: napDuration,
          totalSleepSeconds: napDuration,
          extras: { napValidation: (nap.napValidation as string) ?? null },
        },
      });
    }
    return mapped(records, r.issues);
  });
}

const emptySleep = {
  lightSleepSeconds: null,
  deepSleepSeconds: null,
  remSleepSeconds: null,
  awakeSeconds: null,
  unrecognizedSleepSeconds: null,
  latencySeconds: null,
  efficiencyPercent: null,
  score: null,
  interruptionsSeconds: null,
  averageHeartRateBpm: null,
  lowestHeartRateBpm: null,
  averageHrvRmssdMs: null,
  breathingRatePerMinute: null,
  hypnogram: null,
} satisfies Partial<SleepRecord>;

// ---------------------------------------------------------------- daily

type RecoveryPart = Extract<NormalizedRecord, { kind: 'recoveryPart' }>['record'];

/** A part of the day's Recovery (HRV, resting HR, skin temperature come in separate summaries). */
function recoveryPart(frame: Frame, fields: Partial<RecoveryRecord>): NormalizedRecord {
  const record: RecoveryPart = { providerRecordId: frame.day, sourceDevice: null, utcOffsetMinutes: frame.utcOffsetMinutes, localDate: frame.localDate, startTime: dayStart(frame), ...fields };
  return { kind: 'recoveryPart', record };
}

/** Overnight HRV: last night's average RMSSD onto the day's recovery. */
export function mapHrv(payload: unknown): MapOutcome {
  return safely(() => {
    const p = asObj(payload);
    if (!p) return skip('hrv is not an object');
    const r = new FieldReader();
    const start = requireStart(r, p);
    if (start === null) return skip(`hrv without start (${issuesText(r.issues)})`);
    const frame = frameOf(r, p, start);
    const rmssd = r.num('lastNightAvg', p.lastNightAvg, PLAUSIBLE.hrvMs);
    if (rmssd === null) return skip('hrv without lastNightAvg');
    return mapped([recoveryPart(frame, { hrvRmssdMs: rmssd, extras: { lastNight5MinHigh: (p.lastNight5MinHigh as number) ?? null } })], r.issues);
  });
}

/** Daily summary: steps, energy (active and BMR apart, total = both), resting HR, stress and body battery, its heart rate. */
export function mapDaily(payload: unknown): MapOutcome {
  return safely(() => {
    const p = asObj(payload);
    if (!p) return skip('daily is not an object');
    const r = new FieldReader();
    const start = requireStart(r, p);
    if (start === null) return skip(`daily without start (${issuesText(r.issues)})`);
    const frame = frameOf(r, p, start);
    const active = r.num('activeKilocalories', p.activeKilocalories, PLAUSIBLE.energyKcal);
    const bmr = r.num('bmrKilocalories', p.bmrKilocalories, PLAUSIBLE.energyKcal);
    const stress = r.int('averageStressLevel', p.averageStressLevel);
    const extras: Obj = {
      bmrKilocalories: bmr,
      // -1: not enough data that day.
      averageStressLevel: stress !== null && stress >= 0 ? stress : null,
      maxStressLevel: (p.maxStressLevel as number) ?? null,
      stressQualifier: (p.stressQualifier as string) ?? null,
      bodyBatteryChargedValue: (p.bodyBatteryChargedValue as number) ?? null,
      bodyBatteryDrainedValue: (p.bodyBatteryDrainedValue as number) ?? null,
      floorsClimbed: (p.floorsClimbed as number) ?? null,
      moderateIntensityDurationInSeconds: (p.moderateIntensityDurationInSeconds as number) ?? null,
      vigorousIntensityDurationInSeconds: (p.vigorousIntensityDurationInSeconds as number) ?? null,
      stepsGoal: (p.stepsGoal as number) ?? null,
      durationInSeconds: (p.durationInSeconds as number) ?? null,
    };
    const records: NormalizedRecord[] = [
      {
        kind: 'dailyActivity',
        record: {
          providerRecordId: frame.day,
          sourceDevice: null,
          utcOffsetMinutes: frame.utcOffsetMinutes,
          localDate: frame.localDate,
          startTime: instant(start),
          steps: r.int('steps', p.steps, PLAUSIBLE.steps),
          activeEnergyKcal: active,
          totalEnergyKcal: active !== null && bmr !== null ? active + bmr : null,
          activeDurationSeconds: r.int('activeTimeInSeconds', p.activeTimeInSeconds, PLAUSIBLE.durationSeconds),
          distanceMeters: r.num('distanceInMeters', p.distanceInMeters, PLAUSIBLE.distanceMeters),
          score: null,
          cardioLoad: null,
          cardioLoadStrain: null,
          cardioLoadTolerance: null,
          cardioLoadStatus: null,
          extras: extras as never,
        },
      },
    ];
    const resting = r.num('restingHeartRateInBeatsPerMinute', p.restingHeartRateInBeatsPerMinute, PLAUSIBLE.heartRateBpm);
    if (resting !== null) records.push(recoveryPart(frame, { restingHeartRateBpm: resting }));
    const samples = offsetSeries(start, p.timeOffsetHeartRateSamples);
    const hr: HeartRateSampleRecord[] = heartRateSamples(samples, 'timeOffsetHeartRateSamples', r.issues, { utcOffsetMinutes: frame.utcOffsetMinutes, context: null, sourceDevice: null });
    if (hr.length) records.push({ kind: 'heartRate', samples: hr });
    return mapped(records, r.issues);
  });
}

/** `{"<seconds after start>": value}` -> points. */
function offsetSeries(start: number, map: unknown): { at: Date; value: unknown }[] {
  return Object.entries(asObj(map) ?? {})
    .filter(([offset]) => /^\d+$/.test(offset))
    .map(([offset, value]) => ({ at: instant(start + Number(offset)), value }));
}

/** VO2max (running) per calendar date. */
export function mapUserMetrics(payload: unknown): MapOutcome {
  return safely(() => {
    const p = asObj(payload);
    if (!p || typeof p.calendarDate !== 'string') return skip('user metrics without calendarDate');
    const r = new FieldReader();
    const frame = frameOf(r, p, 0);
    const vo2 = r.num('vo2Max', p.vo2Max, PLAUSIBLE.vo2MaxMlPerKgMin);
    if (vo2 === null) return mapped([], r.issues);
    return mapped([{ kind: 'vo2Max', record: { providerRecordId: frame.day, sourceDevice: null, utcOffsetMinutes: 0, localDate: frame.localDate, measuredAt: frame.localDate, vo2MaxMlPerKgMin: vo2 } }], r.issues);
  });
}

/** Skin temperature: the night's deviation onto the day's recovery. */
export function mapSkinTemp(payload: unknown): MapOutcome {
  return safely(() => {
    const p = asObj(payload);
    if (!p) return skip('skin temperature is not an object');
    const r = new FieldReader();
    const start = requireStart(r, p);
    if (start === null) return skip(`skin temperature without start (${issuesText(r.issues)})`);
    const deviation = r.num('avgDeviationCelsius', p.avgDeviationCelsius, PLAUSIBLE.temperatureDeviationCelsius);
    if (deviation === null) return mapped([], r.issues);
    const frame = frameOf(r, p, start);
    const duration = r.num('durationInSeconds', p.durationInSeconds, PLAUSIBLE.durationSeconds);
    return mapped(
      [
        recoveryPart(frame, { skinTemperatureDeviationCelsius: deviation }),
        ...emitMeasurements(r, { providerRecordId: String(start), startTime: instant(start), endTime: duration ? instant(start + duration) : null, utcOffsetMinutes: frame.utcOffsetMinutes, localDate: frame.localDate }, [
          ['skin_temperature_deviation_celsius', 'avgDeviationCelsius', deviation],
        ]),
      ],
      r.issues,
    );
  });
}

/** Epochs: kept raw (the model has no 15-minute series yet); partial ones are skipped until re-sent whole. */
export function mapEpoch(payload: unknown): MapOutcome {
  const p = asObj(payload);
  if (!p) return skip('epoch is not an object');
  const duration = Number(p.durationInSeconds);
  if (!(duration >= FULL_EPOCH_SECONDS)) return skip(`partial epoch (${duration} s < ${FULL_EPOCH_SECONDS} s): Garmin re-sends it complete`);
  return mapped([]);
}

/**
 * A summary's `{"<seconds after start>": value}` series as measurements of one metric, each sample
 * its own reading (keyed by its instant). `skipBelow`: Garmin's negative codes (stress -1 off
 * wrist, -2 motion, ...) are not values.
 */
function seriesMeasurements(r: FieldReader, p: Obj, field: string, metric: MetricId, skipBelow?: number): NormalizedRecord[] {
  const start = Number(p.startTimeInSeconds);
  const offset = offsetMinutes(r, 'startTimeOffsetInSeconds', p.startTimeOffsetInSeconds);
  return offsetSeries(start, p[field])
    .filter(({ value }) => skipBelow === undefined || !(typeof value === 'number' && value < skipBelow))
    .flatMap(({ at, value }) => emitMeasurements(r, { providerRecordId: String(at.getTime() / 1000), startTime: at, utcOffsetMinutes: offset }, [[metric, field, value]]));
}

/** Time series summaries into measurements: stress and body battery, pulse ox, respiration. */
function seriesMapper(what: string, series: [string, MetricId, number?][]) {
  return (payload: unknown): MapOutcome =>
    safely(() => {
      const p = asObj(payload);
      if (!p) return skip(`${what} is not an object`);
      const r = new FieldReader();
      if (requireStart(r, p) === null) return skip(`${what} without start (${issuesText(r.issues)})`);
      return mapped(series.flatMap(([field, metric, skipBelow]) => seriesMeasurements(r, p, field, metric, skipBelow)), r.issues);
    });
}

export const mapStressDetails = seriesMapper('stress details', [
  ['timeOffsetStressLevelValues', 'stress_level', 0],
  ['timeOffsetBodyBatteryValues', 'body_battery', 0],
]);
export const mapPulseOx = seriesMapper('pulse ox', [['timeOffsetSpo2Values', 'spo2_percent']]);
export const mapRespiration = seriesMapper('respiration', [['timeOffsetEpochToBreaths', 'respiratory_rate_brpm']]);

/** A reading taken at one instant (`measurementTimeInSeconds`): blood pressure, body composition. */
function readingMapper(what: string, inputs: (p: Obj) => [MetricId, string, unknown][]) {
  return (payload: unknown): MapOutcome =>
    safely(() => {
      const p = asObj(payload);
      if (!p) return skip(`${what} is not an object`);
      const r = new FieldReader();
      const at = requireStart(r, p, 'measurementTimeInSeconds');
      if (at === null) return skip(`${what} without measurementTimeInSeconds (${issuesText(r.issues)})`);
      const offset = offsetMinutes(r, 'measurementTimeOffsetInSeconds', p.measurementTimeOffsetInSeconds);
      return mapped(emitMeasurements(r, { providerRecordId: String(at), startTime: instant(at), utcOffsetMinutes: offset }, inputs(p)), r.issues);
    });
}

const grams = (value: unknown) => (typeof value === 'number' ? gramsToKilograms(value) : value);

export const mapBloodPressure = readingMapper('blood pressure', (p) => [
  ['blood_pressure_systolic_mmhg', 'systolic', p.systolic],
  ['blood_pressure_diastolic_mmhg', 'diastolic', p.diastolic],
  ['heart_rate_bpm', 'pulse', p.pulse],
]);
export const mapBodyComposition = readingMapper('body composition', (p) => [
  ['weight_kg', 'weightInGrams', grams(p.weightInGrams)],
  ['bmi', 'bodyMassIndex', p.bodyMassIndex],
  ['body_fat_percent', 'bodyFatInPercent', p.bodyFatInPercent],
  ['muscle_mass_kg', 'muscleMassInGrams', grams(p.muscleMassInGrams)],
  ['bone_mass_kg', 'boneMassInGrams', grams(p.boneMassInGrams)],
  ['body_water_percent', 'bodyWaterInPercent', p.bodyWaterInPercent],
]);

const issuesText = (issues: FieldIssue[]) => issues.map((i) => `${i.field}: ${i.reason}`).join('; ') || 'missing';
