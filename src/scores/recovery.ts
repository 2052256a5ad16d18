/**
 * Recovery score (0-100) of a day: last night's HRV (ln RMSSD) and resting HR against the user's
 * own baseline from the same provider, the sleep score, and temperature and breathing deviations,
 * as a weighted mean of z-scores through a logistic curve. docs/scores/recovery.md.
 */
import type { ScoreParameters } from './parameters.js';
import { byPriority, priorNights, summarizeRefs, type History, type Night } from './history.js';
import { round1, round3, winsorizedStats } from './stats.js';
import type { ScoreBaseline, ScoreComponent, ScoreResult } from './types.js';

type Weights = ScoreParameters['recovery']['weights'];

export function recoveryScore(history: History, date: string, params: ScoreParameters, sleepValue: number | null): ScoreResult {
  const p = params.recovery;
  const base = { kind: 'recovery' as const, date, status: null };
  const tonight = byPriority(
    [...history.nights.values()].map((byDate) => byDate.get(date)).filter((n): n is Night => !!n && n.rmssd !== null && n.restingHr !== null),
    history.priority.recovery,
  );
  if (!tonight.length) {
    return { ...base, value: null, reason: 'no HRV and resting heart rate from one provider for last night', components: [], inputs: [], baselines: [], coverage: null };
  }
  // The first provider (by PROVIDER_PRIORITY_RECOVERY) whose own baseline is long enough.
  let chosen: { night: Night; prior: Night[] } | null = null;
  let best = { night: tonight[0], n: -1 };
  for (const night of tonight) {
    const prior = priorNights(history, night.provider, date, p.baselineDays).filter((n) => n.rmssd !== null && n.restingHr !== null);
    if (prior.length >= p.minBaselineNights) {
      chosen = { night, prior };
      break;
    }
    if (prior.length > best.n) best = { night, n: prior.length };
  }
  if (!chosen) {
    return {
      ...base,
      value: null,
      reason: `${best.n} of ${p.minBaselineNights} baseline nights (${best.night.provider})`,
      components: [],
      inputs: best.night.refs,
      baselines: [],
      coverage: { have: best.n, need: p.minBaselineNights, unit: 'nights' },
    };
  }
  const { night, prior } = chosen;
  const lnStats = winsorizedStats(prior.map((n) => Math.log(n.rmssd!)), p.winsorizeSd);
  const rhrStats = winsorizedStats(prior.map((n) => n.restingHr!), p.winsorizeSd);
  const breathingPrior = prior.filter((n) => n.breathing !== null).map((n) => n.breathing!);
  const breathingStats = breathingPrior.length >= p.minBaselineNights ? winsorizedStats(breathingPrior, p.winsorizeSd) : null;

  const z: Record<keyof Weights, number | null> = {
    hrv: (Math.log(night.rmssd!) - lnStats.mean) / Math.max(lnStats.sd, p.lnRmssdSdFloor),
    restingHeartRate: -(night.restingHr! - rhrStats.mean) / Math.max(rhrStats.sd, p.restingHeartRateSdFloorBpm),
    sleep: sleepValue === null ? null : (sleepValue - p.sleepCenter) / p.sleepSpread,
    temperature: night.temperatureDeviation === null ? null : -Math.max(0, Math.abs(night.temperatureDeviation) - p.temperatureToleranceCelsius) / p.temperatureScaleCelsius,
    breathing: night.breathing === null || !breathingStats ? null : -Math.max(0, night.breathing - breathingStats.mean - p.breathingTolerancePerMinute) / p.breathingScalePerMinute,
  };
  const names = Object.keys(p.weights) as (keyof Weights)[];
  const total = names.reduce((a, k) => a + (z[k] === null ? 0 : p.weights[k]), 0);
  const combined = names.reduce((a, k) => a + (z[k] === null ? 0 : p.weights[k] * z[k]!), 0) / total;
  const value = Math.round(100 / (1 + Math.exp(-(p.logisticSlope * combined + p.logisticOffset))));
  const reasons: Record<keyof Weights, string> = {
    hrv: '',
    restingHeartRate: '',
    sleep: 'no sleep score for last night',
    temperature: 'no temperature deviation',
    breathing: night.breathing === null ? 'no breathing rate' : `fewer than ${p.minBaselineNights} baseline nights with a breathing rate`,
  };
  const components: ScoreComponent[] = [
    ...names.map((k) => ({ name: k, value: z[k] === null ? null : round3(z[k]!), weight: z[k] === null ? null : round3(p.weights[k] / total), unit: 'z', reason: z[k] === null ? reasons[k] : null })),
    { name: 'combinedZ', value: round3(combined), weight: null, unit: 'z' },
    { name: 'hrvRmssdMs', value: round1(night.rmssd!), weight: null, unit: 'ms' },
    { name: 'restingHeartRateBpm', value: round1(night.restingHr!), weight: null, unit: 'bpm' },
  ];
  const baselines: ScoreBaseline[] = [
    { metric: 'lnRmssd', windowDays: p.baselineDays, mean: round3(lnStats.mean), sd: round3(lnStats.sd), n: prior.length, unit: 'ln ms', source: night.provider },
    { metric: 'restingHeartRate', windowDays: p.baselineDays, mean: round1(rhrStats.mean), sd: round1(rhrStats.sd), n: prior.length, unit: 'bpm', source: night.provider },
  ];
  if (breathingStats) baselines.push({ metric: 'breathingRate', windowDays: p.baselineDays, mean: round1(breathingStats.mean), sd: round1(breathingStats.sd), n: breathingPrior.length, unit: '/min', source: night.provider });
  return {
    ...base,
    value,
    reason: null,
    components,
    inputs: [...night.refs, ...summarizeRefs(prior.flatMap((n) => n.refs.map((r) => ({ ...r, fields: r.fields.filter((f) => f !== 'skinTemperatureDeviationCelsius') }))))],
    baselines,
    coverage: { have: prior.length, need: p.minBaselineNights, unit: 'nights' },
  };
}
