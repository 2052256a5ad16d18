/**
 * Insight tools: time series, trends, anomalies, two-period comparisons and data coverage.
 * Statistics come from src/analysis (published as algorithms:// resources).
 */
import type { McpServer } from '@modelcontextprotocol/server';
import * as z from 'zod/v4';
import { anomalies, ANOMALY_PARAMETERS, comparePeriods, stepChange, trend, type DailyPoint } from '../../analysis/series.js';
import { MAD_TO_SD, mad, median, round } from '../../analysis/robust.js';
import type { Logger } from '../../logger.js';
import { addLocalDays, formatLocalDate } from '../../normalize/time.js';
import { DAILY_METRIC_IDS, DAILY_METRICS, loadOptionsFor, metricSeries, type MetricDefinition } from '../../services/daily-metrics.js';
import { loadDays, type DayRecords } from '../../services/days.js';
import { heartRateSamples } from '../../services/records.js';
import { dateWindow, resolveUser, ToolInputError, type McpCall } from '../context.js';
import { defineTool, fromArg, localDate, num, source, toArg, userArg } from '../tool.js';

const metricArg = z.enum(DAILY_METRIC_IDS).describe(`A daily metric: ${DAILY_METRIC_IDS.join(', ')}.`);
/** The metrics anomalies and comparisons look at when none are named. */
export const KEY_METRICS = ['hrv_rmssd_ms', 'resting_hr_bpm', 'sleep_total_hours', 'breathing_rate_per_min', 'skin_temp_deviation_c', 'steps', 'workout_minutes'];

const metric = (id: string): MetricDefinition => DAILY_METRICS.get(id)!;
/** The metric as a daily series; `provider` keys the baseline (one key for metrics summed across providers). */
const points = (days: DayRecords[], m: MetricDefinition, call: McpCall): DailyPoint[] =>
  metricSeries(days, m, call.config).map((v) => ({ date: v.date, value: v.value, provider: m.acrossProviders ? 'ALL' : v.provider }));
const providersOf = (p: DailyPoint[]) => [...new Set(p.map((x) => x.provider))];

