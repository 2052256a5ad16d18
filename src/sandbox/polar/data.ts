/**
 * Deterministic, plausible Polar data for one fake user, derived only from
 * (seed, polar user id, options). Objects are stored in the exact JSON shape
 * the non-transactional AccessLink endpoints return; the transactional
 * (kebab-case) views are rendered from them in render.ts.
 */
import { between, hashSeed, intBetween, mulberry32, pick, rngFor, weighted, type Rng } from '../shared/random.js';
import { sharedSessions, utcDays } from '../shared/person.js';
import {
  DAY_MS,
  addDays,
  dateToMs,
  daysBetween,
  formatLocal,
  formatLocalWithOffset,
  formatUtcMillis,
  hhmm,
  hhmmss,
  isoDuration,
  localToUtcMs,
  msToDate,
} from './time.js';

export { isoDuration } from './time.js';
export type {
  HeartRateZone,
  ExerciseSample,
  RoutePoint,
  TrainingLoadPro,
  PolarExercise,
  PolarSleep,
  PolarNightlyRecharge,
  FakeActivity,
  PolarContinuousHeartRate,
  PolarCardioLoad,
  FakePhysicalInformation,
  PolarSkinTemperature,
  FakeProfile,
  UserData,
  GenerationContext,
} from './types.js';
import type {
  HeartRateZone,
  ExerciseSample,
  RoutePoint,
  TrainingLoadPro,
  PolarExercise,
  PolarSleep,
  PolarNightlyRecharge,
  FakeActivity,
  PolarContinuousHeartRate,
  PolarCardioLoad,
  FakePhysicalInformation,
  PolarSkinTemperature,
  FakeProfile,
  UserData,
  GenerationContext,
} from './types.js';

// ---------------------------------------------------------------- PRNG (shared with the Oura simulator)

export { hashSeed, mulberry32, rngFor, type Rng };

const round = (v: number, digits = 0): number => Number(v.toFixed(digits));

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** Short opaque id like Polar's hashed exercise ids ("aQlC83"). */
export function opaqueId(rng: Rng, length = 7): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ID_ALPHABET[Math.floor(rng() * ID_ALPHABET.length)];
  return out;
}

// ---------------------------------------------------------------- sports

interface SportSpec {
  key: string;
  sport: string;
  detailed: string;
  minutes: readonly [number, number];
  speedKmh: readonly [number, number] | null;
  hr: readonly [number, number];
  route: boolean;
  kcalPerMin: number;
}

export const SPORTS: Record<string, SportSpec> = {
  running: { key: 'running', sport: 'RUNNING', detailed: 'RUNNING', minutes: [25, 75], speedKmh: [9.5, 12.5], hr: [138, 162], route: true, kcalPerMin: 11 },
  cycling: { key: 'cycling', sport: 'CYCLING', detailed: 'ROAD_BIKING', minutes: [45, 150], speedKmh: [22, 31], hr: [125, 150], route: true, kcalPerMin: 9 },
  indoor_cycling: { key: 'indoor_cycling', sport: 'CYCLING', detailed: 'INDOOR_CYCLING', minutes: [30, 60], speedKmh: null, hr: [130, 155], route: false, kcalPerMin: 10 },
  strength: { key: 'strength', sport: 'OTHER', detailed: 'STRENGTH_TRAINING', minutes: [35, 70], speedKmh: null, hr: [100, 128], route: false, kcalPerMin: 6 },
  walking: { key: 'walking', sport: 'OTHER', detailed: 'WALKING', minutes: [30, 90], speedKmh: [4.5, 6], hr: [92, 115], route: true, kcalPerMin: 4.5 },
};
const SPORT_WEIGHTS: ReadonlyArray<readonly [string, number]> = [
  ['running', 35], ['cycling', 20], ['indoor_cycling', 10], ['strength', 20], ['walking', 15],
];

/** Late-evening sessions are short ones. */
const LATE_SPORT_WEIGHTS: ReadonlyArray<readonly [string, number]> = [['running', 50], ['walking', 30], ['strength', 20]];

