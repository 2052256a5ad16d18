import type { DailyActivity, Recovery, SleepSession, Workout } from '../../generated/prisma/client.js';
import { builder } from '../builder.js';
import { DailyActivityRef } from './daily-activity.js';
import { RecoveryRef } from './recovery.js';
import { SleepSessionRef } from './sleep-session.js';
import { WorkoutRef } from './workout.js';

export interface DayShape {
  date: string;
  workouts: Workout[];
  sleep: SleepSession[];
  recovery: Recovery[];
  activity: DailyActivity[];
}

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
      resolve: (d, _args, ctx) => pickByPriority(d.sleep.filter((s) => s.type === 'MAIN'), ctx.config.providerPriority.sleep) ?? pickByPriority(d.sleep, ctx.config.providerPriority.sleep),
    }),
    primaryRecovery: t.field({
      type: RecoveryRef,
      nullable: true,
      description: 'Recovery from the provider ranked first by PROVIDER_PRIORITY_RECOVERY (default oura,polar).',
      resolve: (d, _args, ctx) => pickByPriority(d.recovery, ctx.config.providerPriority.recovery),
    }),
    primaryActivity: t.field({
      type: DailyActivityRef,
      nullable: true,
      description: 'Activity from the provider ranked first by PROVIDER_PRIORITY_ACTIVITY (default polar,oura).',
      resolve: (d, _args, ctx) => pickByPriority(d.activity, ctx.config.providerPriority.activity),
    }),
    primaryWorkouts: t.field({
      type: [WorkoutRef],
      description: 'Each session once: workouts that are not a duplicate of another provider\'s record (see Workout.duplicateOf; PROVIDER_PRIORITY_WORKOUT).',
      resolve: (d) => d.workouts.filter((w) => w.duplicateOfId === null),
    }),
  }),
});

function pickByPriority<T extends { provider: string }>(records: T[], priority: readonly string[]): T | null {
  let best: T | null = null;
  let bestRank = Infinity;
  for (const record of records) {
    const index = priority.indexOf(record.provider);
    const rank = index < 0 ? priority.length : index;
    if (rank < bestRank) {
      best = record;
      bestRank = rank;
    }
  }
  return best;
}
