/**
 * The normalized records mappers produce. Mappers are pure: provider payload in, records (or a
 * reasoned skip) out. The sync engine adds userId, provider and the raw-payload link on upsert.
 */
import type { SleepType, WorkoutSport } from '../generated/prisma/enums.js';
import type { MetricId } from '../measurements/catalogue.js';

interface RecordBase {
  /** The provider's id for the record; unique per provider and user. */
  providerRecordId: string;
  sourceDevice: string | null;
  utcOffsetMinutes: number;
  /** The wearer's local date, as a Date at 00:00 UTC (see normalize/time.ts). */
  localDate: Date;
}

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export interface WorkoutRecord extends RecordBase {
  startTime: Date;
  endTime: Date;
  sport: WorkoutSport;
  providerSport: string;
  durationSeconds: number;
  distanceMeters: number | null;
  energyKcal: number | null;
  averageHeartRateBpm: number | null;
  maxHeartRateBpm: number | null;
  trainingLoad: number | null;
  muscleLoad: number | null;
  intensity: string | null;
  heartRateZones: Json | null;
  extras: Json | null;
}

export type HypnogramStage = 'AWAKE' | 'LIGHT' | 'DEEP' | 'REM' | 'UNKNOWN';

export interface SleepRecord extends RecordBase {
  startTime: Date;
  endTime: Date;
  type: SleepType;
  timeInBedSeconds: number | null;
  totalSleepSeconds: number | null;
  lightSleepSeconds: number | null;
  deepSleepSeconds: number | null;
  remSleepSeconds: number | null;
  awakeSeconds: number | null;
  unrecognizedSleepSeconds: number | null;
  latencySeconds: number | null;
  efficiencyPercent: number | null;
  score: number | null;
  interruptionsSeconds: number | null;
  averageHeartRateBpm: number | null;
  lowestHeartRateBpm: number | null;
  averageHrvRmssdMs: number | null;
  breathingRatePerMinute: number | null;
  /** [{ start: ISO instant, durationSeconds, stage }] */
  hypnogram: { start: string; durationSeconds: number; stage: HypnogramStage }[] | null;
  extras: Json | null;
}

export interface RecoveryRecord extends RecordBase {
  startTime: Date;
  hrvRmssdMs: number | null;
  restingHeartRateBpm: number | null;
  averageHeartRateBpm: number | null;
  beatToBeatAverageMs: number | null;
  breathingRatePerMinute: number | null;
  readinessScore: number | null;
  nightlyRechargeStatus: number | null;
  ansCharge: number | null;
  ansChargeStatus: number | null;
  sleepCharge: number | null;
  skinTemperatureDeviationCelsius: number | null;
  extras: Json | null;
}

export interface DailyActivityRecord extends RecordBase {
  startTime: Date;
  steps: number | null;
  activeEnergyKcal: number | null;
  totalEnergyKcal: number | null;
  activeDurationSeconds: number | null;
  distanceMeters: number | null;
  score: number | null;
  cardioLoad: number | null;
  cardioLoadStrain: number | null;
  cardioLoadTolerance: number | null;
  cardioLoadStatus: string | null;
  extras: Json | null;
}

export interface Vo2MaxRecord extends RecordBase {
  measuredAt: Date;
  vo2MaxMlPerKgMin: number;
}

export interface HeartRateSampleRecord {
  time: Date;
  utcOffsetMinutes: number;
  bpm: number;
  context: string | null;
  sourceDevice: string | null;
}

/**
 * One value of a catalogue metric (src/measurements/catalogue.ts), stored in the Measurement table
 * and upserted on (provider, userId, metric, providerRecordId). Build them with
 * src/measurements/emit.ts (range-checked against the catalogue); the store checks again and
 * refuses a value outside the metric's range with a recorded reason.
 */
export interface MeasurementRecord extends RecordBase {
  metric: MetricId;
  startTime: Date;
  /** End of the interval for interval metrics; null for instant samples. */
  endTime: Date | null;
  value: number;
}

/**
 * Several providers deliver one kind of record in parts (Polar: sleep, Nightly Recharge and skin
 * temperature all feed one night's Recovery). A `partial` record only sets the fields it names and
 * is merged into whatever the other parts already stored under the same providerRecordId.
 */
export type NormalizedRecord =
  | { kind: 'workout'; record: WorkoutRecord }
  | { kind: 'sleep'; record: SleepRecord }
  | { kind: 'recovery'; record: RecoveryRecord }
  | { kind: 'recoveryPart'; record: Partial<RecoveryRecord> & RecordBase & { startTime: Date } }
  | { kind: 'dailyActivity'; record: DailyActivityRecord }
  | { kind: 'dailyActivityPart'; record: Partial<DailyActivityRecord> & RecordBase & { startTime: Date } }
  | { kind: 'vo2Max'; record: Vo2MaxRecord }
  | { kind: 'heartRate'; samples: HeartRateSampleRecord[] }
  | { kind: 'measurement'; record: MeasurementRecord }
  | { kind: 'share'; record: ShareRecord };

/**
 * One sample's share of a row that many samples make up: a day's steps or energy from HealthKit's
 * or Health Connect's interval samples (DailyActivity), a night from HealthKit's sleep-stage
 * samples (SleepSession). The store keeps every share in the row's `extras.samples` under
 * `entryId` (a re-push replaces it, a deletion removes it) and recomputes the row's columns from
 * all of its shares in the same transaction (src/sync/share-sql.ts), so the row never depends on
 * the order or batching of the samples.
 */
export type ShareRecord = RecordBase & { startTime: Date; endTime: Date } & (
  | { table: 'DailyActivity'; entryId: string; source: string; field: DailyShareField; value: number }
  | { table: 'SleepSession'; entryId: string; source: string; stage: SleepShareStage }
);

/**
 * Summed per source, then the source with the largest total counts (two sources of one day's steps are never added).
 * totalEnergyKcal: a total share when one exists (Health Connect), else active + basal.
 */
export type DailyShareField = 'steps' | 'activeEnergyKcal' | 'basalEnergyKcal' | 'totalEnergyKcal' | 'distanceMeters';
/** ASLEEP: asleep, stage unknown (HealthKit before iOS 16, "asleepUnspecified"). */
export type SleepShareStage = 'IN_BED' | 'AWAKE' | 'ASLEEP' | 'LIGHT' | 'DEEP' | 'REM';

export interface FieldIssue {
  field: string;
  reason: string;
}

/** What a mapper returns: the records, plus the fields it nulled and why; or a skip with reason. */
export type MapOutcome =
  | { ok: true; records: NormalizedRecord[]; nulledFields: FieldIssue[] }
  | { ok: false; reason: string };

export const skip = (reason: string): MapOutcome => ({ ok: false, reason });
export const mapped = (records: NormalizedRecord[], nulledFields: FieldIssue[] = []): MapOutcome => ({
  ok: true,
  records,
  nulledFields,
});
