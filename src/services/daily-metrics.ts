/**
 * The daily metrics MCP's trend, anomaly, comparison and time-series answers work on: one value
 * per local date, taken from that day's primary record of its kind (provider priority, as
 * `Day.primary*` in GraphQL), each with its unit and the provider and device it came from.
 */
import type { Config } from '../config.js';
import { primaryActivity, primaryRecovery, primarySleep, primaryWorkouts, type DayRecords } from './days.js';

export interface MetricValue {
  value: number;
  provider: string;
  device: string | null;
}

export interface MetricDefinition {
  id: string;
  unit: string;
  description: string;
  /** Floor of the robust SD used for anomalies (the metric's meaningful resolution). */
  minSpread: number;
  /** Summed over providers (each session once): its baseline spans providers. */
  acrossProviders?: boolean;
  value(day: DayRecords, config: Config): MetricValue | null;
}

type Source = { provider: string; sourceDevice: string | null } | null;
const from = (record: Source, raw: number | null | undefined, scale = 1): MetricValue | null =>
  record && raw !== null && raw !== undefined && Number.isFinite(raw) ? { value: raw * scale, provider: record.provider, device: record.sourceDevice } : null;

type SleepRow = NonNullable<ReturnType<typeof primarySleep>>;
type RecoveryRow = NonNullable<ReturnType<typeof primaryRecovery>>;
type ActivityRow = NonNullable<ReturnType<typeof primaryActivity>>;
/** A column of the day's primary record of one kind, scaled to the metric's unit. */
function column<R extends { provider: string; sourceDevice: string | null }>(pick: (d: DayRecords, c: Config) => R | null, field: keyof R, scale = 1) {
  return (d: DayRecords, c: Config) => {
    const r = pick(d, c);
    return from(r, r?.[field] as number | null, scale);
  };
}
const sleep = (field: keyof SleepRow, scale = 1) => column(primarySleep, field, scale);
const recovery = (field: keyof RecoveryRow, scale = 1) => column(primaryRecovery, field, scale);
const activity = (field: keyof ActivityRow, scale = 1) => column(primaryActivity, field, scale);

/** Sum over the day's primary workouts; 0 on a day with other data but no workout, null on a day without any record. */
function workoutSum(pick: (w: DayRecords['workouts'][number]) => number | null, scale = 1) {
  return (day: DayRecords): MetricValue | null => {
    const workouts = primaryWorkouts(day);
    const anyData = day.workouts.length || day.sleep.length || day.recovery.length || day.activity.length;
    if (!anyData) return null;
    const total = workouts.reduce((s, w) => s + (pick(w) ?? 0), 0);
    const first = workouts[0] ?? day.activity[0] ?? day.recovery[0] ?? day.sleep[0];
    return { value: total * scale, provider: workouts.length ? [...new Set(workouts.map((w) => w.provider))].join('+') : first.provider, device: workouts[0]?.sourceDevice ?? null };
  };
}

const definitions: MetricDefinition[] = [
  { id: 'sleep_total_hours', unit: 'h', description: 'Total sleep of the night (main sleep).', minSpread: 0.25, value: sleep('totalSleepSeconds', 1 / 3600) },
  { id: 'sleep_deep_minutes', unit: 'min', description: 'Deep sleep.', minSpread: 5, value: sleep('deepSleepSeconds', 1 / 60) },
  { id: 'sleep_rem_minutes', unit: 'min', description: 'REM sleep.', minSpread: 5, value: sleep('remSleepSeconds', 1 / 60) },
  { id: 'sleep_efficiency_pct', unit: '%', description: 'Sleep efficiency (asleep / in bed).', minSpread: 1, value: sleep('efficiencyPercent') },
  { id: 'sleep_latency_minutes', unit: 'min', description: 'Time to fall asleep.', minSpread: 2, value: sleep('latencySeconds', 1 / 60) },
  { id: 'sleep_score', unit: 'points', description: "The provider's own sleep score (Oura 1-100, Polar 1-100).", minSpread: 2, value: sleep('score') },
  { id: 'sleep_lowest_hr_bpm', unit: 'bpm', description: 'Lowest heart rate during the night.', minSpread: 1, value: sleep('lowestHeartRateBpm') },
  { id: 'hrv_rmssd_ms', unit: 'ms', description: 'Nightly HRV (RMSSD) from the recovery record (Polar Nightly Recharge, Oura readiness night).', minSpread: 2, value: recovery('hrvRmssdMs') },
  { id: 'resting_hr_bpm', unit: 'bpm', description: 'Resting heart rate of the night.', minSpread: 1, value: recovery('restingHeartRateBpm') },
  { id: 'breathing_rate_per_min', unit: 'breaths/min', description: 'Breathing rate during sleep.', minSpread: 0.3, value: recovery('breathingRatePerMinute') },
  { id: 'skin_temp_deviation_c', unit: '°C', description: 'Skin temperature deviation from the personal baseline.', minSpread: 0.1, value: recovery('skinTemperatureDeviationCelsius') },
  { id: 'readiness_score', unit: 'points', description: "Oura's readiness score (1-100).", minSpread: 2, value: recovery('readinessScore') },
  { id: 'ans_charge', unit: 'points (-10..+10)', description: 'Polar Nightly Recharge ANS charge.', minSpread: 0.5, value: recovery('ansCharge') },
  { id: 'steps', unit: 'steps', description: 'Steps of the day.', minSpread: 300, value: activity('steps') },
  { id: 'active_energy_kcal', unit: 'kcal', description: 'Active energy of the day.', minSpread: 30, value: activity('activeEnergyKcal') },
  { id: 'activity_score', unit: 'points', description: "Oura's activity score (1-100).", minSpread: 2, value: activity('score') },
  { id: 'cardio_load', unit: 'TRIMP-like', description: "Polar's daily cardio load.", minSpread: 5, value: activity('cardioLoad') },
  { id: 'workout_minutes', acrossProviders: true, unit: 'min', description: 'Time in workouts (each session once).', minSpread: 10, value: workoutSum((w) => w.durationSeconds, 1 / 60) },
  { id: 'workout_training_load', acrossProviders: true, unit: 'TRIMP-like', description: 'Sum of workout training loads (Polar cardio load).', minSpread: 5, value: workoutSum((w) => w.trainingLoad) },
  { id: 'workout_distance_km', acrossProviders: true, unit: 'km', description: 'Distance covered in workouts.', minSpread: 1, value: workoutSum((w) => w.distanceMeters, 1 / 1000) },
];

export const DAILY_METRICS: ReadonlyMap<string, MetricDefinition> = new Map(definitions.map((d) => [d.id, d]));
export const DAILY_METRIC_IDS = definitions.map((d) => d.id) as [string, ...string[]];

/** The metric's value on each day that has one, in date order. */
export function metricSeries(days: readonly DayRecords[], metric: MetricDefinition, config: Config): (MetricValue & { date: string })[] {
  const out: (MetricValue & { date: string })[] = [];
  for (const day of days) {
    const v = metric.value(day, config);
    if (v) out.push({ date: day.date, ...v });
  }
  return out;
}
