/**
 * Sleep score (0-100) of a night's main sleep. docs/scores/sleep.md is the written-out formula.
 * Six components, each 0-100, weighted; a missing component's weight is shared out over the
 * others (and reported). Null without a main sleep with a total sleep time.
 */
import { addLocalDays } from '../normalize/time.js';
import { ALGORITHM_VERSIONS, type ScoreParameters } from './parameters.js';
import { mainSleep, sleepRef, type History } from './history.js';
import { clamp, linearScore, round1 } from './stats.js';
import type { ScoreComponent, ScoreInputRef, ScoreResult, SleepInput } from './types.js';

type SleepParams = ScoreParameters['sleep'];
type Part = { name: keyof SleepParams['weights']; value: number | null; unit: string | null; reason?: string };

/** OW's sigmoid: base·(1+e^{k(anchor−mid)})/(1+e^{k(x−mid)}); equals base at x = anchor. */
function sigmoid(x: number, k: number, mid: number, anchor: number): number {
  return (100 * (1 + Math.exp(k * (anchor - mid)))) / (1 + Math.exp(k * (x - mid)));
}

export function durationScore(hours: number, p: SleepParams['duration']): number {
  if (hours >= p.optimalMinHours && hours <= p.optimalMaxHours) return 100;
  if (hours < p.optimalMinHours) return clamp(sigmoid(hours, p.underSlope, p.underMidHours, p.optimalMinHours), 0, 100);
  return clamp(Math.max(p.overFloor, sigmoid(hours, p.overSlope, p.overMidHours, p.optimalMaxHours)), 0, 100);
}

/** WASO (minutes) and awakenings longer than boutMinMinutes, between the first and last non-awake stage. */
export function wakeAfterSleepOnset(hypnogram: NonNullable<SleepInput['hypnogram']>, boutMinMinutes: number): { wasoMinutes: number; bouts: number } {
  const stages = [...hypnogram].sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  const asleep = stages.map((s) => s.stage !== 'AWAKE');
  const first = asleep.indexOf(true);
  const last = asleep.lastIndexOf(true);
  let waso = 0;
  let bouts = 0;
  let run = 0;
  for (let i = first + 1; i < last; i++) {
    if (!asleep[i]) {
      waso += stages[i].durationSeconds;
      run += stages[i].durationSeconds;
    } else {
      if (run > boutMinMinutes * 60) bouts++;
      run = 0;
    }
  }
  if (run > boutMinMinutes * 60) bouts++;
  return { wasoMinutes: waso / 60, bouts };
}

function continuity(s: SleepInput, p: SleepParams['continuity']): Part {
  const wasoPart = (waso: number) => 1 - clamp((waso - p.wasoFullMinutes) / (p.wasoZeroMinutes - p.wasoFullMinutes), 0, 1);
  if (s.hypnogram && s.hypnogram.length) {
    const { wasoMinutes, bouts } = wakeAfterSleepOnset(s.hypnogram, p.boutMinMinutes);
    const fraction = bouts <= 1 ? p.oneBoutFraction : bouts === 2 ? p.twoBoutsFraction : bouts === 3 ? p.threeBoutsFraction : 0;
    return { name: 'continuity', value: p.wasoPoints * wasoPart(wasoMinutes) + p.boutPoints * fraction, unit: 'points' };
  }
  if (s.awakeSeconds !== null) {
    // No stage list: WASO from the awake total minus the latency, and no awakening count.
    const waso = Math.max(0, s.awakeSeconds - (s.latencySeconds ?? 0)) / 60;
    return { name: 'continuity', value: 100 * wasoPart(waso), unit: 'points' };
  }
  return { name: 'continuity', value: null, unit: 'points', reason: 'no hypnogram and no awake time' };
}

const intervalCache = new WeakMap<SleepInput, [number, number][]>();

/** Asleep intervals of a session: its non-awake hypnogram stages, else the whole session (cached: each night is in 8 windows). */
function asleepIntervals(s: SleepInput): [number, number][] {
  let intervals = intervalCache.get(s);
  if (!intervals) {
    intervals =
      s.hypnogram && s.hypnogram.length
        ? s.hypnogram.filter((h) => h.stage !== 'AWAKE').map((h) => [Date.parse(h.start), Date.parse(h.start) + h.durationSeconds * 1000] as [number, number])
        : [[s.startTime, s.endTime]];
    intervalCache.set(s, intervals);
  }
  return intervals;
}

/**
 * Sleep Regularity Index (Phillips et al. 2017) over `nights` + 1 noon-to-noon windows ending on
 * `date`, from this provider's sessions: -100 + 200/(M·P)·Σ matches over the P pairs of
 * consecutive windows that both have a main sleep.
 */
