/**
 * A user's records indexed for scoring: by local date, and nightly values per source (provider),
 * so baselines never mix providers that measure differently (Polar's HRV covers ~the first 4 h of
 * sleep, Oura's the whole night).
 */
import { addLocalDays } from '../normalize/time.js';
import type { RecoveryInput, ScoreInputRef, SleepInput, UserRecords, WorkoutInput } from './types.js';

export interface Night {
  provider: string;
  date: string;
  /** RMSSD, ms (every HRV column of the store is RMSSD; SDNN never enters). */
  rmssd: number | null;
  restingHr: number | null;
  breathing: number | null;
  temperatureDeviation: number | null;
  refs: ScoreInputRef[];
}

export interface ProviderPriority {
  sleep: readonly string[];
  recovery: readonly string[];
}

export interface History {
  records: UserRecords;
  priority: ProviderPriority;
  sleepsByDate: Map<string, SleepInput[]>;
  workoutsByDate: Map<string, WorkoutInput[]>;
  /** provider -> date -> night */
  nights: Map<string, Map<string, Night>>;
}

function group<T extends { localDate: string }>(items: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const list = out.get(item.localDate);
    if (list) list.push(item);
    else out.set(item.localDate, [item]);
  }
  return out;
}

export function rankOf(provider: string, priority: readonly string[]): number {
  const i = priority.indexOf(provider);
  return i < 0 ? priority.length : i;
}

export function byPriority<T extends { provider: string }>(items: readonly T[], priority: readonly string[]): T[] {
  return [...items].sort((a, b) => rankOf(a.provider, priority) - rankOf(b.provider, priority));
}

export const sleepRef = (s: SleepInput, fields: string[]): ScoreInputRef => ({ table: 'SleepSession', id: s.id, provider: s.provider, device: s.device, localDate: s.localDate, fields });
export const recoveryRef = (r: RecoveryInput, fields: string[]): ScoreInputRef => ({ table: 'Recovery', id: r.id, provider: r.provider, device: r.device, localDate: r.localDate, fields });
export const workoutRef = (w: WorkoutInput, fields: string[]): ScoreInputRef => ({ table: 'Workout', id: w.id, provider: w.provider, device: w.device, localDate: w.localDate, fields });

/** The night's main sleep (not a nap or rest) from the provider ranked first that has one. */
export function mainSleep(history: History, date: string): SleepInput | null {
  const main = (history.sleepsByDate.get(date) ?? []).filter((s) => s.type === 'MAIN' && (s.totalSleepSeconds ?? 0) > 0);
  return byPriority(main, history.priority.sleep)[0] ?? null;
}

export function buildHistory(records: UserRecords, priority: ProviderPriority): History {
  const sleepsByDate = group(records.sleeps);
  const nights = new Map<string, Map<string, Night>>();
  const nightOf = (provider: string, date: string): Night => {
    let byDate = nights.get(provider);
    if (!byDate) nights.set(provider, (byDate = new Map()));
    let night = byDate.get(date);
    if (!night) byDate.set(date, (night = { provider, date, rmssd: null, restingHr: null, breathing: null, temperatureDeviation: null, refs: [] }));
    return night;
  };
  // Recovery records first (the provider's own nightly summary), the main sleep fills what is missing.
  for (const r of records.recoveries) {
    const night = nightOf(r.provider, r.localDate);
    const fields: string[] = [];
    if (r.hrvRmssdMs !== null && r.hrvRmssdMs > 0 && night.rmssd === null) (night.rmssd = r.hrvRmssdMs), fields.push('hrvRmssdMs');
    if (r.restingHeartRateBpm !== null && night.restingHr === null) (night.restingHr = r.restingHeartRateBpm), fields.push('restingHeartRateBpm');
    if (r.breathingRatePerMinute !== null && night.breathing === null) (night.breathing = r.breathingRatePerMinute), fields.push('breathingRatePerMinute');
    if (r.skinTemperatureDeviationCelsius !== null && night.temperatureDeviation === null) (night.temperatureDeviation = r.skinTemperatureDeviationCelsius), fields.push('skinTemperatureDeviationCelsius');
    if (fields.length) night.refs.push(recoveryRef(r, fields));
  }
  for (const s of records.sleeps) {
    if (s.type !== 'MAIN') continue;
    const night = nightOf(s.provider, s.localDate);
    const fields: string[] = [];
    if (s.averageHrvRmssdMs !== null && s.averageHrvRmssdMs > 0 && night.rmssd === null) (night.rmssd = s.averageHrvRmssdMs), fields.push('averageHrvRmssdMs');
    if (s.lowestHeartRateBpm !== null && night.restingHr === null) (night.restingHr = s.lowestHeartRateBpm), fields.push('lowestHeartRateBpm');
    if (s.breathingRatePerMinute !== null && night.breathing === null) (night.breathing = s.breathingRatePerMinute), fields.push('breathingRatePerMinute');
    if (fields.length) night.refs.push(sleepRef(s, fields));
  }
  return { records, priority, sleepsByDate, workoutsByDate: group(records.workouts), nights };
}

