/**
 * The metric catalogue: every long-tail value a provider stores in the Measurement table has an
 * entry here. The id carries the unit (as every field name does), and the entry says what one
 * stored value is (an instant sample or a value over an interval), how values combine into a
 * bucket of a series (src/measurements/series.ts), and the range a value must fall in: the store
 * refuses a value outside it and records the reason in the sync run (never a silent drop).
 *
 * Adding a metric is one entry here (ids are lower snake case, unit last). Two statistics of one
 * quantity are two metrics: HRV as RMSSD and as SDNN are never mixed in one series.
 */

/** `instant`: a reading at startTime (endTime null). `interval`: one value over [startTime, endTime). */
export type MetricKind = 'instant' | 'interval';

/** How several values of one bucket combine when the caller does not name an aggregate. */
export type MetricAggregation = 'mean' | 'sum' | 'min' | 'max' | 'last';

export interface MetricDefinition {
  /** Unit, as spelled in the id ('kg', 'bpm', 'percent', 'count', 'level' ...). */
  unit: string;
  kind: MetricKind;
  aggregation: MetricAggregation;
  /** Valid values, inclusive. */
  range: readonly [number, number];
  description: string;
  /** For heart-rate variability: which statistic the value is. */
  statistic?: 'rmssd' | 'sdnn';
  /** For ordinal levels stored as numbers: the provider's words, by value. */
  levels?: Readonly<Record<number, string>>;
}

const metric = (unit: string, kind: MetricKind, aggregation: MetricAggregation, range: readonly [number, number], description: string, more: Partial<MetricDefinition> = {}): MetricDefinition => ({
  unit,
  kind,
  aggregation,
  range,
  description,
  ...more,
});

