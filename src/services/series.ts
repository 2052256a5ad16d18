/**
 * Series of one metric at any resolution, aggregated in the database: one statement per request
 * shape (metric, range, bucket, aggregate, provider, sport), however many users and buckets. GraphQL
 * (`User.series`, `User.heartRateSeries`, src/graphql/types/series.ts) and any other API read
 * through these functions.
 *
 * Metrics: every catalogue metric (src/measurements/catalogue.ts, the Measurement table) plus the
 * main records' fields and the open scores, under ids that name their record (`sleep_total_seconds`,
 * `recovery_hrv_rmssd_ms`, `workout_distance_m`, `score_sleep` ...), so a value never meets another
 * source's value of the same quantity by accident.
 *
 * Buckets: MINUTE .. HOUR on the wearer's local wall clock (instant + its UTC offset), DAY / WEEK
 * (ISO, Monday first) / MONTH on the wearer's local dates. Only buckets with data are returned.
 * Record metrics take, per local date, the records of the highest-priority provider that has a
 * value (PROVIDER_PRIORITY_*, as Day.primary*) and workouts without cross-provider duplicates,
 * unless `provider` names one provider.
 */
import type { Config, PriorityDataType } from '../config.js';
import type { ReadQuery } from '../db/database.js';
import { ACTIVE_HASH_SQL } from '../derived/store.js';
import type { Provider, WorkoutSport } from '../generated/prisma/enums.js';
import { METRICS, type MetricAggregation, type MetricDefinition } from '../measurements/catalogue.js';
import { SCORE_KINDS } from '../scores/parameters.js';

export const SERIES_BUCKETS = ['MINUTE', 'FIVE_MINUTES', 'FIFTEEN_MINUTES', 'HOUR', 'DAY', 'WEEK', 'MONTH'] as const;
export type SeriesBucket = (typeof SERIES_BUCKETS)[number];

/** Sub-day buckets' length; DAY+ buckets follow the calendar (their nominal length bounds the point count). */
export const BUCKET_SECONDS: Record<SeriesBucket, number> = {
  MINUTE: 60,
  FIVE_MINUTES: 300,
  FIFTEEN_MINUTES: 900,
  HOUR: 3_600,
  DAY: 86_400,
  WEEK: 7 * 86_400,
  MONTH: 28 * 86_400,
};

export const SERIES_AGGREGATES = ['MEAN', 'MIN', 'MAX', 'SUM', 'COUNT', 'LAST', 'P10', 'P25', 'MEDIAN', 'P75', 'P90'] as const;
export type SeriesAggregate = (typeof SERIES_AGGREGATES)[number];

/** Most buckets one series or heart-rate series may span (a month of 5-minute buckets is 8,928). */
export const MAX_SERIES_BUCKETS = 10_000;

/** Widest range of a series (local dates, inclusive) and of a heart-rate series (instants). */
export const MAX_SERIES_DAYS = 366;

export interface SeriesMetric {
  id: string;
  unit: string;
  description: string;
  /** The aggregate used when the caller names none. */
  defaultAggregate: SeriesAggregate;
  /** Whether SUM means something (durations, distances, counts); not for levels, rates, temperatures. */
  additive: boolean;
  /** One value per local date: sub-day buckets are refused. */
  daily: boolean;
  source: 'measurement' | 'record' | 'score';
}

interface RecordMetric extends SeriesMetric {
  source: 'record';
  table: 'SleepSession' | 'Recovery' | 'DailyActivity' | 'Workout' | 'Vo2MaxEstimate';
  /** SQL over the row alias r. */
  value: string;
  time: string;
  /** Extra filter over r. */
  where?: string;
  /** Per-date provider choice (Day.primary*); workouts drop duplicates instead. */
  priority?: PriorityDataType;
}

const AGGREGATE_OF: Record<MetricAggregation, SeriesAggregate> = { mean: 'MEAN', sum: 'SUM', min: 'MIN', max: 'MAX', last: 'LAST' };

function record(id: string, unit: string, description: string, table: RecordMetric['table'], value: string, more: Partial<RecordMetric> = {}): RecordMetric {
  return { id, unit, description, defaultAggregate: 'MEAN', additive: false, daily: true, source: 'record', table, value, time: 'r."startTime"', ...more };
}

const SLEEP = { where: `r."type" = 'MAIN'`, priority: 'sleep' as const };
const RECOVERY = { priority: 'recovery' as const };
const ACTIVITY = { priority: 'activity' as const };
const WORKOUT = { daily: false, where: 'r."duplicateOfId" IS NULL' };

