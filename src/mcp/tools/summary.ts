/**
 * summary_by_period: per ISO week or calendar month, what GraphQL's `User.summary` answers (the
 * same service, through the same per-request loader): sleep, recovery, activity and workouts by
 * sport, in the units the other tools use (hours, minutes, km).
 */
import type { McpServer } from '@modelcontextprotocol/server';
import * as z from 'zod/v4';
import type { Logger } from '../../logger.js';
import { MAX_SUMMARY_DAYS, type SummaryPeriod, type WorkoutTotals } from '../../services/summary.js';
import { dateWindow, resolveUser, toGlobalId, type McpCall } from '../context.js';
import { defineTool, fromArg, localDate, num, r1, toArg, userArg } from '../tool.js';

const DEFAULT_DAYS = 84;

const totalsOut = {
  count: z.number(),
  total_minutes: z.number(),
  distance_km: num,
  training_load: num,
  energy_kcal: num,
};

const periodOut = z.object({
  start: localDate.describe("The period's first date (a Monday, or the 1st), even when before from."),
  end: localDate.describe("The period's last date (a Sunday, or the month's last day), even when after to."),
  days_in_range: z.number().describe('How many of its dates lie inside from..to.'),
  sleep: z.object({
    nights: z.number(),
    avg_total_sleep_hours: num,
    avg_time_in_bed_hours: num,
    avg_deep_minutes: num,
    avg_light_minutes: num,
    avg_rem_minutes: num,
    avg_awake_minutes: num,
    avg_efficiency_pct: num,
    avg_score: num.describe("The providers' sleep scores."),
  }),
  recovery: z.object({ nights: z.number(), avg_hrv_rmssd_ms: num, avg_resting_hr_bpm: num, avg_readiness: num }),
  activity: z.object({ days: z.number(), total_steps: num, avg_steps: num, total_active_energy_kcal: num, avg_active_energy_kcal: num, total_distance_km: num }),
  workouts: z.object({ ...totalsOut, by_sport: z.array(z.object({ sport: z.string(), ...totalsOut })) }),
});

const totals = (w: WorkoutTotals) => ({
  count: w.count,
  total_minutes: r1(w.durationSeconds, 1 / 60, 0)!,
  distance_km: r1(w.distanceMeters, 1 / 1000, 2),
  training_load: r1(w.trainingLoad),
  energy_kcal: r1(w.energyKcal, 1, 0),
});

function periodRow(p: SummaryPeriod): z.infer<typeof periodOut> {
  const { sleep: s, recovery: r, activity: a } = p;
  return {
    start: p.start,
    end: p.end,
    days_in_range: p.daysInRange,
    sleep: {
      nights: s.nights,
      avg_total_sleep_hours: r1(s.averageTotalSleepSeconds, 1 / 3600, 2),
      avg_time_in_bed_hours: r1(s.averageTimeInBedSeconds, 1 / 3600, 2),
      avg_deep_minutes: r1(s.averageDeepSleepSeconds, 1 / 60, 0),
      avg_light_minutes: r1(s.averageLightSleepSeconds, 1 / 60, 0),
      avg_rem_minutes: r1(s.averageRemSleepSeconds, 1 / 60, 0),
      avg_awake_minutes: r1(s.averageAwakeSeconds, 1 / 60, 0),
      avg_efficiency_pct: r1(s.averageEfficiencyPercent, 1, 0),
      avg_score: r1(s.averageScore),
    },
    recovery: { nights: r.nights, avg_hrv_rmssd_ms: r1(r.averageHrvRmssdMs), avg_resting_hr_bpm: r1(r.averageRestingHeartRateBpm), avg_readiness: r1(r.averageReadinessScore) },
    activity: {
      days: a.days,
      total_steps: a.totalSteps,
      avg_steps: r1(a.averageSteps, 1, 0),
      total_active_energy_kcal: r1(a.totalActiveEnergyKcal, 1, 0),
      avg_active_energy_kcal: r1(a.averageActiveEnergyKcal, 1, 0),
      total_distance_km: r1(a.totalDistanceMeters, 1 / 1000, 2),
    },
    workouts: { ...totals(p.workouts), by_sport: p.workouts.bySport.map((w) => ({ sport: w.sport, ...totals(w) })) },
  };
}

export function registerSummaryTool(server: McpServer, call: McpCall, logger: Logger) {
  defineTool(
    server,
    call,
    logger,
    'summary_by_period',
    {
      title: 'Weekly or monthly summary',
      description:
        'Per ISO week (Monday-Sunday) or calendar month of local dates: nights of sleep and their averages, recovery averages (HRV, resting HR, readiness), ' +
        'activity totals and averages, and workouts (count, minutes, distance, load, energy) in total and by sport, each session once. Per date and field the ' +
        `provider ranked first (PROVIDER_PRIORITY_*). Default: weeks over the last ${DEFAULT_DAYS} days; at most ${MAX_SUMMARY_DAYS} days.`,
      input: z.object({
        user: userArg,
        group_by: z.enum(['week', 'month']).default('week').describe('week (ISO, Monday first) or month.'),
        from: fromArg(DEFAULT_DAYS, MAX_SUMMARY_DAYS),
        to: toArg,
      }),
      output: z.object({ user_id: z.string(), from: localDate, to: localDate, group_by: z.enum(['week', 'month']), periods: z.array(periodOut) }),
    },
    async (args, c) => {
      const user = await resolveUser(c, args.user);
      const { from, to } = dateWindow(c, args, DEFAULT_DAYS, MAX_SUMMARY_DAYS);
      const periods = (await c.loaders.summary.load({ userId: user.id, config: c.config, from, to, groupBy: args.group_by === 'week' ? 'WEEK' : 'MONTH' })).map(periodRow);
      const nights = periods.reduce((sum, p) => sum + p.sleep.nights, 0);
      const workouts = periods.reduce((sum, p) => sum + p.workouts.count, 0);
      return {
        data: { user_id: toGlobalId('User', user.id), from, to, group_by: args.group_by, periods },
        summary: `${from} to ${to} by ${args.group_by}: ${periods.length} period(s), ${nights} nights of sleep and ${workouts} workout(s) in all; averages use the provider ranked first per date.`,
      };
    },
  );
}