/** This provider's nights in [date - days, date - 1] (today excluded from its own baseline). */
export function priorNights(history: History, provider: string, date: string, days: number): Night[] {
  const byDate = history.nights.get(provider);
  if (!byDate) return [];
  const out: Night[] = [];
  for (let i = days; i >= 1; i--) {
    const night = byDate.get(addLocalDays(date, -i));
    if (night) out.push(night);
  }
  return out;
}

/** Resting HR per night from any provider (first by recovery priority), for the last `nights` nights up to `date`. */
export function restingHeartRates(history: History, date: string, nights: number): { values: number[]; refs: ScoreInputRef[] } {
  const providers = [...history.nights.keys()].sort((a, b) => rankOf(a, history.priority.recovery) - rankOf(b, history.priority.recovery));
  const values: number[] = [];
  const refs: ScoreInputRef[] = [];
  for (let i = nights - 1; i >= 0; i--) {
    const day = addLocalDays(date, -i);
    for (const provider of providers) {
      const night = history.nights.get(provider)!.get(day);
      if (night?.restingHr != null) {
        values.push(night.restingHr);
        refs.push(...night.refs.filter((r) => r.fields.includes('restingHeartRateBpm') || r.fields.includes('lowestHeartRateBpm')));
        break;
      }
    }
  }
  return { values, refs };
}

/** Highest plausible workout heart rate in [date - days + 1, date] (workout maxima, else sample maxima). */
export function measuredMaxHeartRate(history: History, date: string, days: number, plausibleMax: number): { value: number | null; ref: ScoreInputRef | null } {
  let best: { value: number; ref: ScoreInputRef } | null = null;
  for (let i = days - 1; i >= 0; i--) {
    for (const w of history.workoutsByDate.get(addLocalDays(date, -i)) ?? []) {
      const hr = w.maxHeartRateBpm;
      if (hr !== null && hr <= plausibleMax && (!best || hr > best.value)) best = { value: hr, ref: workoutRef(w, ['maxHeartRateBpm']) };
    }
  }
  return best ? best : { value: null, ref: null };
}

/**
 * Baseline inputs in brief: one entry per table, provider and device with the nights counted and
 * their date range in `fields` (a 60-night baseline would otherwise list 60+ records per value).
 */
export function summarizeRefs(refs: readonly ScoreInputRef[]): ScoreInputRef[] {
  const groups = new Map<string, { ref: ScoreInputRef; fields: Set<string>; dates: string[] }>();
  for (const ref of refs) {
    const key = `${ref.table}|${ref.provider}|${ref.device ?? ''}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { ref, fields: new Set(), dates: [] }));
    ref.fields.forEach((f) => group!.fields.add(f));
    group.dates.push(ref.localDate);
  }
  return [...groups.values()].map(({ ref, fields, dates }) => {
    const sorted = [...dates].sort();
    return { table: ref.table, id: null, provider: ref.provider, device: ref.device, localDate: sorted.at(-1)!, fields: [...fields, `${sorted.length} records ${sorted[0]}..${sorted.at(-1)}`] };
  });
}
