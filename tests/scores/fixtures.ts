/** Builders of score inputs for the pure-algorithm tests (UTC offset 0 unless given). */
import { addLocalDays } from '../../src/normalize/time.js';
import type { HeartRateInput, RecoveryInput, SleepInput, UserRecords, WorkoutInput } from '../../src/scores/types.js';

export const at = (iso: string) => Date.parse(iso.endsWith('Z') ? iso : `${iso}Z`);
export const PRIORITY = { sleep: ['OURA', 'POLAR'], recovery: ['OURA', 'POLAR'] };

let ids = 0;
const nextId = (p: string) => `${p}-${++ids}`;

export function records(parts: Partial<UserRecords> = {}): UserRecords {
  return {
    sleeps: parts.sleeps ?? [],
    recoveries: parts.recoveries ?? [],
    workouts: parts.workouts ?? [],
    heartRate: [...(parts.heartRate ?? [])].sort((a, b) => a.time - b.time),
    providerVo2: parts.providerVo2 ?? [],
  };
}

/** A main sleep from 23:00 the evening before `date` for `hours` in bed. */
export function sleep(date: string, fields: Partial<SleepInput> = {}, bedtime = '23:00', hours = 8): SleepInput {
  const start = at(`${addLocalDays(date, -1)}T${bedtime}:00`);
  return {
    id: nextId('sl'),
    provider: 'OURA',
    device: 'Oura Ring Gen3',
    localDate: date,
    startTime: start,
    endTime: start + hours * 3_600_000,
    utcOffsetMinutes: 0,
    type: 'MAIN',
    timeInBedSeconds: null,
    totalSleepSeconds: 7 * 3600,
    deepSleepSeconds: null,
    remSleepSeconds: null,
    awakeSeconds: null,
    latencySeconds: null,
    efficiencyPercent: null,
    lowestHeartRateBpm: null,
    averageHrvRmssdMs: null,
    breathingRatePerMinute: null,
    hypnogram: null,
    ...fields,
  };
}

export function recovery(date: string, fields: Partial<RecoveryInput> = {}): RecoveryInput {
  return {
    id: nextId('rc'),
    provider: 'OURA',
    device: 'Oura Ring Gen3',
    localDate: date,
    hrvRmssdMs: null,
    restingHeartRateBpm: null,
    breathingRatePerMinute: null,
    skinTemperatureDeviationCelsius: null,
    ...fields,
  };
}

export function workout(date: string, start: string, minutes: number, fields: Partial<WorkoutInput> = {}): WorkoutInput {
  const startTime = at(`${date}T${start}:00`);
  return {
    id: nextId('wo'),
    provider: 'POLAR',
    device: 'Polar Vantage V3',
    localDate: date,
    startTime,
    endTime: startTime + minutes * 60_000,
    sport: 'RUNNING',
    durationSeconds: minutes * 60,
    distanceMeters: null,
    averageHeartRateBpm: null,
    maxHeartRateBpm: null,
    ...fields,
  };
}

/** `count` samples every `stepSeconds` from `startIso`, all at `bpm` (or bpm(i)). */
export function samples(startIso: string, count: number, stepSeconds: number, bpm: number | ((i: number) => number), fields: Partial<HeartRateInput> = {}): HeartRateInput[] {
  const start = at(startIso);
  return Array.from({ length: count }, (_, i) => ({
    time: start + i * stepSeconds * 1000,
    bpm: typeof bpm === 'number' ? bpm : bpm(i),
    provider: 'POLAR',
    utcOffsetMinutes: 0,
    context: null,
    ...fields,
  }));
}

/** Dates from `from` for `n` days. */
export const dates = (from: string, n: number) => Array.from({ length: n }, (_, i) => addLocalDays(from, i));
