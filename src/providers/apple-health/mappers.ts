/**
 * HealthKit samples (as pushed through the contract, or converted from export.xml by
 * src/ingest/apple-export.ts) -> normalized records. Pure.
 *
 * - Heart rate -> heart-rate samples; VO2max -> Vo2MaxEstimate; workouts -> Workout (totals from
 *   iOS 16+ statistics, else the legacy totals).
 * - Steps, active/basal energy, walking+running distance -> their day's DailyActivity (shares,
 *   one source per day: iPhone and Watch are never added).
 * - Sleep analysis -> its night's SleepSession (shares; stages by iOS version: iOS 16+ core, deep,
 *   REM, awake; before that "asleep" = stage unknown; in-bed spans the night).
 * - Resting HR, HRV SDNN (labelled SDNN), body mass, SpO2 (a fraction with unit %), respiratory rate,
 *   height, body fat, temperature, blood pressure, VO2max -> measurements (src/measurements/), each
 *   converted from the unit given; other types are kept raw (replay maps them once they have a metric).
 * Content keys (type, source, start, end) identify samples and workouts, so the same sample pushed
 * by the app (with its UUID) and imported from an export (no UUID) is one record.
 */
import type { WorkoutSport } from '../../generated/prisma/enums.js';
import { heartRateSamples } from '../../normalize/heart-rate.js';
import { asObj, safely } from '../../normalize/payload.js';
import { mapped, skip, type FieldIssue, type MapOutcome, type NormalizedRecord, type SleepShareStage } from '../../normalize/records.js';
import { contentKey, dailyShare, nightShare } from '../../normalize/shares.js';
import { localDateOf, parseOffsetDateTime } from '../../normalize/time.js';
import { FieldReader, PLAUSIBLE, toStoredUnit, type Dimension } from '../../normalize/units.js';
import { METRICS, type MetricId } from '../../measurements/catalogue.js';
import { emitMeasurements } from '../../measurements/emit.js';
import type { AppleHealthRecord } from '../../ingest/contract.js';
import { hkSport } from './sport-map.js';

type Quantity = Extract<AppleHealthRecord, { kind: 'quantity' }>;
type Category = Extract<AppleHealthRecord, { kind: 'category' }>;
type HkWorkout = Extract<AppleHealthRecord, { kind: 'workout' }>;

const Q = 'HKQuantityTypeIdentifier';

/** Quantity types summed into the day: field and the unit dimension the value is converted from. */
const DAILY: Record<string, { field: 'steps' | 'activeEnergyKcal' | 'basalEnergyKcal' | 'distanceMeters'; dimension: Dimension; range: readonly [number, number] }> = {
  [`${Q}StepCount`]: { field: 'steps', dimension: 'count', range: PLAUSIBLE.steps },
  [`${Q}ActiveEnergyBurned`]: { field: 'activeEnergyKcal', dimension: 'energy', range: PLAUSIBLE.energyKcal },
  [`${Q}BasalEnergyBurned`]: { field: 'basalEnergyKcal', dimension: 'energy', range: PLAUSIBLE.energyKcal },
  [`${Q}DistanceWalkingRunning`]: { field: 'distanceMeters', dimension: 'length', range: PLAUSIBLE.distanceMeters },
};

/**
 * Quantity types that are measurements (src/measurements/catalogue.ts): metric, the dimension the
 * value is converted from, and a factor from the stored unit to the metric's (HRV: s -> ms; height: m -> cm).
 * HRV from Apple is SDNN and stays SDNN.
 */
const MEASUREMENTS: Record<string, [MetricId, Dimension, number]> = {
  [`${Q}RestingHeartRate`]: ['resting_heart_rate_bpm', 'rate', 1],
  [`${Q}HeartRateVariabilitySDNN`]: ['hrv_sdnn_ms', 'time', 1000],
  [`${Q}BodyMass`]: ['weight_kg', 'mass', 1],
  [`${Q}OxygenSaturation`]: ['spo2_percent', 'fraction', 1],
  [`${Q}RespiratoryRate`]: ['respiratory_rate_brpm', 'rate', 1],
  [`${Q}BodyFatPercentage`]: ['body_fat_percent', 'fraction', 1],
  [`${Q}Height`]: ['height_cm', 'length', 100],
  [`${Q}BodyMassIndex`]: ['bmi', 'count', 1],
  [`${Q}BodyTemperature`]: ['body_temperature_celsius', 'temperature', 1],
  [`${Q}BloodPressureSystolic`]: ['blood_pressure_systolic_mmhg', 'pressure', 1],
  [`${Q}BloodPressureDiastolic`]: ['blood_pressure_diastolic_mmhg', 'pressure', 1],
  [`${Q}VO2Max`]: ['vo2max_ml_per_kg_min', 'vo2', 1],
  [`${Q}FlightsClimbed`]: ['floors_climbed', 'count', 1],
};

