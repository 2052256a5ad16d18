/**
 * The daily metrics MCP's trend, anomaly, comparison and time-series answers work on: one value
 * per local date, taken from that day's primary record of its kind (provider priority, as
 * `Day.primary*` in GraphQL), each with its unit and the provider and device it came from.
 */
import type { Config } from '../config.js';
import type { ScoreKind } from '../scores/parameters.js';
import { pickByPriority, primaryActivity, primaryRecovery, primarySleep, primaryWorkouts, type DayRecords, type LoadDaysOptions } from './days.js';

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
  /** Summed over providers (each session once) or derived from several: its baseline spans providers. */
  acrossProviders?: boolean;
  /** What `loadDays` must read besides the summary columns. */
  needs?: 'extras' | 'scores' | 'vo2max';
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

/**
 * A number inside the `extras` of the day's recovery records (Oura's daily_spo2 and daily_stress
 * land there), from the highest-ranked provider that has it.
 */
function recoveryExtra(key: string, field: string, scale = 1) {
  return (d: DayRecords, c: Config): MetricValue | null => {
    const value = (r: DayRecords['recovery'][number]) => {
      const v = (r.extras as Record<string, Record<string, unknown> | undefined> | null)?.[key]?.[field];
      return typeof v === 'number' && Number.isFinite(v) ? v : null;
    };
    const best = pickByPriority(d.recovery.filter((r) => value(r) !== null), c.providerPriority.recovery);
    return best ? { value: value(best)! * scale, provider: best.provider, device: best.sourceDevice } : null;
  };
}

/** The providers' own VO2max estimate of the day (the latest of the provider ranked first for recovery). */
function providerVo2max(d: DayRecords, c: Config): MetricValue | null {
  const list = d.vo2max ?? [];
  const provider = pickByPriority(list, c.providerPriority.recovery)?.provider;
  const last = list.filter((v) => v.provider === provider).at(-1);
  return last ? { value: last.vo2MaxMlPerKgMin, provider: last.provider, device: last.sourceDevice } : null;
}

