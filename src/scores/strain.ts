/**
 * Strain (0-21) of a day from heart-rate load, and the training-load panel beside it.
 * TRIMP (Banister 1991) per workout from its heart-rate samples (session average as a fallback),
 * strain = maxStrain·ln(1 + L/c)/ln(1 + Lref/c); acute/chronic load as exponentially weighted
 * averages (τ 7/42 d), form = yesterday's chronic − acute, acute:chronic ratio (EWMA, Williams
 * et al. 2017) as a descriptive value. docs/scores/strain.md.
 */
import { addLocalDays } from '../normalize/time.js';
import type { ScoreParameters } from './parameters.js';
import { measuredMaxHeartRate, restingHeartRates, workoutRef, type History } from './history.js';
import { clamp, mean, median, round1, round3 } from './stats.js';
import type { HeartRateInput, ScoreInputRef, ScoreResult, WorkoutInput } from './types.js';

type StrainParams = ScoreParameters['strain'];

export function banisterCoefficients(params: ScoreParameters): { a: number; b: number } {
  const p = params.strain;
  if (params.profile.sex === 'male') return { a: p.maleA, b: p.maleB };
  if (params.profile.sex === 'female') return { a: p.femaleA, b: p.femaleB };
  return { a: (p.maleA + p.femaleA) / 2, b: (p.maleB + p.femaleB) / 2 };
}

