/**
 * Deterministic activities for a simulated Strava athlete: the SummaryActivity the list answers,
 * the DetailedActivity fields the detail adds, and the streams, all from (seed, athlete id, index).
 * Values hang together the way Strava's do: averages and maxima are those of the streams, distance
 * is the last distance sample, moving time excludes the pauses, start_date is UTC and
 * start_date_local is the local wall clock wrongly suffixed with Z.
 */
import { addDays, dateToMs, DAY_MS } from '../shared/calendar.js';
import { between, intBetween, pick, rngFor, type Rng } from '../shared/random.js';
import { sharedSessions } from '../shared/person.js';

/** Every stream type the simulator knows (Strava names). */
export const STREAM_TYPES = ['time', 'distance', 'latlng', 'altitude', 'velocity_smooth', 'heartrate', 'cadence', 'watts', 'temp', 'moving', 'grade_smooth'] as const;
export type StreamType = (typeof STREAM_TYPES)[number];

/** Seconds between stream samples (Strava's "smart recording" is irregular; a fixed step keeps the fake small). */
export const STREAM_STEP_SECONDS = 10;

export interface StravaStreams {
  time: number[];
  distance: number[];
  altitude: number[];
  velocity_smooth: number[];
  heartrate?: number[];
  cadence?: number[];
  watts?: number[];
}

/** One activity as the simulator keeps it: the API's fields plus its streams (absent for manual ones). */
export interface StravaActivity {
  id: number;
  athleteId: number;
  name: string;
  sport_type: string;
  type: string;
  start_date: string;
  start_date_local: string;
  timezone: string;
  utc_offset: number;
  distance: number;
  moving_time: number;
  elapsed_time: number;
  total_elevation_gain: number;
  average_speed: number;
  max_speed: number;
  has_heartrate: boolean;
  average_heartrate?: number;
  max_heartrate?: number;
  average_cadence?: number;
  average_watts?: number;
  max_watts?: number;
  kilojoules?: number;
  device_watts?: boolean;
  /** DetailedActivity only; 0 when the device recorded none (power rides rely on kilojoules). */
  calories: number;
  device_name: string | null;
  manual: boolean;
  private: boolean;
  visibility: 'everyone' | 'followers_only' | 'only_me';
  trainer: boolean;
  commute: boolean;
  streams: StravaStreams | null;
}

interface SportProfile {
  sport_type: string;
  /** Legacy `type` Strava still sends next to sport_type. */
  type: string;
  speed: [number, number];
  minutes: [number, number];
  cadence: [number, number] | null;
  power: boolean;
  trainer: boolean;
  weight: number;
}

const SPORTS: SportProfile[] = [
  { sport_type: 'Run', type: 'Run', speed: [2.6, 3.6], minutes: [25, 70], cadence: [82, 92], power: false, trainer: false, weight: 5 },
  { sport_type: 'TrailRun', type: 'Run', speed: [2.0, 2.9], minutes: [40, 110], cadence: [76, 88], power: false, trainer: false, weight: 1 },
  { sport_type: 'Ride', type: 'Ride', speed: [6.5, 9.0], minutes: [45, 150], cadence: [78, 92], power: true, trainer: false, weight: 3 },
  { sport_type: 'VirtualRide', type: 'VirtualRide', speed: [7.5, 10.0], minutes: [30, 75], cadence: [85, 95], power: true, trainer: true, weight: 2 },
  { sport_type: 'MountainBikeRide', type: 'Ride', speed: [3.5, 5.5], minutes: [50, 120], cadence: [70, 85], power: false, trainer: false, weight: 1 },
  { sport_type: 'Swim', type: 'Swim', speed: [0.7, 1.1], minutes: [25, 50], cadence: null, power: false, trainer: false, weight: 1 },
  { sport_type: 'Walk', type: 'Walk', speed: [1.2, 1.6], minutes: [20, 60], cadence: [52, 60], power: false, trainer: false, weight: 2 },
  { sport_type: 'WeightTraining', type: 'WeightTraining', speed: [0, 0], minutes: [30, 60], cadence: null, power: false, trainer: true, weight: 1 },
  { sport_type: 'Yoga', type: 'Yoga', speed: [0, 0], minutes: [30, 60], cadence: null, power: false, trainer: true, weight: 1 },
];