/** HKCategoryValueSleepAnalysis raw values (HealthKit) and names (export.xml). */
const SLEEP_STAGES: Record<string, SleepShareStage> = {
  0: 'IN_BED',
  1: 'ASLEEP',
  2: 'AWAKE',
  3: 'LIGHT',
  4: 'DEEP',
  5: 'REM',
  HKCategoryValueSleepAnalysisInBed: 'IN_BED',
  HKCategoryValueSleepAnalysisAsleep: 'ASLEEP',
  HKCategoryValueSleepAnalysisAsleepUnspecified: 'ASLEEP',
  HKCategoryValueSleepAnalysisAwake: 'AWAKE',
  HKCategoryValueSleepAnalysisAsleepCore: 'LIGHT',
  HKCategoryValueSleepAnalysisAsleepDeep: 'DEEP',
  HKCategoryValueSleepAnalysisAsleepREM: 'REM',
};

/** The record types mapped into the unified model (others are kept raw). */
export const APPLE_MAPPED_TYPES = [...new Set(['HKWorkout', `${Q}HeartRate`, `${Q}VO2Max`, ...Object.keys(DAILY), ...Object.keys(MEASUREMENTS), 'HKCategoryTypeIdentifierSleepAnalysis'])];

/** The sample as a measurement, when its type is one (converted from its unit). */
function measurement(record: Quantity, span: Span, issues: FieldIssue[]): NormalizedRecord[] {
  const known = MEASUREMENTS[record.type];
  if (!known) return [];
  const [metric, dimension, factor] = known;
  const value = toStoredUnit(record.value, record.unit, dimension);
  if (value === null) {
    issues.push({ field: 'unit', reason: `"${record.unit}" is not a ${dimension} unit this gateway converts` });
    return [];
  }
  const r = new FieldReader();
  const interval = METRICS[metric].kind === 'interval';
  const records = emitMeasurements(r, { providerRecordId: sampleKey(record.type, record, span), startTime: span.start, endTime: interval ? span.end : null, utcOffsetMinutes: span.utcOffsetMinutes, sourceDevice: deviceName(record) }, [[metric, 'value', factor === 1 ? value : Math.round(value * factor * 1e9) / 1e9]]);
  issues.push(...r.issues);
  return records;
}

interface Span {
  start: Date;
  end: Date;
  utcOffsetMinutes: number;
}

function spanOf(record: { startDate: string; endDate: string }): Span {
  const start = parseOffsetDateTime(record.startDate);
  const end = parseOffsetDateTime(record.endDate);
  if (end.instant < start.instant) throw new RangeError(`endDate ${record.endDate} is before startDate ${record.startDate}`);
  return { start: start.instant, end: end.instant, utcOffsetMinutes: start.utcOffsetMinutes };
}

/** The device's name without HealthKit's per-object pointer ("<<HKDevice: 0x...>, name:Apple Watch, ..." in exports). */
export function deviceName(record: { sourceName: string; device?: { name?: string; model?: string } }): string {
  return record.device?.name ?? record.device?.model ?? record.sourceName;
}

const sampleKey = (type: string, record: { sourceName: string }, span: Span) => contentKey(type, record.sourceName, span.start.getTime(), span.end.getTime());

function quantity(record: Quantity): MapOutcome {
  const span = spanOf(record);
  const issues: FieldIssue[] = [];
  const device = deviceName(record);
  const daily = DAILY[record.type];
  if (daily) {
    const value = toStoredUnit(record.value, record.unit, daily.dimension);
    if (value === null) return skip(`unit "${record.unit}" is not a ${daily.dimension} unit this gateway converts`);
    if (value < daily.range[0] || value > daily.range[1]) return skip(`value out of range [${daily.range[0]}, ${daily.range[1]}]: ${value}`);
    return mapped([dailyShare(span, sampleKey(record.type, record, span), record.sourceName, daily.field, value, device)]);
  }
  if (record.type === `${Q}HeartRate`) {
    const bpm = toStoredUnit(record.value, record.unit, 'rate');
    if (bpm === null) return skip(`unit "${record.unit}" is not a heart-rate unit`);
    const motion = record.metadata?.HKMetadataKeyHeartRateMotionContext;
    const context = motion === 1 || motion === '1' ? 'sedentary' : motion === 2 || motion === '2' ? 'active' : null;
    const samples = heartRateSamples([{ at: span.start, value: bpm }], 'value', issues, { utcOffsetMinutes: span.utcOffsetMinutes, context, sourceDevice: device });
    return samples.length ? mapped([{ kind: 'heartRate', samples }], issues) : skip(issues[0]?.reason ?? 'no usable heart rate');
  }
  const measured = measurement(record, span, issues);
  if (record.type === `${Q}VO2Max`) {
    const vo2 = toStoredUnit(record.value, record.unit, 'vo2');
    if (vo2 === null) return skip(`unit "${record.unit}" is not a VO2max unit`);
    const [min, max] = PLAUSIBLE.vo2MaxMlPerKgMin;
    if (vo2 < min || vo2 > max) return skip(`VO2max out of range [${min}, ${max}]: ${vo2}`);
    return mapped([
      {
        kind: 'vo2Max',
        record: {
          providerRecordId: `vo2:${sampleKey(record.type, record, span)}`,
          sourceDevice: device,
          utcOffsetMinutes: span.utcOffsetMinutes,
          localDate: localDateOf(span.start, span.utcOffsetMinutes),
          measuredAt: span.start,
          vo2MaxMlPerKgMin: vo2,
        },
      },
      ...measured,
    ], issues);
  }
  if (measured.length === 0 && issues.length) return skip(issues.map((i) => `${i.field}: ${i.reason}`).join('; '));
  return mapped(measured, issues);
}

