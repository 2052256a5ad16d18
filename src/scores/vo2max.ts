/**
 * VO2max estimate (ml/kg/min), shown beside each provider's own estimate, never replacing it.
 * Heart-rate ratio method (Uth et al. 2004): ratioFactor·HRmax/HRrest. Speed method where runs
 * allow: a line through (average speed, average HR) of steady runs, extrapolated to HRmax, then
 * the ACSM running equation 3.5 + 0.2·v[m/min]. The speed estimate is the value when it exists.
 * docs/scores/vo2max.md.
 */
import { addLocalDays } from '../normalize/time.js';
import type { ScoreParameters } from './parameters.js';
import { measuredMaxHeartRate, restingHeartRates, workoutRef, type History } from './history.js';
import { mean, median, round1, round3 } from './stats.js';
import type { ProviderEstimate, ScoreComponent, ScoreInputRef, ScoreResult } from './types.js';

const RUNNING = new Set(['RUNNING', 'TRAIL_RUNNING', 'TREADMILL_RUNNING']);

/** Least-squares line y = intercept + slope·x. */
export function fitLine(points: { x: number; y: number }[]): { slope: number; intercept: number } | null {
  const mx = mean(points.map((p) => p.x));
  const my = mean(points.map((p) => p.y));
  const sxx = points.reduce((a, p) => a + (p.x - mx) ** 2, 0);
  if (sxx === 0) return null;
  const slope = points.reduce((a, p) => a + (p.x - mx) * (p.y - my), 0) / sxx;
  return { slope, intercept: my - slope * mx };
}

export function vo2maxScore(history: History, date: string, params: ScoreParameters): ScoreResult {
  const p = params.vo2max;
  const base = { kind: 'vo2max' as const, date, status: null };
  const providerEstimates: ProviderEstimate[] = history.records.providerVo2
    .filter((v) => v.localDate <= date && v.localDate > addLocalDays(date, -p.speedDays))
    .sort((a, b) => (a.localDate < b.localDate ? 1 : -1))
    .filter((v, i, all) => all.findIndex((o) => o.provider === v.provider) === i)
    .map((v) => ({ provider: v.provider, device: v.device, localDate: v.localDate, value: v.vo2MaxMlPerKgMin }));
  const rest = restingHeartRates(history, date, p.restingHeartRateNights);
  const max = measuredMaxHeartRate(history, date, p.maxHeartRateDays, p.maxPlausibleHeartRateBpm);
  if (rest.values.length < p.minRestingNights || max.value === null) {
    const reason = max.value === null ? `no workout maximum heart rate in the last ${p.maxHeartRateDays} days` : `${rest.values.length} of ${p.minRestingNights} nights with a resting heart rate in the last ${p.restingHeartRateNights}`;
    return { ...base, value: null, reason, components: [], inputs: rest.refs, baselines: [], coverage: { have: rest.values.length, need: p.minRestingNights, unit: 'nights' }, providerEstimates };
  }
  const hrRest = median(rest.values);
  const ratio = (p.ratioFactor * max.value) / hrRest;
  const inputs: ScoreInputRef[] = [...rest.refs, max.ref!];
  // Steady runs of the last speedDays: average speed and HR, HR between the fractions of HRmax.
  const runs = [];
  for (let i = p.speedDays - 1; i >= 0; i--) {
    for (const w of history.workoutsByDate.get(addLocalDays(date, -i)) ?? []) {
      if (!RUNNING.has(w.sport) || !w.distanceMeters || w.averageHeartRateBpm === null || w.durationSeconds < p.speedMinDurationMinutes * 60) continue;
      const fraction = w.averageHeartRateBpm / max.value;
      if (fraction < p.speedMinHrFraction || fraction > p.speedMaxHrFraction) continue;
      runs.push({ w, x: w.distanceMeters / (w.durationSeconds / 60), y: w.averageHeartRateBpm });
    }
  }
  let speed: number | null = null;
  let speedAtMax: number | null = null;
  let speedReason: string | null = `${runs.length} of ${p.speedMinRuns} steady runs in the last ${p.speedDays} days`;
  if (runs.length >= p.speedMinRuns) {
    const line = fitLine(runs);
    if (!line || line.slope <= 0) speedReason = 'heart rate does not rise with speed over these runs';
    else {
      speedAtMax = (max.value - line.intercept) / line.slope;
      speed = 3.5 + 0.2 * speedAtMax;
      speedReason = null;
      inputs.push(...runs.map((r) => workoutRef(r.w, ['distanceMeters', 'durationSeconds', 'averageHeartRateBpm'])));
    }
  }
  const components: ScoreComponent[] = [
    { name: 'heartRateRatio', value: round1(ratio), weight: null, unit: 'ml/kg/min' },
    { name: 'speedMethod', value: speed === null ? null : round1(speed), weight: null, unit: 'ml/kg/min', reason: speedReason },
    { name: 'maxHeartRateBpm', value: max.value, weight: null, unit: 'bpm' },
    { name: 'restingHeartRateBpm', value: round1(hrRest), weight: null, unit: 'bpm' },
    { name: 'speedAtMaxHeartRate', value: speedAtMax === null ? null : round3(speedAtMax), weight: null, unit: 'm/min' },
  ];
  return {
    ...base,
    value: round1(speed ?? ratio),
    reason: null,
    components,
    inputs,
    baselines: [],
    coverage: { have: rest.values.length, need: p.minRestingNights, unit: 'nights' },
    providerEstimates,
  };
}
