/**
 * Per-period summaries (ISO weeks or calendar months of the wearer's local dates): sleep, recovery,
 * activity and workouts by sport, aggregated in the database in ONE statement per argument set,
 * however many users and periods. GraphQL (`User.summary`, src/graphql/types/summary.ts) and any
 * other API read through `readSummary`.
 *
 * Per local date and per field, the value of the first provider in PROVIDER_PRIORITY_* that has one
 * (sleep: the night's MAIN sleep, naps never count), so each average equals `User.series` of the
 * matching metric with MEAN over the same period when each provider files one record a date.
 * Workouts count each session once (not another provider's duplicate), per sport and in total.
 * Every period that overlaps from..to is returned (empty sections have zero counts and null
 * averages); only records dated from..to count.
 */
import type { Config } from '../config.js';
import type { ReadQuery } from '../db/database.js';
import type { WorkoutSport } from '../generated/prisma/enums.js';
import { addDays, formatLocalDate, parseLocalDate } from '../normalize/time.js';

export const SUMMARY_PERIODS = ['WEEK', 'MONTH'] as const;
export type SummaryPeriodKind = (typeof SUMMARY_PERIODS)[number];

/** Widest summary range (local dates, inclusive): about a year of weeks or months. */
export const MAX_SUMMARY_DAYS = 366;

export interface SummaryArgs {
  /** Local dates, inclusive. */
  from: string;
  to: string;
  groupBy: SummaryPeriodKind;
}

export interface SleepSummary {
  /** Local dates with a main sleep. */
  nights: number;
  averageTotalSleepSeconds: number | null;
  averageTimeInBedSeconds: number | null;
  averageDeepSleepSeconds: number | null;
  averageLightSleepSeconds: number | null;
  averageRemSleepSeconds: number | null;
  averageAwakeSeconds: number | null;
  averageEfficiencyPercent: number | null;
  averageScore: number | null;
}

export interface RecoverySummary {
  /** Local dates with a recovery record. */
  nights: number;
  averageHrvRmssdMs: number | null;
  averageRestingHeartRateBpm: number | null;
  averageReadinessScore: number | null;
}

export interface ActivitySummary {
  /** Local dates with a daily-activity record. */
  days: number;
  totalSteps: number | null;
  averageSteps: number | null;
  totalActiveEnergyKcal: number | null;
  averageActiveEnergyKcal: number | null;
  totalDistanceMeters: number | null;
}

export interface WorkoutTotals {
  count: number;
  durationSeconds: number;
  /** Sums over the sessions that have the field; null when none has it. */
  distanceMeters: number | null;
  trainingLoad: number | null;
  energyKcal: number | null;
}

export interface SportSummary extends WorkoutTotals {
  sport: WorkoutSport;
}

export interface SummaryPeriod {
  userId: string;
  /** The period's first local date (a Monday, or the 1st of the month). */
  start: string;
  /** The period's last local date (a Sunday, or the month's last day). */
  end: string;
  /** How many of the period's dates lie inside from..to (the first and last periods may be cut). */
  daysInRange: number;
  sleep: SleepSummary;
  recovery: RecoverySummary;
  activity: ActivitySummary;
  workouts: WorkoutTotals & { bySport: SportSummary[] };
}

/** Bind parameters as they are used: `bind(value, type)` returns the typed placeholder. */
function binder() {
  const params: unknown[] = [];
  const bind = (value: unknown, type: string) => `$${params.push(value)}::${type}`;
  return { params, bind };
}

/** Per (user, local date): for each field, the first non-null value in provider-priority order. */
function firstByPriority(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([alias, column]) => `(array_agg(r."${column}"::float8 ORDER BY r.rk, r."id") FILTER (WHERE r."${column}" IS NOT NULL))[1] AS ${alias}`)
    .join(',\n           ');
}

function ranked(table: string, priority: string, where: string): string {
  return `(SELECT x.*, coalesce(array_position(${priority}, x."provider"::text), 1000) AS rk FROM "${table}" x WHERE ${where})`;
}