const RECORD_METRICS: RecordMetric[] = [
  record('sleep_total_seconds', 's', "The night's main sleep: time asleep.", 'SleepSession', 'r."totalSleepSeconds"', SLEEP),
  record('sleep_time_in_bed_seconds', 's', "The night's main sleep: time in bed.", 'SleepSession', 'r."timeInBedSeconds"', SLEEP),
  record('sleep_deep_seconds', 's', "The night's main sleep: deep sleep.", 'SleepSession', 'r."deepSleepSeconds"', SLEEP),
  record('sleep_light_seconds', 's', "The night's main sleep: light sleep.", 'SleepSession', 'r."lightSleepSeconds"', SLEEP),
  record('sleep_rem_seconds', 's', "The night's main sleep: REM sleep.", 'SleepSession', 'r."remSleepSeconds"', SLEEP),
  record('sleep_awake_seconds', 's', "The night's main sleep: time awake.", 'SleepSession', 'r."awakeSeconds"', SLEEP),
  record('sleep_efficiency_percent', 'percent', "The night's main sleep: efficiency.", 'SleepSession', 'r."efficiencyPercent"', SLEEP),
  record('sleep_score', 'score', "The night's main sleep: the provider's score.", 'SleepSession', 'r."score"', SLEEP),
  record('sleep_hrv_rmssd_ms', 'ms', "The night's main sleep: average HRV (RMSSD).", 'SleepSession', 'r."averageHrvRmssdMs"', SLEEP),
  record('recovery_hrv_rmssd_ms', 'ms', 'Nightly recovery: HRV (RMSSD).', 'Recovery', 'r."hrvRmssdMs"', RECOVERY),
  record('recovery_resting_heart_rate_bpm', 'bpm', 'Nightly recovery: resting heart rate.', 'Recovery', 'r."restingHeartRateBpm"', RECOVERY),
  record('recovery_readiness_score', 'score', "Nightly recovery: the provider's readiness score.", 'Recovery', 'r."readinessScore"', RECOVERY),
  record('recovery_ans_charge', 'ANS charge', 'Nightly recovery: Polar ANS charge (-10 .. +10).', 'Recovery', 'r."ansCharge"', RECOVERY),
  record('activity_steps', 'count', 'Daily activity: steps.', 'DailyActivity', 'r."steps"', { ...ACTIVITY, additive: true, defaultAggregate: 'SUM' }),
  record('activity_active_energy_kcal', 'kcal', 'Daily activity: active energy.', 'DailyActivity', 'r."activeEnergyKcal"', { ...ACTIVITY, additive: true, defaultAggregate: 'SUM' }),
  record('activity_distance_m', 'm', 'Daily activity: distance.', 'DailyActivity', 'r."distanceMeters"', { ...ACTIVITY, additive: true, defaultAggregate: 'SUM' }),
  record('activity_cardio_load', 'load', 'Daily activity: cardio load (Polar).', 'DailyActivity', 'r."cardioLoad"', { ...ACTIVITY, additive: true, defaultAggregate: 'SUM' }),
  record('workout_duration_seconds', 's', 'Workouts: duration (filter with `sport`).', 'Workout', 'r."durationSeconds"', { ...WORKOUT, additive: true, defaultAggregate: 'SUM' }),
  record('workout_distance_m', 'm', 'Workouts: distance.', 'Workout', 'r."distanceMeters"', { ...WORKOUT, additive: true, defaultAggregate: 'SUM' }),
  record('workout_training_load', 'load', 'Workouts: training load.', 'Workout', 'r."trainingLoad"', { ...WORKOUT, additive: true, defaultAggregate: 'SUM' }),
  record('workout_energy_kcal', 'kcal', 'Workouts: energy.', 'Workout', 'r."energyKcal"', { ...WORKOUT, additive: true, defaultAggregate: 'SUM' }),
  record('workout_average_heart_rate_bpm', 'bpm', 'Workouts: average heart rate.', 'Workout', 'r."averageHeartRateBpm"', WORKOUT),
  record('workout_count', 'count', 'Workouts: one per session.', 'Workout', '1', { ...WORKOUT, additive: true, defaultAggregate: 'SUM' }),
  record('vo2max_estimate_ml_per_kg_min', 'mL/kg/min', 'VO2max estimates (the provider records).', 'Vo2MaxEstimate', 'r."vo2MaxMlPerKgMin"', {
    daily: false,
    time: 'r."measuredAt"',
    defaultAggregate: 'LAST',
  }),
];

