/**
 * Generated history of a simulated Garmin user: the summaries Garmin's Health and Activity APIs
 * push, in their field names and units (seconds since the epoch UTC, `*OffsetInSeconds` the
 * device's display offset). Deterministic per seed and user id.
 */
import { addDays, dateToMs, DAY_MS } from '../shared/calendar.js';
import { intBetween, rngFor, type Rng } from '../shared/random.js';

export type Summary = Record<string, unknown> & { summaryId: string; startTimeInSeconds?: number };

/** Push keys of the summary types the simulator generates (activityFiles are pings, see server.ts). */
export const HEALTH_KEYS = ['dailies', 'epochs', 'sleeps', 'hrv', 'stressDetails', 'userMetrics', 'bodyComps', 'pulseox', 'allDayRespiration', 'skinTemp', 'bloodPressures'] as const;
export const ACTIVITY_KEYS = ['activities', 'activityDetails'] as const;
export type SummaryKey = (typeof HEALTH_KEYS)[number] | (typeof ACTIVITY_KEYS)[number];

/** Backfill path name -> push key (they differ for three types). */
export const BACKFILL_PATHS: Readonly<Record<string, SummaryKey>> = {
  dailies: 'dailies',
  epochs: 'epochs',
  sleeps: 'sleeps',
  bodyComps: 'bodyComps',
  stressDetails: 'stressDetails',
  userMetrics: 'userMetrics',
  pulseOx: 'pulseox',
  respiration: 'allDayRespiration',
  hrv: 'hrv',
  bloodPressures: 'bloodPressures',
  skinTemp: 'skinTemp',
  activities: 'activities',
  activityDetails: 'activityDetails',
};
export const isActivityKey = (key: SummaryKey) => (ACTIVITY_KEYS as readonly string[]).includes(key);

export interface GeneratedUser {
  userId: string;
  offsetSeconds: number;
  /** Push key -> summaries, each with the instant it starts (for backfill ranges). */
  summaries: Map<SummaryKey, Summary[]>;
}

const STAGES = ['light', 'deep', 'light', 'rem', 'awake', 'light', 'deep', 'rem', 'light', 'awake'] as const;

/** One user's `days` of history ending on `today` (local dates). */
export function generateUser(seed: number, userId: string, offsetSeconds: number, today: string, days: number): GeneratedUser {
  const summaries = new Map<SummaryKey, Summary[]>([...HEALTH_KEYS, ...ACTIVITY_KEYS].map((k) => [k, []]));
  const add = (key: SummaryKey, summary: Summary) => summaries.get(key)!.push(summary);
  for (let i = days - 1; i >= 0; i--) {
    const date = addDays(today, -i);
    const rng = rngFor(seed, userId, date);
    // Local midnight of `date` as a UTC instant, in seconds.
    const midnight = (dateToMs(date) - offsetSeconds * 1000) / 1000;
    dayOf(rng, add, userId, date, midnight, offsetSeconds, i);
  }
  return { userId, offsetSeconds, summaries };
}

