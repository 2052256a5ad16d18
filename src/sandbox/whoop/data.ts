/**
 * WHOOP API v2 documents as the simulator serves them, and their deterministic generation per
 * user: every local day of the history has a main sleep (starting the day's physiological cycle),
 * that cycle and its recovery; some days a nap and a workout. Times are UTC with milliseconds and
 * `Z`; every cycle, sleep and workout carries the wearer's `timezone_offset` ("+hh:mm").
 *
 * Scores: the newest recovery is PENDING_SCORE (not scored yet: no `score`), one workout in eleven
 * is UNSCORABLE (no `score`); everything else is SCORED.
 */
import { createHash } from 'node:crypto';
import { DAY_MS, addDays, dateToMs, formatOffset, localToUtcMs } from '../shared/calendar.js';
import { between, intBetween, rngFor, weighted, type Rng } from '../shared/random.js';

export type ScoreState = 'SCORED' | 'PENDING_SCORE' | 'UNSCORABLE';

export interface WhoopCycle {
  id: number;
  user_id: number;
  created_at: string;
  updated_at: string;
  start: string;
  /** Absent on the current cycle. */
  end?: string;
  timezone_offset: string;
  score_state: ScoreState;
  score?: { strain: number; kilojoule: number; average_heart_rate: number; max_heart_rate: number };
}

export interface WhoopSleep {
  id: string;
  cycle_id: number;
  user_id: number;
  created_at: string;
  updated_at: string;
  start: string;
  end: string;
  timezone_offset: string;
  nap: boolean;
  score_state: ScoreState;
  score?: {
    stage_summary: {
      total_in_bed_time_milli: number;
      total_awake_time_milli: number;
      total_no_data_time_milli: number;
      total_light_sleep_time_milli: number;
      total_slow_wave_sleep_time_milli: number;
      total_rem_sleep_time_milli: number;
      sleep_cycle_count: number;
      disturbance_count: number;
    };
    sleep_needed: { baseline_milli: number; need_from_sleep_debt_milli: number; need_from_recent_strain_milli: number; need_from_recent_nap_milli: number };
    respiratory_rate: number;
    sleep_performance_percentage: number;
    sleep_consistency_percentage: number;
    sleep_efficiency_percentage: number;
  };
}

export interface WhoopRecovery {
  cycle_id: number;
  sleep_id: string;
  user_id: number;
  created_at: string;
  updated_at: string;
  score_state: ScoreState;
  score?: { user_calibrating: boolean; recovery_score: number; resting_heart_rate: number; hrv_rmssd_milli: number; spo2_percentage: number; skin_temp_celsius: number };
}

export interface WhoopWorkout {
  id: string;
  user_id: number;
  created_at: string;
  updated_at: string;
  start: string;
  end: string;
  timezone_offset: string;
  sport_name: string;
  score_state: ScoreState;
  score?: {
    strain: number;
    average_heart_rate: number;
    max_heart_rate: number;
    kilojoule: number;
    percent_recorded: number;
    distance_meter?: number;
    altitude_gain_meter?: number;
    altitude_change_meter?: number;
    zone_durations: { zone_zero_milli: number; zone_one_milli: number; zone_two_milli: number; zone_three_milli: number; zone_four_milli: number; zone_five_milli: number };
  };
}

export interface WhoopProfile {
  user_id: number;
  email: string;
  first_name: string;
  last_name: string;
}

export interface WhoopBody {
  height_meter: number;
  weight_kilogram: number;
  max_heart_rate: number;
}

export interface WhoopUserData {
  profile: WhoopProfile;
  body: WhoopBody;
  offsetMinutes: number;
  /** Each list newest first (by start; recoveries by their sleep's start), as the API lists them. */
  cycles: WhoopCycle[];
  sleeps: WhoopSleep[];
  recoveries: WhoopRecovery[];
  workouts: WhoopWorkout[];
}