const FIRST_NAMES = ['Aino', 'Eero', 'Helmi', 'Juho', 'Kaisa', 'Lauri', 'Mira', 'Oskari', 'Sanni', 'Ville'];
const LAST_NAMES = ['Korhonen', 'Virtanen', 'Mäkinen', 'Nieminen', 'Lehtonen', 'Hämäläinen', 'Laine', 'Heikkinen'];
const DEVICES = ['Polar Vantage V3', 'Polar Grit X2 Pro', 'Polar Pacer Pro', 'Polar Ignite 3'];

// ---------------------------------------------------------------- exercises

export interface ExerciseInput {
  /** Local date of the start. */
  date: string;
  /** Minutes after local midnight. */
  startMinute: number;
  sport: string;
  /** Exact UTC start (ms) and duration, for a run the person also has at another provider. */
  utcStartMs?: number;
  durationSec?: number;
}

/** Sandbox accounts made from a login hint have this id plus the person number (src/sandbox/shared/person.ts). */
export const SANDBOX_POLAR_USER_BASE = 20_000_000;

interface UserContext {
  apiUrl: string;
  polarUserId: number;
  offset: number;
  device: string;
  deviceId: string;
  profile: FakeProfile;
}

const userUrl = (ctx: { apiUrl: string; polarUserId: number }): string => `${ctx.apiUrl}/v3/users/${ctx.polarUserId}`;

function loadInterpretation(value: number, [low, medium, high, veryHigh]: readonly number[]): string {
  if (value < low) return 'VERY_LOW';
  if (value < medium) return 'LOW';
  if (value < high) return 'MEDIUM';
  if (value < veryHigh) return 'HIGH';
  return 'VERY_HIGH';
}

const RPE = ['RPE_EASY', 'RPE_LIGHT', 'RPE_FAIRLY_BRISK', 'RPE_BRISK', 'RPE_MODERATE', 'RPE_FAIRLY_HARD', 'RPE_HARD', 'RPE_EXHAUSTING'];