/** Time zones an athlete may live in: Strava's "(GMT+hh:mm) Area/City" and the offset in seconds. */
const ZONES: { timezone: string; offset: number }[] = [
  { timezone: '(GMT+01:00) Europe/Berlin', offset: 3600 },
  { timezone: '(GMT+00:00) Europe/London', offset: 0 },
  { timezone: '(GMT-05:00) America/New_York', offset: -18_000 },
  { timezone: '(GMT+10:00) Australia/Sydney', offset: 36_000 },
  { timezone: '(GMT-08:00) America/Los_Angeles', offset: -28_800 },
];

const DEVICES = ['Garmin Forerunner 965', 'Garmin Edge 840', 'Wahoo ELEMNT BOLT', 'COROS PACE 3', 'Apple Watch Series 9', 'Zwift'];

/** Strava's instant format: second precision, Z. */
export const stravaInstant = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

export interface AthleteProfile {
  id: number;
  firstname: string;
  lastname: string;
  timezone: string;
  utcOffsetSeconds: number;
  restingHr: number;
  maxHr: number;
  device: string;
}

export function athleteProfile(seed: number, id: number): AthleteProfile {
  const rng = rngFor(seed, 'strava-athlete', id);
  const zone = pick(rng, ZONES);
  return {
    id,
    firstname: pick(rng, ['Ana', 'Ben', 'Chloé', 'Dev', 'Emil', 'Fatou', 'Grace', 'Hiro']),
    lastname: pick(rng, ['Novak', 'Okafor', 'Lindqvist', 'Moreau', 'Tanaka', 'Silva']),
    timezone: zone.timezone,
    utcOffsetSeconds: zone.offset,
    restingHr: intBetween(rng, 45, 62),
    maxHr: intBetween(rng, 176, 198),
    device: pick(rng, DEVICES.slice(0, 5)),
  };
}

function pickSport(rng: Rng): SportProfile {
  let r = rng() * SPORTS.reduce((s, p) => s + p.weight, 0);
  for (const sport of SPORTS) {
    r -= sport.weight;
    if (r < 0) return sport;
  }
  return SPORTS[0];
}

