/**
 * Robust statistics for the trend and anomaly answers: medians, MAD, Theil–Sen slopes with the
 * Mann–Kendall test, Cliff's delta. Pure functions over plain numbers, no I/O. Median and mean are
 * the score algorithms' own (src/scores/stats.ts), re-exported.
 */
import { mean, median } from '../scores/stats.js';

export { mean, median };

/** 1.4826 x MAD estimates the standard deviation of normally distributed data. */
export const MAD_TO_SD = 1.4826;

/** Median absolute deviation from the median (unscaled). */
export function mad(values: readonly number[]): number {
  const m = median(values);
  return median(values.map((v) => Math.abs(v - m)));
}

/** Standard normal cumulative distribution (Abramowitz–Stegun 7.1.26 erf, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

export interface TheilSen {
  /** Median of the pairwise slopes (units of y per unit of x). */
  slope: number;
  /** 95 % confidence interval of the slope (Sen 1968, from the Kendall S distribution). */
  low: number;
  high: number;
  /** Intercept: median of y - slope * x. */
  intercept: number;
  /** Mann–Kendall two-sided p-value for "no monotonic trend" (normal approximation, tie-corrected). */
  pValue: number;
  n: number;
}

/** Theil–Sen estimator over points (x, y); needs at least 3 points with distinct x. */
export function theilSen(xs: readonly number[], ys: readonly number[]): TheilSen | null {
  const n = xs.length;
  if (n < 3) return null;
  const slopes: number[] = [];
  let s = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = xs[j] - xs[i];
      const dy = ys[j] - ys[i];
      if (dx !== 0) slopes.push(dy / dx);
      s += Math.sign(dx) * Math.sign(dy);
    }
  }
  if (!slopes.length) return null;
  slopes.sort((a, b) => a - b);
  const slope = median(slopes);
  // Var(S) with the tie correction over groups of equal y.
  const ties = new Map<number, number>();
  for (const y of ys) ties.set(y, (ties.get(y) ?? 0) + 1);
  let tieTerm = 0;
  for (const t of ties.values()) tieTerm += t * (t - 1) * (2 * t + 5);
  const varS = (n * (n - 1) * (2 * n + 5) - tieTerm) / 18;
  const z = varS > 0 ? (s - Math.sign(s)) / Math.sqrt(varS) : 0;
  const pValue = Math.min(1, 2 * (1 - normalCdf(Math.abs(z))));
  // Sen's interval: ranks (N - C)/2 and (N + C)/2 + 1 of the ordered slopes, C = 1.96 sqrt(Var S).
  const N = slopes.length;
  const c = 1.959964 * Math.sqrt(Math.max(varS, 0));
  const lowRank = Math.max(1, Math.floor((N - c) / 2));
  const highRank = Math.min(N, Math.ceil((N + c) / 2) + 1);
  const intercept = median(ys.map((y, i) => y - slope * xs[i]));
  return { slope, low: slopes[lowRank - 1], high: slopes[highRank - 1], intercept, pValue, n };
}

/**
 * Cliff's delta: P(a > b) - P(a < b) over all pairs, in [-1, 1]. Magnitudes (Romano et al. 2006):
 * |d| < 0.147 negligible, < 0.33 small, < 0.474 medium, else large.
 */
export function cliffsDelta(a: readonly number[], b: readonly number[]): number {
  if (!a.length || !b.length) return NaN;
  let score = 0;
  for (const x of a) for (const y of b) score += Math.sign(x - y);
  return score / (a.length * b.length);
}

export function cliffsMagnitude(delta: number): 'negligible' | 'small' | 'medium' | 'large' {
  const d = Math.abs(delta);
  return d < 0.147 ? 'negligible' : d < 0.33 ? 'small' : d < 0.474 ? 'medium' : 'large';
}

/** Rounds for answers: enough digits to be useful, few enough to stay small. */
export function round(value: number, digits = 2): number {
  if (!Number.isFinite(value)) return value;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
