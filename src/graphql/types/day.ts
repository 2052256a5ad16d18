import type { DailyActivity, Recovery, SleepSession, Workout } from '../../generated/prisma/client.js';
import { primaryActivity, primaryRecovery, primarySleep, primaryWorkouts } from '../../services/days.js';
import type { StoredScore } from '../../derived/store.js';
import { builder } from '../builder.js';
import { DailyActivityRef } from './daily-activity.js';
import { DayScoresRef } from './score.js';
import { RecoveryRef } from './recovery.js';
import { SleepSessionRef } from './sleep-session.js';
import { WorkoutRef } from './workout.js';

export interface DayShape {
  userId: string;
  date: string;
  /** The day's stored scores when the selection asks for them (read in the days statement). */
  scores: StoredScore[] | null;
  workouts: Workout[];
  sleep: SleepSession[];
  recovery: Recovery[];
  activity: DailyActivity[];
  /** The following local date (User.days loads it when the selection asks for nextNight). */
  next?: DayShape | null;
}

/** The night after a day: sleep that ended, and recovery measured, on the morning of the next local date. */
const NightRef = builder.objectRef<DayShape>('Night').implement({
  description:
    "The night after a day: the sleep and recovery filed under the next local date (sleep belongs to the morning it ended). " +
    'Lets one days query set a day\'s training load against the recovery that followed it.',
  fields: (t) => ({
    date: t.field({ type: 'LocalDate', description: 'The local date of the morning the night ended (the day after).', resolve: (d) => d.date }),
    sleep: t.field({ type: [SleepSessionRef], description: 'Sleep periods that ended that morning, from every provider.', resolve: (d) => d.sleep }),
    recovery: t.field({ type: [RecoveryRef], description: "That night's recovery, from every provider.", resolve: (d) => d.recovery }),
    primarySleep: t.field({ type: SleepSessionRef, nullable: true, description: 'The main sleep by PROVIDER_PRIORITY_SLEEP (as Day.primarySleep).', resolve: (d, _a, ctx) => primarySleep(d, ctx.config) }),
    primaryRecovery: t.field({ type: RecoveryRef, nullable: true, description: 'Recovery by PROVIDER_PRIORITY_RECOVERY (as Day.primaryRecovery).', resolve: (d, _a, ctx) => primaryRecovery(d, ctx.config) }),
  }),
});

export const DayRef = builder.objectRef<DayShape>('Day');
DayRef.implement({
  description: "One local calendar day of a user, with every provider's records for it.",
  fields: (t) => ({
    date: t.field({ type: 'LocalDate', description: 'The local date.', resolve: (d) => d.date }),
    workouts: t.field({ type: [WorkoutRef], description: 'Workouts that started on this date, from every provider, by start time.', resolve: (d) => d.workouts }),
    sleep: t.field({ type: [SleepSessionRef], description: 'Sleep periods that ended on the morning of this date, from every provider.', resolve: (d) => d.sleep }),
    recovery: t.field({ type: [RecoveryRef], description: "This night's recovery (Nightly Recharge, readiness), from every provider.", resolve: (d) => d.recovery }),
    activity: t.field({ type: [DailyActivityRef], description: 'Activity summaries of this date, from every provider.', resolve: (d) => d.activity }),
    primarySleep: t.field({
      type: SleepSessionRef,
      nullable: true,
      description: "The night's main sleep from the provider ranked first by PROVIDER_PRIORITY_SLEEP (default oura,polar) that has one.",
      resolve: (d, _args, ctx) => primarySleep(d, ctx.config),
    }),
    primaryRecovery: t.field({
      type: RecoveryRef,
      nullable: true,
      description: 'Recovery from the provider ranked first by PROVIDER_PRIORITY_RECOVERY (default oura,polar).',
      resolve: (d, _args, ctx) => primaryRecovery(d, ctx.config),
    }),
    primaryActivity: t.field({
      type: DailyActivityRef,
      nullable: true,
      description: 'Activity from the provider ranked first by PROVIDER_PRIORITY_ACTIVITY (default polar,oura).',
      resolve: (d, _args, ctx) => primaryActivity(d, ctx.config),
    }),
    scores: t.field({
      type: DayScoresRef,
      description: "The gateway's own open scores of this day (docs/scores/), from any provider's records, each explained.",
      resolve: (d) => ({ date: d.date, byKind: new Map((d.scores ?? []).map((s) => [s.kind, s])) }),
    }),
    nextNight: t.field({
      type: NightRef,
      description: "The night after this day (the next local date's sleep and recovery), loaded in the same statement as the days: training load against next-night recovery in one query.",
      resolve: (d) => d.next ?? { userId: d.userId, date: d.date, scores: null, workouts: [], sleep: [], recovery: [], activity: [] },
    }),
    primaryWorkouts: t.field({
      type: [WorkoutRef],
      description: 'Each session once: workouts that are not a duplicate of another provider\'s record (see Workout.duplicateOf; PROVIDER_PRIORITY_WORKOUT).',
      resolve: (d) => primaryWorkouts(d),
    }),
  }),
});