/** One of the gateway's open scores of the day (src/scores/); its source is the providers of the records it read. */
function openScore(kind: ScoreKind) {
  return (d: DayRecords): MetricValue | null => {
    const score = d.scores?.find((s) => s.kind === kind);
    if (!score || score.value === null) return null;
    const providers = [...new Set((score.detail.inputs ?? []).map((i) => i.provider))];
    return { value: score.value, provider: providers.join('+') || 'gateway', device: null };
  };
}

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
  { id: 'sleep_light_minutes', unit: 'min', description: 'Light sleep.', minSpread: 5, value: sleep('lightSleepSeconds', 1 / 60) },
  { id: 'sleep_awake_minutes', unit: 'min', description: 'Awake time within the sleep period.', minSpread: 3, value: sleep('awakeSeconds', 1 / 60) },
  { id: 'time_in_bed_hours', unit: 'h', description: 'Time in bed (main sleep).', minSpread: 0.25, value: sleep('timeInBedSeconds', 1 / 3600) },
  { id: 'sleep_avg_hr_bpm', unit: 'bpm', description: 'Average heart rate during the night.', minSpread: 1, value: sleep('averageHeartRateBpm') },
  { id: 'sleep_hrv_rmssd_ms', unit: 'ms', description: 'Average HRV (RMSSD) of the sleep period, from the sleep record.', minSpread: 2, value: sleep('averageHrvRmssdMs') },
  { id: 'sleep_score', unit: 'points', description: "The provider's own sleep score (Oura 1-100, Polar 1-100).", minSpread: 2, value: sleep('score') },
  { id: 'sleep_lowest_hr_bpm', unit: 'bpm', description: 'Lowest heart rate during the night.', minSpread: 1, value: sleep('lowestHeartRateBpm') },
  { id: 'hrv_rmssd_ms', unit: 'ms', description: 'Nightly HRV (RMSSD) from the recovery record (Polar Nightly Recharge, Oura readiness night).', minSpread: 2, value: recovery('hrvRmssdMs') },
  { id: 'resting_hr_bpm', unit: 'bpm', description: 'Resting heart rate of the night.', minSpread: 1, value: recovery('restingHeartRateBpm') },
  { id: 'breathing_rate_per_min', unit: 'breaths/min', description: 'Breathing rate during sleep.', minSpread: 0.3, value: recovery('breathingRatePerMinute') },
  { id: 'skin_temp_deviation_c', unit: '°C', description: 'Skin temperature deviation from the personal baseline.', minSpread: 0.1, value: recovery('skinTemperatureDeviationCelsius') },
  { id: 'readiness_score', unit: 'points', description: "Oura's readiness score (1-100).", minSpread: 2, value: recovery('readinessScore') },
  { id: 'ans_charge', unit: 'points (-10..+10)', description: 'Polar Nightly Recharge ANS charge.', minSpread: 0.5, value: recovery('ansCharge') },
  { id: 'nightly_recharge_status', unit: '1-6', description: 'Polar Nightly Recharge status (1 very poor .. 6 very good).', minSpread: 0.5, value: recovery('nightlyRechargeStatus') },
  { id: 'sleep_charge', unit: '1-5', description: 'Polar sleep charge.', minSpread: 0.5, value: recovery('sleepCharge') },
  { id: 'spo2_pct', needs: 'extras', unit: '%', description: 'Average blood-oxygen saturation during sleep (Oura daily_spo2).', minSpread: 0.5, value: recoveryExtra('spo2', 'averagePercent') },
  { id: 'breathing_disturbance_index', needs: 'extras', unit: 'events/h', description: 'Breathing disturbance index (Oura daily_spo2).', minSpread: 1, value: recoveryExtra('spo2', 'breathingDisturbanceIndex') },
  { id: 'stress_high_minutes', needs: 'extras', unit: 'min', description: "Daytime minutes of high stress (Oura daily_stress; the gateway's own stress score: score_stress).", minSpread: 10, value: recoveryExtra('stress', 'stressHighSeconds', 1 / 60) },
  { id: 'recovery_high_minutes', needs: 'extras', unit: 'min', description: 'Daytime minutes of high recovery (Oura daily_stress).', minSpread: 10, value: recoveryExtra('stress', 'recoveryHighSeconds', 1 / 60) },
  { id: 'vo2max_ml_per_kg_min', needs: 'vo2max', unit: 'ml/kg/min', description: "The provider's own VO2max estimate (Polar fitness test, Oura cardio capacity); the gateway's: score_vo2max.", minSpread: 0.5, value: providerVo2max },
  { id: 'steps', unit: 'steps', description: 'Steps of the day.', minSpread: 300, value: activity('steps') },
  { id: 'active_energy_kcal', unit: 'kcal', description: 'Active energy of the day.', minSpread: 30, value: activity('activeEnergyKcal') },
  { id: 'total_energy_kcal', unit: 'kcal', description: 'Total energy of the day (active and resting).', minSpread: 50, value: activity('totalEnergyKcal') },
  { id: 'active_minutes', unit: 'min', description: 'Active time of the day.', minSpread: 10, value: activity('activeDurationSeconds', 1 / 60) },
  { id: 'activity_distance_km', unit: 'km', description: 'Distance of the whole day (not only workouts).', minSpread: 0.5, value: activity('distanceMeters', 1 / 1000) },
  { id: 'activity_score', unit: 'points', description: "Oura's activity score (1-100).", minSpread: 2, value: activity('score') },
  { id: 'cardio_load', unit: 'TRIMP-like', description: "Polar's daily cardio load.", minSpread: 5, value: activity('cardioLoad') },
  { id: 'workout_minutes', acrossProviders: true, unit: 'min', description: 'Time in workouts (each session once).', minSpread: 10, value: workoutSum((w) => w.durationSeconds, 1 / 60) },
  { id: 'workout_training_load', acrossProviders: true, unit: 'TRIMP-like', description: 'Sum of workout training loads (Polar cardio load).', minSpread: 5, value: workoutSum((w) => w.trainingLoad) },
  { id: 'workout_distance_km', acrossProviders: true, unit: 'km', description: 'Distance covered in workouts.', minSpread: 1, value: workoutSum((w) => w.distanceMeters, 1 / 1000) },
  { id: 'score_sleep', needs: 'scores', acrossProviders: true, unit: 'points (0-100)', description: "The gateway's open sleep score (docs/scores/sleep.md).", minSpread: 2, value: openScore('sleep') },
  { id: 'score_recovery', needs: 'scores', acrossProviders: true, unit: 'points (0-100)', description: "The gateway's open recovery score (docs/scores/recovery.md).", minSpread: 2, value: openScore('recovery') },
  { id: 'score_strain', needs: 'scores', acrossProviders: true, unit: 'strain (0-21)', description: "The gateway's open strain (docs/scores/strain.md).", minSpread: 0.5, value: openScore('strain') },
  { id: 'score_stress', needs: 'scores', acrossProviders: true, unit: 'points (0-100)', description: "The gateway's open daytime stress score (docs/scores/stress.md).", minSpread: 2, value: openScore('stress') },
  { id: 'score_hrv_status', needs: 'scores', acrossProviders: true, unit: 'points (0-100)', description: "The gateway's HRV resilience score (docs/scores/hrv-status.md).", minSpread: 2, value: openScore('hrvStatus') },
  { id: 'score_vo2max', needs: 'scores', acrossProviders: true, unit: 'ml/kg/min', description: "The gateway's VO2max estimate (docs/scores/vo2max.md).", minSpread: 0.5, value: openScore('vo2max') },
];

export const DAILY_METRICS: ReadonlyMap<string, MetricDefinition> = new Map(definitions.map((d) => [d.id, d]));
export const DAILY_METRIC_IDS = definitions.map((d) => d.id) as [string, ...string[]];

/** What `loadDays` must read for these metrics. */
export function loadOptionsFor(metrics: readonly MetricDefinition[]): Pick<LoadDaysOptions, 'extras' | 'scores' | 'vo2max'> {
  const needs = new Set(metrics.map((m) => m.needs));
  return { extras: needs.has('extras'), scores: needs.has('scores') ? 'inputs' : undefined, vo2max: needs.has('vo2max') };
}

/** The metric's value on each day that has one, in date order. */
export function metricSeries(days: readonly DayRecords[], metric: MetricDefinition, config: Config): (MetricValue & { date: string })[] {
  const out: (MetricValue & { date: string })[] = [];
  for (const day of days) {
    const v = metric.value(day, config);
    if (v) out.push({ date: day.date, ...v });
  }
  return out;
}