const scoreId = (kind: string) => `score_${kind.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`;
const SCORE_METRICS: (SeriesMetric & { kind: string })[] = SCORE_KINDS.map((kind) => ({
  id: scoreId(kind),
  kind,
  unit: 'score',
  description: `The open ${kind} score (Day.scores.${kind}) under the current parameters.`,
  defaultAggregate: 'MEAN',
  additive: false,
  daily: true,
  source: 'score',
}));

const MEASUREMENT_METRICS: SeriesMetric[] = Object.entries(METRICS).map(([id, m]: [string, MetricDefinition]) => ({
  id,
  unit: m.unit,
  description: `${m.description} (measurement, ${m.kind})`,
  defaultAggregate: AGGREGATE_OF[m.aggregation],
  additive: m.aggregation === 'sum',
  daily: false,
  source: 'measurement',
}));

export const SERIES_METRICS: readonly SeriesMetric[] = [...RECORD_METRICS, ...SCORE_METRICS, ...MEASUREMENT_METRICS];
const BY_ID = new Map(SERIES_METRICS.map((m) => [m.id, m]));

export function seriesMetric(id: string): SeriesMetric | undefined {
  return BY_ID.get(id);
}

export interface SeriesArgs {
  metric: string;
  /** Local dates, inclusive. */
  from: string;
  to: string;
  bucket: SeriesBucket;
  aggregate?: SeriesAggregate | null;
  provider?: Provider | null;
  sport?: WorkoutSport | null;
}

/** A refused argument: which one, and why (the APIs turn it into their 400). */
export interface ArgumentProblem {
  argument: string;
  message: string;
}

const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;

export function bucketsProblem(argument: string, bucket: SeriesBucket, spanSeconds: number): ArgumentProblem | null {
  const buckets = Math.ceil(spanSeconds / BUCKET_SECONDS[bucket]);
  if (buckets <= MAX_SERIES_BUCKETS) return null;
  const maxDays = Math.floor((MAX_SERIES_BUCKETS * BUCKET_SECONDS[bucket]) / 86_400);
  return {
    argument,
    message: `"${argument}" ${bucket} over this range gives ${buckets} buckets; at most ${MAX_SERIES_BUCKETS} (a ${bucket} series may span at most ${maxDays} days): narrow "from".."to" or use a coarser ${argument}`,
  };
}

/** Why these series arguments cannot be answered, or null (the range itself is checked with every from/to pair). */
export function seriesProblem(args: SeriesArgs): ArgumentProblem | null {
  const metric = seriesMetric(args.metric);
  if (!metric) return { argument: 'metric', message: `"metric" ${JSON.stringify(args.metric).slice(0, 80)} is not a series metric; Query.seriesMetrics lists them` };
  if (metric.daily && BUCKET_SECONDS[args.bucket] < 86_400) {
    return { argument: 'bucket', message: `"metric" ${metric.id} has one value per day: "bucket" must be DAY, WEEK or MONTH (got ${args.bucket})` };
  }
  if (args.aggregate === 'SUM' && !metric.additive) {
    return { argument: 'aggregate', message: `"aggregate" SUM is not meaningful for ${metric.id} (${metric.unit}); use MEAN, MIN, MAX, LAST, COUNT or a percentile` };
  }
  if (args.sport && (metric.source !== 'record' || (metric as RecordMetric).table !== 'Workout')) {
    return { argument: 'sport', message: `"sport" applies to workout_* metrics only (got metric ${metric.id})` };
  }
  if (args.provider && metric.source === 'score') return { argument: 'provider', message: `"provider" does not apply to ${metric.id}: scores combine every provider` };
  if (args.from <= args.to) return bucketsProblem('bucket', args.bucket, daysBetween(args.from, args.to) * 86_400);
  return null;
}

export interface SeriesPoint {
  userId: string;
  /** Local date the bucket starts on, 'YYYY-MM-DD'. */
  date: string;
  /** Local wall-clock start 'HH:MM' of sub-day buckets; null for DAY, WEEK, MONTH. */
  time: string | null;
  /** The bucket's start as a UTC instant (local start minus the wearer's offset). */
  start: Date;
  value: number;
  count: number;
}

const PERCENTILES: Partial<Record<SeriesAggregate, number>> = { P10: 0.1, P25: 0.25, MEDIAN: 0.5, P75: 0.75, P90: 0.9 };

function aggregateSql(aggregate: SeriesAggregate): string {
  const p = PERCENTILES[aggregate];
  if (p !== undefined) return `percentile_cont(${p}) WITHIN GROUP (ORDER BY v)`;
  switch (aggregate) {
    case 'MEAN':
      return 'avg(v)';
    case 'MIN':
      return 'min(v)';
    case 'MAX':
      return 'max(v)';
    case 'SUM':
      return 'sum(v)';
    case 'COUNT':
      return 'count(*)';
    case 'LAST':
      return '(array_agg(v ORDER BY t DESC))[1]';
    default:
      throw new Error(`unknown aggregate ${aggregate}`);
  }
}

