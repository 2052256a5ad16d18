/**
 * Trend, anomaly, step-change and period-comparison answers over a daily series of one metric.
 * The statistics (and their parameters) are published as the `algorithms://...` MCP resources;
 * tests/analysis/series.test.ts checks them on synthetic series whose answer is known.
 */
import { addLocalDays } from '../normalize/time.js';
import { cliffsDelta, cliffsMagnitude, mad, MAD_TO_SD, mean, median, round, theilSen } from './robust.js';

export interface DailyPoint {
  /** Local date, YYYY-MM-DD. */
  date: string;
  value: number;
  /** The provider the value came from: baselines never mix sources. */
  provider: string;
}

const DAY_MS = 86_400_000;
export const dayIndex = (date: string) => Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
export const daysBetween = (from: string, to: string) => dayIndex(to) - dayIndex(from) + 1;

const inRange = (points: readonly DailyPoint[], from: string, to: string) => points.filter((p) => p.date >= from && p.date <= to);

// ---------------------------------------------------------------------------------------------
// Trends

export const TREND_PARAMETERS = {
  /** Share of the window's days that must have a value before a slope is reported. */
  minCoverage: 0.5,
  /** And never fewer points than this. */
  minPoints: 5,
  /** A direction is claimed only when the 95 % interval of the slope excludes zero. */
  confidence: 0.95,
} as const;

export interface TrendAnswer {
  from: string;
  to: string;
  window_days: number;
  days_with_data: number;
  min_days_required: number;
  /** 'insufficient_data' when fewer days than required have a value. */
  direction: 'rising' | 'falling' | 'flat' | 'insufficient_data';
  slope_per_week: number | null;
  slope_per_week_ci95: [number, number] | null;
  mann_kendall_p: number | null;
  median: number | null;
  mean: number | null;
  previous: { from: string; to: string; days_with_data: number; median: number | null; mean: number | null };
  change_vs_previous: { median_difference: number; percent: number | null; cliffs_delta: number; magnitude: string } | null;
}

export function trend(points: readonly DailyPoint[], to: string, windowDays: number): TrendAnswer {
  const from = addLocalDays(to, -(windowDays - 1));
  const previousTo = addLocalDays(from, -1);
  const previousFrom = addLocalDays(previousTo, -(windowDays - 1));
  const current = inRange(points, from, to);
  const previous = inRange(points, previousFrom, previousTo);
  const minDays = Math.max(TREND_PARAMETERS.minPoints, Math.ceil(windowDays * TREND_PARAMETERS.minCoverage));
  const values = current.map((p) => p.value);
  const prevValues = previous.map((p) => p.value);
  const base = {
    from,
    to,
    window_days: windowDays,
    days_with_data: current.length,
    min_days_required: minDays,
    median: values.length ? round(median(values)) : null,
    mean: values.length ? round(mean(values)) : null,
    previous: {
      from: previousFrom,
      to: previousTo,
      days_with_data: previous.length,
      median: prevValues.length ? round(median(prevValues)) : null,
      mean: prevValues.length ? round(mean(prevValues)) : null,
    },
  };
  const fit = current.length >= minDays ? theilSen(current.map((p) => dayIndex(p.date)), values) : null;
  const comparable = current.length >= minDays && previous.length >= minDays;
  const change = comparable
    ? (() => {
        const difference = median(values) - median(prevValues);
        const prevMedian = median(prevValues);
        const delta = cliffsDelta(values, prevValues);
        return {
          median_difference: round(difference),
          percent: prevMedian !== 0 ? round((difference / Math.abs(prevMedian)) * 100, 1) : null,
          cliffs_delta: round(delta),
          magnitude: cliffsMagnitude(delta),
        };
      })()
    : null;
  if (!fit) return { ...base, direction: 'insufficient_data', slope_per_week: null, slope_per_week_ci95: null, mann_kendall_p: null, change_vs_previous: change };
  const direction = fit.low > 0 ? 'rising' : fit.high < 0 ? 'falling' : 'flat';
  return {
    ...base,
    direction,
    slope_per_week: round(fit.slope * 7, 3),
    slope_per_week_ci95: [round(fit.low * 7, 3), round(fit.high * 7, 3)],
    mann_kendall_p: round(fit.pValue, 4),
    change_vs_previous: change,
  };
}

// ---------------------------------------------------------------------------------------------
// Step change (one change point)

export const STEP_PARAMETERS = {
  /** Points on each side of a candidate change day. */
  minSegment: 5,
  /** Reported when |shift| / robust SD of the residuals reaches this. */
  minEffect: 2,
} as const;

export interface StepChange {
  /** The first day of the new level. */
  date: string;
  before_median: number;
  after_median: number;
  shift: number;
  /** shift / robust SD (1.4826 x MAD) of the residuals around the two segment medians. */
  effect_size: number;
}

/**
 * The single split that minimises the absolute deviations from the two segment medians (an L1
 * change point), reported when its effect size reaches STEP_PARAMETERS.minEffect.
 */