const SLEEP_FIELDS = { total: 'totalSleepSeconds', bed: 'timeInBedSeconds', deep: 'deepSleepSeconds', light: 'lightSleepSeconds', rem: 'remSleepSeconds', awake: 'awakeSeconds', eff: 'efficiencyPercent', score: 'score' };
const RECOVERY_FIELDS = { hrv: 'hrvRmssdMs', rhr: 'restingHeartRateBpm', ready: 'readinessScore' };
const ACTIVITY_FIELDS = { steps: 'steps', energy: 'activeEnergyKcal', dist: 'distanceMeters' };

export function summaryStatement(userIds: readonly string[], args: SummaryArgs, priority: Config['providerPriority']): { sql: string; params: unknown[] } {
  const { params, bind } = binder();
  const unit = args.groupBy === 'WEEK' ? 'week' : 'month';
  const users = bind(userIds, 'text[]');
  const from = bind(args.from, 'date');
  const to = bind(args.to, 'date');
  const inRange = (alias: string) => `${alias}."userId" = ANY(${users}) AND ${alias}."localDate" BETWEEN ${from} AND ${to}`;
  const period = (column: string) => `date_trunc('${unit}', ${column}::timestamp)::date`;
  const avg = (c: string) => `avg(${c})::float8`;
  const sql = `
    WITH sleep_day AS (
      SELECT r."userId" AS u, r."localDate" AS d,
           ${firstByPriority(SLEEP_FIELDS)}
      FROM ${ranked('SleepSession', bind(priority.sleep, 'text[]'), `${inRange('x')} AND x."type" = 'MAIN'`)} r GROUP BY 1, 2
    ), recovery_day AS (
      SELECT r."userId" AS u, r."localDate" AS d,
           ${firstByPriority(RECOVERY_FIELDS)}
      FROM ${ranked('Recovery', bind(priority.recovery, 'text[]'), inRange('x'))} r GROUP BY 1, 2
    ), activity_day AS (
      SELECT r."userId" AS u, r."localDate" AS d,
           ${firstByPriority(ACTIVITY_FIELDS)}
      FROM ${ranked('DailyActivity', bind(priority.activity, 'text[]'), inRange('x'))} r GROUP BY 1, 2
    ), sleep_p AS (
      SELECT u, ${period('d')} AS p, count(*)::int AS nights, ${Object.keys(SLEEP_FIELDS).map((k) => `${avg(k)} AS ${k}`).join(', ')}
      FROM sleep_day GROUP BY 1, 2
    ), recovery_p AS (
      SELECT u, ${period('d')} AS p, count(*)::int AS nights, ${Object.keys(RECOVERY_FIELDS).map((k) => `${avg(k)} AS ${k}`).join(', ')}
      FROM recovery_day GROUP BY 1, 2
    ), activity_p AS (
      SELECT u, ${period('d')} AS p, count(*)::int AS days, sum(steps)::float8 AS steps, ${avg('steps')} AS steps_avg,
             sum(energy)::float8 AS energy, ${avg('energy')} AS energy_avg, sum(dist)::float8 AS dist
      FROM activity_day GROUP BY 1, 2
    ), sport_p AS (
      SELECT w."userId" AS u, ${period('w."localDate"')} AS p, w."sport"::text AS sport, count(*)::int AS n,
             sum(w."durationSeconds")::float8 AS duration, sum(w."distanceMeters")::float8 AS distance,
             sum(w."trainingLoad")::float8 AS load, sum(w."energyKcal")::float8 AS energy
      FROM "Workout" w WHERE ${inRange('w')} AND w."duplicateOfId" IS NULL GROUP BY 1, 2, 3
    ), workout_p AS (
      SELECT u, p, sum(n)::int AS n, sum(duration)::float8 AS duration, sum(distance)::float8 AS distance, sum(load)::float8 AS load, sum(energy)::float8 AS energy,
             json_agg(json_build_object('sport', sport, 'count', n, 'durationSeconds', duration, 'distanceMeters', distance, 'trainingLoad', load, 'energyKcal', energy) ORDER BY sport) AS sports
      FROM sport_p GROUP BY 1, 2
    ), periods AS (
      SELECT u.u, g.p::date AS p FROM unnest(${users}) AS u(u),
        generate_series(date_trunc('${unit}', ${from}::timestamp), ${to}::timestamp, interval '1 ${unit}') AS g(p)
    )
    SELECT pr.u AS "userId", to_char(pr.p, 'YYYY-MM-DD') AS "start",
           coalesce(s.nights, 0) AS "sleepNights", ${Object.keys(SLEEP_FIELDS).map((k) => `s.${k} AS "sleep_${k}"`).join(', ')},
           coalesce(r.nights, 0) AS "recoveryNights", ${Object.keys(RECOVERY_FIELDS).map((k) => `r.${k} AS "recovery_${k}"`).join(', ')},
           coalesce(a.days, 0) AS "activityDays", a.steps AS "activity_steps", a.steps_avg AS "activity_steps_avg", a.energy AS "activity_energy",
           a.energy_avg AS "activity_energy_avg", a.dist AS "activity_dist",
           coalesce(w.n, 0) AS "workoutCount", coalesce(w.duration, 0) AS "workout_duration", w.distance AS "workout_distance", w.load AS "workout_load",
           w.energy AS "workout_energy", w.sports AS "sports"
    FROM periods pr
      LEFT JOIN sleep_p s ON s.u = pr.u AND s.p = pr.p
      LEFT JOIN recovery_p r ON r.u = pr.u AND r.p = pr.p
      LEFT JOIN activity_p a ON a.u = pr.u AND a.p = pr.p
      LEFT JOIN workout_p w ON w.u = pr.u AND w.p = pr.p
    ORDER BY pr.u, pr.p`;
  return { sql, params };
}