/** Index of the first sample at or after `time` (samples sorted by time). */
function firstAtOrAfter(samples: readonly HeartRateInput[], time: number): number {
  let lo = 0;
  let hi = samples.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (samples[mid].time < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Samples of this provider in [from, to] (the one at the end closes the last interval), sleep excluded. */
export function samplesIn(samples: readonly HeartRateInput[], provider: string, from: number, to: number): HeartRateInput[] {
  const out: HeartRateInput[] = [];
  for (let i = firstAtOrAfter(samples, from); i < samples.length && samples[i].time <= to; i++) {
    if (samples[i].provider === provider && samples[i].context !== 'sleep') out.push(samples[i]);
  }
  return out;
}

/** Σ Δt[min]·HRr·a·e^{b·HRr} over consecutive samples no more than maxGap apart; HRr clamped to [0, 1]. */
export function trimpFromSamples(samples: readonly { time: number; bpm: number }[], rest: number, max: number, a: number, b: number, maxGapSeconds: number): number {
  let total = 0;
  for (let i = 0; i + 1 < samples.length; i++) {
    const dt = (samples[i + 1].time - samples[i].time) / 1000;
    if (dt <= 0 || dt > maxGapSeconds) continue;
    const hrr = clamp((samples[i].bpm - rest) / (max - rest), 0, 1);
    total += (dt / 60) * hrr * a * Math.exp(b * hrr);
  }
  return total;
}

export function workoutTrimp(w: WorkoutInput, history: History, rest: number, max: number, a: number, b: number, p: StrainParams): { trimp: number | null; method: string; samples: number } {
  const samples = samplesIn(history.records.heartRate, w.provider, w.startTime, w.endTime);
  if (samples.length >= 2) return { trimp: trimpFromSamples(samples, rest, max, a, b, p.maxSampleGapSeconds), method: 'samples', samples: samples.length };
  if (w.averageHeartRateBpm !== null) {
    const hrr = clamp((w.averageHeartRateBpm - rest) / (max - rest), 0, 1);
    return { trimp: (w.durationSeconds / 60) * hrr * a * Math.exp(b * hrr), method: 'average', samples: 0 };
  }
  return { trimp: null, method: 'none', samples: 0 };
}

export const strainFromLoad = (load: number, p: StrainParams) => Math.min(p.maxStrain, (p.maxStrain * Math.log(1 + load / p.scaleLoad)) / Math.log(1 + p.referenceLoad / p.scaleLoad));

/** Whoop's published bands: light below 10, moderate 10-13.9, high 14-17.9, all out from 18 (of 21). */
export function strainBand(strain: number, p: StrainParams): string {
  const x = (strain / p.maxStrain) * 21;
  return x < 10 ? 'LIGHT' : x < 14 ? 'MODERATE' : x < 18 ? 'HIGH' : 'ALL_OUT';
}

/** The day's strain without the panel; `load` is null when the day cannot be scored. */
export function dayStrain(history: History, date: string, params: ScoreParameters): { result: Omit<ScoreResult, 'trainingLoad'>; load: number | null } {
  const p = params.strain;
  const base = { kind: 'strain' as const, date, baselines: [] };
  const rest = restingHeartRates(history, date, p.restingHeartRateNights);
  const max = measuredMaxHeartRate(history, date, p.maxHeartRateDays, p.maxPlausibleHeartRateBpm);
  const workouts = history.workoutsByDate.get(date) ?? [];
  if (!rest.values.length || max.value === null) {
    const reason = !rest.values.length ? `no resting heart rate in the last ${p.restingHeartRateNights} nights` : `no workout maximum heart rate in the last ${p.maxHeartRateDays} days`;
    return { result: { ...base, value: null, status: null, reason, components: [], inputs: [...rest.refs], coverage: null }, load: null };
  }
  const hrRest = median(rest.values);
  if (max.value <= hrRest) {
    return { result: { ...base, value: null, status: null, reason: `maximum heart rate ${max.value} is not above resting ${hrRest}`, components: [], inputs: [...rest.refs, max.ref!], coverage: null }, load: null };
  }
  const { a, b } = banisterCoefficients(params);
  let load = 0;
  let withHr = 0;
  const inputs: ScoreInputRef[] = [...rest.refs, max.ref!];
  const perWorkout = workouts.map((w) => {
    const t = workoutTrimp(w, history, hrRest, max.value!, a, b, p);
    if (t.trimp !== null) {
      load += t.trimp;
      withHr++;
    }
    inputs.push(workoutRef(w, t.method === 'average' ? ['startTime', 'endTime', 'durationSeconds', 'averageHeartRateBpm'] : ['startTime', 'endTime']));
    if (t.samples) inputs.push({ table: 'HeartRateSample', id: null, provider: w.provider, device: w.device, localDate: w.localDate, fields: [`bpm x ${t.samples}`] });
    return { name: `trimp:${w.sport}`, value: t.trimp === null ? null : round1(t.trimp), weight: null, unit: t.method === 'average' ? 'TRIMP (session average)' : 'TRIMP', reason: t.trimp === null ? 'no heart rate for this workout' : null };
  });
  const strain = strainFromLoad(load, p);
  return {
    result: {
      ...base,
      value: round1(strain),
      status: strainBand(strain, p),
      reason: null,
      components: [
        { name: 'dailyLoad', value: round1(load), weight: null, unit: 'TRIMP' },
        { name: 'restingHeartRateBpm', value: round1(hrRest), weight: null, unit: 'bpm' },
        { name: 'maxHeartRateBpm', value: max.value, weight: null, unit: 'bpm' },
        ...perWorkout,
      ],
      inputs,
      coverage: { have: withHr, need: workouts.length, unit: 'workouts with heart rate' },
    },
    load,
  };
}

/**
 * Strain for every date in [from, to] with the training-load panel, continuing the series of
 * `priorLoads` (stored daily loads of earlier dates; a day without a load counts 0).
 */
export function strainSeries(history: History, from: string, to: string, params: ScoreParameters, priorLoads: ReadonlyMap<string, number> = new Map()): ScoreResult[] {
  const p = params.strain;
  const first = [...priorLoads.keys()].filter((d) => d < from).sort()[0] ?? from;
  const series: { date: string; load: number; result: ScoreResult | null }[] = [];
  for (let d = first; d <= to; d = addLocalDays(d, 1)) {
    if (d < from) series.push({ date: d, load: priorLoads.get(d) ?? 0, result: null });
    else {
      const { result, load } = dayStrain(history, d, params);
      series.push({ date: d, load: load ?? 0, result: { ...result, trainingLoad: null } });
    }
  }
  const seed = mean(series.slice(0, p.seedDays).map((s) => s.load));
  const kAcute = 1 - Math.exp(-1 / p.acuteDays);
  const kChronic = 1 - Math.exp(-1 / p.chronicDays);
  const lAcute = 2 / (p.ratioAcuteDays + 1);
  const lChronic = 2 / (p.ratioChronicDays + 1);
  let atl = seed;
  let ctl = seed;
  let ra = seed;
  let rc = seed;
  const out: ScoreResult[] = [];
  series.forEach((s, i) => {
    const form = ctl - atl;
    atl += (s.load - atl) * kAcute;
    ctl += (s.load - ctl) * kChronic;
    ra = lAcute * s.load + (1 - lAcute) * ra;
    rc = lChronic * s.load + (1 - lChronic) * rc;
    if (!s.result) return;
    s.result.trainingLoad = {
      // Unrounded: an incremental recompute continues the series from the stored loads.
      dailyLoad: s.load,
      acute: round1(atl),
      chronic: round1(ctl),
      form: round1(form),
      acuteChronicRatio: rc > 0 ? round3(ra / rc) : null,
      historyDays: i + 1,
    };
    out.push(s.result);
  });
  return out;
}