/** One activity starting on local date `day` (sequence number `n` of the athlete, for its id). */
export function makeActivity(
  seed: number,
  athlete: AthleteProfile,
  day: string,
  n: number,
  overrides: Partial<StravaActivity> = {},
  startMinutes: [number, number] = [6 * 60, 19 * 60],
  /** A run uploaded from the person's Polar watch: its exact UTC start and length (src/sandbox/shared/person.ts). */
  uploaded?: { startMs: number; elapsedSeconds: number; device: string },
): StravaActivity {
  const rng = rngFor(seed, 'strava-activity', athlete.id, day, n);
  const drawnSport = pickSport(rng);
  const sport = uploaded ? SPORTS.find((s) => s.sport_type === 'Run')! : drawnSport;
  const manual = rng() < 0.08 && !uploaded;
  const privacy = rng();
  const visibility = privacy < 0.12 ? 'only_me' : privacy < 0.2 ? 'followers_only' : 'everyone';
  const drawnElapsed = intBetween(rng, sport.minutes[0] * 6, sport.minutes[1] * 6) * 10;
  const drawnLocalStart = dateToMs(day) + intBetween(rng, startMinutes[0], startMinutes[1]) * 60_000;
  const elapsed = uploaded ? Math.round(uploaded.elapsedSeconds / 10) * 10 : drawnElapsed;
  const localStartMs = uploaded ? uploaded.startMs + athlete.utcOffsetSeconds * 1000 : drawnLocalStart;
  const startMs = localStartMs - athlete.utcOffsetSeconds * 1000;
  const base: StravaActivity = {
    id: 9_000_000_000 + athlete.id * 10_000 + n,
    athleteId: athlete.id,
    name: `${day.slice(5)} ${sport.sport_type}`,
    sport_type: sport.sport_type,
    type: sport.type,
    start_date: stravaInstant(startMs),
    start_date_local: stravaInstant(localStartMs),
    timezone: athlete.timezone,
    utc_offset: athlete.utcOffsetSeconds,
    distance: 0,
    moving_time: elapsed,
    elapsed_time: elapsed,
    total_elevation_gain: 0,
    average_speed: 0,
    max_speed: 0,
    has_heartrate: false,
    calories: 0,
    device_name: uploaded ? uploaded.device : manual ? null : sport.sport_type === 'VirtualRide' ? 'Zwift' : athlete.device,
    manual,
    private: visibility === 'only_me',
    visibility,
    trainer: sport.trainer,
    commute: false,
    streams: null,
  };
  if (manual) {
    // Typed in by hand: a distance and a time, nothing measured, no streams.
    const speed = sport.speed[1] > 0 ? between(rng, sport.speed[0], sport.speed[1]) : 0;
    base.distance = round(speed * elapsed, 1);
    base.average_speed = round(speed, 3);
    base.max_speed = round(speed, 3);
    base.calories = round(elapsed / 60 * between(rng, 6, 11), 1);
    return { ...base, ...overrides };
  }
  const streams = makeStreams(rng, sport, athlete, elapsed);
  const moving = streams.velocity_smooth.filter((v, i) => i > 0 && (sport.speed[1] === 0 || v > 0.5)).length * STREAM_STEP_SECONDS;
  const hr = streams.heartrate!;
  const activity: StravaActivity = {
    ...base,
    distance: streams.distance.at(-1)!,
    moving_time: Math.min(elapsed, moving),
    total_elevation_gain: round(streams.altitude.reduce((sum, a, i) => (i > 0 && a > streams.altitude[i - 1] ? sum + a - streams.altitude[i - 1] : sum), 0), 1),
    max_speed: round(Math.max(...streams.velocity_smooth), 3),
    has_heartrate: true,
    average_heartrate: round(hr.reduce((s, v) => s + v, 0) / hr.length, 1),
    max_heartrate: Math.max(...hr),
    streams,
  };
  activity.average_speed = activity.moving_time > 0 ? round(activity.distance / activity.moving_time, 3) : 0;
  if (streams.cadence) activity.average_cadence = round(streams.cadence.reduce((s, v) => s + v, 0) / streams.cadence.length, 1);
  if (streams.watts) {
    const average = streams.watts.reduce((s, v) => s + v, 0) / streams.watts.length;
    activity.average_watts = round(average, 1);
    activity.max_watts = Math.max(...streams.watts);
    activity.kilojoules = round((average * elapsed) / 1000, 1);
    activity.device_watts = true;
  }
  // Power rides from a head unit often carry no calories: Strava's own estimate is then the work.
  activity.calories = streams.watts && rng() < 0.5 ? 0 : round((activity.moving_time / 60) * between(rng, 8, 13), 1);
  return { ...activity, ...overrides };
}