function dayOf(rng: Rng, add: (key: SummaryKey, s: Summary) => void, userId: string, date: string, midnight: number, offset: number, index: number): void {
  const uid = userId.slice(0, 8);
  const hr: Record<string, number> = {};
  for (let h = 0; h < 24; h += 3) hr[String(h * 3600)] = intBetween(rng, 55, 95);
  const active = intBetween(rng, 300, 900);
  add('dailies', {
    summaryId: `x${uid}-${midnight.toString(16)}`,
    calendarDate: date,
    activityType: 'GENERIC',
    startTimeInSeconds: midnight,
    startTimeOffsetInSeconds: offset,
    durationInSeconds: 86_400,
    steps: intBetween(rng, 4_000, 14_000),
    distanceInMeters: intBetween(rng, 3_000, 11_000),
    activeTimeInSeconds: intBetween(rng, 3_000, 9_000),
    activeKilocalories: active,
    bmrKilocalories: intBetween(rng, 1_600, 1_800),
    moderateIntensityDurationInSeconds: intBetween(rng, 600, 3_000),
    vigorousIntensityDurationInSeconds: intBetween(rng, 0, 1_800),
    floorsClimbed: intBetween(rng, 0, 20),
    minHeartRateInBeatsPerMinute: intBetween(rng, 45, 52),
    averageHeartRateInBeatsPerMinute: intBetween(rng, 62, 72),
    maxHeartRateInBeatsPerMinute: intBetween(rng, 140, 175),
    restingHeartRateInBeatsPerMinute: intBetween(rng, 48, 58),
    timeOffsetHeartRateSamples: hr,
    averageStressLevel: intBetween(rng, 20, 45),
    maxStressLevel: intBetween(rng, 70, 95),
    stressDurationInSeconds: intBetween(rng, 10_000, 20_000),
    restStressDurationInSeconds: intBetween(rng, 20_000, 30_000),
    stressQualifier: 'balanced',
    bodyBatteryChargedValue: intBetween(rng, 40, 70),
    bodyBatteryDrainedValue: intBetween(rng, 40, 70),
    stepsGoal: 10_000,
  });
  for (let q = 0; q < 4; q++) {
    const start = midnight + 8 * 3600 + q * 900;
    add('epochs', {
      summaryId: `x${uid}-${start.toString(16)}-WALKING`,
      activityType: 'WALKING',
      startTimeInSeconds: start,
      startTimeOffsetInSeconds: offset,
      durationInSeconds: 900,
      activeTimeInSeconds: intBetween(rng, 300, 900),
      steps: intBetween(rng, 200, 1_400),
      distanceInMeters: intBetween(rng, 150, 1_000),
      activeKilocalories: intBetween(rng, 10, 60),
      met: 3.1,
      intensity: 'ACTIVE',
      meanMotionIntensity: 3,
      maxMotionIntensity: 6,
    });
  }
  // The night that ends on this date starts the evening before, around 23:00 local.
  const sleepStart = midnight - 3600 + intBetween(rng, -1_800, 1_800);
  const levels: Record<string, { startTimeInSeconds: number; endTimeInSeconds: number }[]> = { deep: [], light: [], rem: [], awake: [] };
  let at = sleepStart;
  for (const stage of STAGES) {
    const length = stage === 'awake' ? intBetween(rng, 2, 12) * 60 : intBetween(rng, 30, 70) * 60;
    levels[stage].push({ startTimeInSeconds: at, endTimeInSeconds: at + length });
    at += length;
  }
  const total = (stage: string) => levels[stage].reduce((sum, l) => sum + l.endTimeInSeconds - l.startTimeInSeconds, 0);
  const score = intBetween(rng, 55, 95);
  const nap = index % 3 === 1;
  add('sleeps', {
    summaryId: `x${uid}-${sleepStart.toString(16)}-sleep`,
    calendarDate: date,
    startTimeInSeconds: sleepStart,
    startTimeOffsetInSeconds: offset,
    // Asleep only: awake time is not part of it (Garmin's definition).
    durationInSeconds: total('deep') + total('light') + total('rem'),
    deepSleepDurationInSeconds: total('deep'),
    lightSleepDurationInSeconds: total('light'),
    remSleepInSeconds: total('rem'),
    awakeDurationInSeconds: total('awake'),
    unmeasurableSleepInSeconds: 0,
    sleepLevelsMap: levels,
    validation: 'ENHANCED_FINAL',
    timeOffsetSleepRespiration: { '0': 14.5, '3600': 13.9 },
    timeOffsetSleepSpo2: { '0': 96, '3600': 95 },
    overallSleepScore: { value: score, qualifierKey: score >= 90 ? 'EXCELLENT' : score >= 80 ? 'GOOD' : score >= 60 ? 'FAIR' : 'POOR' },
    sleepScores: { totalDuration: { qualifierKey: 'GOOD' }, stress: { qualifierKey: 'FAIR' } },
    ...(nap ? { totalNapDurationInSeconds: 1_200, naps: [{ napDurationInSeconds: 1_200, napStartTimeInSeconds: midnight + 14 * 3600, napOffsetInSeconds: offset, napValidation: 'DEVICE' }] } : {}),
  });
  add('hrv', {
    summaryId: `x${uid}-${sleepStart.toString(16)}-hrv`,
    calendarDate: date,
    startTimeInSeconds: sleepStart,
    startTimeOffsetInSeconds: offset,
    durationInSeconds: at - sleepStart,
    lastNightAvg: intBetween(rng, 35, 75),
    lastNight5MinHigh: intBetween(rng, 80, 110),
    hrvValues: { '300': intBetween(rng, 30, 80), '600': intBetween(rng, 30, 80), '900': intBetween(rng, 30, 80) },
  });
  const stress: Record<string, number> = {};
  const battery: Record<string, number> = {};
  for (let h = 0; h < 24; h += 6) {
    stress[String(h * 3600)] = h === 0 ? -1 : intBetween(rng, 10, 80);
    battery[String(h * 3600)] = intBetween(rng, 20, 95);
  }
  add('stressDetails', {
    summaryId: `x${uid}-${midnight.toString(16)}-stress`,
    calendarDate: date,
    startTimeInSeconds: midnight,
    startTimeOffsetInSeconds: offset,
    durationInSeconds: 86_400,
    timeOffsetStressLevelValues: stress,
    timeOffsetBodyBatteryValues: battery,
  });
  add('userMetrics', { summaryId: `x${uid}-${date}-metrics`, calendarDate: date, startTimeInSeconds: midnight, vo2Max: 48 + (index % 3), vo2MaxCycling: 45 + (index % 2), enhanced: true, fitnessAge: 34 });
  add('pulseox', {
    summaryId: `x${uid}-${sleepStart.toString(16)}-spo2`,
    calendarDate: date,
    startTimeInSeconds: sleepStart,
    startTimeOffsetInSeconds: offset,
    durationInSeconds: 3_600,
    timeOffsetSpo2Values: { '0': 96, '60': 95, '120': 97 },
    onDemand: false,
  });
  add('allDayRespiration', {
    summaryId: `x${uid}-${midnight.toString(16)}-resp`,
    startTimeInSeconds: midnight,
    startTimeOffsetInSeconds: offset,
    durationInSeconds: 86_400,
    timeOffsetEpochToBreaths: { '0': 14.2, '3600': 13.8, '7200': 15.1 },
  });
  add('skinTemp', { summaryId: `x${uid}-${sleepStart.toString(16)}-skin`, calendarDate: date, startTimeInSeconds: sleepStart, startTimeOffsetInSeconds: offset, durationInSeconds: at - sleepStart, avgDeviationCelsius: Math.round((rng() - 0.5) * 100) / 100 });
  if (index % 7 === 0) {
    const measured = midnight + 7 * 3600;
    add('bodyComps', { summaryId: `x${uid}-${measured.toString(16)}-bc`, startTimeInSeconds: measured, measurementTimeInSeconds: measured, measurementTimeOffsetInSeconds: offset, weightInGrams: 72_000 + intBetween(rng, -900, 900), bodyFatInPercent: 18.5, bodyMassIndex: 22.9, muscleMassInGrams: 33_000, boneMassInGrams: 3_100, bodyWaterInPercent: 57.1 });
    add('bloodPressures', { summaryId: `x${uid}-${measured.toString(16)}-bp`, startTimeInSeconds: measured, measurementTimeInSeconds: measured, measurementTimeOffsetInSeconds: offset, systolic: intBetween(rng, 110, 128), diastolic: intBetween(rng, 68, 82), pulse: intBetween(rng, 52, 66), sourceType: 'MANUAL' });
  }
  if (index % 2 === 0) activityOf(rng, add, userId, midnight + 7 * 3600 + intBetween(rng, 0, 1_800), offset);
}

