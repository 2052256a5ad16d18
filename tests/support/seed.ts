/**
 * Writes normalized records for two providers straight into the database, for API tests that are
 * about reading (the sync tests produce their data through the real providers' fakes instead).
 */
import type { PrismaClient } from '../../src/generated/prisma/client.js';
import { addDays, parseLocalDate } from '../../src/normalize/time.js';

export interface SeedOptions {
  users: number;
  days: number;
  /** First local date, 'YYYY-MM-DD'. */
  from: string;
  /** UTC offset of every seeded user, minutes. */
  utcOffsetMinutes?: number;
}

export async function seedTwoProviders(prisma: PrismaClient, options: SeedOptions): Promise<string[]> {
  const offset = options.utcOffsetMinutes ?? 120;
  const userIds: string[] = [];
  for (let u = 0; u < options.users; u++) {
    const user = await prisma.user.create({ data: { externalId: `seed-${u}-${Math.random().toString(36).slice(2, 8)}` } });
    userIds.push(user.id);
    const workouts = [];
    const sleeps = [];
    const recoveries = [];
    const activities = [];
    for (let d = 0; d < options.days; d++) {
      const localDate = addDays(parseLocalDate(options.from), d);
      const localMidnightUtc = new Date(localDate.getTime() - offset * 60_000);
      const at = (hours: number) => new Date(localMidnightUtc.getTime() + hours * 3_600_000);
      const base = { userId: user.id, utcOffsetMinutes: offset, localDate };
      if (d % 2 === 0) {
        workouts.push({
          ...base,
          provider: 'POLAR' as const,
          providerRecordId: `ex-${u}-${d}`,
          sourceDevice: 'Polar Vantage V3',
          startTime: at(18),
          endTime: at(19),
          sport: 'RUNNING' as const,
          providerSport: 'RUNNING/RUNNING_ROAD',
          durationSeconds: 3600,
          distanceMeters: 10_000 + d,
          energyKcal: 650,
          averageHeartRateBpm: 145,
          maxHeartRateBpm: 172,
          trainingLoad: 80 + d,
        });
      }
      sleeps.push({
        ...base,
        provider: 'OURA' as const,
        providerRecordId: `sl-${u}-${d}`,
        sourceDevice: 'Oura Ring Gen3',
        startTime: at(-1.5),
        endTime: at(6.5),
        totalSleepSeconds: 7 * 3600 + d,
        deepSleepSeconds: 5400,
        score: 70 + (d % 30),
      });
      recoveries.push(
        { ...base, provider: 'POLAR' as const, providerRecordId: `nr-${u}-${d}`, startTime: at(0), hrvRmssdMs: 40 + (d % 20), nightlyRechargeStatus: 1 + (d % 6), ansCharge: (d % 20) - 10 },
        { ...base, provider: 'OURA' as const, providerRecordId: `rd-${u}-${d}`, startTime: at(0), readinessScore: 60 + (d % 40), skinTemperatureDeviationCelsius: 0.1 },
      );
      activities.push({ ...base, provider: 'OURA' as const, providerRecordId: `ac-${u}-${d}`, startTime: at(0), steps: 8000 + d });
    }
    await prisma.workout.createMany({ data: workouts });
    await prisma.sleepSession.createMany({ data: sleeps });
    await prisma.recovery.createMany({ data: recoveries });
    await prisma.dailyActivity.createMany({ data: activities });
  }
  return userIds;
}

export const userGlobalId = (id: string) => Buffer.from(`User:${id}`).toString('base64');
