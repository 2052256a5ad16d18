/**
 * What the score algorithms read and return. Plain data, no database types: the algorithms are
 * pure functions of a user's records (any provider's) and the parameters.
 */
import type { ScoreKind } from './parameters.js';

/** Instants are epoch milliseconds; dates are local 'YYYY-MM-DD'. */
interface RecordInput {
  id: string;
  provider: string;
  device: string | null;
  localDate: string;
}

export interface SleepInput extends RecordInput {
  startTime: number;
  endTime: number;
  utcOffsetMinutes: number;
  type: 'MAIN' | 'NAP' | 'REST';
  timeInBedSeconds: number | null;
  totalSleepSeconds: number | null;
  deepSleepSeconds: number | null;
  remSleepSeconds: number | null;
  awakeSeconds: number | null;
  latencySeconds: number | null;
  efficiencyPercent: number | null;
  lowestHeartRateBpm: number | null;
  averageHrvRmssdMs: number | null;
  breathingRatePerMinute: number | null;
  hypnogram: { start: string; durationSeconds: number; stage: string }[] | null;
}

export interface RecoveryInput extends RecordInput {
  hrvRmssdMs: number | null;
  restingHeartRateBpm: number | null;
  breathingRatePerMinute: number | null;
  skinTemperatureDeviationCelsius: number | null;
}

export interface WorkoutInput extends RecordInput {
  startTime: number;
  endTime: number;
  sport: string;
  durationSeconds: number;
  distanceMeters: number | null;
  averageHeartRateBpm: number | null;
  maxHeartRateBpm: number | null;
}

export interface HeartRateInput {
  time: number;
  bpm: number;
  provider: string;
  utcOffsetMinutes: number;
  context: string | null;
}

export interface ProviderVo2Input extends RecordInput {
  vo2MaxMlPerKgMin: number;
}

/** A user's records around the dates being scored (duplicate workouts already left out). */
export interface UserRecords {
  sleeps: SleepInput[];
  recoveries: RecoveryInput[];
  workouts: WorkoutInput[];
  /** Sorted by time. */
  heartRate: HeartRateInput[];
  providerVo2: ProviderVo2Input[];
}

export interface ScoreComponent {
  name: string;
  /** The component's own score (0-100 for weighted parts) or measured value. */
  value: number | null;
  /** The weight applied after re-weighting over the available components; null for unweighted values. */
  weight: number | null;
  unit: string | null;
  /** Why the component is missing, when value is null. */
  reason?: string | null;
}

export interface ScoreInputRef {
  /** Record table: SleepSession, Recovery, Workout, HeartRateSample, Vo2MaxEstimate. */
  table: string;
  /** Record id; null for heart-rate samples (counted instead). */
  id: string | null;
  provider: string;
  device: string | null;
  localDate: string;
  /** Fields read, e.g. "hrvRmssdMs"; for samples, "bpm x 180". */
  fields: string[];
}

export interface ScoreBaseline {
  metric: string;
  windowDays: number;
  mean: number | null;
  sd: number | null;
  n: number;
  unit: string | null;
  /** The provider whose nights built it (baselines never mix sources). */
  source: string | null;
}

export interface ScoreCoverage {
  have: number;
  need: number;
  unit: string;
}

export interface TrainingLoad {
  dailyLoad: number;
  acute: number;
  chronic: number;
  /** Yesterday's chronic minus yesterday's acute (TSB). */
  form: number;
  acuteChronicRatio: number | null;
  /** Days of load history behind the chronic value (< chronicDays: still warming up). */
  historyDays: number;
}

export interface StressMinutes {
  rest: number;
  low: number;
  medium: number;
  high: number;
}

export interface ProviderEstimate {
  provider: string;
  device: string | null;
  localDate: string;
  value: number;
}

export interface ScoreResult {
  kind: ScoreKind;
  date: string;
  value: number | null;
  /** Why value is null ("4 of 7 baseline nights"); null when there is a value. */
  reason: string | null;
  /** A band or status where the score has one (strain band, HRV status, stress band). */
  status: string | null;
  components: ScoreComponent[];
  inputs: ScoreInputRef[];
  baselines: ScoreBaseline[];
  coverage: ScoreCoverage | null;
  trainingLoad?: TrainingLoad | null;
  stressMinutes?: StressMinutes | null;
  providerEstimates?: ProviderEstimate[] | null;
}
