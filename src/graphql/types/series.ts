/**
 * Series of one metric at any resolution, aggregated in the database (src/services/series.ts):
 * `User.series`, `User.heartRateSeries`, and `Query.seriesMetrics` listing what can be asked.
 */
import type { ArgumentCheckExtensions } from '../../http/use-argument-checks.js';
import {
  HEART_RATE_RESOLUTIONS,
  MAX_SERIES_BUCKETS,
  MAX_SERIES_DAYS,
  SERIES_AGGREGATES,
  SERIES_BUCKETS,
  SERIES_METRICS,
  heartRateProblem,
  seriesProblem,
  type HeartRateBucket,
  type HeartRateResolution,
  type SeriesAggregate,
  type SeriesBucket,
  type SeriesMetric,
  type SeriesPoint,
} from '../../services/series.js';
import type { Provider, WorkoutSport } from '../../generated/prisma/enums.js';
import { builder } from '../builder.js';
import { ProviderEnum, WorkoutSportEnum } from './enums.js';

const BUCKET_DESCRIPTIONS: Record<SeriesBucket, string> = {
  MINUTE: 'One minute of local wall-clock time (a series spans at most 6 days).',
  FIVE_MINUTES: 'Five minutes (at most 34 days).',
  FIFTEEN_MINUTES: 'Fifteen minutes (at most 104 days).',
  HOUR: 'One hour (at most 366 days).',
  DAY: "One local date (the wearer's calendar, not UTC).",
  WEEK: 'One ISO week of local dates, Monday to Sunday.',
  MONTH: 'One calendar month of local dates.',
};

export const SeriesBucketEnum = builder.enumType('SeriesBucket', {
  description: `Bucket size of a series. Sub-day buckets start on the wearer's local wall clock; at most ${MAX_SERIES_BUCKETS} buckets per series.`,
  values: Object.fromEntries(SERIES_BUCKETS.map((b) => [b, { value: b, description: BUCKET_DESCRIPTIONS[b] }])) as Record<SeriesBucket, { value: SeriesBucket; description: string }>,
});

const AGGREGATE_DESCRIPTIONS: Record<SeriesAggregate, string> = {
  MEAN: 'Arithmetic mean of the values.',
  MIN: 'Smallest value.',
  MAX: 'Largest value.',
  SUM: 'Sum (additive metrics only: durations, distances, counts, energy, load).',
  COUNT: 'Number of values.',
  LAST: 'The latest value in the bucket.',
  P10: '10th percentile (continuous).',
  P25: '25th percentile (continuous).',
  MEDIAN: 'Median (continuous).',
  P75: '75th percentile (continuous).',
  P90: '90th percentile (continuous).',
};

export const SeriesAggregateEnum = builder.enumType('SeriesAggregate', {
  description: 'How the values of one bucket combine; computed in the database.',
  values: Object.fromEntries(SERIES_AGGREGATES.map((a) => [a, { value: a, description: AGGREGATE_DESCRIPTIONS[a] }])) as Record<
    SeriesAggregate,
    { value: SeriesAggregate; description: string }
  >,
});

export const HeartRateResolutionEnum = builder.enumType('HeartRateResolution', {
  description: `Bucket size of a heart-rate series: UTC-aligned instants below a day, the wearer's local date for DAY; at most ${MAX_SERIES_BUCKETS} buckets.`,
  values: Object.fromEntries(HEART_RATE_RESOLUTIONS.map((r) => [r, { value: r, description: BUCKET_DESCRIPTIONS[r] }])) as Record<
    HeartRateResolution,
    { value: HeartRateResolution; description: string }
  >,
});

const SeriesPointRef = builder.objectRef<SeriesPoint>('SeriesPoint').implement({
  description: 'One bucket of a series that holds data (empty buckets are left out).',
  fields: (t) => ({
    date: t.field({ type: 'LocalDate', description: 'The local date the bucket starts on (a WEEK bucket: its Monday; a MONTH bucket: its first).', resolve: (p) => p.date }),
    localTime: t.string({ nullable: true, description: "Sub-day buckets: the local wall-clock start, 'HH:MM'; null for DAY, WEEK, MONTH.", resolve: (p) => p.time }),
    start: t.field({ type: 'DateTime', description: "The bucket's start as a UTC instant (local start at the wearer's offset).", resolve: (p) => p.start }),
    value: t.float({ description: 'The aggregate of the bucket, in the metric\'s unit (COUNT: a number of values).', resolve: (p) => p.value }),
    count: t.int({ description: 'How many values the bucket holds.', resolve: (p) => p.count }),
  }),
});

const HeartRateBucketRef = builder.objectRef<HeartRateBucket>('HeartRateBucket').implement({
  description: 'Heart rate over one bucket: minimum, average and maximum of its samples.',
  fields: (t) => ({
    start: t.field({ type: 'DateTime', description: 'Start of the bucket (UTC instant).', resolve: (b) => b.start }),
    date: t.field({ type: 'LocalDate', nullable: true, description: 'DAY resolution: the local date; null otherwise.', resolve: (b) => b.date }),
    minBpm: t.int({ description: 'Lowest sample.', resolve: (b) => b.minBpm }),
    avgBpm: t.float({ description: 'Mean of the samples.', resolve: (b) => b.avgBpm }),
    maxBpm: t.int({ description: 'Highest sample.', resolve: (b) => b.maxBpm }),
    samples: t.int({ description: 'Number of samples.', resolve: (b) => b.samples }),
  }),
});