export function makeExercise(rng: Rng, ctx: UserContext, input: ExerciseInput): PolarExercise {
  const spec = SPORTS[input.sport] ?? SPORTS.running;
  const { maxHeartRate: maxHr, restingHeartRate: restHr } = ctx.profile;
  const drawnDuration = intBetween(rng, spec.minutes[0] * 60, spec.minutes[1] * 60);
  const drawnStart = dateToMs(input.date) + input.startMinute * 60_000 + intBetween(rng, 0, 59) * 1000;
  const durationSec = input.durationSec ?? drawnDuration;
  const localStart = input.utcStartMs !== undefined ? input.utcStartMs + ctx.offset * 60_000 : drawnStart;
  const utcStart = localToUtcMs(localStart, ctx.offset);
  const avgTarget = between(rng, spec.hr[0], spec.hr[1]);

  // Heart-rate samples every 10 s; zones derived from them so they agree.
  const rate = 10;
  const n = Math.max(1, Math.floor(durationSec / rate));
  const hr: number[] = [];
  let drift = 0;
  for (let i = 0; i < n; i++) {
    const warmup = Math.min(1, i / (n * 0.1 + 1));
    drift += (rng() - 0.5) * 2;
    drift = Math.max(-8, Math.min(8, drift));
    hr.push(Math.round(Math.min(maxHr - 2, restHr + (avgTarget - restHr) * (0.75 + 0.25 * warmup) + drift + (rng() - 0.5) * 4)));
  }
  const hrAvg = Math.round(hr.reduce((s, v) => s + v, 0) / n);
  const hrMax = Math.max(...hr);
  const bounds = [0.5, 0.6, 0.7, 0.8, 0.9, 1.0].map((p) => Math.round(maxHr * p));
  const zones: HeartRateZone[] = [1, 2, 3, 4, 5].map((index) => {
    const lower = bounds[index - 1];
    const upper = bounds[index];
    const count = hr.filter((v) => v >= lower && (index === 5 ? v <= upper : v < upper)).length;
    return { index, 'lower-limit': lower, 'upper-limit': upper, 'in-zone': isoDuration(count * rate) };
  });

  const samples: ExerciseSample[] = [{ 'recording-rate': rate, 'sample-type': '0', data: hr.join(',') }];
  let distance: number | undefined;
  const route: RoutePoint[] = [];
  if (spec.speedKmh) {
    const base = between(rng, spec.speedKmh[0], spec.speedKmh[1]);
    const speed = hr.map(() => round(Math.max(0, base + (rng() - 0.5) * base * 0.15), 1));
    distance = round(speed.reduce((s, v) => s + (v / 3.6) * rate, 0), 1);
    samples.push({ 'recording-rate': rate, 'sample-type': '1', data: speed.join(',') });
    if (spec.key === 'running') {
      samples.push({ 'recording-rate': rate, 'sample-type': '2', data: hr.map(() => intBetween(rng, 80, 92)).join(',') });
    }
    if (spec.route) {
      let lat = 60.17 + (rng() - 0.5) * 0.1;
      let lon = 24.94 + (rng() - 0.5) * 0.2;
      let alt = between(rng, 5, 60);
      const altitude: number[] = [];
      const heading = rng() * Math.PI * 2;
      for (let t = 0; t <= durationSec; t += 30) {
        const step = (base / 3.6) * 30;
        const dir = heading + Math.sin(t / 600) * 1.2;
        lat += (step * Math.cos(dir)) / 111_320;
        lon += (step * Math.sin(dir)) / (111_320 * Math.cos((lat * Math.PI) / 180));
        route.push({ latitude: round(lat, 8), longitude: round(lon, 8), time: isoDuration(t), satellites: intBetween(rng, 8, 14), fix: 1 });
      }
      for (let i = 0; i < n; i++) {
        alt += (rng() - 0.5) * 0.6;
        altitude.push(round(alt, 1));
      }
      samples.push({ 'recording-rate': rate, 'sample-type': '3', data: altitude.join(',') });
    }
  }

  const minutes = durationSec / 60;
  const hrr = Math.max(0.05, (hrAvg - restHr) / (maxHr - restHr));
  const trainingLoad = round(minutes * hrr * 0.64 * Math.exp(1.92 * hrr), 2);
  const calories = Math.round(minutes * spec.kcalPerMin * between(rng, 0.9, 1.1));
  const fat = intBetween(rng, 20, 60);
  const protein = intBetween(rng, 1, 4);
  const rpeIndex = Math.min(RPE.length - 1, Math.floor(hrr * RPE.length + rng()));
  const muscleLoad = spec.key === 'strength' ? round(between(rng, 30, 90), 1) : 0;
  const perceivedLoad = round(minutes * (rpeIndex + 2) * 0.5, 1);
  const localDate = msToDate(localStart);
  const endUtc = utcStart + durationSec * 1000;

  const exercise: PolarExercise = {
    id: opaqueId(rng),
    upload_time: formatUtcMillis(endUtc + intBetween(rng, 3, 40) * 60_000),
    polar_user: userUrl(ctx),
    device: ctx.device,
    device_id: ctx.deviceId,
    start_time: formatLocal(localStart),
    start_time_utc_offset: ctx.offset,
    duration: isoDuration(durationSec),
    calories,
    ...(distance !== undefined ? { distance } : {}),
    heart_rate: { average: hrAvg, maximum: hrMax },
    training_load: trainingLoad,
    sport: spec.sport,
    detailed_sport_info: spec.detailed,
    has_route: route.length > 0,
    fat_percentage: fat,
    carbohydrate_percentage: 100 - fat - protein,
    protein_percentage: protein,
    ...(spec.key === 'running' ? { 'running-index': intBetween(rng, 44, 56) } : {}),
    training_load_pro: {
      date: localDate,
      'cardio-load': trainingLoad,
      'muscle-load': muscleLoad,
      'perceived-load': perceivedLoad,
      'cardio-load-interpretation': loadInterpretation(trainingLoad, [20, 50, 100, 180]),
      'muscle-load-interpretation': spec.key === 'strength' ? loadInterpretation(muscleLoad, [20, 40, 60, 80]) : 'NOT_AVAILABLE',
      'perceived-load-interpretation': loadInterpretation(perceivedLoad, [60, 150, 300, 500]),
      'user-rpe': RPE[rpeIndex],
    },
    heart_rate_zones: zones,
    samples,
    route,
  };
  return exercise;
}

