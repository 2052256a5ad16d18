/**
 * `User.summary(from, to, groupBy)`: sleep, recovery, activity and workouts by sport per ISO week or
 * calendar month of local dates, aggregated in the database (src/services/summary.ts).
 */
import type { ArgumentCheckExtensions } from '../../http/use-argument-checks.js';
import {
  MAX_SUMMARY_DAYS,
  SUMMARY_PERIODS,
  type ActivitySummary,
  type RecoverySummary,
  type SleepSummary,
  type SportSummary,
  type SummaryPeriod,
  type SummaryPeriodKind,
  type WorkoutTotals,
} from '../../services/summary.js';
import { builder } from '../builder.js';
import { WorkoutSportEnum } from './enums.js';

export const SummaryGroupByEnum = builder.enumType('SummaryGroupBy', {
  description: "The periods of User.summary, on the wearer's local dates.",
  values: Object.fromEntries(
    SUMMARY_PERIODS.map((p) => [p, { value: p, description: p === 'WEEK' ? 'ISO weeks, Monday to Sunday.' : 'Calendar months.' }]),
  ) as Record<SummaryPeriodKind, { value: SummaryPeriodKind; description: string }>,
});

const avg = (what: string) => ({ nullable: true, description: `Mean over the period's dates that have it: ${what}.` }) as const;

const SleepSummaryRef = builder.objectRef<SleepSummary>('SleepSummary').implement({
  description: "The nights' main sleep (naps never count); per date and field, the first provider in PROVIDER_PRIORITY_SLEEP that has a value.",
  fields: (t) => ({
    nights: t.exposeInt('nights', { description: 'Local dates of the period (inside from..to) with a main sleep.' }),
    averageTotalSleepSeconds: t.exposeFloat('averageTotalSleepSeconds', avg('time asleep, seconds')),
    averageTimeInBedSeconds: t.exposeFloat('averageTimeInBedSeconds', avg('time in bed, seconds')),
    averageDeepSleepSeconds: t.exposeFloat('averageDeepSleepSeconds', avg('deep sleep, seconds')),
    averageLightSleepSeconds: t.exposeFloat('averageLightSleepSeconds', avg('light sleep, seconds')),
    averageRemSleepSeconds: t.exposeFloat('averageRemSleepSeconds', avg('REM sleep, seconds')),
    averageAwakeSeconds: t.exposeFloat('averageAwakeSeconds', avg('time awake, seconds')),
    averageEfficiencyPercent: t.exposeFloat('averageEfficiencyPercent', avg('sleep efficiency, percent')),
    averageScore: t.exposeFloat('averageScore', avg("the provider's sleep score")),
  }),
});

const RecoverySummaryRef = builder.objectRef<RecoverySummary>('RecoverySummary').implement({
  description: 'Nightly recovery; per date and field, the first provider in PROVIDER_PRIORITY_RECOVERY that has a value.',
  fields: (t) => ({
    nights: t.exposeInt('nights', { description: 'Local dates of the period (inside from..to) with a recovery record.' }),
    averageHrvRmssdMs: t.exposeFloat('averageHrvRmssdMs', avg('HRV (RMSSD), ms')),
    averageRestingHeartRateBpm: t.exposeFloat('averageRestingHeartRateBpm', avg('resting heart rate, bpm')),
    averageReadinessScore: t.exposeFloat('averageReadinessScore', avg("the provider's readiness score")),
  }),
});