const n = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function periodEnd(start: string, groupBy: SummaryPeriodKind): string {
  const d = parseLocalDate(start);
  if (groupBy === 'WEEK') return formatLocalDate(addDays(d, 6));
  return formatLocalDate(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)));
}

const dayNumber = (date: string) => Math.round(Date.parse(`${date}T00:00:00Z`) / 86_400_000);

/** Summaries of several users in ONE statement. `userIds` must already have passed the boundary; from..to already checked. */
export async function readSummary(read: ReadQuery, config: Config, userIds: readonly string[], args: SummaryArgs): Promise<SummaryPeriod[]> {
  if (userIds.length === 0) return [];
  const { sql, params } = summaryStatement(userIds, args, config.providerPriority);
  const rows = await read<Record<string, unknown>>(sql, params);
  return rows.map((r) => {
    const start = r.start as string;
    const end = periodEnd(start, args.groupBy);
    const first = start > args.from ? start : args.from;
    const last = end < args.to ? end : args.to;
    const sports = ((typeof r.sports === 'string' ? JSON.parse(r.sports) : r.sports) ?? []) as Record<string, unknown>[];
    return {
      userId: r.userId as string,
      start,
      end,
      daysInRange: dayNumber(last) - dayNumber(first) + 1,
      sleep: {
        nights: Number(r.sleepNights),
        averageTotalSleepSeconds: n(r.sleep_total),
        averageTimeInBedSeconds: n(r.sleep_bed),
        averageDeepSleepSeconds: n(r.sleep_deep),
        averageLightSleepSeconds: n(r.sleep_light),
        averageRemSleepSeconds: n(r.sleep_rem),
        averageAwakeSeconds: n(r.sleep_awake),
        averageEfficiencyPercent: n(r.sleep_eff),
        averageScore: n(r.sleep_score),
      },
      recovery: {
        nights: Number(r.recoveryNights),
        averageHrvRmssdMs: n(r.recovery_hrv),
        averageRestingHeartRateBpm: n(r.recovery_rhr),
        averageReadinessScore: n(r.recovery_ready),
      },
      activity: {
        days: Number(r.activityDays),
        totalSteps: n(r.activity_steps),
        averageSteps: n(r.activity_steps_avg),
        totalActiveEnergyKcal: n(r.activity_energy),
        averageActiveEnergyKcal: n(r.activity_energy_avg),
        totalDistanceMeters: n(r.activity_dist),
      },
      workouts: {
        count: Number(r.workoutCount),
        durationSeconds: Number(r.workout_duration),
        distanceMeters: n(r.workout_distance),
        trainingLoad: n(r.workout_load),
        energyKcal: n(r.workout_energy),
        bySport: sports.map((s) => ({
          sport: s.sport as WorkoutSport,
          count: Number(s.count),
          durationSeconds: Number(s.durationSeconds),
          distanceMeters: n(s.distanceMeters),
          trainingLoad: n(s.trainingLoad),
          energyKcal: n(s.energyKcal),
        })),
      },
    };
  });
}