export const METRICS = {
  // Body composition
  weight_kg: metric('kg', 'instant', 'last', [1, 500], 'Body weight.'),
  height_cm: metric('cm', 'instant', 'last', [30, 272], 'Body height.'),
  bmi: metric('kg/m2', 'instant', 'last', [5, 150], 'Body mass index.'),
  body_fat_percent: metric('percent', 'instant', 'last', [1, 80], 'Body fat share of body weight.'),
  muscle_mass_kg: metric('kg', 'instant', 'last', [1, 300], 'Skeletal muscle mass.'),
  bone_mass_kg: metric('kg', 'instant', 'last', [0.1, 20], 'Bone mass.'),
  body_water_percent: metric('percent', 'instant', 'last', [10, 90], 'Body water share of body weight.'),

  // Vital signs
  blood_pressure_systolic_mmhg: metric('mmHg', 'instant', 'mean', [40, 300], 'Systolic blood pressure.'),
  blood_pressure_diastolic_mmhg: metric('mmHg', 'instant', 'mean', [20, 200], 'Diastolic blood pressure.'),
  blood_glucose_mmol_per_l: metric('mmol/L', 'instant', 'mean', [0.5, 50], 'Blood glucose concentration.'),
  spo2_percent: metric('percent', 'instant', 'mean', [50, 100], 'Blood oxygen saturation (a reading, or the average over an interval).'),
  respiratory_rate_brpm: metric('breaths/min', 'instant', 'mean', [3, 60], 'Breathing rate.'),
  body_temperature_celsius: metric('°C', 'instant', 'mean', [30, 45], 'Body (core or oral) temperature.'),
  skin_temperature_celsius: metric('°C', 'interval', 'mean', [15, 45], 'Skin temperature (sleep-time average where the provider gives one).'),
  skin_temperature_deviation_celsius: metric('°C', 'interval', 'mean', [-10, 10], "Skin temperature deviation from the wearer's own baseline."),
  breathing_disturbance_index: metric('events/h', 'interval', 'mean', [0, 200], 'Breathing disturbances per hour of sleep (Oura).'),

  // Heart
  heart_rate_bpm: metric('bpm', 'instant', 'mean', [20, 250], 'Heart rate (spot readings; continuous heart rate has its own table).'),
  resting_heart_rate_bpm: metric('bpm', 'instant', 'mean', [20, 150], 'Resting heart rate (a set value, or the lowest of a night).'),
  max_heart_rate_bpm: metric('bpm', 'instant', 'last', [80, 250], 'Maximum heart rate (set or measured).'),
  aerobic_threshold_bpm: metric('bpm', 'instant', 'last', [50, 240], 'Aerobic threshold heart rate.'),
  anaerobic_threshold_bpm: metric('bpm', 'instant', 'last', [60, 250], 'Anaerobic threshold heart rate.'),
  hrv_rmssd_ms: metric('ms', 'interval', 'mean', [1, 500], 'Heart-rate variability as RMSSD.', { statistic: 'rmssd' }),
  hrv_sdnn_ms: metric('ms', 'interval', 'mean', [1, 500], 'Heart-rate variability as SDNN.', { statistic: 'sdnn' }),
  vo2max_ml_per_kg_min: metric('mL/kg/min', 'instant', 'last', [10, 100], 'Estimated maximal oxygen uptake.'),

  // Stress and energy
  stress_level: metric('level', 'instant', 'mean', [0, 100], 'Stress level 0 (rest) .. 100 (very high), Garmin-style.'),
  stress_high_seconds: metric('s', 'interval', 'sum', [0, 86_400], 'Time in high stress over the interval (Oura daily_stress).'),
  recovery_high_seconds: metric('s', 'interval', 'sum', [0, 86_400], 'Time in high recovery over the interval (Oura daily_stress).'),
  body_battery: metric('level', 'instant', 'last', [0, 100], 'Energy reserve 0 .. 100 (Garmin Body Battery).'),
  resilience_level: metric('level', 'interval', 'last', [1, 5], 'Resilience as an ordinal level (Oura daily_resilience).', {
    levels: { 1: 'limited', 2: 'adequate', 3: 'solid', 4: 'strong', 5: 'exceptional' },
  }),

  // Activity
  steps: metric('count', 'interval', 'sum', [0, 200_000], 'Steps over the interval.'),
  active_energy_kcal: metric('kcal', 'interval', 'sum', [0, 30_000], 'Active energy over the interval.'),
  total_energy_kcal: metric('kcal', 'interval', 'sum', [0, 50_000], 'Total (active + resting) energy over the interval.'),
  distance_m: metric('m', 'interval', 'sum', [0, 1_000_000], 'Distance over the interval.'),
  floors_climbed: metric('count', 'interval', 'sum', [0, 5_000], 'Floors climbed over the interval.'),
  intensity_minutes: metric('min', 'interval', 'sum', [0, 1_440], 'Moderate-or-vigorous intensity minutes over the interval.'),
} as const satisfies Record<string, MetricDefinition>;

export type MetricId = keyof typeof METRICS;

export const METRIC_IDS = Object.keys(METRICS) as MetricId[];

export function isMetricId(id: string): id is MetricId {
  return Object.prototype.hasOwnProperty.call(METRICS, id);
}

export function metricDefinition(id: MetricId): MetricDefinition {
  return METRICS[id];
}

/**
 * Why a value cannot be stored as this metric, or null when it can: an unknown metric, a value
 * that is not a finite number, or one outside the metric's range.
 */
export function measurementProblem(metric: string, value: unknown): string | null {
  if (!isMetricId(metric)) return `unknown metric "${metric}" (not in src/measurements/catalogue.ts)`;
  if (typeof value !== 'number' || !Number.isFinite(value)) return `${metric}: not a number: ${JSON.stringify(value)?.slice(0, 40)}`;
  const [min, max] = METRICS[metric].range;
  if (value < min || value > max) return `${metric}: out of range [${min}, ${max}]: ${value}`;
  return null;
}

/** The catalogue value of an ordinal level's word (e.g. resilience 'solid' -> 3), or null. */
export function levelValue(metric: MetricId, word: string | null): number | null {
  const levels = (METRICS[metric] as MetricDefinition).levels;
  if (!levels || word === null) return null;
  const entry = Object.entries(levels).find(([, w]) => w === word.toLowerCase());
  return entry ? Number(entry[0]) : null;
}
