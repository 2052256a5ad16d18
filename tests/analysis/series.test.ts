/**
 * Trends, step changes and anomalies on synthetic series whose answer is known: a line has its
 * slope, a step is found on the day it happens, and Gaussian noise alone is flagged no more often
 * than the rate the algorithm states (ANOMALY_PARAMETERS.falsePositiveRate).
 */
import { ANOMALY_PARAMETERS, anomalies, comparePeriods, stepChange, trend, type DailyPoint } from '../../src/analysis/series.js';
import { cliffsDelta, mad, median, normalCdf, theilSen } from '../../src/analysis/robust.js';
import { addLocalDays } from '../../src/normalize/time.js';

/** Seeded LCG + Box–Muller: the same series on every run. */
function noise(seed: number) {
  let s = seed >>> 0;
  const uniform = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 2 ** 32;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

const START = '2026-01-01';
const series = (values: number[], provider = 'OURA'): DailyPoint[] => values.map((value, i) => ({ date: addLocalDays(START, i), value, provider }));
const gaussian = (seed: number, n: number, mean: number, sd: number) => {
  const g = noise(seed);
  return Array.from({ length: n }, () => mean + sd * g());
};

describe('robust primitives (hand-worked values)', () => {
  it('median, MAD, normal CDF', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    // |x - 3| for [1,2,3,4,100] = [2,1,0,1,97] -> median 1
    expect(mad([1, 2, 3, 4, 100])).toBe(1);
    expect(normalCdf(0)).toBeCloseTo(0.5, 6);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 4);
    expect(normalCdf(-1)).toBeCloseTo(0.158655, 4);
  });

  it("Cliff's delta", () => {
    // 1 vs 2 (x3): -3; 2 vs 2: 0; 3 vs 2 (x3): +3 -> 0
    expect(cliffsDelta([1, 2, 3], [2, 2, 2])).toBe(0);
    expect(cliffsDelta([3, 4], [1, 2])).toBe(1);
    // 2 vs [1,3]: +1 -1; 4 vs [1,3]: +1 +1 -> 2/4
    expect(cliffsDelta([2, 4], [1, 3])).toBe(0.5);
  });

  it('Theil–Sen: an exact line, and a line with one wild outlier, keep their slope', () => {
    const xs = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const exact = theilSen(xs, xs.map((x) => 2 * x + 1))!;
    expect(exact.slope).toBe(2);
    expect([exact.low, exact.high]).toEqual([2, 2]);
    expect(exact.intercept).toBe(1);
    expect(exact.pValue).toBeLessThan(0.001);
    const ys = xs.map((x) => 2 * x + 1);
    ys[4] = 500;
    expect(theilSen(xs, ys)!.slope).toBe(2);
    expect(theilSen([0, 1], [0, 1])).toBeNull();
  });
});

describe('trend', () => {
  it('a rising line with noise: rising, and the 95 % interval holds the true slope (3.5 per week)', () => {
    const g = noise(7);
    const points = series(Array.from({ length: 60 }, (_, i) => 40 + 0.5 * i + g()));
    const answer = trend(points, addLocalDays(START, 59), 30);
    expect(answer.direction).toBe('rising');
    expect(answer.slope_per_week_ci95![0]).toBeLessThanOrEqual(3.5);
    expect(answer.slope_per_week_ci95![1]).toBeGreaterThanOrEqual(3.5);
    expect(answer.slope_per_week).toBeCloseTo(3.5, 0);
    // The previous 30 days average 15 lower (30 days x 0.5).
    expect(answer.change_vs_previous!.median_difference).toBeCloseTo(15, 0);
    expect(answer.change_vs_previous!.magnitude).toBe('large');
  });

  it('noise alone: a direction is claimed in about 5 % of windows (the interval is 95 %)', () => {
    let claimed = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const answer = trend(series(gaussian(seed, 30, 50, 5)), addLocalDays(START, 29), 30);
      if (answer.direction !== 'flat') claimed++;
    }
    expect(claimed / 400).toBeLessThanOrEqual(0.07);
  });

  it('too few days: insufficient_data, no slope', () => {
    const points = series([1, 2, 3, 4]);
    const answer = trend(points, addLocalDays(START, 6), 7);
    expect(answer.direction).toBe('insufficient_data');
    expect(answer.min_days_required).toBe(5);
    expect(answer.slope_per_week).toBeNull();
  });
});

describe('step change', () => {
  it('finds a +4 SD step on the day it happens in at least 95 % of noisy series', () => {
    let exact = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const values = gaussian(seed, 30, 50, 1).map((v, i) => (i >= 17 ? v + 4 : v));
      const found = stepChange(series(values));
      if (found?.date === addLocalDays(START, 17)) exact++;
    }
    expect(exact / 200).toBeGreaterThanOrEqual(0.95);
  });

  it('a clean step: the right day, the right shift', () => {
    const values = [10, 10.2, 9.8, 10.1, 9.9, 10, 10.1, 13, 13.1, 12.9, 13, 13.2, 12.8];
    const found = stepChange(series(values))!;
    expect(found.date).toBe(addLocalDays(START, 7));
    expect(found.before_median).toBe(10);
    expect(found.after_median).toBe(13);
    expect(found.shift).toBe(3);
  });

  it('noise alone reports a step in at most 5 % of series', () => {
    let reported = 0;
    for (let seed = 1; seed <= 300; seed++) if (stepChange(series(gaussian(seed, 30, 50, 1)))) reported++;
    expect(reported / 300).toBeLessThanOrEqual(0.05);
  });
});

