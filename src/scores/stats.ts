/** Small numeric helpers shared by the score algorithms. */

export const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

export function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Sample standard deviation (n - 1); 0 for fewer than two values. */
export function sd(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Linear-interpolation percentile (p in 0..100) of a non-empty list. */
export function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const pos = (p / 100) * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

/** Values beyond mean ± k·SD pulled in to that bound (one pass), then mean and SD of the result. */
export function winsorizedStats(xs: readonly number[], k: number): { mean: number; sd: number } {
  const m = mean(xs);
  const s = sd(xs);
  const w = xs.map((x) => clamp(x, m - k * s, m + k * s));
  return { mean: mean(w), sd: sd(w) };
}

/** 0 at `zeroAt`, 100 at `fullAt`, linear between, clamped (either direction). */
export function linearScore(x: number, zeroAt: number, fullAt: number): number {
  return clamp(((x - zeroAt) / (fullAt - zeroAt)) * 100, 0, 100);
}

export const round1 = (x: number) => Math.round(x * 10) / 10;
export const round3 = (x: number) => Math.round(x * 1000) / 1000;
