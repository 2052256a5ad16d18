/**
 * Deterministic, plausible Oura data for one fake user, derived only from
 * (seed, oura user id, options). Documents are stored in the exact JSON shape
 * the /v2/usercollection endpoints return.
 */
import { between, hashSeed, intBetween, mulberry32, pick, rngFor, weighted, type Rng } from '../shared/random.js';
import {
  DAY_MS,
  addDays,
  dateToMs,
  formatLocalMillisWithOffset,
  formatLocalWithOffset,
  formatUtcOffset,
  localToUtcMs,
  utcToLocalMs,
} from './time.js';
import type {
  CollectionType,
  DocumentOf,
  HeartRateSource,
  OuraDailyActivity,
  OuraDailyReadiness,
  OuraDailyResilience,
  OuraDailySleep,
  OuraDailySpo2,
  OuraDailyStress,
  OuraHeartRate,
  OuraPersonalInfo,
  OuraReadinessContributors,
  OuraSession,
  OuraSleep,
  OuraVo2Max,
  OuraWorkout,
  SleepType,
  UserData,
  WorkoutIntensity,
  WorkoutSource,
} from './types.js';

// ---------------------------------------------------------------- PRNG (shared with the Polar simulator)

export { hashSeed, mulberry32, rngFor, type Rng };

const round = (v: number, digits = 0): number => {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
};
const clamp = (v: number, min: number, max: number): number => Math.max(min, Math.min(max, v));