const ActivitySummaryRef = builder.objectRef<ActivitySummary>('ActivitySummary').implement({
  description: 'Daily activity; per date and field, the first provider in PROVIDER_PRIORITY_ACTIVITY that has a value.',
  fields: (t) => ({
    days: t.exposeInt('days', { description: 'Local dates of the period (inside from..to) with a daily-activity record.' }),
    totalSteps: t.exposeFloat('totalSteps', { nullable: true, description: 'Steps summed over the period.' }),
    averageSteps: t.exposeFloat('averageSteps', avg('steps a day')),
    totalActiveEnergyKcal: t.exposeFloat('totalActiveEnergyKcal', { nullable: true, description: 'Active energy summed over the period, kcal.' }),
    averageActiveEnergyKcal: t.exposeFloat('averageActiveEnergyKcal', avg('active energy a day, kcal')),
    totalDistanceMeters: t.exposeFloat('totalDistanceMeters', { nullable: true, description: 'Daily distance summed over the period, meters.' }),
  }),
});

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;
const totals = (t: PothosSchemaTypes.ObjectFieldBuilder<Types, WorkoutTotals>) => ({
  count: t.exposeInt('count', { description: 'Sessions (each once: another provider\'s duplicate is not counted).' }),
  durationSeconds: t.exposeFloat('durationSeconds', { description: 'Total duration, seconds.' }),
  distanceMeters: t.exposeFloat('distanceMeters', { nullable: true, description: 'Total distance of the sessions that have one, meters; null if none has.' }),
  trainingLoad: t.exposeFloat('trainingLoad', { nullable: true, description: 'Total training load of the sessions that have one; null if none has.' }),
  energyKcal: t.exposeFloat('energyKcal', { nullable: true, description: 'Total energy of the sessions that have one, kcal; null if none has.' }),
});

const SportSummaryRef = builder.objectRef<SportSummary>('SportSummary').implement({
  description: 'Workouts of one sport in the period.',
  fields: (t) => ({
    sport: t.field({ type: WorkoutSportEnum, description: 'The sport.', resolve: (s) => s.sport }),
    ...totals(t),
  }),
});

const WorkoutSummaryRef = builder.objectRef<SummaryPeriod['workouts']>('WorkoutSummary').implement({
  description: 'Workouts in the period, each session once, in total and per sport.',
  fields: (t) => ({
    ...totals(t),
    bySport: t.field({ type: [SportSummaryRef], description: 'Per sport (sports without sessions left out), by sport name.', resolve: (w) => w.bySport }),
  }),
});

const SummaryPeriodRef = builder.objectRef<SummaryPeriod>('SummaryPeriod').implement({
  description: 'One ISO week or calendar month of local dates: what the records inside from..to say about it.',
  fields: (t) => ({
    start: t.field({ type: 'LocalDate', description: "The period's first date (a Monday, or the 1st), even when before \"from\".", resolve: (p) => p.start }),
    end: t.field({ type: 'LocalDate', description: "The period's last date (a Sunday, or the month's last day), even when after \"to\".", resolve: (p) => p.end }),
    daysInRange: t.exposeInt('daysInRange', { description: 'How many of its dates lie inside from..to (the first and last periods may be cut).' }),
    sleep: t.field({ type: SleepSummaryRef, description: 'Sleep.', resolve: (p) => p.sleep }),
    recovery: t.field({ type: RecoverySummaryRef, description: 'Recovery.', resolve: (p) => p.recovery }),
    activity: t.field({ type: ActivitySummaryRef, description: 'Daily activity.', resolve: (p) => p.activity }),
    workouts: t.field({ type: WorkoutSummaryRef, description: 'Workouts.', resolve: (p) => p.workouts }),
  }),
});

const summaryChecks: ArgumentCheckExtensions = { maxRangeDays: MAX_SUMMARY_DAYS };

builder.prismaObjectFields('User', (t) => ({
  summary: t.field({
    type: [SummaryPeriodRef],
    description:
      `Sleep, recovery, activity and workouts by sport per ISO week or calendar month of local dates "from".."to" (inclusive, at most ${MAX_SUMMARY_DAYS} days), ` +
      'every period that overlaps the range, oldest first; only records dated inside the range count. Aggregated in the database: one statement per argument set, ' +
      'however many users. Per date and field, the first provider in PROVIDER_PRIORITY_* with a value (as User.series); workouts each session once.',
    extensions: summaryChecks as Record<string, unknown>,
    args: {
      from: t.arg({ type: 'LocalDate', required: true, description: 'First local date, inclusive.' }),
      to: t.arg({ type: 'LocalDate', required: true, description: `Last local date, inclusive; at most ${MAX_SUMMARY_DAYS} days from "from".` }),
      groupBy: t.arg({ type: SummaryGroupByEnum, required: true, description: 'WEEK (ISO, Monday first) or MONTH.' }),
    },
    resolve: (user, args, ctx) => ctx.loaders.summary.load({ userId: user.id, config: ctx.config, from: args.from, to: args.to, groupBy: args.groupBy }),
  }),
}));
