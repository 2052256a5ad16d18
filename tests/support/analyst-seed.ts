/**
 * Seeded data for the analyst questions (tests/analysts/): two users, one at UTC+2 and one at UTC-7,
 * 90 local days from Monday 2026-01-05, with two providers overlapping (so priority choices and
 * duplicate workouts matter), weights, a month of 5-minute heart rate for the first user, and
 * sleep scores. Values follow simple formulas of the day index d so hand-written SQL can check them.
 */
import type { PrismaClient } from '../../src/generated/prisma/client.js';
import { addDays, parseLocalDate } from '../../src/normalize/time.js';

export const ANALYST_FROM = '2026-01-05';
export const ANALYST_DAYS = 90;

export interface AnalystUsers {
  /** UTC+2 */
  east: string;
  /** UTC-7 */
  west: string;
}

export async function seedAnalystData(prisma: PrismaClient, scoreHash: string): Promise<AnalystUsers> {
  const east = await seedUser(prisma, 120, 0, true, scoreHash);
  const west = await seedUser(prisma, -420, 1, false, scoreHash);
  return { east, west };
}

async function seedUser(prisma: PrismaClient, offset: number, u: number, heartRate: boolean, scoreHash: string): Promise<string> {
  const user = await prisma.user.create({ data: { externalId: `analyst-${u}-${Math.random().toString(36).slice(2, 8)}` } });
  const userId = user.id;
  const sleeps = [];
  const recoveries = [];
  const activities = [];
  const workouts = [];
  const measurements = [];
  const scores = [];
  const duplicates: { oura: string; polar: string }[] = [];
  for (let d = 0; d < ANALYST_DAYS; d++) {
    const localDate = addDays(parseLocalDate(ANALYST_FROM), d);
    const midnight = localDate.getTime() - offset * 60_000;
    const at = (hours: number) => new Date(midnight + hours * 3_600_000);
    const base = { userId, utcOffsetMinutes: offset, localDate };
    if (d % 7 !== 6) {
      sleeps.push({ ...base, provider: 'OURA' as const, providerRecordId: `os-${d}`, type: 'MAIN' as const, startTime: at(-1), endTime: at(7), totalSleepSeconds: 21_600 + ((d * 37) % 90) * 60 + u * 100, deepSleepSeconds: 3_600 + ((d * 13) % 40) * 60, score: 60 + (d % 35) });
    }
    if (d % 3 === 0 || d % 7 === 6) {
      sleeps.push({ ...base, provider: 'POLAR' as const, providerRecordId: `ps-${d}`, type: 'MAIN' as const, startTime: at(-0.5), endTime: at(6.5), totalSleepSeconds: 25_000 + d * 11, deepSleepSeconds: 4_000 + d });
    }
    // A nap never counts in the night's sleep metrics.
    if (d % 10 === 4) sleeps.push({ ...base, provider: 'OURA' as const, providerRecordId: `nap-${d}`, type: 'NAP' as const, startTime: at(14), endTime: at(14.5), totalSleepSeconds: 1_500 });
    if (d % 5 !== 0) recoveries.push({ ...base, provider: 'OURA' as const, providerRecordId: `or-${d}`, startTime: at(0), hrvRmssdMs: 40 + ((d * 7) % 25) + u, restingHeartRateBpm: 50 + (d % 9) });
    recoveries.push({ ...base, provider: 'POLAR' as const, providerRecordId: `pr-${d}`, startTime: at(0), hrvRmssdMs: 30 + ((d * 3) % 20), restingHeartRateBpm: 55 });
    activities.push(
      { ...base, provider: 'POLAR' as const, providerRecordId: `pa-${d}`, startTime: at(0), steps: 6_000 + ((d * 311) % 7_000), activeEnergyKcal: 400 + d },
      { ...base, provider: 'OURA' as const, providerRecordId: `oa-${d}`, startTime: at(0), steps: 5_000 + d },
    );
    if (d % 3 === 0) {
      // The west user runs late on Sundays: 23:30 local is the next day in UTC.
      const start = u === 1 && localDate.getUTCDay() === 0 ? at(23.5) : at(18);
      const duration = 1_800 + d * 10;
      workouts.push({ ...base, provider: 'POLAR' as const, providerRecordId: `run-${d}`, sport: 'RUNNING' as const, providerSport: 'RUNNING', startTime: start, endTime: new Date(start.getTime() + duration * 1000), durationSeconds: duration, distanceMeters: 5_000 + d * 50, trainingLoad: 50 + (d % 17) });
      if (d % 6 === 0) {
        workouts.push({ ...base, provider: 'OURA' as const, providerRecordId: `orun-${d}`, sport: 'RUNNING' as const, providerSport: 'running', startTime: start, endTime: new Date(start.getTime() + duration * 1000), durationSeconds: duration - 30, distanceMeters: 4_900 + d * 50 });
        duplicates.push({ oura: `orun-${d}`, polar: `run-${d}` });
      }
    }
    if (d % 4 === 1) {
      workouts.push({ ...base, provider: 'POLAR' as const, providerRecordId: `ride-${d}`, sport: 'CYCLING' as const, providerSport: 'CYCLING', startTime: at(7), endTime: at(8.5), durationSeconds: 5_400, distanceMeters: 30_000 + d * 100, trainingLoad: 90 + (d % 11) });
    }
    if (d % 7 === 2) {
      measurements.push({ ...base, provider: 'POLAR' as const, providerRecordId: `pi-${d}`, metric: 'weight_kg', startTime: at(7.25), value: 80 - d * 0.05 + u });
    }
    if (d % 8 !== 3) scores.push({ userId, parameterHash: scoreHash, localDate, kind: 'sleep', algorithmVersion: 'sleep/1', value: 50 + ((d * 5) % 45), detail: {} });
  }
  await prisma.sleepSession.createMany({ data: sleeps });
  await prisma.recovery.createMany({ data: recoveries });
  await prisma.dailyActivity.createMany({ data: activities });
  await prisma.workout.createMany({ data: workouts });
  await prisma.measurement.createMany({ data: measurements });
  await prisma.dailyScore.createMany({ data: scores });
  for (const dup of duplicates) {
    const polar = await prisma.workout.findFirstOrThrow({ where: { userId, providerRecordId: dup.polar } });
    await prisma.workout.updateMany({ where: { userId, providerRecordId: dup.oura }, data: { duplicateOfId: polar.id } });
  }
  if (heartRate) {
    // March 2026, one sample every 5 minutes (8,928 samples), plus one each 2.5 minutes on March 1st.
    const start = Date.parse('2026-03-01T00:00:00Z');
    const samples = [];
    for (let i = 0; i < 31 * 288; i++) samples.push({ userId, provider: 'POLAR' as const, time: new Date(start + i * 300_000), utcOffsetMinutes: offset, bpm: 50 + ((i * 7) % 60) });
    for (let i = 0; i < 288; i++) samples.push({ userId, provider: 'OURA' as const, time: new Date(start + i * 300_000 + 150_000), utcOffsetMinutes: offset, bpm: 45 + (i % 30) });
    await prisma.heartRateSample.createMany({ data: samples });
  }
  return userId;
}