function category(record: Category): MapOutcome {
  if (record.type !== 'HKCategoryTypeIdentifierSleepAnalysis') return mapped([]);
  const stage = SLEEP_STAGES[String(record.value)];
  if (!stage) return skip(`unknown sleep analysis value ${JSON.stringify(record.value)}`);
  const span = spanOf(record);
  if (span.end.getTime() - span.start.getTime() > 24 * 3_600_000) return skip('a sleep sample longer than 24 h');
  return mapped([nightShare(span, sampleKey(record.type, record, span), record.sourceName, stage, deviceName(record))]);
}

const statistic = (record: HkWorkout, suffix: string) => record.statistics?.find((s) => s.type === `${Q}${suffix}`);

function workout(record: HkWorkout): MapOutcome {
  const span = spanOf(record);
  const issues: FieldIssue[] = [];
  const convert = (field: string, value: number | undefined, unit: string | undefined, dimension: Dimension, range: readonly [number, number]) => {
    if (value === undefined || unit === undefined) return null;
    const v = toStoredUnit(value, unit, dimension);
    if (v === null) issues.push({ field, reason: `unit "${unit}" is not a ${dimension} unit` });
    else if (v < range[0] || v > range[1]) issues.push({ field, reason: `out of range [${range[0]}, ${range[1]}]: ${v}` });
    else return v;
    return null;
  };
  // iOS 16+: totals in statistics; before: totalEnergyBurned / totalDistance on the workout.
  const energy = statistic(record, 'ActiveEnergyBurned');
  const distance = record.statistics?.find((s) => /^HKQuantityTypeIdentifierDistance/.test(s.type) && s.sum !== undefined);
  const hr = statistic(record, 'HeartRate');
  const metadata = record.metadata ?? {};
  const indoor = metadata.HKIndoorWorkout === 1 || metadata.HKIndoorWorkout === '1' || metadata.HKIndoorWorkout === true;
  const openWater = metadata.HKSwimmingLocationType === 2 || metadata.HKSwimmingLocationType === '2';
  const sport: WorkoutSport = hkSport(record.workoutActivityType, { indoor, openWater });
  const record_: NormalizedRecord = {
    kind: 'workout',
    record: {
      providerRecordId: `workout:${contentKey('HKWorkout', record.workoutActivityType, record.sourceName, span.start.getTime(), span.end.getTime())}`,
      sourceDevice: deviceName(record),
      utcOffsetMinutes: span.utcOffsetMinutes,
      localDate: localDateOf(span.start, span.utcOffsetMinutes),
      startTime: span.start,
      endTime: span.end,
      sport,
      providerSport: record.workoutActivityType.replace(/^HKWorkoutActivityType/, ''),
      durationSeconds: record.duration,
      distanceMeters: distance ? convert('distance', distance.sum, distance.unit, 'length', PLAUSIBLE.distanceMeters) : convert('totalDistance', record.totalDistance?.value, record.totalDistance?.unit, 'length', PLAUSIBLE.distanceMeters),
      energyKcal: energy ? convert('activeEnergy', energy.sum, energy.unit, 'energy', PLAUSIBLE.energyKcal) : convert('totalEnergyBurned', record.totalEnergyBurned?.value, record.totalEnergyBurned?.unit, 'energy', PLAUSIBLE.energyKcal),
      averageHeartRateBpm: convert('heartRate.average', hr?.average, hr?.unit, 'rate', PLAUSIBLE.heartRateBpm),
      maxHeartRateBpm: convert('heartRate.maximum', hr?.maximum, hr?.unit, 'rate', PLAUSIBLE.heartRateBpm),
      trainingLoad: null,
      muscleLoad: null,
      intensity: null,
      heartRateZones: null,
      extras: {
        appleHealth: {
          sourceName: record.sourceName,
          sourceBundleId: record.sourceBundleId ?? null,
          indoor,
          // Multisport (iOS 16+): each activity's type and span.
          activities: (record.activities ?? []).map((a) => ({ type: a.workoutActivityType.replace(/^HKWorkoutActivityType/, ''), startDate: a.startDate, endDate: a.endDate })),
        },
      },
    },
  };
  return mapped([record_], issues);
}

export function mapAppleHealth(_dataType: string, payload: unknown): MapOutcome {
  return safely(() => {
    const record = asObj(payload) as AppleHealthRecord | null;
    if (!record) return skip('not an object');
    if (record.kind === 'quantity') return quantity(record);
    if (record.kind === 'category') return category(record);
    if (record.kind === 'workout') return workout(record);
    return skip(`unknown kind ${JSON.stringify((record as { kind?: unknown }).kind)}`);
  });
}