/** A deterministic UUID (version 4 layout) for the parts. */
export function whoopUuid(...parts: Array<string | number>): string {
  const h = createHash('sha256').update(parts.join('|')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[parseInt(h[16], 16) % 4]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** WHOOP's instant format: UTC with milliseconds. */
export const iso = (utcMs: number): string => new Date(utcMs).toISOString();

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Sports the generator uses (WHOOP v2 `sport_name` values), with weights. */
export const GENERATED_SPORTS: ReadonlyArray<readonly [string, number]> = [
  ['running', 5],
  ['cycling', 3],
  ['functional-fitness', 2],
  ['weightlifting', 2],
  ['swimming', 1],
  ['yoga', 1],
  ['walking', 2],
  ['rowing', 1],
  ['tennis', 1],
];

const DISTANCE_SPEED_MPS: Readonly<Record<string, [number, number]>> = {
  running: [2.6, 3.8],
  cycling: [6, 9],
  swimming: [0.6, 0.9],
  walking: [1.2, 1.6],
  rowing: [3, 4],
};

function zones(rng: Rng, totalMs: number): NonNullable<WhoopWorkout['score']>['zone_durations'] {
  const weights = [0.05, 0.15, 0.3, 0.3, 0.15, 0.05].map((w) => w * between(rng, 0.5, 1.5));
  const sum = weights.reduce((a, b) => a + b, 0);
  const parts = weights.map((w) => Math.floor((w / sum) * totalMs));
  parts[2] += totalMs - parts.reduce((a, b) => a + b, 0);
  const [zone_zero_milli, zone_one_milli, zone_two_milli, zone_three_milli, zone_four_milli, zone_five_milli] = parts;
  return { zone_zero_milli, zone_one_milli, zone_two_milli, zone_three_milli, zone_four_milli, zone_five_milli };
}

function sleepScore(rng: Rng, inBedMs: number, nap: boolean): NonNullable<WhoopSleep['score']> {
  const awake = Math.round(inBedMs * between(rng, 0.04, 0.12));
  const noData = nap ? 0 : intBetween(rng, 0, 3) * 60_000;
  const asleep = inBedMs - awake - noData;
  const sws = Math.round(asleep * between(rng, 0.16, 0.24));
  const rem = Math.round(asleep * between(rng, 0.18, 0.26));
  return {
    stage_summary: {
      total_in_bed_time_milli: inBedMs,
      total_awake_time_milli: awake,
      total_no_data_time_milli: noData,
      total_light_sleep_time_milli: asleep - sws - rem,
      total_slow_wave_sleep_time_milli: sws,
      total_rem_sleep_time_milli: rem,
      sleep_cycle_count: nap ? 1 : intBetween(rng, 3, 6),
      disturbance_count: nap ? intBetween(rng, 0, 2) : intBetween(rng, 4, 18),
    },
    sleep_needed: {
      baseline_milli: intBetween(rng, 26, 29) * 1_000_000,
      need_from_sleep_debt_milli: intBetween(rng, 0, 3_600_000),
      need_from_recent_strain_milli: intBetween(rng, 0, 1_800_000),
      need_from_recent_nap_milli: -intBetween(rng, 0, 900_000),
    },
    respiratory_rate: round(between(rng, 13.5, 17.5), 3),
    sleep_performance_percentage: intBetween(rng, 62, 99),
    sleep_consistency_percentage: intBetween(rng, 55, 95),
    sleep_efficiency_percentage: round(((inBedMs - awake - noData) / inBedMs) * 100, 4),
  };
}

/** Deterministic user id (int64 at WHOOP; small here) for a key. */
export function whoopUserIdFor(seed: number, key: string | number): number {
  return 10_000 + (parseInt(createHash('sha256').update(`${seed}|whoop-user|${key}`).digest('hex').slice(0, 8), 16) % 89_990_000);
}

/**
 * A user's history: `days` local dates ending `today`. The night ending on local date d starts the
 * cycle of d; cycle ids grow with time (the cycle of the oldest day is `firstCycleId`).
 */
export function generateUserData(options: { seed: number; userId: number; today: string; days: number; offsetMinutes: number }): WhoopUserData {
  const { seed, userId, today, days, offsetMinutes } = options;
  const tz = formatOffset(offsetMinutes);
  const first = addDays(today, -(days - 1));
  const firstCycleId = 90_000_000 + (userId % 1_000) * 10_000;
  const utc = (localMs: number) => localToUtcMs(localMs, offsetMinutes);
  const nights: { start: number; end: number }[] = [];
  for (let i = 0; i < days; i++) {
    const d = addDays(first, i);
    const rng = rngFor(seed, userId, 'night', d);
    const startLocal = dateToMs(d) - DAY_MS + 22 * 3_600_000 + intBetween(rng, 0, 120) * 60_000;
    const endLocal = startLocal + intBetween(rng, 390, 510) * 60_000 + intBetween(rng, 0, 59_999);
    nights.push({ start: utc(startLocal), end: utc(endLocal) });
  }

  const cycles: WhoopCycle[] = [];
  const sleeps: WhoopSleep[] = [];
  const recoveries: WhoopRecovery[] = [];
  const workouts: WhoopWorkout[] = [];
  for (let i = 0; i < days; i++) {
    const d = addDays(first, i);
    const rng = rngFor(seed, userId, 'day', d);
    const night = nights[i];
    const cycleId = firstCycleId + i;
    const current = i === days - 1;
    const cycleEnd = current ? undefined : nights[i + 1].start;
    const scoredAt = night.end + intBetween(rng, 5, 40) * 60_000;
    cycles.push({
      id: cycleId,
      user_id: userId,
      created_at: iso(night.start + 60_000),
      updated_at: iso(cycleEnd ?? scoredAt),
      start: iso(night.start),
      ...(cycleEnd !== undefined ? { end: iso(cycleEnd) } : {}),
      timezone_offset: tz,
      score_state: 'SCORED',
      score: {
        strain: round(between(rng, 4, 19), 4),
        kilojoule: round(between(rng, 7_000, 14_000), 2),
        average_heart_rate: intBetween(rng, 55, 75),
        max_heart_rate: intBetween(rng, 140, 188),
      },
    });
    const sleepId = whoopUuid(seed, userId, 'sleep', d);
    sleeps.push({
      id: sleepId,
      cycle_id: cycleId,
      user_id: userId,
      created_at: iso(scoredAt),
      updated_at: iso(scoredAt),
      start: iso(night.start),
      end: iso(night.end),
      timezone_offset: tz,
      nap: false,
      score_state: 'SCORED',
      score: sleepScore(rng, night.end - night.start, false),
    });
    const pending = current;
    recoveries.push({
      cycle_id: cycleId,
      sleep_id: sleepId,
      user_id: userId,
      created_at: iso(scoredAt),
      updated_at: iso(scoredAt),
      score_state: pending ? 'PENDING_SCORE' : 'SCORED',
      ...(pending
        ? {}
        : {
            score: {
              user_calibrating: false,
              recovery_score: intBetween(rng, 21, 98),
              resting_heart_rate: intBetween(rng, 44, 64),
              hrv_rmssd_milli: round(between(rng, 32, 110), 6),
              spo2_percentage: round(between(rng, 94, 99), 4),
              skin_temp_celsius: round(between(rng, 32.6, 34.4), 5),
            },
          }),
    });
    const dayLocal = dateToMs(d);
    if (!current && rng() < 0.15) {
      const start = utc(dayLocal + 14 * 3_600_000 + intBetween(rng, 0, 60) * 60_000);
      const end = start + intBetween(rng, 20, 45) * 60_000;
      sleeps.push({
        id: whoopUuid(seed, userId, 'nap', d),
        cycle_id: cycleId,
        user_id: userId,
        created_at: iso(end + 600_000),
        updated_at: iso(end + 600_000),
        start: iso(start),
        end: iso(end),
        timezone_offset: tz,
        nap: true,
        score_state: 'SCORED',
        score: sleepScore(rng, end - start, true),
      });
    }
    if (!current && rng() < 0.65) {
      const sport = weighted(rng, GENERATED_SPORTS);
      const start = utc(dayLocal + 17 * 3_600_000 + intBetween(rng, 0, 150) * 60_000);
      const durationMs = intBetween(rng, 30, 90) * 60_000 + intBetween(rng, 0, 59) * 1000;
      const end = start + durationMs;
      const unscorable = i % 11 === 5;
      const speed = DISTANCE_SPEED_MPS[sport];
      const avg = intBetween(rng, 115, 160);
      workouts.push({
        id: whoopUuid(seed, userId, 'workout', d),
        user_id: userId,
        created_at: iso(end + 300_000),
        updated_at: iso(end + 300_000),
        start: iso(start),
        end: iso(end),
        timezone_offset: tz,
        sport_name: sport,
        score_state: unscorable ? 'UNSCORABLE' : 'SCORED',
        ...(unscorable
          ? {}
          : {
              score: {
                strain: round(between(rng, 5, 16), 4),
                average_heart_rate: avg,
                max_heart_rate: avg + intBetween(rng, 15, 35),
                kilojoule: round(between(rng, 900, 3_200), 3),
                percent_recorded: 100,
                ...(speed
                  ? {
                      distance_meter: round((durationMs / 1000) * between(rng, speed[0], speed[1]), 1),
                      altitude_gain_meter: round(between(rng, 0, 120), 1),
                      altitude_change_meter: round(between(rng, -5, 5), 1),
                    }
                  : {}),
                zone_durations: zones(rng, durationMs),
              },
            }),
      });
    }
  }
  const byStartDesc = <T extends { start: string }>(a: T, b: T) => Date.parse(b.start) - Date.parse(a.start);
  cycles.sort(byStartDesc);
  sleeps.sort(byStartDesc);
  workouts.sort(byStartDesc);
  const sleepStart = new Map(sleeps.map((s) => [s.id, Date.parse(s.start)]));
  recoveries.sort((a, b) => (sleepStart.get(b.sleep_id) ?? 0) - (sleepStart.get(a.sleep_id) ?? 0));
  const rng = rngFor(seed, userId, 'profile');
  return {
    profile: { user_id: userId, email: `athlete${userId}@example.com`, first_name: 'Sim', last_name: `Athlete ${userId % 1000}`, },
    body: { height_meter: round(between(rng, 1.6, 1.95), 4), weight_kilogram: round(between(rng, 55, 95), 4), max_heart_rate: intBetween(rng, 178, 200) },
    offsetMinutes,
    cycles,
    sleeps,
    recoveries,
    workouts,
  };
}