/** The bucket's local start (a timestamp without zone) from d (local date), t (instant) and o (offset minutes). */
function bucketSql(bucket: SeriesBucket): string {
  switch (bucket) {
    case 'DAY':
      return 'd::timestamp';
    case 'WEEK':
      return `date_trunc('week', d::timestamp)`;
    case 'MONTH':
      return `date_trunc('month', d::timestamp)`;
    default:
      return `date_bin(interval '${BUCKET_SECONDS[bucket]} seconds', (t AT TIME ZONE 'UTC') + make_interval(mins => o), timestamp '2000-01-01')`;
  }
}

/** Bind parameters as they are used: `bind(value, type)` returns the typed placeholder. */
function binder() {
  const params: unknown[] = [];
  const bind = (value: unknown, type: string) => `$${params.push(value)}::${type}`;
  return { params, bind };
}

interface SourceInput {
  userIds: readonly string[];
  from: string;
  to: string;
  provider: string | null;
  sport: string | null;
  priority: readonly string[];
}

/** The rows one series reads: (u user, d local date, t instant, o offset minutes, v value, rk provider rank on the date). */
function sourceSql(metric: SeriesMetric, input: SourceInput, bind: (value: unknown, type: string) => string): string {
  const users = bind(input.userIds, 'text[]');
  const range = `BETWEEN ${bind(input.from, 'date')} AND ${bind(input.to, 'date')}`;
  const provider = input.provider && metric.source !== 'score' ? ` AND r."provider"::text = ${bind(input.provider, 'text')}` : '';
  if (metric.source === 'measurement') {
    return `SELECT r."userId" AS u, r."localDate" AS d, r."startTime" AS t, r."utcOffsetMinutes" AS o, r."value" AS v, 1 AS rk
            FROM "Measurement" r WHERE r."userId" = ANY(${users}) AND r."metric" = ${bind(metric.id, 'text')} AND r."localDate" ${range}${provider}`;
  }
  if (metric.source === 'score') {
    const kind = (metric as SeriesMetric & { kind: string }).kind;
    return `SELECT r."userId" AS u, r."localDate" AS d, (r."localDate"::timestamp AT TIME ZONE 'UTC') AS t, 0 AS o, r."value" AS v, 1 AS rk
            FROM "DailyScore" r WHERE r."userId" = ANY(${users}) AND r."parameterHash" = ${ACTIVE_HASH_SQL} AND r."kind" = ${bind(kind, 'text')}
              AND r."value" IS NOT NULL AND r."localDate" ${range}`;
  }
  const m = metric as RecordMetric;
  const filters = [`r."userId" = ANY(${users})`, `r."localDate" ${range}`, `(${m.value}) IS NOT NULL`];
  // With one provider named, all its records count (its duplicates of another provider's workouts too).
  if (m.where && !(m.table === 'Workout' && input.provider)) filters.push(m.where);
  if (input.sport) filters.push(`r."sport"::text = ${bind(input.sport, 'text')}`);
  // Per local date, the highest-priority provider with a value (providers not listed rank last).
  const rank =
    m.priority && !input.provider
      ? `dense_rank() OVER (PARTITION BY r."userId", r."localDate" ORDER BY coalesce(array_position(${bind(input.priority, 'text[]')}, r."provider"::text), 1000))`
      : '1';
  return `SELECT r."userId" AS u, r."localDate" AS d, ${m.time} AS t, r."utcOffsetMinutes" AS o, (${m.value})::float8 AS v, ${rank} AS rk
          FROM "${m.table}" r WHERE ${filters.join(' AND ')}${provider}`;
}

export function seriesStatement(metric: SeriesMetric, bucket: SeriesBucket, aggregate: SeriesAggregate, input: SourceInput): { sql: string; params: unknown[] } {
  const { params, bind } = binder();
  const sub = BUCKET_SECONDS[bucket] < 86_400;
  const sql = `SELECT x.u AS "userId", to_char(x.b, 'YYYY-MM-DD') AS "date", ${sub ? `to_char(x.b, 'HH24:MI')` : 'NULL'} AS "time",
            (extract(epoch from x.b) * 1000 - min(x.o) * 60000)::float8 AS "startMs", (${aggregateSql(aggregate)})::float8 AS "value", count(*)::int AS "count"
          FROM (SELECT src.*, ${bucketSql(bucket)} AS b FROM (${sourceSql(metric, input, bind)}) src WHERE src.rk = 1) x
          GROUP BY x.u, x.b ORDER BY x.u, x.b`;
  return { sql, params };
}