export function stepChange(points: readonly DailyPoint[], minSpread = 0): StepChange | null {
  const { minSegment, minEffect } = STEP_PARAMETERS;
  const n = points.length;
  if (n < 2 * minSegment) return null;
  const ys = points.map((p) => p.value);
  const cost = (segment: number[]) => {
    const m = median(segment);
    return segment.reduce((s, v) => s + Math.abs(v - m), 0);
  };
  let best = -1;
  let bestCost = Infinity;
  for (let k = minSegment; k <= n - minSegment; k++) {
    const c = cost(ys.slice(0, k)) + cost(ys.slice(k));
    if (c < bestCost) {
      bestCost = c;
      best = k;
    }
  }
  const before = ys.slice(0, best);
  const after = ys.slice(best);
  const mb = median(before);
  const ma = median(after);
  const residuals = [...before.map((v) => v - mb), ...after.map((v) => v - ma)];
  const sd = Math.max(MAD_TO_SD * median(residuals.map(Math.abs)), minSpread, 1e-9);
  const effect = (ma - mb) / sd;
  if (Math.abs(effect) < minEffect) return null;
  return { date: points[best].date, before_median: round(mb), after_median: round(ma), shift: round(ma - mb), effect_size: round(effect) };
}

// ---------------------------------------------------------------------------------------------
// Anomalies

export const ANOMALY_PARAMETERS = {
  /** Baseline: the values of the N days before the day (exclusive), same provider only. */
  baselineDays: 28,
  /** No verdict for a day with fewer baseline values than this. */
  minBaselinePoints: 14,
  /** Flag when |value - median| / max(1.4826 MAD, metric floor) reaches this (Iglewicz & Hoaglin suggest 3.5; 4 keeps short baselines quiet). */
  threshold: 4,
  /**
   * Measured share of days flagged on pure Gaussian noise with these parameters (tests/analysis/
   * series.test.ts checks it stays below this).
   */
  falsePositiveRate: 0.005,
} as const;

export interface Anomaly {
  date: string;
  value: number;
  direction: 'high' | 'low';
  baseline_median: number;
  baseline_sd_robust: number;
  baseline_days: number;
  /** (value - baseline median) in the metric's unit. */
  deviation: number;
  deviation_percent: number | null;
  /** Robust z: deviation / robust SD. */
  robust_z: number;
  provider: string;
}

export interface AnomalyScan {
  anomalies: Anomaly[];
  days_evaluated: number;
  days_without_enough_baseline: number;
}

/**
 * Scans [from, to]: each day with a value is compared with its own baseline (the previous
 * `baselineDays` days of the same provider). `minSpread` floors the robust SD (a very steady
 * baseline must not turn a 1-bpm wiggle into an anomaly).
 */
export function anomalies(points: readonly DailyPoint[], from: string, to: string, options: { minSpread?: number; threshold?: number } = {}): AnomalyScan {
  const { baselineDays, minBaselinePoints } = ANOMALY_PARAMETERS;
  const threshold = options.threshold ?? ANOMALY_PARAMETERS.threshold;
  const sorted = [...points].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const found: Anomaly[] = [];
  let evaluated = 0;
  let skipped = 0;
  for (const point of inRange(sorted, from, to)) {
    const start = addLocalDays(point.date, -baselineDays);
    const baseline = sorted.filter((p) => p.provider === point.provider && p.date >= start && p.date < point.date).map((p) => p.value);
    if (baseline.length < minBaselinePoints) {
      skipped++;
      continue;
    }
    evaluated++;
    const m = median(baseline);
    const sd = Math.max(MAD_TO_SD * mad(baseline), options.minSpread ?? 0, 1e-9);
    const z = (point.value - m) / sd;
    if (Math.abs(z) < threshold) continue;
    found.push({
      date: point.date,
      value: round(point.value),
      direction: z > 0 ? 'high' : 'low',
      baseline_median: round(m),
      baseline_sd_robust: round(sd),
      baseline_days: baseline.length,
      deviation: round(point.value - m),
      deviation_percent: m !== 0 ? round(((point.value - m) / Math.abs(m)) * 100, 1) : null,
      robust_z: round(z),
      provider: point.provider,
    });
  }
  return { anomalies: found, days_evaluated: evaluated, days_without_enough_baseline: skipped };
}

// ---------------------------------------------------------------------------------------------
// Two periods

export interface PeriodStats {
  from: string;
  to: string;
  days_with_data: number;
  median: number | null;
  mean: number | null;
  min: number | null;
  max: number | null;
}

export function periodStats(points: readonly DailyPoint[], from: string, to: string): PeriodStats {
  const values = inRange(points, from, to).map((p) => p.value);
  if (!values.length) return { from, to, days_with_data: 0, median: null, mean: null, min: null, max: null };
  return { from, to, days_with_data: values.length, median: round(median(values)), mean: round(mean(values)), min: round(Math.min(...values)), max: round(Math.max(...values)) };
}

export function comparePeriods(points: readonly DailyPoint[], a: { from: string; to: string }, b: { from: string; to: string }) {
  const va = inRange(points, a.from, a.to).map((p) => p.value);
  const vb = inRange(points, b.from, b.to).map((p) => p.value);
  const enough = va.length >= 3 && vb.length >= 3;
  const delta = enough ? cliffsDelta(vb, va) : NaN;
  return {
    period_a: periodStats(points, a.from, a.to),
    period_b: periodStats(points, b.from, b.to),
    /** b relative to a; null with fewer than 3 values in either period. */
    difference: enough
      ? {
          median_b_minus_a: round(median(vb) - median(va)),
          percent: median(va) !== 0 ? round(((median(vb) - median(va)) / Math.abs(median(va))) * 100, 1) : null,
          cliffs_delta: round(delta),
          magnitude: cliffsMagnitude(delta),
        }
      : null,
  };
}