export function registerInsightTools(server: McpServer, call: McpCall, logger: Logger) {
  const trendShape = z.object({
    from: localDate,
    to: localDate,
    window_days: z.number(),
    days_with_data: z.number(),
    min_days_required: z.number(),
    direction: z.enum(['rising', 'falling', 'flat', 'insufficient_data']),
    slope_per_week: num.describe('Theil–Sen slope, metric units per week.'),
    slope_per_week_ci95: z.tuple([z.number(), z.number()]).nullable(),
    mann_kendall_p: num,
    median: num,
    mean: num,
    previous: z.object({ from: localDate, to: localDate, days_with_data: z.number(), median: num, mean: num }),
    change_vs_previous: z.object({ median_difference: z.number(), percent: num, cliffs_delta: z.number(), magnitude: z.string() }).nullable(),
  });
  defineTool(
    server,
    call,
    logger,
    'trends_get',
    {
      title: 'Trend of a metric',
      description:
        'Is a metric rising, falling or flat over the last 7, 30 or 90 days, and how does the window compare with the one before it? Theil–Sen slope per week ' +
        "with its 95 % interval (a direction is claimed only when the interval excludes zero), Mann–Kendall p, medians of both windows, Cliff's delta, and the " +
        'most likely step change (day, shift, effect size) if one stands out. Needs values on at least half the days (and 5).',
      input: z.object({ user: userArg, metric: metricArg, window_days: z.union([z.literal(7), z.literal(30), z.literal(90)]).default(30).describe('7, 30 or 90 (default 30).'), to: toArg }),
      output: z.object({
        metric: z.string(),
        unit: z.string(),
        providers: z.array(z.string()),
        trend: trendShape,
        step_change: z.object({ date: localDate, before_median: z.number(), after_median: z.number(), shift: z.number(), effect_size: z.number() }).nullable(),
      }),
    },
    async (args, c) => {
      const user = await resolveUser(c, args.user);
      const { to } = dateWindow(c, { from: args.to, to: args.to }, 1, 1);
      const m = metric(args.metric);
      const from = addLocalDays(to, -(2 * args.window_days - 1));
      const days = await loadDays(c, user.id, from, to, { maxDays: 180, ...loadOptionsFor([m]) });
      const series = points(days, m, c);
      const answer = trend(series, to, args.window_days);
      const step = answer.direction === 'insufficient_data' ? null : stepChange(series.filter((p) => p.date >= answer.from), m.minSpread);
      const t = answer;
      return {
        data: { metric: m.id, unit: m.unit, providers: providersOf(series), trend: answer, step_change: step },
        summary:
          t.direction === 'insufficient_data'
            ? `${m.id}: not enough data for a trend (${t.days_with_data} of ${t.window_days} days have a value; ${t.min_days_required} needed).`
            : `${m.id} over ${t.from}..${t.to}: ${t.direction} (${t.slope_per_week} ${m.unit}/week, 95 % CI ${t.slope_per_week_ci95![0]} to ${t.slope_per_week_ci95![1]}); median ${t.median} ${m.unit}` +
              `${t.change_vs_previous ? ` vs ${t.previous.median} the previous ${t.window_days} days (${t.change_vs_previous.magnitude} change)` : ''}` +
              `${step ? `; a step change of ${step.shift} ${m.unit} around ${step.date}` : ''}.`,
      };
    },
  );

  defineTool(
    server,
    call,
    logger,
    'anomalies_list',
    {
      title: 'Anomalous days',
      description:
        "Days where a metric leaves the user's own baseline: each day is compared with the median and robust SD (1.4826 x MAD, floored at the metric's resolution) of the " +
        `previous ${ANOMALY_PARAMETERS.baselineDays} days from the same provider, needs ${ANOMALY_PARAMETERS.minBaselinePoints} baseline days, and is flagged at |robust z| >= ` +
        `${ANOMALY_PARAMETERS.threshold} (about ${ANOMALY_PARAMETERS.falsePositiveRate * 100} % of days on pure noise). Each anomaly lists the other key metrics of that day. ` +
        'Default: key metrics over the last 14 days; at most 90.',
      input: z.object({
        user: userArg,
        metrics: z.array(metricArg).min(1).max(10).optional().describe(`Metrics to scan (default ${KEY_METRICS.join(', ')}).`),
        from: fromArg(14, 90),
        to: toArg,
      }),
      output: z.object({
        from: localDate,
        to: localDate,
        parameters: z.object({ baseline_days: z.number(), min_baseline_days: z.number(), threshold_robust_z: z.number(), false_positive_rate: z.number() }),
        anomalies: z.array(
          z.object({
            metric: z.string(),
            unit: z.string(),
            date: localDate,
            value: z.number(),
            direction: z.enum(['high', 'low']),
            baseline_median: z.number(),
            baseline_sd_robust: z.number(),
            baseline_days: z.number(),
            deviation: z.number(),
            deviation_percent: num,
            robust_z: z.number(),
            source: z.object({ provider: z.string() }),
            same_day: z.array(z.object({ metric: z.string(), value: z.number(), robust_z: num })).describe('The other key metrics that day, with their own robust z.'),
          }),
        ),
        coverage: z.array(z.object({ metric: z.string(), days_evaluated: z.number(), days_without_enough_baseline: z.number() })),
      }),
    },
    async (args, c) => {
      const user = await resolveUser(c, args.user);
      const { from, to } = dateWindow(c, args, 14, 90);
      const ids = args.metrics ?? KEY_METRICS;
      const days = await loadDays(c, user.id, addLocalDays(from, -ANOMALY_PARAMETERS.baselineDays), to, { maxDays: 90 + ANOMALY_PARAMETERS.baselineDays, ...loadOptionsFor(ids.map(metric)) });
      const seriesOf = new Map(ids.concat(KEY_METRICS).map((id) => [id, points(days, metric(id), c)]));
      const zOn = (id: string, date: string): { value: number; z: number | null } | null => {
        const s = seriesOf.get(id)!;
        const point = s.find((p) => p.date === date);
        if (!point) return null;
        const start = addLocalDays(date, -ANOMALY_PARAMETERS.baselineDays);
        const base = s.filter((p) => p.provider === point.provider && p.date >= start && p.date < date).map((p) => p.value);
        if (base.length < ANOMALY_PARAMETERS.minBaselinePoints) return { value: round(point.value), z: null };
        return { value: round(point.value), z: round((point.value - median(base)) / Math.max(MAD_TO_SD * mad(base), metric(id).minSpread, 1e-9)) };
      };
      const found = [];
      const coverage = [];
      for (const id of ids) {
        const m = metric(id);
        const scan = anomalies(seriesOf.get(id)!, from, to, { minSpread: m.minSpread });
        coverage.push({ metric: id, days_evaluated: scan.days_evaluated, days_without_enough_baseline: scan.days_without_enough_baseline });
        for (const a of scan.anomalies) {
          const { provider, ...rest } = a;
          const sameDay = KEY_METRICS.filter((k) => k !== id).flatMap((k) => {
            const v = zOn(k, a.date);
            return v ? [{ metric: k, value: v.value, robust_z: v.z }] : [];
          });
          found.push({ metric: id, unit: m.unit, ...rest, source: { provider }, same_day: sameDay });
        }
      }
      found.sort((x, y) => (x.date < y.date ? -1 : x.date > y.date ? 1 : Math.abs(y.robust_z) - Math.abs(x.robust_z)));
      const short = found.slice(0, 4).map((a) => `${a.metric} ${a.direction} on ${a.date} (${a.value} vs baseline ${a.baseline_median} ${a.unit}, z ${a.robust_z})`);
      const unevaluated = coverage.filter((x) => x.days_evaluated === 0).map((x) => x.metric);
      return {
        data: {
          from,
          to,
          parameters: { baseline_days: ANOMALY_PARAMETERS.baselineDays, min_baseline_days: ANOMALY_PARAMETERS.minBaselinePoints, threshold_robust_z: ANOMALY_PARAMETERS.threshold, false_positive_rate: ANOMALY_PARAMETERS.falsePositiveRate },
          anomalies: found,
          coverage,
        },
        summary:
          `${found.length} anomalous metric-day(s) from ${from} to ${to} across ${ids.length} metric(s)${short.length ? `: ${short.join('; ')}${found.length > 4 ? '; ...' : ''}` : ''}.` +
          `${unevaluated.length ? ` No verdict for ${unevaluated.join(', ')} (fewer than ${ANOMALY_PARAMETERS.minBaselinePoints} baseline days).` : ''}`,
      };
    },
  );

  const period = z.object({ from: localDate, to: localDate });
  const statsShape = z.object({ from: localDate, to: localDate, days_with_data: z.number(), median: num, mean: num, min: num, max: num });
  defineTool(
    server,
    call,
    logger,
    'periods_compare',
    {
      title: 'Compare two periods',
      description:
        "Compares two date ranges (each at most 90 days; e.g. this month vs last month, before vs after a change) metric by metric: days with data, median, mean, min, max, and b minus a with Cliff's delta " +
        '(negligible/small/medium/large). Default metrics: the key ones.',
      input: z.object({ user: userArg, period_a: period, period_b: period, metrics: z.array(metricArg).min(1).max(10).optional().describe(`Default ${KEY_METRICS.join(', ')}.`) }),
      output: z.object({
        comparisons: z.array(
          z.object({
            metric: z.string(),
            unit: z.string(),
            period_a: statsShape,
            period_b: statsShape,
            difference: z.object({ median_b_minus_a: z.number(), percent: num, cliffs_delta: z.number(), magnitude: z.string() }).nullable(),
          }),
        ),
      }),
    },
    async (args, c) => {
      const user = await resolveUser(c, args.user);
      const a = dateWindow(c, args.period_a, 1, 90);
      const b = dateWindow(c, args.period_b, 1, 90);
      const ids = args.metrics ?? KEY_METRICS;
      const needs = loadOptionsFor(ids.map(metric));
      const [daysA, daysB] = await Promise.all([loadDays(c, user.id, a.from, a.to, { maxDays: 90, ...needs }), loadDays(c, user.id, b.from, b.to, { maxDays: 90, ...needs })]);
      const comparisons = ids.map((id) => {
        const m = metric(id);
        return { metric: id, unit: m.unit, ...comparePeriods([...points(daysA, m, c), ...points(daysB, m, c)], a, b) };
      });
      const notable = comparisons.filter((x) => x.difference && (x.difference.magnitude === 'medium' || x.difference.magnitude === 'large'));
      return {
        data: { comparisons },
        summary:
          `${a.from}..${a.to} vs ${b.from}..${b.to}: ` +
          (notable.length
            ? notable.map((x) => `${x.metric} ${x.difference!.median_b_minus_a >= 0 ? '+' : ''}${x.difference!.median_b_minus_a} ${x.unit} (${x.difference!.magnitude})`).join(', ')
            : 'no medium or large differences') +
          '.',
      };
    },
  );

  defineTool(
    server,
    call,
    logger,
    'coverage_get',
    {
      title: 'Data coverage',
      description:
        'Which providers are connected (status, last sync, sandbox) and, per data type and provider, how many days of the window have data, the first and last date, ' +
        'and the missing date ranges; heart rate as sample counts. Default: the last 30 days; at most 366.',
      input: z.object({ user: userArg, from: fromArg(30, 366), to: toArg }),
      output: z.object({
        from: localDate,
        to: localDate,
        days_in_window: z.number(),
        connections: z.array(z.object({ provider: z.string(), status: z.string(), sandbox: z.boolean(), last_synced_at: z.string().nullable(), last_error: z.string().nullable() })),
        data_types: z.array(
          z.object({
            data_type: z.enum(['sleep', 'recovery', 'activity', 'workouts']),
            provider: z.string(),
            days_with_data: z.number(),
            first_date: localDate,
            last_date: localDate,
            missing_ranges: z.array(z.object({ from: localDate, to: localDate })).describe('Dates of the window without data, as ranges (at most 20).'),
          }),
        ),
        heart_rate: z.array(z.object({ provider: z.string(), samples: z.number(), first_time: z.string().nullable(), last_time: z.string().nullable() })),
      }),
    },
    async (args, c) => {
      const user = await resolveUser(c, args.user);
      const { from, to, days: count } = dateWindow(c, args, 30, 366);
      const [days, connections, hr] = await Promise.all([
        loadDays(c, user.id, from, to, { maxDays: 366 }),
        c.prisma.connection.findMany({ where: { userId: user.id }, orderBy: { createdAt: 'asc' }, select: { provider: true, status: true, sandbox: true, lastSyncedAt: true, lastError: true } }),
        c.prisma.heartRateSample.groupBy({
          by: ['provider'],
          where: { userId: user.id, time: { gte: new Date(`${from}T00:00:00Z`), lt: new Date(`${addLocalDays(to, 1)}T00:00:00Z`) } },
          _count: { _all: true },
          _min: { time: true },
          _max: { time: true },
        }),
      ]);
      const types = [
        ['sleep', (d: DayRecords) => d.sleep],
        ['recovery', (d: DayRecords) => d.recovery],
        ['activity', (d: DayRecords) => d.activity],
        ['workouts', (d: DayRecords) => d.workouts],
      ] as const;
      const dataTypes = [];
      for (const [type, pick] of types) {
        const byProvider = new Map<string, Set<string>>();
        for (const d of days) for (const r of pick(d)) (byProvider.get(r.provider) ?? byProvider.set(r.provider, new Set()).get(r.provider)!).add(d.date);
        for (const [provider, dates] of byProvider) {
          const sorted = [...dates].sort();
          const missing: { from: string; to: string }[] = [];
          let gapStart: string | null = null;
          for (const d of days) {
            if (!dates.has(d.date)) gapStart ??= d.date;
            else if (gapStart) {
              missing.push({ from: gapStart, to: addLocalDays(d.date, -1) });
              gapStart = null;
            }
          }
          if (gapStart) missing.push({ from: gapStart, to });
          dataTypes.push({ data_type: type, provider, days_with_data: dates.size, first_date: sorted[0], last_date: sorted[sorted.length - 1], missing_ranges: missing.slice(0, 20) });
        }
      }
      const heartRate = hr.map((h) => ({ provider: h.provider, samples: h._count._all, first_time: h._min.time?.toISOString() ?? null, last_time: h._max.time?.toISOString() ?? null }));
      return {
        data: {
          from,
          to,
          days_in_window: count,
          connections: connections.map((k) => ({ provider: k.provider, status: k.status, sandbox: k.sandbox, last_synced_at: k.lastSyncedAt?.toISOString() ?? null, last_error: k.lastError })),
          data_types: dataTypes,
          heart_rate: heartRate,
        },
        summary:
          `${connections.length} connection(s) (${connections.map((k) => `${k.provider} ${k.status.toLowerCase()}${k.sandbox ? ', sandbox' : ''}`).join('; ') || 'none'}); ` +
          `of ${count} days from ${from} to ${to}: ${dataTypes.map((t) => `${t.data_type}/${t.provider} ${t.days_with_data}`).join(', ') || 'no data'}` +
          `${heartRate.length ? `; heart rate ${heartRate.map((h) => `${h.provider} ${h.samples} samples`).join(', ')}` : ''}.`,
      };
    },
  );

  const RESOLUTION_SECONDS = { '1min': 60, '5min': 300, '15min': 900, '1h': 3600 } as const;
  defineTool(
    server,
    call,
    logger,
    'timeseries_get',
    {
      title: 'Time series',
      description:
        'Any metric the graph holds over time. heart_rate_bpm: intraday samples aggregated to 1min/5min/15min/1h buckets (avg, min, max; at most 3 days, default the last day) ' +
        'or per day. A daily metric (sleep stages and timing, HRV, resting HR, breathing, temperature, SpO2, stress minutes, VO2max estimates, steps, energy, workouts, ' +
        "provider scores, and the gateway's open scores score_*): one value per day or per ISO week (median), at most 90 days, default 30.",
      input: z.object({
        user: userArg,
        metric: z.enum(['heart_rate_bpm', ...DAILY_METRIC_IDS]).describe(`heart_rate_bpm or a daily metric: ${DAILY_METRIC_IDS.join(', ')}.`),
        resolution: z.enum(['1min', '5min', '15min', '1h', 'day', 'week']).default('day').describe('Intraday resolutions only for heart_rate_bpm (default day).'),
        from: localDate.optional().describe('First local date, inclusive (default: see the description).'),
        to: toArg,
      }),
      output: z.object({
        metric: z.string(),
        unit: z.string(),
        resolution: z.string(),
        from: localDate,
        to: localDate,
        points: z.array(z.object({ t: z.string().describe('Bucket start: UTC instant (intraday) or local date.'), value: z.number().describe('Average (intraday), value (day) or median (week).'), min: num, max: num, n: z.number(), provider: z.string() })),
        stats: z.object({ n: z.number(), median: num, min: num, max: num }),
      }),
    },
    async (args, c) => {
      const user = await resolveUser(c, args.user);
      const intraday = args.resolution in RESOLUTION_SECONDS;
      let pts: { t: string; value: number; min: number | null; max: number | null; n: number; provider: string }[] = [];
      let window: { from: string; to: string };
      let unit: string;
      if (args.metric === 'heart_rate_bpm') {
        unit = 'bpm';
        window = dateWindow(c, args, 1, intraday ? 3 : 31);
        const samples = await heartRateSamples(c, user.id, new Date(`${window.from}T00:00:00Z`), new Date(`${addLocalDays(window.to, 1)}T00:00:00Z`));
        const step = intraday ? RESOLUTION_SECONDS[args.resolution as keyof typeof RESOLUTION_SECONDS] * 1000 : 0;
        const buckets = new Map<string, { sum: number; n: number; min: number; max: number; provider: string }>();
        for (const s of samples) {
          const key = `${s.provider}|${step ? new Date(Math.floor(s.time.getTime() / step) * step).toISOString() : formatLocalDate(s.time)}`;
          const b = buckets.get(key);
          if (b) {
            b.sum += s.bpm;
            b.n++;
            b.min = Math.min(b.min, s.bpm);
            b.max = Math.max(b.max, s.bpm);
          } else buckets.set(key, { sum: s.bpm, n: 1, min: s.bpm, max: s.bpm, provider: s.provider });
        }
        pts = [...buckets].map(([key, b]) => ({ t: key.split('|')[1], value: round(b.sum / b.n, 1), min: b.min, max: b.max, n: b.n, provider: b.provider })).sort((x, y) => (x.t < y.t ? -1 : x.t > y.t ? 1 : 0));
      } else {
        if (intraday) throw new ToolInputError(`resolution: ${args.resolution} is only for heart_rate_bpm; ${args.metric} has one value per day (use day or week).`);
        const m = metric(args.metric);
        unit = m.unit;
        window = dateWindow(c, args, 30, 90);
        const series = points(await loadDays(c, user.id, window.from, window.to, { maxDays: 90, ...loadOptionsFor([m]) }), m, c);
        if (args.resolution === 'day') pts = series.map((p) => ({ t: p.date, value: round(p.value), min: null, max: null, n: 1, provider: p.provider }));
        else {
          const weeks = new Map<string, DailyPoint[]>();
          for (const p of series) {
            const dow = (new Date(`${p.date}T00:00:00Z`).getUTCDay() + 6) % 7;
            const monday = addLocalDays(p.date, -dow);
            (weeks.get(monday) ?? weeks.set(monday, []).get(monday)!).push(p);
          }
          pts = [...weeks].map(([monday, list]) => ({
            t: monday,
            value: round(median(list.map((p) => p.value))),
            min: round(Math.min(...list.map((p) => p.value))),
            max: round(Math.max(...list.map((p) => p.value))),
            n: list.length,
            provider: providersOf(list).join('+'),
          }));
        }
      }
      const values = pts.map((p) => p.value);
      const stats = { n: values.length, median: values.length ? round(median(values)) : null, min: values.length ? Math.min(...values) : null, max: values.length ? Math.max(...values) : null };
      return {
        data: { metric: args.metric, unit, resolution: args.resolution, from: window.from, to: window.to, points: pts, stats },
        summary: `${args.metric} from ${window.from} to ${window.to} at ${args.resolution}: ${pts.length} point(s)${stats.n ? `, median ${stats.median} ${unit}, range ${stats.min}-${stats.max}` : ''}.`,
      };
    },
  );
}