const SeriesMetricRef = builder.objectRef<SeriesMetric>('SeriesMetric').implement({
  description: 'A metric User.series can chart.',
  fields: (t) => ({
    id: t.exposeString('id', { description: 'Pass as User.series(metric:).' }),
    unit: t.exposeString('unit', { description: 'Unit of its values.' }),
    description: t.exposeString('description', { description: 'What it is and where it comes from.' }),
    source: t.exposeString('source', { description: 'measurement (the long-tail table), record (a main record field) or score (an open score).' }),
    defaultAggregate: t.field({ type: SeriesAggregateEnum, description: 'The aggregate used when none is named.', resolve: (m) => m.defaultAggregate }),
    additive: t.exposeBoolean('additive', { description: 'Whether SUM is allowed.' }),
    daily: t.exposeBoolean('daily', { description: 'One value per local date: only DAY, WEEK and MONTH buckets.' }),
  }),
});

builder.queryFields((t) => ({
  seriesMetrics: t.field({
    type: [SeriesMetricRef],
    description: 'Every metric User.series accepts: the measurement catalogue, the main records\' fields and the open scores.',
    resolve: () => [...SERIES_METRICS],
  }),
}));

const seriesChecks: ArgumentCheckExtensions = {
  maxRangeDays: MAX_SERIES_DAYS,
  checkArguments: (a) =>
    seriesProblem({ metric: a.metric as string, from: a.from as string, to: a.to as string, bucket: a.bucket as SeriesBucket, aggregate: a.aggregate as SeriesAggregate | null, provider: a.provider as Provider | null, sport: a.sport as WorkoutSport | null }),
};

const heartRateChecks: ArgumentCheckExtensions = {
  maxRangeDays: MAX_SERIES_DAYS,
  checkArguments: (a) => heartRateProblem({ from: a.from as Date, to: a.to as Date, resolution: a.resolution as HeartRateResolution }),
};

builder.prismaObjectFields('User', (t) => ({
  series: t.field({
    type: [SeriesPointRef],
    description:
      `One metric over local dates "from".."to" (inclusive, at most ${MAX_SERIES_DAYS} days), one point per bucket that holds data, oldest first, ` +
      `aggregated in the database (one statement per distinct argument set, however many users). At most ${MAX_SERIES_BUCKETS} buckets: ` +
      'MINUTE spans at most 6 days, FIVE_MINUTES 34, FIFTEEN_MINUTES 104. Record metrics (sleep_*, recovery_*, activity_*) take per date the ' +
      'provider first in PROVIDER_PRIORITY_* that has a value, workout_* count each session once, unless "provider" is given. Query.seriesMetrics lists the metrics.',
    extensions: seriesChecks as Record<string, unknown>,
    args: {
      metric: t.arg.string({ required: true, description: 'A metric id from Query.seriesMetrics, e.g. sleep_total_seconds, recovery_hrv_rmssd_ms, weight_kg, workout_distance_m.' }),
      from: t.arg({ type: 'LocalDate', required: true, description: 'First local date, inclusive.' }),
      to: t.arg({ type: 'LocalDate', required: true, description: `Last local date, inclusive; at most ${MAX_SERIES_DAYS} days from "from".` }),
      bucket: t.arg({ type: SeriesBucketEnum, required: true, description: 'Bucket size.' }),
      aggregate: t.arg({ type: SeriesAggregateEnum, description: "How a bucket's values combine; default: the metric's own (SeriesMetric.defaultAggregate)." }),
      provider: t.arg({ type: ProviderEnum, description: 'Only this provider (then no per-date priority choice and no duplicate removal).' }),
      sport: t.arg({ type: WorkoutSportEnum, description: 'workout_* metrics only: only this sport.' }),
    },
    resolve: (user, args, ctx) =>
      ctx.loaders.series.load({
        userId: user.id,
        config: ctx.config,
        metric: args.metric,
        from: args.from,
        to: args.to,
        bucket: args.bucket,
        aggregate: args.aggregate ?? null,
        provider: args.provider ?? null,
        sport: args.sport ?? null,
      }),
  }),
  heartRateSeries: t.field({
    type: [HeartRateBucketRef],
    description:
      `Heart rate between two instants ("from" inclusive, "to" exclusive, at most ${MAX_SERIES_DAYS} days) as min/avg/max per bucket, oldest first, ` +
      `buckets without samples left out; at most ${MAX_SERIES_BUCKETS} buckets (a month of FIVE_MINUTES is one request). Raw samples: User.heartRate.`,
    extensions: heartRateChecks as Record<string, unknown>,
    args: {
      from: t.arg({ type: 'DateTime', required: true, description: 'Start instant, inclusive.' }),
      to: t.arg({ type: 'DateTime', required: true, description: `End instant, exclusive; at most ${MAX_SERIES_DAYS} days after "from".` }),
      resolution: t.arg({ type: HeartRateResolutionEnum, required: true, description: 'Bucket size.' }),
      provider: t.arg({ type: ProviderEnum, description: 'Only samples from this provider.' }),
    },
    resolve: (user, args, ctx) => ctx.loaders.heartRate.load({ userId: user.id, from: args.from, to: args.to, resolution: args.resolution, provider: args.provider ?? null }),
  }),
}));