/** One series for several users in ONE statement. `userIds` must already have passed the boundary. */
export async function readSeries(read: ReadQuery, config: Config, userIds: readonly string[], args: SeriesArgs): Promise<SeriesPoint[]> {
  const metric = seriesMetric(args.metric);
  if (!metric) throw new Error(`unknown series metric ${args.metric}`);
  if (userIds.length === 0) return [];
  const priorityType = metric.source === 'record' ? (metric as RecordMetric).priority : undefined;
  const { sql, params } = seriesStatement(metric, args.bucket, args.aggregate ?? metric.defaultAggregate, {
    userIds,
    from: args.from,
    to: args.to,
    provider: args.provider ?? null,
    sport: args.sport ?? null,
    priority: priorityType ? config.providerPriority[priorityType] : [],
  });
  const rows = await read<{ userId: string; date: string; time: string | null; startMs: number; value: number; count: number }>(sql, params);
  return rows.map((r) => ({ userId: r.userId, date: r.date, time: r.time, start: new Date(Number(r.startMs)), value: Number(r.value), count: Number(r.count) }));
}

// ---------------------------------------------------------------- heart rate

export const HEART_RATE_RESOLUTIONS = ['MINUTE', 'FIVE_MINUTES', 'FIFTEEN_MINUTES', 'HOUR', 'DAY'] as const;
export type HeartRateResolution = (typeof HEART_RATE_RESOLUTIONS)[number];

export interface HeartRateArgs {
  from: Date;
  to: Date;
  resolution: HeartRateResolution;
  provider?: Provider | null;
}

export interface HeartRateBucket {
  userId: string;
  /** Bucket start: a UTC-aligned instant for sub-day resolutions; local midnight (at the wearer's offset) for DAY. */
  start: Date;
  /** DAY: the local date; null otherwise. */
  date: string | null;
  minBpm: number;
  avgBpm: number;
  maxBpm: number;
  samples: number;
}

export function heartRateProblem(args: HeartRateArgs): ArgumentProblem | null {
  return bucketsProblem('resolution', args.resolution, Math.max(0, (args.to.getTime() - args.from.getTime()) / 1000));
}

/** Min/avg/max heart rate per bucket over [from, to), several users in ONE statement. */
export async function readHeartRateBuckets(read: ReadQuery, userIds: readonly string[], args: HeartRateArgs): Promise<HeartRateBucket[]> {
  if (userIds.length === 0) return [];
  const day = args.resolution === 'DAY';
  // DAY: the local date of each sample (instant + its offset); else UTC-aligned bins of the instants.
  const bucket = day
    ? `((h."time" AT TIME ZONE 'UTC') + make_interval(mins => h."utcOffsetMinutes"))::date`
    : `date_bin(interval '${BUCKET_SECONDS[args.resolution]} seconds', h."time", timestamptz '2000-01-01T00:00:00Z')`;
  const start = day ? `(extract(epoch from x.b::timestamp) * 1000 - min(x.o) * 60000)` : `(extract(epoch from x.b) * 1000)`;
  const { params, bind } = binder();
  const where = [`h."userId" = ANY(${bind(userIds, 'text[]')})`, `h."time" >= ${bind(args.from.toISOString(), 'timestamptz')}`, `h."time" < ${bind(args.to.toISOString(), 'timestamptz')}`];
  if (args.provider) where.push(`h."provider"::text = ${bind(args.provider, 'text')}`);
  const rows = await read<{ userId: string; startMs: number; date: string | null; minBpm: number; avgBpm: number; maxBpm: number; samples: number }>(
    `SELECT x.u AS "userId", ${start}::float8 AS "startMs", ${day ? `to_char(x.b, 'YYYY-MM-DD')` : 'NULL'} AS "date",
            min(x.bpm)::int AS "minBpm", avg(x.bpm)::float8 AS "avgBpm", max(x.bpm)::int AS "maxBpm", count(*)::int AS "samples"
     FROM (SELECT h."userId" AS u, h."bpm" AS bpm, h."utcOffsetMinutes" AS o, ${bucket} AS b FROM "HeartRateSample" h
           WHERE ${where.join(' AND ')}) x
     GROUP BY x.u, x.b ORDER BY x.u, x.b`,
    params,
  );
  return rows.map((r) => ({
    userId: r.userId,
    start: new Date(Number(r.startMs)),
    date: r.date,
    minBpm: Number(r.minBpm),
    avgBpm: Number(r.avgBpm),
    maxBpm: Number(r.maxBpm),
    samples: Number(r.samples),
  }));
}