function makeStreams(rng: Rng, sport: SportProfile, athlete: AthleteProfile, elapsed: number): StravaStreams {
  const count = Math.floor(elapsed / STREAM_STEP_SECONDS) + 1;
  const time: number[] = [];
  const distance: number[] = [];
  const altitude: number[] = [];
  const velocity: number[] = [];
  const heartrate: number[] = [];
  const cadence: number[] | undefined = sport.cadence ? [] : undefined;
  const watts: number[] | undefined = sport.power ? [] : undefined;
  const cruise = between(rng, sport.speed[0], sport.speed[1]);
  const effort = between(rng, 0.68, 0.85);
  // One pause (traffic light, a drink) in most outdoor activities.
  const pauseAt = sport.trainer || sport.speed[1] === 0 ? -1 : intBetween(rng, Math.floor(count / 4), Math.floor((3 * count) / 4));
  let meters = 0;
  let alt = between(rng, 20, 600);
  let bpm = athlete.restingHr + 25;
  for (let i = 0; i < count; i++) {
    const paused = pauseAt >= 0 && i >= pauseAt && i < pauseAt + 6;
    const v = paused || sport.speed[1] === 0 ? 0 : Math.max(0, cruise * (1 + 0.08 * Math.sin(i / 9) + (rng() - 0.5) * 0.1));
    if (i > 0) meters += v * STREAM_STEP_SECONDS;
    alt += sport.trainer ? 0 : (rng() - 0.5) * 2.4;
    const target = athlete.restingHr + (athlete.maxHr - athlete.restingHr) * (paused ? effort - 0.2 : effort) * Math.min(1, 0.6 + i / 40);
    bpm += (target - bpm) * 0.25 + (rng() - 0.5) * 2;
    time.push(i * STREAM_STEP_SECONDS);
    distance.push(round(meters, 1));
    altitude.push(round(alt, 1));
    velocity.push(round(v, 3));
    heartrate.push(Math.round(bpm));
    cadence?.push(v === 0 && sport.speed[1] > 0 ? 0 : Math.round(between(rng, sport.cadence![0], sport.cadence![1])));
    watts?.push(v === 0 ? 0 : Math.round(between(rng, 150, 260) * (v / cruise)));
  }
  return { time, distance, altitude, velocity_smooth: velocity, heartrate, cadence, watts };
}

/** An athlete's generated history: `days` days ending on `today`, 0-2 activities a day. */
export function generateActivities(seed: number, athlete: AthleteProfile, today: string, days: number, person: number | null = null): StravaActivity[] {
  const activities: StravaActivity[] = [];
  let n = 0;
  for (let d = days - 1; d >= 0; d--) {
    const day = addDays(today, -d);
    const rng = rngFor(seed, 'strava-day', athlete.id, day);
    const count = rng() < 0.35 ? 0 : rng() < 0.8 ? 1 : 2;
    // Two on one day never overlap: a morning one (ends by 11:30) and an evening one.
    const slots: [number, number][] = count === 2 ? [[6 * 60, 9 * 60], [17 * 60, 19 * 60]] : [[6 * 60, 19 * 60]];
    for (let k = 0; k < count; k++) activities.push(makeActivity(seed, athlete, day, n++, {}, slots[k]));
  }
  // Sandbox: the person's runs recorded by their Polar watch and uploaded here (Polar Flow's
  // Strava sync); the same days as the Polar sandbox's, up to the day before yesterday.
  if (person !== null) {
    let shared = 9_000;
    for (let d = days - 1; d >= 2; d--) {
      for (const run of sharedSessions(seed, person, addDays(today, -d))) {
        const localDay = new Date(run.startMs + athlete.utcOffsetSeconds * 1000).toISOString().slice(0, 10);
        activities.push(makeActivity(seed, athlete, localDay, shared++, { name: 'Morning Run' }, undefined, { startMs: run.startMs, elapsedSeconds: run.durationSeconds, device: 'Polar Vantage V3' }));
      }
    }
  }
  activities.sort((a, b) => Date.parse(a.start_date) - Date.parse(b.start_date));
  return activities;
}

/** The list's SummaryActivity (resource_state 2): no calories, description or device name. */
export function summaryOf(a: StravaActivity): Record<string, unknown> {
  const { streams: _s, athleteId, calories: _c, device_name: _d, ...fields } = a;
  return { resource_state: 2, athlete: { id: athleteId, resource_state: 1 }, ...fields, external_id: a.manual ? null : `${a.id}.fit`, upload_id: a.manual ? null : a.id + 1 };
}

/** The detail's DetailedActivity (resource_state 3). */
export function detailOf(a: StravaActivity): Record<string, unknown> {
  return { ...summaryOf(a), resource_state: 3, calories: a.calories, device_name: a.device_name, description: null };
}

export { DAY_MS };