describe('anomalies', () => {
  const last = addLocalDays(START, 89);

  it(`noise alone: at most ${ANOMALY_PARAMETERS.falsePositiveRate * 100} % of evaluated days flagged (the stated rate)`, () => {
    let flagged = 0;
    let evaluated = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const scan = anomalies(series(gaussian(seed, 90, 50, 5)), START, last);
      flagged += scan.anomalies.length;
      evaluated += scan.days_evaluated;
    }
    expect(evaluated).toBeGreaterThan(300 * 70);
    expect(flagged / evaluated).toBeLessThanOrEqual(ANOMALY_PARAMETERS.falsePositiveRate);
  });

  it('a +6 SD step on day 50: day 50 is flagged high (with its deviation and robust z), and nothing just before it', () => {
    let found = 0;
    let firstOnDay = 0;
    for (let seed = 1; seed <= 100; seed++) {
      const values = gaussian(seed, 90, 50, 1).map((v, i) => (i >= 50 ? v + 6 : v));
      const scan = anomalies(series(values), START, last);
      const onDay = scan.anomalies.find((a) => a.date === addLocalDays(START, 50));
      if (onDay) {
        found++;
        expect(onDay.direction).toBe('high');
        expect(onDay.deviation).toBeGreaterThan(3);
        expect(onDay.robust_z).toBeGreaterThanOrEqual(ANOMALY_PARAMETERS.threshold);
      }
      const firstHigh = scan.anomalies.find((a) => a.direction === 'high' && a.date >= addLocalDays(START, 40));
      if (firstHigh?.date === addLocalDays(START, 50)) firstOnDay++;
    }
    // Power at threshold 4 for a 6 SD jump: 92 of these 100 series (the robust SD of a 28-day baseline varies).
    expect(found).toBeGreaterThanOrEqual(85);
    // The first flag after day 40 is day 50 itself, not noise before it.
    expect(firstOnDay).toBeGreaterThanOrEqual(85);
  });

  it('a hand-worked day: baseline median 60, MAD 1 (robust SD 1.4826), value 70 -> z 6.74', () => {
    const values = [...Array.from({ length: 14 }, (_, i) => (i % 2 ? 59 : 61)), 60, 70];
    // baseline for the last day: seven 61s, seven 59s and one 60 -> median 60, |dev| = 1 (x14), 0 -> MAD 1
    const scan = anomalies(series(values), addLocalDays(START, 15), addLocalDays(START, 15));
    expect(scan.anomalies).toHaveLength(1);
    expect(scan.anomalies[0]).toMatchObject({ value: 70, baseline_median: 60, baseline_sd_robust: 1.48, deviation: 10, robust_z: 6.74, baseline_days: 15 });
  });

  it('needs 14 baseline days: a day with 13 gets no verdict', () => {
    const values = [...Array.from({ length: 13 }, () => 60), 200];
    const scan = anomalies(series(values), START, addLocalDays(START, 13));
    expect(scan.anomalies).toEqual([]);
    expect(scan.days_evaluated).toBe(0);
    expect(scan.days_without_enough_baseline).toBe(14);
  });

  it('the spread floor keeps a perfectly steady baseline from flagging a 1-unit wiggle', () => {
    const values = [...Array.from({ length: 20 }, () => 60), 61];
    const day = addLocalDays(START, 20);
    expect(anomalies(series(values), day, day, { minSpread: 1 }).anomalies).toEqual([]);
    expect(anomalies(series(values), day, day).anomalies).toHaveLength(1);
  });

  it('baselines never mix providers', () => {
    const points = [...series(Array.from({ length: 20 }, () => 40), 'POLAR'), { date: addLocalDays(START, 20), value: 80, provider: 'OURA' }];
    const scan = anomalies(points, addLocalDays(START, 20), addLocalDays(START, 20));
    expect(scan.days_without_enough_baseline).toBe(1);
    expect(scan.anomalies).toEqual([]);
  });
});

describe('compare periods', () => {
  it('medians, difference and effect size of b against a', () => {
    const points = series([1, 2, 3, 4, 5, 11, 12, 13, 14, 15]);
    const answer = comparePeriods(points, { from: START, to: addLocalDays(START, 4) }, { from: addLocalDays(START, 5), to: addLocalDays(START, 9) });
    expect(answer.period_a).toMatchObject({ days_with_data: 5, median: 3, mean: 3, min: 1, max: 5 });
    expect(answer.period_b).toMatchObject({ median: 13 });
    expect(answer.difference).toEqual({ median_b_minus_a: 10, percent: 333.3, cliffs_delta: 1, magnitude: 'large' });
  });
});