/** Local start minute for a generated exercise (weighted morning/lunch/evening/late). */
function startMinuteFor(rng: Rng, slot: 'morning' | 'lunch' | 'evening' | 'late'): number {
  switch (slot) {
    case 'morning':
      return intBetween(rng, 6 * 60, 7 * 60 + 30);
    case 'lunch':
      return intBetween(rng, 11 * 60 + 45, 12 * 60 + 30);
    case 'evening':
      return intBetween(rng, 17 * 60, 19 * 60 + 30);
    case 'late':
      return intBetween(rng, 23 * 60 + 15, 23 * 60 + 40);
  }
}

// ---------------------------------------------------------------- sleep & recharge

const STAGE = { WAKE: 0, REM: 1, LIGHTER: 2, LIGHT: 3, DEEP: 4, UNKNOWN: 5 } as const;

export interface SleepInput {
  /** Wake-up date: the date Polar files the night under. */
  date: string;
  /** Minutes relative to local midnight of `date` (negative = evening before). */
  bedtimeMinute?: number;
  /** Approximate minutes asleep. */
  minutes?: number;
}

export function makeSleep(rng: Rng, ctx: UserContext, input: SleepInput): PolarSleep {
  const bedtime = input.bedtimeMinute ?? intBetween(rng, -120, 30);
  const target = input.minutes ?? intBetween(rng, 380, 520);
  const start = dateToMs(input.date) + bedtime * 60_000 + intBetween(rng, 0, 59) * 1000;

  // Build minute-aligned segments in ~90-minute cycles.
  const segments: Array<{ stage: number; minutes: number }> = [];
  let total = 0;
  let cycles = 0;
  while (total < target) {
    cycles++;
    const deepShare = cycles <= 2 ? 0.3 : 0.1;
    const remShare = cycles <= 2 ? 0.15 : 0.3;
    const len = intBetween(rng, 80, 100);
    const parts: Array<[number, number]> = [
      [STAGE.LIGHTER, Math.max(1, Math.round(len * 0.1))],
      [STAGE.LIGHT, Math.max(1, Math.round(len * (0.75 - deepShare - remShare)))],
      [STAGE.DEEP, Math.max(1, Math.round(len * deepShare))],
      [STAGE.LIGHT, Math.max(1, Math.round(len * 0.1))],
      [STAGE.REM, Math.max(1, Math.round(len * remShare))],
    ];
    for (const [stage, minutes] of parts) {
      segments.push({ stage, minutes });
      total += minutes;
    }
    if (rng() < 0.6) {
      const wake = rng() < 0.5 ? 1 : intBetween(rng, 2, 12);
      segments.push({ stage: STAGE.WAKE, minutes: wake });
      total += wake;
    }
    if (rng() < 0.12) {
      const unknown = intBetween(rng, 3, 15);
      segments.push({ stage: STAGE.UNKNOWN, minutes: unknown });
      total += unknown;
    }
  }
  // The night ends asleep -> awake; drop a trailing wake segment.
  while (segments.length && segments[segments.length - 1].stage === STAGE.WAKE) total -= segments.pop()!.minutes;

  const secondsIn = (...stages: number[]): number =>
    segments.filter((s) => stages.includes(s.stage)).reduce((sum, s) => sum + s.minutes * 60, 0);
  const hypnogram: Record<string, number> = {};
  let t = start;
  for (const seg of segments) {
    hypnogram[hhmm(t)] = seg.stage;
    t += seg.minutes * 60_000;
  }
  const end = t;
  const heartRateSamples: Record<string, number> = {};
  const base = ctx.profile.restingHeartRate + intBetween(rng, -2, 4);
  for (let s = start + 60_000; s < end; s += 5 * 60_000) {
    const progress = (s - start) / (end - start);
    heartRateSamples[hhmm(s)] = Math.round(base + 6 * Math.abs(progress - 0.45) + (rng() - 0.5) * 4);
  }
  const wakes = segments.filter((s) => s.stage === STAGE.WAKE);
  const short = wakes.filter((s) => s.minutes * 60 < 90).reduce((sum, s) => sum + s.minutes * 60, 0);
  const long = wakes.filter((s) => s.minutes * 60 >= 90).reduce((sum, s) => sum + s.minutes * 60, 0);
  const asleep = secondsIn(STAGE.REM, STAGE.LIGHTER, STAGE.LIGHT, STAGE.DEEP, STAGE.UNKNOWN);
  const continuity = round(between(rng, 2.0, 4.8), 1);
  const durationScore = round(Math.min(100, (asleep / 28_800) * 100), 1);
  const solidity = round(between(rng, 40, 95), 1);
  const regeneration = round(between(rng, 35, 95), 1);
  const score = Math.round(Math.max(1, Math.min(100, (durationScore + solidity + regeneration) / 3)));

  return {
    polar_user: userUrl(ctx),
    date: input.date,
    sleep_start_time: formatLocalWithOffset(start, ctx.offset),
    sleep_end_time: formatLocalWithOffset(end, ctx.offset),
    device_id: ctx.deviceId,
    continuity,
    continuity_class: Math.max(1, Math.min(5, Math.round(continuity))),
    light_sleep: secondsIn(STAGE.LIGHTER, STAGE.LIGHT),
    deep_sleep: secondsIn(STAGE.DEEP),
    rem_sleep: secondsIn(STAGE.REM),
    unrecognized_sleep_stage: secondsIn(STAGE.UNKNOWN),
    sleep_score: score,
    total_interruption_duration: short + long,
    sleep_charge: intBetween(rng, 1, 5),
    sleep_goal: 28_800,
    sleep_rating: intBetween(rng, 0, 5),
    short_interruption_duration: short,
    long_interruption_duration: long,
    sleep_cycles: cycles,
    group_duration_score: durationScore,
    group_solidity_score: solidity,
    group_regeneration_score: regeneration,
    hypnogram,
    heart_rate_samples: heartRateSamples,
  };
}

