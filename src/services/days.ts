/**
 * Days: one entry per local date with every provider's records, and the "primary" record of each
 * kind picked by provider priority. GraphQL's `Day` type and MCP's tools both read days through
 * the same loader (src/graphql/loaders/days.ts) and pick primaries with the same functions here.
 */
import type { Config } from '../config.js';
import type { DailyActivity, Recovery, SleepSession, Workout } from '../generated/prisma/client.js';
import { dateRange } from '../graphql/dates.js';
import { RECORD_TABLES, TABLE_COLUMNS, planKey, type ColumnPlan } from '../graphql/loaders/day-columns.js';
import type { ReadContext } from './context.js';

export interface DayRecords {
  date: string;
  workouts: Workout[];
  sleep: SleepSession[];
  recovery: Recovery[];
  activity: DailyActivity[];
}

export function pickByPriority<T extends { provider: string }>(records: T[], priority: readonly string[]): T | null {
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

/** The night's main sleep by PROVIDER_PRIORITY_SLEEP (any sleep period if no main one). */
export const primarySleep = (day: Pick<DayRecords, 'sleep'>, config: Config) =>
  pickByPriority(day.sleep.filter((s) => s.type === 'MAIN'), config.providerPriority.sleep) ?? pickByPriority(day.sleep, config.providerPriority.sleep);
export const primaryRecovery = (day: Pick<DayRecords, 'recovery'>, config: Config) => pickByPriority(day.recovery, config.providerPriority.recovery);
export const primaryActivity = (day: Pick<DayRecords, 'activity'>, config: Config) => pickByPriority(day.activity, config.providerPriority.activity);
/** Each session once: workouts that are not another provider's duplicate. */
export const primaryWorkouts = (day: Pick<DayRecords, 'workouts'>) => day.workouts.filter((w) => w.duplicateOfId === null);

/** Columns too large for summaries (hypnograms, zone lists, provider extras); detail look-ups read them by id. */
const LARGE_COLUMNS = new Set(['hypnogram', 'heartRateZones', 'extras', 'rawPayloadId', 'createdAt', 'updatedAt']);
const SUMMARY_PLAN: ColumnPlan = Object.fromEntries(
  RECORD_TABLES.map((table) => [table, TABLE_COLUMNS[table].filter((c) => !LARGE_COLUMNS.has(c)).sort()]),
) as unknown as ColumnPlan;
const SUMMARY_PLAN_KEY = planKey(SUMMARY_PLAN);
const EXTRAS_PLAN: ColumnPlan = Object.fromEntries(
  RECORD_TABLES.map((table) => [table, TABLE_COLUMNS[table].filter((c) => c === 'extras' || !LARGE_COLUMNS.has(c)).sort()]),
) as unknown as ColumnPlan;
const EXTRAS_PLAN_KEY = planKey(EXTRAS_PLAN);

/**
 * The days of one user from `from` to `to` (validated, at most `maxDays`), every column but the
 * large ones (with `extras` when asked: provider score contributors live there).
 */
export async function loadDays(ctx: ReadContext, userId: string, from: string, to: string, options: { maxDays?: number; extras?: boolean } = {}): Promise<DayRecords[]> {
  dateRange(from, to, options.maxDays);
  const [columns, columnsKey] = options.extras ? [EXTRAS_PLAN, EXTRAS_PLAN_KEY] : [SUMMARY_PLAN, SUMMARY_PLAN_KEY];
  return ctx.loaders.days.load({ userId, from, to, columns, columnsKey }) as Promise<DayRecords[]>;
}