export function sleepRegularityIndex(history: History, tonight: SleepInput, date: string, p: SleepParams['regularity']): { sri: number | null; pairs: number; refs: ScoreInputRef[] } {
  const offsetMs = tonight.utcOffsetMinutes * 60_000;
  const epochMs = p.epochMinutes * 60_000;
  const m = 1440 / p.epochMinutes;
  const windows: (boolean[] | null)[] = [];
  const refs: ScoreInputRef[] = [];
  for (let k = p.nights; k >= 0; k--) {
    const day = addLocalDays(date, -k);
    const sessions = (history.sleepsByDate.get(day) ?? []).filter((s) => s.provider === tonight.provider);
    // The window ending at local noon of `day` also covers sessions of the day before (naps).
    const nearby = [...sessions, ...(history.sleepsByDate.get(addLocalDays(day, -1)) ?? []).filter((s) => s.provider === tonight.provider)];
    if (!sessions.some((s) => s.type === 'MAIN')) {
      windows.push(null);
      continue;
    }
    if (k > 0) refs.push(...sessions.filter((s) => s.type === 'MAIN').map((s) => sleepRef(s, ['startTime', 'endTime', 'hypnogram'])));
    const start = Date.parse(`${addLocalDays(day, -1)}T12:00:00Z`) - offsetMs;
    // Epoch j (midpoint start + (j + 0.5)·epoch) is asleep when an interval [a, b) contains its midpoint.
    const epochs: boolean[] = new Array(m).fill(false);
    for (const [a, b] of nearby.flatMap(asleepIntervals)) {
      const first = Math.max(0, Math.ceil((a - start) / epochMs - 0.5));
      const last = Math.min(m - 1, Math.ceil((b - start) / epochMs - 0.5) - 1);
      for (let j = first; j <= last; j++) epochs[j] = true;
    }
    windows.push(epochs);
  }
  let matches = 0;
  let pairs = 0;
  for (let i = 0; i + 1 < windows.length; i++) {
    const a = windows[i];
    const b = windows[i + 1];
    if (!a || !b) continue;
    pairs++;
    for (let j = 0; j < m; j++) if (a[j] === b[j]) matches++;
  }
  if (pairs < p.minPairs) return { sri: null, pairs, refs };
  return { sri: -100 + (200 / (m * pairs)) * matches, pairs, refs };
}

/** Re-weights over the components that have a value; returns the weighted mean and the components. */
export function weighted(parts: Part[], weights: Record<string, number>): { value: number | null; components: ScoreComponent[] } {
  const available = parts.filter((p) => p.value !== null);
  const total = available.reduce((a, p) => a + weights[p.name], 0);
  const components = parts.map((p) => ({
    name: p.name,
    value: p.value === null ? null : round1(p.value),
    weight: p.value === null || total === 0 ? null : Math.round((weights[p.name] / total) * 10000) / 10000,
    unit: p.unit,
    reason: p.reason ?? null,
  }));
  if (total === 0) return { value: null, components };
  return { value: available.reduce((a, p) => a + weights[p.name] * p.value!, 0) / total, components };
}

export function sleepScore(history: History, date: string, params: ScoreParameters): ScoreResult {
  const p = params.sleep;
  const base = { kind: 'sleep' as const, date, status: null, baselines: [] };
  const s = mainSleep(history, date);
  if (!s) return { ...base, value: null, reason: 'no main sleep with a total sleep time ended on this date', components: [], inputs: [], coverage: null };
  const tst = s.totalSleepSeconds!;
  const tib = s.timeInBedSeconds ?? (s.endTime - s.startTime) / 1000;
  const efficiency = s.efficiencyPercent ?? (tib > 0 ? (100 * tst) / tib : null);
  const regularity = sleepRegularityIndex(history, s, date, p.regularity);
  const parts: Part[] = [
    { name: 'duration', value: durationScore(tst / 3600, p.duration), unit: 'points' },
    efficiency === null ? { name: 'efficiency', value: null, unit: 'points', reason: 'no efficiency and no time in bed' } : { name: 'efficiency', value: linearScore(efficiency, p.efficiency.zeroAtPercent, p.efficiency.fullAtPercent), unit: 'points' },
    continuity(s, p.continuity),
    regularity.sri === null
      ? { name: 'regularity', value: null, unit: 'points', reason: `${regularity.pairs} of ${p.regularity.minPairs} consecutive night pairs` }
      : { name: 'regularity', value: linearScore(regularity.sri, p.regularity.sriZero, p.regularity.sriFull), unit: 'points' },
    s.deepSleepSeconds === null || s.remSleepSeconds === null
      ? { name: 'stages', value: null, unit: 'points', reason: 'no deep or REM sleep time' }
      : {
          name: 'stages',
          value: 0.5 * Math.min(100, (100 * (s.deepSleepSeconds / tst)) / p.stages.deepShareTarget) + 0.5 * Math.min(100, (100 * (s.remSleepSeconds / tst)) / p.stages.remShareTarget),
          unit: 'points',
        },
    s.latencySeconds === null ? { name: 'latency', value: null, unit: 'points', reason: 'no sleep latency' } : { name: 'latency', value: linearScore(s.latencySeconds / 60, p.latency.zeroMinutes, p.latency.fullMinutes), unit: 'points' },
  ];
  const { value, components } = weighted(parts, p.weights);
  const measured: ScoreComponent[] = [
    { name: 'totalSleepHours', value: Math.round(tst / 36) / 100, weight: null, unit: 'h' },
    { name: 'efficiencyPercent', value: efficiency === null ? null : round1(efficiency), weight: null, unit: '%' },
    { name: 'sleepRegularityIndex', value: regularity.sri === null ? null : round1(regularity.sri), weight: null, unit: 'SRI' },
  ];
  return {
    ...base,
    value: value === null ? null : Math.round(value),
    reason: null,
    components: [...components, ...measured],
    inputs: [sleepRef(s, ['totalSleepSeconds', 'timeInBedSeconds', 'efficiencyPercent', 'deepSleepSeconds', 'remSleepSeconds', 'awakeSeconds', 'latencySeconds', 'hypnogram']), ...regularity.refs],
    coverage: { have: components.filter((c) => c.value !== null).length, need: parts.length, unit: 'components' },
  };
}