/** Parses a sleep_start_time ("...+02:00") back to local ms. */
function localMsOf(isoWithOffset: string): number {
  return Date.parse(`${isoWithOffset.slice(0, 19)}Z`);
}

export function makeNightlyRecharge(rng: Rng, ctx: UserContext, sleep: PolarSleep): PolarNightlyRecharge {
  const start = localMsOf(sleep.sleep_start_time) + 30 * 60_000;
  const hrAvg = ctx.profile.restingHeartRate + intBetween(rng, -1, 6);
  const hrvAvg = intBetween(rng, 25, 80);
  const breathing = round(between(rng, 12, 16), 1);
  const ans = round(between(rng, -10, 10), 1);
  const ansStatus = ans < -6 ? 1 : ans < -2 ? 2 : ans <= 2 ? 3 : ans <= 6 ? 4 : 5;
  const hrvSamples: Record<string, number> = {};
  const breathingSamples: Record<string, number> = {};
  for (let i = 0; i < 48; i++) {
    const at = start + i * 5 * 60_000;
    hrvSamples[hhmm(at)] = Math.max(5, Math.round(hrvAvg + (rng() - 0.5) * 16));
    breathingSamples[hhmm(at)] = round(breathing + (rng() - 0.5) * 1.2, 1);
  }
  return {
    polar_user: sleep.polar_user,
    date: sleep.date,
    heart_rate_avg: hrAvg,
    beat_to_beat_avg: Math.round(60_000 / hrAvg),
    heart_rate_variability_avg: hrvAvg,
    breathing_rate_avg: breathing,
    nightly_recharge_status: Math.max(1, Math.min(6, Math.round((ansStatus + sleep.sleep_charge) / 2 + rng()))),
    ans_charge: ans,
    ans_charge_status: ansStatus,
    hrv_samples: hrvSamples,
    breathing_samples: breathingSamples,
  };
}

// ---------------------------------------------------------------- daily series

