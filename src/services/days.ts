/**
 * Days: one entry per local date with every provider's records, and the "primary" record of each
 * kind picked by provider priority. GraphQL's `Day` type and MCP's tools both read days through
 * the same loader (src/graphql/loaders/days.ts) and pick primaries with the same functions here.
 */
import type { Config } from '../config.js';
import type { StoredScore } from '../derived/store.js';
import type { DailyActivity, Recovery, SleepSession, Vo2MaxEstimate, Workout } from '../generated/prisma/client.js';
import { formatLocalDate } from '../normalize/time.js';
import { dateRange } from '../graphql/dates.js';
import { RECORD_TABLES, RECOVERY_VALUE_COLUMNS, TABLE_COLUMNS, planKey, type ColumnPlan } from '../graphql/loaders/day-columns.js';
import type { ReadContext } from './context.js';

export interface DayRecords {
  date: string;
  workouts: Workout[];
  sleep: SleepSession[];
  recovery: Recovery[];
  activity: DailyActivity[];
  /** The day's open scores (active parameter hash), when loaded with `scores: true`. */
  scores?: StoredScore[] | null;
  /** The providers' VO2max estimates of the day, when loaded with `vo2max: true`. */
  vo2max?: Vo2MaxEstimate[];
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
const hasRecoveryValues = (r: Recovery) => RECOVERY_VALUE_COLUMNS.some((c) => r[c] != null);
/** The night's recovery by PROVIDER_PRIORITY_RECOVERY among the rows with values (any row if none has one). */
export const primaryRecovery = (day: Pick<DayRecords, 'recovery'>, config: Config) =>
  pickByPriority(day.recovery.filter(hasRecoveryValues), config.providerPriority.recovery) ?? pickByPriority(day.recovery, config.providerPriority.recovery);
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

export interface LoadDaysOptions {
  maxDays?: number;
  /** Read `extras` too (provider score contributors, Oura SpO2 and stress live there). */
  extras?: boolean;
  /**
   * Read the day's open scores in the same statement (as GraphQL's Day.scores): 'values' only the
   * columns (value, status, reason, hash), 'inputs' with the records they read (their sources).
   */
  scores?: 'values' | 'inputs';
  /** Attach the providers' VO2max estimates (one more statement). */
  vo2max?: boolean;
}

const withScores = (plan: ColumnPlan, detailKeys: string[]): [ColumnPlan, string] => {
  const scored = { ...plan, scores: detailKeys };
  return [scored, planKey(scored)];
};
const PLANS: Record<string, [ColumnPlan, string]> = {
  summary: [SUMMARY_PLAN, SUMMARY_PLAN_KEY],
  extras: [EXTRAS_PLAN, EXTRAS_PLAN_KEY],
  summaryvalues: withScores(SUMMARY_PLAN, []),
  extrasvalues: withScores(EXTRAS_PLAN, []),
  summaryinputs: withScores(SUMMARY_PLAN, ['inputs']),
  extrasinputs: withScores(EXTRAS_PLAN, ['inputs']),
};

/**
 * The days of one user from `from` to `to` (validated, at most `maxDays`), every column but the
 * large ones, through the same loader as GraphQL's `User.days`; options add extras, scores and
 * VO2max estimates.
 */
export async function loadDays(ctx: ReadContext, userId: string, from: string, to: string, options: LoadDaysOptions = {}): Promise<DayRecords[]> {
  dateRange(from, to, options.maxDays);
  const [columns, columnsKey] = PLANS[`${options.extras ? 'extras' : 'summary'}${options.scores ?? ''}`];
  const [days, vo2] = await Promise.all([
    ctx.loaders.days.load({ userId, from, to, columns, columnsKey }) as Promise<DayRecords[]>,
    options.vo2max
      ? ctx.prisma.vo2MaxEstimate.findMany({ where: { userId, localDate: { gte: new Date(`${from}T00:00:00Z`), lte: new Date(`${to}T00:00:00Z`) } }, orderBy: [{ measuredAt: 'asc' }, { id: 'asc' }] })
      : null,
  ]);
  if (!vo2) return days;
  const byDate = new Map<string, Vo2MaxEstimate[]>();
  for (const v of vo2) {
    const date = formatLocalDate(v.localDate);
    byDate.set(date, [...(byDate.get(date) ?? []), v]);
  }
  return days.map((d) => ({ ...d, vo2max: byDate.get(d.date) ?? [] }));
}