/** Oura document ids are UUID-like strings ("8f9a5221-639e-4a85-81cb-4065ef23f979"). */
export function uuidFrom(rng: Rng): string {
  let hex = '';
  for (let i = 0; i < 32; i++) hex += Math.floor(rng() * 16).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${'89ab'[Math.floor(rng() * 4)]}${hex.slice(17, 20)}-${hex.slice(20)}`;
}

const score = (rng: Rng, min = 55, max = 97): number => intBetween(rng, min, max);

// ---------------------------------------------------------------- context

export interface GenerationContext {
  seed: number;
  ouraUserId: string;
  offset: number;
  weightKg: number;
}

// ---------------------------------------------------------------- sleep

export interface SleepInput {
  /** Oura files a sleep period under the day it ends (the wake-up date). */
  day: string;
  type?: SleepType;
  /** Local start, minutes relative to local midnight of `day` (negative = evening before). */
  startMinute?: number;
  /** Minutes in bed. */
  minutes?: number;
  period?: number;
}

function readinessContributors(rng: Rng): OuraReadinessContributors {
  return {
    activity_balance: score(rng, 60, 98),
    body_temperature: score(rng, 70, 100),
    hrv_balance: score(rng, 50, 98),
    previous_day_activity: score(rng, 55, 98),
    previous_night: score(rng, 50, 98),
    recovery_index: score(rng, 40, 100),
    resting_heart_rate: score(rng, 55, 100),
    sleep_balance: score(rng, 55, 98),
  };
}

/**
 * The night's HRV level (RMSSD, ms) around the user's own baseline (40-74 ms): a slow swing of
 * +-12% over ~19 days, a weekly one of +-5%, night-to-night noise of +-8%, and now and then a
 * poor night (-30%, as after hard training or a late evening). Its own random stream, so the rest
 * of the night stays as it was for a seed. (Was a constant 70: 56-60 ms for 90 days.)
 */
export function nightlyHrvLevel(ctx: GenerationContext, day: string): number {
  const baseline = 40 + (hashSeed(ctx.seed, ctx.ouraUserId, 'hrv-baseline') % 35);
  const phase = (hashSeed(ctx.ouraUserId, 'hrv-phase') % 1000) / 1000;
  const r = rngFor(ctx.seed, ctx.ouraUserId, day, 'hrv-level');
  const index = dateToMs(day) / DAY_MS;
  const swing = 0.12 * Math.sin(2 * Math.PI * (index / 19 + phase)) + 0.05 * Math.sin((2 * Math.PI * index) / 7);
  const noise = 0.08 * (r() * 2 - 1);
  const poor = r() < 0.07 ? 0.7 : 1;
  return baseline * (1 + swing + noise) * poor;
}

export function makeSleep(rng: Rng, ctx: GenerationContext, input: SleepInput): OuraSleep {
  const type: SleepType = input.type ?? 'long_sleep';
  const main = type === 'long_sleep';
  const startMinute = input.startMinute ?? (main ? intBetween(rng, -100, 20) : intBetween(rng, 14 * 60, 16 * 60));
  const minutes = input.minutes ?? (main ? intBetween(rng, 390, 540) : intBetween(rng, 20, 70));
  const startLocal = dateToMs(input.day) + startMinute * 60_000 + intBetween(rng, 0, 59) * 1000;
  const n = Math.max(2, Math.floor(minutes / 5));

  // Hypnogram: '1' deep, '2' light, '3' REM, '4' awake, per 5 minutes, in ~90 min cycles.
  const latencyEpochs = intBetween(rng, 1, main ? 5 : 2);
  let phases = '4'.repeat(latencyEpochs);
  let cycle = 0;
  while (phases.length < n - 1) {
    cycle++;
    const early = cycle <= 2;
    phases += '2'.repeat(intBetween(rng, 3, 5));
    phases += '1'.repeat(main ? (early ? intBetween(rng, 3, 6) : intBetween(rng, 0, 2)) : intBetween(rng, 0, 2));
    phases += '2'.repeat(intBetween(rng, 2, 4));
    phases += '3'.repeat(main ? (early ? intBetween(rng, 1, 3) : intBetween(rng, 4, 7)) : 0);
    if (rng() < 0.35) phases += '4';
  }
  phases = phases.slice(0, n - 1) + '4';
  const count = (c: string) => [...phases].filter((p) => p === c).length * 300;
  const timeInBed = n * 300;
  const deep = count('1');
  const light = count('2');
  const rem = count('3');
  const awake = count('4');
  const total = deep + light + rem;

  const restHr = intBetween(rng, 46, 58);
  const hrvLevel = nightlyHrvLevel(ctx, input.day);
  const hrItems: Array<number | null> = [];
  const hrvItems: Array<number | null> = [];
  for (let i = 0; i < n; i++) {
    const phase = phases[i];
    const progress = i / n;
    const base = restHr + 8 * Math.pow(progress - 0.45, 2) * 4 + (phase === '4' ? 6 : phase === '3' ? 3 : 0);
    const missing = rng() < 0.02;
    hrItems.push(missing ? null : round(base + (rng() - 0.5) * 3, 0));
    hrvItems.push(missing ? null : round(clamp(hrvLevel + 12 - (base - restHr) * 3 + (rng() - 0.5) * 20, 12, 140), 0));
  }
  const hrValues = hrItems.filter((v): v is number => v !== null);
  const hrvValues = hrvItems.filter((v): v is number => v !== null);
  const mean = (v: number[]) => (v.length ? v.reduce((s, x) => s + x, 0) / v.length : 0);

  let movement = '';
  for (const phase of phases) {
    for (let k = 0; k < 10; k++) {
      const r = rng();
      movement += phase === '4' ? (r < 0.55 ? '1' : r < 0.85 ? '2' : r < 0.97 ? '3' : '4') : r < 0.95 ? '1' : r < 0.995 ? '2' : '3';
    }
  }
  const restless = (movement.match(/3+/g) ?? []).length;
  const startIso = formatLocalWithOffset(startLocal, ctx.offset);

  return {
    id: uuidFrom(rng),
    day: input.day,
    type,
    period: input.period ?? (main ? 0 : 1),
    bedtime_start: startIso,
    bedtime_end: formatLocalWithOffset(startLocal + timeInBed * 1000, ctx.offset),
    time_in_bed: timeInBed,
    total_sleep_duration: total,
    awake_time: awake,
    light_sleep_duration: light,
    deep_sleep_duration: deep,
    rem_sleep_duration: rem,
    efficiency: Math.round((100 * total) / timeInBed),
    latency: latencyEpochs * 300,
    restless_periods: restless,
    average_breath: round(between(rng, 13, 16.5), 3),
    average_heart_rate: round(mean(hrValues), 3),
    lowest_heart_rate: Math.min(...hrValues),
    average_hrv: Math.round(mean(hrvValues)),
    heart_rate: { interval: 300, items: hrItems, timestamp: startIso.replace(/(\+|-)(\d{2}:\d{2})$/, '.000$1$2') },
    hrv: { interval: 300, items: hrvItems, timestamp: startIso.replace(/(\+|-)(\d{2}:\d{2})$/, '.000$1$2') },
    sleep_phase_5_min: phases,
    movement_30_sec: movement,
    readiness: main
      ? {
          score: score(rng, 55, 95),
          contributors: readinessContributors(rng),
          temperature_deviation: round((rng() - 0.5) * 0.8, 2),
          temperature_trend_deviation: round((rng() - 0.5) * 0.5, 2),
        }
      : null,
    readiness_score_delta: null,
    sleep_score_delta: null,
    low_battery_alert: false,
    sleep_algorithm_version: 'v2',
  };
}

/** UTC start/end ms of a document with bedtime_start/bedtime_end or start_datetime/end_datetime. */
export function intervalOf(doc: { bedtime_start?: string; bedtime_end?: string; start_datetime?: string; end_datetime?: string }): [number, number] {
  return [Date.parse(doc.bedtime_start ?? doc.start_datetime ?? ''), Date.parse(doc.bedtime_end ?? doc.end_datetime ?? '')];
}

// ---------------------------------------------------------------- daily summaries

export function makeDailySleep(rng: Rng, ctx: GenerationContext, day: string, night?: OuraSleep): OuraDailySleep {
  const hours = (night?.total_sleep_duration ?? intBetween(rng, 6, 8) * 3600) / 3600;
  const base = clamp(Math.round(45 + hours * 5.5 + (rng() - 0.5) * 8), 30, 99);
  return {
    id: uuidFrom(rng),
    day,
    score: base,
    timestamp: formatLocalMillisWithOffset(dateToMs(day), ctx.offset),
    contributors: {
      deep_sleep: score(rng, 50, 100),
      efficiency: clamp((night?.efficiency ?? 88) + intBetween(rng, -5, 5), 1, 100),
      latency: score(rng, 60, 100),
      rem_sleep: score(rng, 45, 100),
      restfulness: score(rng, 45, 95),
      timing: score(rng, 50, 100),
      total_sleep: clamp(Math.round(hours * 11.5), 1, 100),
    },
  };
}

export function makeDailyReadiness(rng: Rng, ctx: GenerationContext, day: string, night?: OuraSleep): OuraDailyReadiness {
  const r = night?.readiness;
  return {
    id: uuidFrom(rng),
    day,
    score: r?.score ?? score(rng, 55, 95),
    timestamp: formatLocalMillisWithOffset(dateToMs(day), ctx.offset),
    temperature_deviation: r?.temperature_deviation ?? round((rng() - 0.5) * 0.8, 2),
    temperature_trend_deviation: r?.temperature_trend_deviation ?? round((rng() - 0.5) * 0.5, 2),
    contributors: r ? { ...r.contributors } : readinessContributors(rng),
  };
}

export function makeDailySpo2(rng: Rng, day: string): OuraDailySpo2 {
  return {
    id: uuidFrom(rng),
    day,
    spo2_percentage: { average: round(between(rng, 94.5, 98.9), 3) },
    breathing_disturbance_index: intBetween(rng, 0, 18),
  };
}

export function makeDailyStress(rng: Rng, day: string): OuraDailyStress {
  const stress = intBetween(rng, 0, 5) * 900 + intBetween(rng, 0, 3) * 900;
  const recovery = intBetween(rng, 0, 6) * 900;
  return {
    id: uuidFrom(rng),
    day,
    stress_high: stress,
    recovery_high: recovery,
    day_summary: stress > recovery + 1800 ? 'stressful' : recovery > stress + 1800 ? 'restored' : 'normal',
  };
}

export function makeDailyResilience(rng: Rng, day: string): OuraDailyResilience {
  const contributors = { sleep_recovery: round(between(rng, 40, 95), 1), daytime_recovery: round(between(rng, 20, 90), 1), stress: round(between(rng, 20, 90), 1) };
  const avg = (contributors.sleep_recovery + contributors.daytime_recovery + contributors.stress) / 3;
  const level = avg < 40 ? 'limited' : avg < 55 ? 'adequate' : avg < 68 ? 'solid' : avg < 80 ? 'strong' : 'exceptional';
  return { id: uuidFrom(rng), day, contributors, level };
}

export function makeVo2Max(rng: Rng, ctx: GenerationContext, day: string, base = 44): OuraVo2Max {
  return {
    id: uuidFrom(rng),
    day,
    timestamp: formatLocalMillisWithOffset(dateToMs(day), ctx.offset),
    vo2_max: round(base + (rng() - 0.5) * 2, 0),
  };
}

// ---------------------------------------------------------------- workouts & sessions

interface ActivitySpec {
  minutes: readonly [number, number];
  kmh: readonly [number, number] | null;
  kcalPerMin: number;
  hr: readonly [number, number];
}

export const ACTIVITIES: Record<string, ActivitySpec> = {
  running: { minutes: [25, 75], kmh: [9.5, 12.5], kcalPerMin: 11, hr: [138, 165] },
  cycling: { minutes: [40, 140], kmh: [20, 30], kcalPerMin: 9, hr: [122, 150] },
  walking: { minutes: [25, 90], kmh: [4.5, 6], kcalPerMin: 4.5, hr: [90, 115] },
  strength_training: { minutes: [30, 70], kmh: null, kcalPerMin: 6, hr: [100, 130] },
};
const ACTIVITY_WEIGHTS: ReadonlyArray<readonly [string, number]> = [
  ['running', 35],
  ['cycling', 25],
  ['walking', 30],
  ['strength_training', 10],
];

export interface WorkoutInput {
  day: string;
  activity?: string;
  /** Local start, minutes after midnight of `day`. */
  startMinute?: number;
  minutes?: number;
}

export function makeWorkout(rng: Rng, ctx: GenerationContext, input: WorkoutInput): OuraWorkout {
  const activity = input.activity ?? weighted(rng, ACTIVITY_WEIGHTS);
  const spec = ACTIVITIES[activity] ?? ACTIVITIES.walking;
  const minutes = input.minutes ?? intBetween(rng, spec.minutes[0], spec.minutes[1]);
  const startMinute = input.startMinute ?? pick(rng, [intBetween(rng, 6 * 60, 8 * 60), intBetween(rng, 12 * 60, 13 * 60), intBetween(rng, 17 * 60, 19 * 60 + 30)]);
  const startLocal = dateToMs(input.day) + startMinute * 60_000 + intBetween(rng, 0, 59) * 1000;
  const intensity: WorkoutIntensity =
    activity === 'walking' ? weighted(rng, [['easy', 70], ['moderate', 30]] as const) : weighted(rng, [['easy', 30], ['moderate', 50], ['hard', 20]] as const);
  const factor = intensity === 'easy' ? 0.85 : intensity === 'moderate' ? 1 : 1.2;
  const source: WorkoutSource = weighted(rng, [['autodetected', 40], ['confirmed', 25], ['manual', 15], ['workout_heart_rate', 20]] as const);
  return {
    id: uuidFrom(rng),
    activity,
    calories: round(minutes * spec.kcalPerMin * factor * between(rng, 0.9, 1.1), 3),
    day: input.day,
    distance: spec.kmh ? round((between(rng, spec.kmh[0], spec.kmh[1]) * factor * 1000 * minutes) / 60, 1) : null,
    start_datetime: formatLocalWithOffset(startLocal, ctx.offset),
    end_datetime: formatLocalWithOffset(startLocal + minutes * 60_000, ctx.offset),
    intensity,
    label: null,
    source,
  };
}

export interface SessionInput {
  day: string;
  type?: OuraSession['type'];
  startMinute?: number;
  minutes?: number;
}

export function makeSession(rng: Rng, ctx: GenerationContext, input: SessionInput): OuraSession {
  const type = input.type ?? weighted(rng, [['meditation', 45], ['breathing', 30], ['relaxation', 25]] as const);
  const minutes = input.minutes ?? intBetween(rng, 5, 20);
  const startMinute = input.startMinute ?? intBetween(rng, 7 * 60, 22 * 60);
  const startLocal = dateToMs(input.day) + startMinute * 60_000 + intBetween(rng, 0, 59) * 1000;
  const ts = formatLocalMillisWithOffset(startLocal, ctx.offset);
  const n = Math.floor((minutes * 60) / 5);
  const hr: number[] = [];
  const hrv: number[] = [];
  const motion: number[] = [];
  let bpm = intBetween(rng, 62, 75);
  for (let i = 0; i < n; i++) {
    bpm = clamp(bpm - 0.03 + (rng() - 0.5) * 1.5, 48, 90);
    hr.push(round(bpm, 0));
    hrv.push(round(clamp(40 + (75 - bpm) * 1.5 + (rng() - 0.5) * 15, 10, 140), 0));
    motion.push(rng() < 0.9 ? 0 : intBetween(rng, 1, 3));
  }
  return {
    id: uuidFrom(rng),
    day: input.day,
    start_datetime: formatLocalWithOffset(startLocal, ctx.offset),
    end_datetime: formatLocalWithOffset(startLocal + minutes * 60_000, ctx.offset),
    type,
    heart_rate: { interval: 5, items: hr, timestamp: ts },
    heart_rate_variability: { interval: 5, items: hrv, timestamp: ts },
    mood: rng() < 0.3 ? null : pick(rng, ['bad', 'worse', 'same', 'good', 'great'] as const),
    motion_count: { interval: 5, items: motion, timestamp: ts },
  };
}

// ---------------------------------------------------------------- activity

const MET_BY_CLASS = [0, 0.9, 1.2, 2.6, 4.8, 8.5];

/**
 * Daily activity of `day`: Oura's activity day runs from 04:00 local to 04:00
 * the next day (class_5_min has 288 slots, met 1440 one-minute items from 04:00).
 */
export function makeDailyActivity(
  rng: Rng,
  ctx: GenerationContext,
  day: string,
  busy: Array<{ start: number; end: number; cls: number }> = [],
): OuraDailyActivity {
  const dayStartLocal = dateToMs(day) + 4 * 3_600_000;
  const wake = intBetween(rng, 30, 48); // slots after 04:00 (06:30..08:00)
  const sleep = intBetween(rng, 216, 234); // 22:00..23:30
  const classes: number[] = [];
  const nonWearStart = rng() < 0.3 ? intBetween(rng, wake + 10, sleep - 20) : -1;
  for (let s = 0; s < 288; s++) {
    if (s < wake || s >= sleep) classes.push(1);
    else if (nonWearStart >= 0 && s >= nonWearStart && s < nonWearStart + 6) classes.push(0);
    else classes.push(weighted(rng, [[2, 76], [3, 21], [4, 2.5], [5, 0.5]] as const));
  }
  for (const b of busy) {
    for (let s = 0; s < 288; s++) {
      const slotStart = dayStartLocal + s * 300_000;
      if (slotStart + 300_000 > b.start && slotStart < b.end) classes[s] = b.cls;
    }
  }
  const met: number[] = [];
  for (let m = 0; m < 1440; m++) {
    const cls = classes[Math.floor(m / 5)];
    met.push(cls === 0 ? 0 : round(MET_BY_CLASS[cls] * between(rng, 0.85, 1.15), 1));
  }
  const slotsOf = (c: number) => classes.filter((x) => x === c).length;
  const minutesOf = (c: number) => slotsOf(c) * 5;
  const metByClass = [0, 0, 0, 0, 0, 0];
  for (let m = 0; m < 1440; m++) metByClass[classes[Math.floor(m / 5)]] += met[m];
  const metMinutes = (c: number) => Math.round(metByClass[c]);
  const steps = Math.round(minutesOf(2) * between(rng, 1, 3) + minutesOf(3) * between(rng, 25, 40) + minutesOf(4) * between(rng, 90, 115) + minutesOf(5) * between(rng, 140, 165));
  const activeCalories = Math.round(met.reduce((s, v) => (v > 1.5 ? s + ((v - 1.5) * 3.5 * ctx.weightKg) / 200 : s), 0));
  const bmr = Math.round(ctx.weightKg * 24 * 1.0);
  const targetCalories = intBetween(rng, 8, 12) * 50;
  const targetMeters = intBetween(rng, 8, 14) * 1000;
  const walking = Math.round(steps * 0.74);
  return {
    id: uuidFrom(rng),
    day,
    score: score(rng, 55, 98),
    timestamp: formatLocalMillisWithOffset(dayStartLocal, ctx.offset),
    steps,
    active_calories: activeCalories,
    total_calories: activeCalories + bmr,
    target_calories: targetCalories,
    target_meters: targetMeters,
    meters_to_target: Math.max(0, targetMeters - walking),
    equivalent_walking_distance: walking,
    high_activity_time: minutesOf(5) * 60,
    medium_activity_time: minutesOf(4) * 60,
    low_activity_time: minutesOf(3) * 60,
    sedentary_time: minutesOf(2) * 60,
    resting_time: minutesOf(1) * 60,
    non_wear_time: minutesOf(0) * 60,
    high_activity_met_minutes: metMinutes(5),
    medium_activity_met_minutes: metMinutes(4),
    low_activity_met_minutes: metMinutes(3),
    sedentary_met_minutes: metMinutes(2),
    average_met_minutes: round(met.reduce((s, v) => s + v, 0) / met.length, 5),
    inactivity_alerts: intBetween(rng, 0, 3),
    met: { interval: 60, items: met, timestamp: formatLocalMillisWithOffset(dayStartLocal, ctx.offset) },
    class_5_min: classes.join(''),
    contributors: {
      meet_daily_targets: score(rng, 40, 100),
      move_every_hour: score(rng, 60, 100),
      recovery_time: score(rng, 60, 100),
      stay_active: score(rng, 50, 100),
      training_frequency: score(rng, 50, 100),
      training_volume: score(rng, 50, 100),
    },
  };
}

// ---------------------------------------------------------------- heart rate

/** 5-minute samples over [fromUtc, toUtc), sourced from the sleeps/workouts/sessions covering each instant. */
export function makeHeartRate(
  rng: Rng,
  fromUtc: number,
  toUtc: number,
  periods: Array<{ start: number; end: number; source: HeartRateSource; bpm: readonly [number, number] }>,
): OuraHeartRate[] {
  const out: OuraHeartRate[] = [];
  const sorted = [...periods].sort((a, b) => a.start - b.start);
  let p = 0;
  for (let t = fromUtc; t < toUtc; t += 300_000) {
    if (rng() < 0.02) continue; // not worn / no reading
    while (p < sorted.length && sorted[p].end <= t) p++;
    let period: (typeof sorted)[number] | undefined;
    for (let i = p; i < sorted.length && sorted[i].start <= t; i++) {
      if (t < sorted[i].end) {
        period = sorted[i];
        break;
      }
    }
    const jitter = intBetween(rng, 0, 59) * 1000;
    if (period) {
      out.push({ bpm: intBetween(rng, period.bpm[0], period.bpm[1]), source: period.source, timestamp: formatUtcOffset(t + jitter) });
    } else {
      out.push({ bpm: intBetween(rng, 58, 96), source: 'awake', timestamp: formatUtcOffset(t + jitter) });
    }
  }
  return out;
}

// ---------------------------------------------------------------- user data

export interface UserDataOptions {
  seed: number;
  ouraUserId: string;
  /** Index of the user in the fake (drives the profile). */
  index: number;
  today: string;
  days: number;
  timeZoneOffsetMinutes: number;
}

export function firstDayOf(o: { today: string; days: number }): string {
  return addDays(o.today, -(Math.max(1, o.days) - 1));
}

export function makePersonalInfo(seed: number, ouraUserId: string, index: number): OuraPersonalInfo {
  const rng = rngFor(seed, ouraUserId, 'personal');
  const female = rng() < 0.5;
  return {
    id: ouraUserId,
    age: intBetween(rng, 24, 62),
    weight: round(female ? between(rng, 52, 80) : between(rng, 65, 98), 1),
    height: round(female ? between(rng, 1.58, 1.78) : between(rng, 1.7, 1.95), 2),
    biological_sex: female ? 'female' : 'male',
    email: `oura-user-${index}@example.test`,
  };
}

export function contextOf(seed: number, data: Pick<UserData, 'personalInfo' | 'timeZoneOffsetMinutes'>): GenerationContext {
  return { seed, ouraUserId: data.personalInfo.id, offset: data.timeZoneOffsetMinutes, weightKg: data.personalInfo.weight ?? 70 };
}

const SORT_KEY: { [K in CollectionType]: (d: DocumentOf[K]) => string } = {
  daily_activity: (d) => d.day,
  daily_readiness: (d) => d.day,
  daily_sleep: (d) => d.day,
  daily_spo2: (d) => d.day,
  daily_stress: (d) => d.day,
  daily_resilience: (d) => d.day,
  vO2_max: (d) => d.day,
  sleep: (d) => `${d.day}|${String(Date.parse(d.bedtime_start)).padStart(15, '0')}`,
  workout: (d) => `${d.day}|${String(Date.parse(d.start_datetime)).padStart(15, '0')}`,
  session: (d) => `${d.day}|${String(Date.parse(d.start_datetime)).padStart(15, '0')}`,
};

export function sortCollection<K extends CollectionType>(type: K, docs: Array<DocumentOf[K]>): void {
  const key = SORT_KEY[type] as (d: DocumentOf[K]) => string;
  docs.sort((a, b) => key(a).localeCompare(key(b)));
}

export function generateUserData(o: UserDataOptions): UserData {
  const personalInfo = makePersonalInfo(o.seed, o.ouraUserId, o.index);
  const data: UserData = {
    personalInfo,
    timeZoneOffsetMinutes: o.timeZoneOffsetMinutes,
    daily_activity: [],
    daily_readiness: [],
    daily_sleep: [],
    daily_spo2: [],
    daily_stress: [],
    daily_resilience: [],
    vO2_max: [],
    sleep: [],
    workout: [],
    session: [],
    heartrate: [],
  };
  const ctx = contextOf(o.seed, data);
  const first = firstDayOf(o);
  const vo2Base = intBetween(rngFor(o.seed, o.ouraUserId, 'vo2-base'), 38, 52);
  const hrPeriods: Array<{ start: number; end: number; source: HeartRateSource; bpm: readonly [number, number] }> = [];

  for (let day = first; day <= o.today; day = addDays(day, 1)) {
    const r = (kind: string) => rngFor(o.seed, o.ouraUserId, kind, day);
    const past = day < o.today;

    // The main sleep ending this morning, and sometimes a nap later the same day.
    const night = makeSleep(r('sleep'), ctx, { day, type: 'long_sleep' });
    data.sleep.push(night);
    const napRng = r('nap');
    if (past && napRng() < 0.15) {
      const late = napRng() < 0.4;
      data.sleep.push(
        makeSleep(napRng, ctx, late ? { day, type: 'late_nap', startMinute: intBetween(napRng, 18 * 60, 20 * 60) } : { day, type: 'sleep' }),
      );
    }
    data.daily_sleep.push(makeDailySleep(r('daily_sleep'), ctx, day, night));
    data.daily_readiness.push(makeDailyReadiness(r('daily_readiness'), ctx, day, night));
    data.daily_spo2.push(makeDailySpo2(r('daily_spo2'), day));

    const busy: Array<{ start: number; end: number; cls: number }> = [];
    if (past) {
      // Workouts: roughly four a week, sometimes two a day.
      const wr = r('workout');
      const n = wr() < 0.55 ? (wr() < 0.15 ? 2 : 1) : 0;
      const slots = [intBetween(wr, 6 * 60, 8 * 60), intBetween(wr, 17 * 60, 19 * 60)];
      for (let i = 0; i < n; i++) {
        const w = makeWorkout(wr, ctx, { day, startMinute: slots[i] });
        data.workout.push(w);
        const [s, e] = intervalOf(w);
        const spec = ACTIVITIES[w.activity] ?? ACTIVITIES.walking;
        busy.push({ start: utcToLocalMs(s, ctx.offset), end: utcToLocalMs(e, ctx.offset), cls: w.intensity === 'hard' ? 5 : w.activity === 'walking' ? 3 : 4 });
        hrPeriods.push({ start: s, end: e, source: 'workout', bpm: spec.hr });
      }
      const sr = r('session');
      if (sr() < 0.2) {
        const sess = makeSession(sr, ctx, { day });
        data.session.push(sess);
        const [s, e] = intervalOf(sess);
        hrPeriods.push({ start: s, end: e, source: 'session', bpm: [55, 72] });
      }
      data.daily_stress.push(makeDailyStress(r('daily_stress'), day));
      data.daily_resilience.push(makeDailyResilience(r('daily_resilience'), day));
    }
    data.daily_activity.push(makeDailyActivity(r('daily_activity'), ctx, day, busy));
    if (((dateToMs(day) - dateToMs(first)) / DAY_MS) % 7 === 3) data.vO2_max.push(makeVo2Max(r('vo2'), ctx, day, vo2Base));
  }
  for (const s of data.sleep) {
    const [start, end] = intervalOf(s);
    const low = s.lowest_heart_rate ?? 50;
    hrPeriods.push({ start, end, source: 'sleep', bpm: [low, low + 12] });
  }
  // Continuous heart rate from local midnight of the first day to local midnight today.
  data.heartrate = makeHeartRate(
    rngFor(o.seed, o.ouraUserId, 'heartrate'),
    localToUtcMs(dateToMs(first), ctx.offset),
    localToUtcMs(dateToMs(o.today), ctx.offset),
    hrPeriods,
  );
  for (const type of Object.keys(SORT_KEY) as CollectionType[]) sortCollection(type, data[type] as never);
  return data;
}

/** Generates a new document of `type` for `day` (used by addDocument). */
export function makeDocument<K extends CollectionType>(type: K, rng: Rng, ctx: GenerationContext, day: string): DocumentOf[K] {
  const make: { [T in CollectionType]: () => DocumentOf[T] } = {
    daily_activity: () => makeDailyActivity(rng, ctx, day),
    daily_readiness: () => makeDailyReadiness(rng, ctx, day),
    daily_sleep: () => makeDailySleep(rng, ctx, day),
    daily_spo2: () => makeDailySpo2(rng, day),
    daily_stress: () => makeDailyStress(rng, day),
    daily_resilience: () => makeDailyResilience(rng, day),
    vO2_max: () => makeVo2Max(rng, ctx, day),
    sleep: () => makeSleep(rng, ctx, { day, type: 'long_sleep' }),
    workout: () => makeWorkout(rng, ctx, { day }),
    session: () => makeSession(rng, ctx, { day }),
  };
  return make[type]() as DocumentOf[K];
}