export function makeActivity(rng: Rng, date: string, id: number, partialDay: boolean, offset: number): FakeActivity {
  const share = partialDay ? 0.5 : 1;
  const steps = Math.round(intBetween(rng, 3000, 16000) * share);
  const activeSec = Math.round((steps / 110) * 60 + intBetween(rng, 0, 3600) * share);
  const inactiveSec = Math.max(0, Math.round(86_400 * share) - activeSec - 8 * 3600);
  const activeCalories = Math.round(steps * 0.045 + intBetween(rng, 50, 300) * share);
  return {
    date,
    id,
    created: formatUtcMillis(localToUtcMs(dateToMs(date) + (partialDay ? 12 : 23) * 3_600_000 + 59 * 60_000, offset)),
    start_time: `${date}T00:00:00`,
    end_time: partialDay ? `${date}T12:00:00` : `${date}T23:59:59`,
    active_duration: isoDuration(activeSec),
    inactive_duration: isoDuration(inactiveSec),
    daily_activity: round(Math.min(250, (activeCalories / 800) * 100), 1),
    calories: Math.round(1500 * share) + activeCalories,
    active_calories: activeCalories,
    steps,
    inactivity_alert_count: intBetween(rng, 0, 3),
    distance_from_steps: round(steps * between(rng, 0.68, 0.8), 2),
  };
}

function makeContinuousHeartRate(
  rng: Rng,
  ctx: UserContext,
  date: string,
  exercises: PolarExercise[],
  sleeps: Map<string, PolarSleep>,
): PolarContinuousHeartRate {
  const day = dateToMs(date);
  const firstSecond = intBetween(rng, 0, 299);
  const busy = exercises
    .map((e) => {
      const s = localMsOf(e.start_time);
      return { s, e: s + durationMsOf(e.duration), hr: e.heart_rate.average };
    })
    .filter((x) => x.e > day && x.s < day + DAY_MS);
  const asleep = [sleeps.get(date), sleeps.get(addDays(date, 1))]
    .filter((s): s is PolarSleep => !!s)
    .map((s) => ({ s: localMsOf(s.sleep_start_time), e: localMsOf(s.sleep_end_time) }));
  const samples: PolarContinuousHeartRate['heart_rate_samples'] = [];
  for (let t = day + firstSecond * 1000; t < day + DAY_MS; t += 5 * 60_000) {
    const ex = busy.find((b) => t >= b.s && t < b.e);
    const sleeping = asleep.some((a) => t >= a.s && t < a.e);
    const base = ex ? ex.hr : sleeping ? ctx.profile.restingHeartRate + 2 : 72;
    samples.push({ heart_rate: Math.round(base + (rng() - 0.5) * (ex ? 10 : 8)), sample_time: hhmmss(t) });
  }
  return { polar_user: userUrl(ctx), date, heart_rate_samples: samples };
}

function durationMsOf(iso: string): number {
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$/.exec(iso);
  if (!m) return 0;
  return (Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0)) * 1000;
}

/** Local date ("YYYY-MM-DD") an exercise started on. */
export const exerciseLocalDate = (e: PolarExercise): string => e.start_time.slice(0, 10);

/**
 * Cardio load per day, computed from the exercises (so it stays consistent when
 * tests add exercises): load = sum of training_load that day, strain = 7-day
 * mean, tolerance = 28-day mean, ratio = strain / tolerance.
 */