function activityOf(rng: Rng, add: (key: SummaryKey, s: Summary) => void, userId: string, start: number, offset: number): void {
  const activityId = 10_000_000_000 + (Number.parseInt(userId.slice(0, 6), 16) % 100_000) * 100_000 + (start % 100_000);
  const duration = intBetween(rng, 25, 45) * 60;
  const speed = Math.round((2.6 + rng()) * 100) / 100;
  const samples: Record<string, number>[] = [];
  let maxHr = 0;
  let sumHr = 0;
  for (let t = 0; t < duration; t += 30) {
    const heartRate = intBetween(rng, 125, 165);
    maxHr = Math.max(maxHr, heartRate);
    sumHr += heartRate;
    samples.push({ startTimeInSeconds: start + t, heartRate, speedMetersPerSecond: speed, totalDistanceInMeters: Math.round(speed * t), timerDurationInSeconds: t, clockDurationInSeconds: t, movingDurationInSeconds: t });
  }
  const summary = {
    activityId,
    activityName: 'Morning Run',
    activityType: 'RUNNING',
    startTimeInSeconds: start,
    startTimeOffsetInSeconds: offset,
    durationInSeconds: duration,
    distanceInMeters: Math.round(speed * duration),
    averageSpeedInMetersPerSecond: speed,
    averageHeartRateInBeatsPerMinute: Math.round(sumHr / samples.length),
    maxHeartRateInBeatsPerMinute: maxHr,
    activeKilocalories: Math.round(duration / 6),
    steps: Math.round(duration * 2.7),
    deviceName: 'forerunner965',
  };
  add('activities', { summaryId: String(activityId), ...summary });
  add('activityDetails', { summaryId: `${activityId}-detail`, activityId, startTimeInSeconds: start, summary, samples, laps: [{ startTimeInSeconds: start }] });
}

export const DAY_SECONDS = DAY_MS / 1000;
