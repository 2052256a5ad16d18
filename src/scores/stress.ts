/**
 * Daytime stress (0-100) from heart rate outside sleep and workouts, against the user's own
 * inactive baseline from the same provider. Per epoch: 50 + pointsPerSd·(HR − baseline)/σ,
 * clamped; the day is the mean of its epochs, with minutes per band. docs/scores/stress.md.
 */
import { addLocalDays } from '../normalize/time.js';
import type { ScoreParameters } from './parameters.js';
import { rankOf, type History } from './history.js';
import { clamp, mean, percentile, round1, sd } from './stats.js';
import type { ScoreResult, StressMinutes } from './types.js';

type StressParams = ScoreParameters['stress'];
const EXCLUDED_CONTEXTS = new Set(['sleep', 'workout', 'session']);

interface Cache {
  excluded: [number, number][];
  epochs: Map<string, number[]>;
  providers: string[];
}
const caches = new WeakMap<History, Cache>();

function cacheOf(history: History, p: StressParams): Cache {
  let cache = caches.get(history);
  if (!cache) {
    const excluded: [number, number][] = [
      ...history.records.sleeps.map((s) => [s.startTime, s.endTime] as [number, number]),
      ...history.records.workouts.map((w) => [w.startTime, w.endTime + p.postExerciseMinutes * 60_000] as [number, number]),
    ].sort((a, b) => a[0] - b[0]);
    const providers = [...new Set(history.records.heartRate.map((h) => h.provider))].sort((a, b) => rankOf(a, history.priority.recovery) - rankOf(b, history.priority.recovery));
    caches.set(history, (cache = { excluded, epochs: new Map(), providers }));
  }
  return cache;
}

function isExcluded(excluded: [number, number][], t: number): boolean {
  // Intervals are few per day; a linear scan from a binary-searched start keeps this cheap.
  let lo = 0;
  let hi = excluded.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (excluded[mid][0] <= t) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo - 1; i >= 0 && i >= lo - 8; i--) if (t >= excluded[i][0] && t < excluded[i][1]) return true;
  return false;
}

/** Mean HR of each valid epoch of this provider on this local date (awake, outside sleep, workouts and the hour after). */
export function dayEpochs(history: History, provider: string, date: string, p: StressParams): number[] {
  const cache = cacheOf(history, p);
  const key = `${provider}|${date}`;
  const hit = cache.epochs.get(key);
  if (hit) return hit;
  const dayMs = Date.parse(`${date}T00:00:00Z`);
  const samples = history.records.heartRate;
  let lo = 0;
  let hi = samples.length;
  const from = dayMs - 15 * 3_600_000;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (samples[mid].time < from) lo = mid + 1;
    else hi = mid;
  }
  const epochMs = p.epochMinutes * 60_000;
  const sums = new Map<number, { sum: number; n: number }>();
  for (let i = lo; i < samples.length && samples[i].time < dayMs + 39 * 3_600_000; i++) {
    const s = samples[i];
    if (s.provider !== provider || (s.context && EXCLUDED_CONTEXTS.has(s.context))) continue;
    const local = s.time + s.utcOffsetMinutes * 60_000;
    if (local < dayMs || local >= dayMs + 86_400_000) continue;
    if (isExcluded(cache.excluded, s.time)) continue;
    const epoch = Math.floor((local - dayMs) / epochMs);
    const e = sums.get(epoch);
    if (e) (e.sum += s.bpm), e.n++;
    else sums.set(epoch, { sum: s.bpm, n: 1 });
  }
  const epochs = [...sums.entries()].sort((a, b) => a[0] - b[0]).map(([, e]) => e.sum / e.n);
  cache.epochs.set(key, epochs);
  return epochs;
}

export function stressBand(score: number, p: StressParams): keyof StressMinutes {
  return score >= p.highFrom ? 'high' : score >= p.mediumFrom ? 'medium' : score >= p.lowFrom ? 'low' : 'rest';
}

export function stressScore(history: History, date: string, params: ScoreParameters): ScoreResult {
  const p = params.stress;
  const base = { kind: 'stress' as const, date };
  const minEpochs = Math.ceil(p.minValidMinutes / p.epochMinutes);
  let shortest: { provider: string; have: number; need: number; unit: string } | null = null;
  for (const provider of cacheOf(history, p).providers) {
    const today = dayEpochs(history, provider, date, p);
    if (today.length < minEpochs) {
      if (!shortest) shortest = { provider, have: today.length * p.epochMinutes, need: p.minValidMinutes, unit: 'minutes' };
      continue;
    }
    const baselineValues: number[] = [];
    let days = 0;
    for (let i = 1; i <= p.baselineDays; i++) {
      const epochs = dayEpochs(history, provider, addLocalDays(date, -i), p);
      if (epochs.length < minEpochs) continue;
      days++;
      baselineValues.push(...epochs);
    }
    if (days < p.minBaselineDays) {
      if (!shortest || shortest.unit === 'minutes') shortest = { provider, have: days, need: p.minBaselineDays, unit: 'baseline days' };
      continue;
    }
    const center = percentile(baselineValues, p.baselinePercentile);
    const spread = Math.max(sd(baselineValues), p.sdFloorBpm);
    const scores = today.map((hr) => clamp(50 + (p.pointsPerSd * (hr - center)) / spread, 0, 100));
    const minutes: StressMinutes = { rest: 0, low: 0, medium: 0, high: 0 };
    for (const s of scores) minutes[stressBand(s, p)] += p.epochMinutes;
    const value = mean(scores);
    return {
      ...base,
      value: Math.round(value),
      reason: null,
      status: stressBand(Math.round(value), p).toUpperCase(),
      components: [
        { name: 'meanHeartRateBpm', value: round1(mean(today)), weight: null, unit: 'bpm' },
        { name: 'validMinutes', value: today.length * p.epochMinutes, weight: null, unit: 'min' },
      ],
      inputs: [{ table: 'HeartRateSample', id: null, provider, device: null, localDate: date, fields: [`bpm x ${today.length} epochs`] }],
      baselines: [{ metric: 'inactiveHeartRate', windowDays: p.baselineDays, mean: round1(center), sd: round1(spread), n: days, unit: 'bpm', source: provider }],
      coverage: { have: today.length * p.epochMinutes, need: p.minValidMinutes, unit: 'minutes' },
      stressMinutes: minutes,
    };
  }
  const reason = !shortest
    ? 'no daytime heart rate'
    : shortest.unit === 'minutes'
      ? `${shortest.have} of ${shortest.need} minutes of valid daytime heart rate (${shortest.provider})`
      : `${shortest.have} of ${shortest.need} baseline days (${shortest.provider})`;
  return { ...base, value: null, reason, status: null, components: [], inputs: [], baselines: [], coverage: shortest ? { have: shortest.have, need: shortest.need, unit: shortest.unit } : null, stressMinutes: null };
}