export function computeCardioLoad(exercises: PolarExercise[], firstDay: string, from: string, to: string): PolarCardioLoad[] {
  const perDay = new Map<string, number>();
  for (const e of exercises) perDay.set(exerciseLocalDate(e), (perDay.get(exerciseLocalDate(e)) ?? 0) + e.training_load);
  const loads = exercises.map((e) => e.training_load);
  const mean = loads.length ? loads.reduce((s, v) => s + v, 0) / loads.length : 0;
  const levels = {
    very_low: round(mean * 0.4, 1),
    low: round(mean * 0.7, 1),
    medium: round(mean * 1.0, 1),
    high: round(mean * 1.4, 1),
    'very-high': round(mean * 1.9, 1),
  };
  const avg = (date: string, days: number): number => {
    let s = 0;
    for (let i = 0; i < days; i++) s += perDay.get(addDays(date, -i)) ?? 0;
    return s / days;
  };
  const out: PolarCardioLoad[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) {
    const history = daysBetween(firstDay, d) + 1;
    const strain = round(avg(d, 7), 1);
    const tolerance = round(avg(d, 28), 1);
    const ratio = tolerance > 0 ? round(strain / tolerance, 2) : 0;
    let status = 'LOAD_STATUS_NOT_AVAILABLE';
    if (history >= 28 && tolerance > 0) {
      status = ratio < 0.8 ? 'DETRAINING' : ratio < 1.0 ? 'MAINTAINING' : ratio < 1.5 ? 'PRODUCTIVE' : 'OVERREACHING';
    }
    out.push({
      date: d,
      cardio_load_status: status,
      cardio_load: round(perDay.get(d) ?? 0, 1),
      strain,
      tolerance,
      cardio_load_ratio: ratio,
      cardio_load_level: levels,
    });
  }
  return out;
}

// ---------------------------------------------------------------- whole user

export function makeProfile(rng: Rng): FakeProfile {
  const gender = rng() < 0.5 ? 'MALE' : 'FEMALE';
  const year = intBetween(rng, 1970, 2000);
  const age = 2025 - year;
  return {
    firstName: pick(rng, FIRST_NAMES),
    lastName: pick(rng, LAST_NAMES),
    birthdate: `${year}-${String(intBetween(rng, 1, 12)).padStart(2, '0')}-${String(intBetween(rng, 1, 28)).padStart(2, '0')}`,
    gender,
    weight: gender === 'MALE' ? intBetween(rng, 68, 92) : intBetween(rng, 52, 75),
    height: gender === 'MALE' ? intBetween(rng, 172, 192) : intBetween(rng, 158, 178),
    maxHeartRate: Math.round(208 - 0.7 * age),
    restingHeartRate: intBetween(rng, 44, 60),
  };
}

export function userContext(data: Pick<UserData, 'profile' | 'device' | 'deviceId' | 'timeZoneOffsetMinutes'>, apiUrl: string, polarUserId: number): UserContext {
  return { apiUrl, polarUserId, offset: data.timeZoneOffsetMinutes, device: data.device, deviceId: data.deviceId, profile: data.profile };
}

/** First day of generated history. */
export const firstDayOf = (ctx: Pick<GenerationContext, 'today' | 'days'>): string => addDays(ctx.today, -(ctx.days - 1));

/**
 * Generates a user's history: exercises for [first day, yesterday] (~4-5 a
 * week, one late-evening run two days ago guaranteed), nights whose wake-up
 * date is in [first day + 1, yesterday] (the night ending today is left for
 * tests to add with addSleep), daily activity up to today (today partial),
 * continuous HR up to yesterday, physical information every 30 days.
 */
export function generateUserData(g: GenerationContext): UserData {
  const base = (stream: string): Rng => rngFor(g.seed, g.polarUserId, stream);
  const profileRng = base('profile');
  const profile = makeProfile(profileRng);
  const device = pick(profileRng, DEVICES);
  const deviceId = hashSeed(g.seed, g.polarUserId, 'device').toString(16).toUpperCase().padStart(8, '0');
  const data: UserData = {
    profile,
    device,
    deviceId,
    timeZoneOffsetMinutes: g.timeZoneOffsetMinutes,
    exercises: [],
    exerciseNumericIds: new Map(),
    sleeps: [],
    nightlyRecharges: [],
    activities: [],
    continuousHeartRate: [],
    physicalInformation: [],
    skinTemperature: [],
  };
  const ctx = userContext(data, g.apiUrl, g.polarUserId);
  const first = firstDayOf(g);
  const yesterday = addDays(g.today, -1);

  const exRng = base('exercises');
  const lateDay = addDays(g.today, -2);
  for (let d = first; d <= yesterday; d = addDays(d, 1)) {
    const count = d === lateDay ? 1 : weighted(exRng, [[0, 40], [1, 53], [2, 7]] as const);
    const slots: Array<'morning' | 'lunch' | 'evening' | 'late'> =
      d === lateDay
        ? ['late']
        : count === 2
          ? ['morning', 'evening']
          : count === 1
            ? [weighted(exRng, [['morning', 30], ['lunch', 15], ['evening', 49], ['late', 6]] as const)]
            : [];
    for (const slot of slots) {
      const sport =
        d === lateDay ? 'running' : slot === 'late' ? weighted(exRng, LATE_SPORT_WEIGHTS) : weighted(exRng, SPORT_WEIGHTS);
      data.exercises.push(makeExercise(exRng, ctx, { date: d, startMinute: startMinuteFor(exRng, slot), sport }));
    }
  }
  // Sandbox: the person's runs that Strava also gets (uploaded from this watch).
  if (g.person != null) {
    const sharedRng = base('shared-runs');
    for (const day of utcDays(first, addDays(yesterday, -1))) {
      for (const run of sharedSessions(g.seed, g.person, day)) {
        const date = new Date(run.startMs + ctx.offset * 60_000).toISOString().slice(0, 10);
        data.exercises.push(makeExercise(sharedRng, ctx, { date, startMinute: 0, sport: run.sport, utcStartMs: run.startMs, durationSec: run.durationSeconds }));
      }
    }
  }
  data.exercises.sort((a, b) => a.start_time.localeCompare(b.start_time));
  const idRng = base('numeric-ids');
  let nextNumeric = 100_000_000 + intBetween(idRng, 0, 1_000_000);
  for (const e of data.exercises) data.exerciseNumericIds.set(e.id, nextNumeric++);

  const sleepRng = base('sleep');
  const sleepByDate = new Map<string, PolarSleep>();
  for (let d = addDays(first, 1); d <= yesterday; d = addDays(d, 1)) {
    const sleep = makeSleep(sleepRng, ctx, { date: d });
    data.sleeps.push(sleep);
    sleepByDate.set(d, sleep);
    data.nightlyRecharges.push(makeNightlyRecharge(sleepRng, ctx, sleep));
    data.skinTemperature.push(makeSkinTemperature(sleepRng, d));
  }

  const actRng = base('activity');
  let activityId = 5_000_000 + intBetween(actRng, 0, 100_000);
  for (let d = first; d <= g.today; d = addDays(d, 1)) {
    data.activities.push(makeActivity(actRng, d, activityId++, d === g.today, g.timeZoneOffsetMinutes));
  }

  const hrRng = base('continuous-hr');
  for (let d = first; d <= yesterday; d = addDays(d, 1)) {
    data.continuousHeartRate.push(makeContinuousHeartRate(hrRng, ctx, d, data.exercises, sleepByDate));
  }

  const piRng = base('physical');
  let piId = 900_000 + intBetween(piRng, 0, 10_000);
  let weight = profile.weight;
  let vo2 = intBetween(piRng, 42, 50);
  for (let d = first; d <= g.today; d = addDays(d, 30)) {
    weight = round(weight + (piRng() - 0.5) * 1.5, 1);
    vo2 = Math.max(30, vo2 + intBetween(piRng, -1, 2));
    data.physicalInformation.push({
      id: piId++,
      created: formatUtcMillis(dateToMs(d) + 7 * 3_600_000 + intBetween(piRng, 0, 3599) * 1000),
      weight,
      height: profile.height,
      'maximum-heart-rate': profile.maxHeartRate,
      'resting-heart-rate': profile.restingHeartRate,
      'aerobic-threshold': Math.round(profile.maxHeartRate * 0.7),
      'anaerobic-threshold': Math.round(profile.maxHeartRate * 0.87),
      'vo2-max': vo2,
      'weight-source': pick(piRng, ['SOURCE_MEASURED', 'SOURCE_USER'] as const),
    });
  }
  return data;
}

export function makeSkinTemperature(rng: Rng, date: string): PolarSkinTemperature {
  const deviation = round((rng() - 0.5) * 1.2, 2);
  return { sleep_time_skin_temperature_celsius: round(34.2 + deviation, 2), deviation_from_baseline_celsius: deviation, sleep_date: date };
}
