/**
 * Resources: a coaching profile per user (`users://{user_id}/profile`) and the algorithms behind
 * the answers as documents (`algorithms://statistics`, `algorithms://scores/{kind}`): the formulas
 * and parameters the code runs, so "auditable" is literal.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/server';
import { ANOMALY_PARAMETERS, STEP_PARAMETERS, TREND_PARAMETERS, trend } from '../analysis/series.js';
import { MAD_TO_SD, mad, median, round } from '../analysis/robust.js';
import { projectRoot } from '../db/migrate.js';
import { addLocalDays } from '../normalize/time.js';
import { ALGORITHM_VERSIONS, SCORE_KINDS } from '../scores/index.js';
import { DAILY_METRICS, metricSeries } from '../services/daily-metrics.js';
import { loadDays, primarySleep, primaryWorkouts } from '../services/days.js';
import { usersPage } from '../services/records.js';
import { resolveUser, toGlobalId, type McpCall } from './context.js';
import { KEY_METRICS } from './tools/insights.js';
import { SCORE_DOC, scoreConfiguration } from './tools/scores.js';

const json = (uri: string, value: unknown) => ({ contents: [{ uri, mimeType: 'application/json', text: JSON.stringify(value, null, 1) }] });

/** Minutes after local noon (so a bedtime at 23:30 and one at 00:30 are 60 minutes apart, not 23 hours). */
const minutesAfterNoon = (instant: Date, offset: number) => {
  const local = new Date(instant.getTime() + offset * 60_000);
  return (local.getUTCHours() * 60 + local.getUTCMinutes() + 12 * 60) % (24 * 60);
};
const clock = (afterNoon: number) => {
  const m = Math.round(afterNoon + 12 * 60) % (24 * 60);
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
};

/** The coaching profile: the last 28 days (baselines, sleep window, training) and 30-day trend flags. */
export async function coachingProfile(call: McpCall, userId: string) {
  const to = call.today;
  const from = addLocalDays(to, -27);
  const days = await loadDays(call, userId, addLocalDays(to, -59), to, { maxDays: 60 });
  const recent = days.filter((d) => d.date >= from);
  const sleeps = recent.flatMap((d) => {
    const s = primarySleep(d, call.config);
    return s && s.type === 'MAIN' ? [s] : [];
  });
  const bed = sleeps.map((s) => minutesAfterNoon(s.startTime, s.utcOffsetMinutes));
  const wake = sleeps.map((s) => minutesAfterNoon(s.endTime, s.utcOffsetMinutes));
  const hours = sleeps.flatMap((s) => (s.totalSleepSeconds ? [s.totalSleepSeconds / 3600] : []));
  const training = new Map<string, { sessions: number; minutes: number; distance_km: number; training_load: number }>();
  for (const d of recent) {
    for (const w of primaryWorkouts(d)) {
      const t = training.get(w.sport) ?? { sessions: 0, minutes: 0, distance_km: 0, training_load: 0 };
      t.sessions++;
      t.minutes += w.durationSeconds / 60;
      t.distance_km += (w.distanceMeters ?? 0) / 1000;
      t.training_load += w.trainingLoad ?? 0;
      training.set(w.sport, t);
    }
  }
  const baseline = (id: string) => {
    const m = DAILY_METRICS.get(id)!;
    const series = metricSeries(recent, m, call.config);
    if (series.length < ANOMALY_PARAMETERS.minBaselinePoints) return { metric: id, unit: m.unit, days: series.length, median: null, sd_robust: null, providers: [...new Set(series.map((s) => s.provider))] };
    const values = series.map((s) => s.value);
    return { metric: id, unit: m.unit, days: series.length, median: round(median(values)), sd_robust: round(Math.max(MAD_TO_SD * mad(values), m.minSpread)), providers: [...new Set(series.map((s) => s.provider))] };
  };
  const flags = KEY_METRICS.flatMap((id) => {
    const m = DAILY_METRICS.get(id)!;
    const t = trend(metricSeries(days, m, call.config), to, 30);
    return t.direction === 'rising' || t.direction === 'falling' ? [{ metric: id, unit: m.unit, direction: t.direction, slope_per_week: t.slope_per_week, slope_per_week_ci95: t.slope_per_week_ci95 }] : [];
  });
  return {
    user_id: toGlobalId('User', userId),
    window: { from, to, days: 28 },
    sleep_window: sleeps.length
      ? { nights: sleeps.length, typical_bedtime_local: clock(median(bed)), typical_wake_time_local: clock(median(wake)), median_sleep_hours: hours.length ? round(median(hours)) : null, bedtime_spread_minutes: round(MAD_TO_SD * mad(bed), 0) }
      : null,
    training_by_sport: [...training].map(([sport, t]) => ({ sport, sessions: t.sessions, minutes: Math.round(t.minutes), per_week_minutes: Math.round(t.minutes / 4), distance_km: round(t.distance_km, 1), training_load: round(t.training_load, 0) })),
    baselines: ['hrv_rmssd_ms', 'resting_hr_bpm', 'sleep_total_hours', 'breathing_rate_per_min', 'steps'].map(baseline),
    trend_flags_30d: flags,
    notes: 'Baselines: median and robust SD (1.4826 x MAD) of the last 28 days, null with fewer than 14 days. Trend flags: Theil–Sen 30-day slope whose 95 % interval excludes zero.',
  };
}

export function registerResources(server: McpServer, call: McpCall) {
  server.registerResource(
    'coaching-profile',
    new ResourceTemplate('users://{user_id}/profile', {
      list: async () => {
        if (call.principal.kind === 'user') return { resources: [{ uri: `users://${toGlobalId('User', call.principal.userId)}/profile`, name: 'My coaching profile' }] };
        const page = await usersPage(call, { limit: 50 });
        return { resources: page.items.map((u) => ({ uri: `users://${toGlobalId('User', u.id)}/profile`, name: `Coaching profile of ${u.externalId ?? u.id}` })) };
      },
    }),
    {
      title: 'Coaching profile',
      description: 'A user\'s typical sleep window, training volume by sport, baseline HRV / resting HR / sleep / steps (28 days) and 30-day trend flags.',
      mimeType: 'application/json',
    },
    async (uri, variables) => {
      const user = await resolveUser(call, decodeURIComponent(String(variables.user_id)));
      return json(uri.href, await coachingProfile(call, user.id));
    },
  );

  server.registerResource(
    'statistics-algorithms',
    'algorithms://statistics',
    { title: 'Trend, step-change and anomaly algorithms', description: 'Formulas and parameters of trends_get, anomalies_list, periods_compare.', mimeType: 'application/json' },
    async (uri) =>
      json(uri.href, {
        code: 'src/analysis/series.ts, src/analysis/robust.ts',
        tests: 'tests/analysis/series.test.ts (synthetic series with known answers)',
        trend: {
          formula: 'Theil–Sen slope (median of pairwise slopes) over the window; 95 % interval from the Kendall S distribution (Sen 1968); Mann–Kendall p with tie correction; direction only when the interval excludes 0.',
          comparison: "previous window of the same length: median difference, percent, Cliff's delta (|d| < 0.147 negligible, < 0.33 small, < 0.474 medium, else large).",
          parameters: TREND_PARAMETERS,
        },
        step_change: { formula: 'single L1 change point: the split minimising absolute deviations from the two segment medians; effect = shift / (1.4826 x median |residual|).', parameters: STEP_PARAMETERS },
        anomalies: {
          formula: "robust z = (value - median(baseline)) / max(1.4826 x MAD(baseline), metric floor); baseline = same provider's values of the previous baseline_days days (the day itself excluded).",
          parameters: ANOMALY_PARAMETERS,
          metric_floors: Object.fromEntries([...DAILY_METRICS].map(([id, m]) => [id, { unit: m.unit, min_spread: m.minSpread }])),
        },
      }),
  );

  server.registerResource(
    'score-algorithm',
    new ResourceTemplate('algorithms://scores/{kind}', {
      list: async () => ({ resources: SCORE_KINDS.map((kind) => ({ uri: `algorithms://scores/${kind}`, name: `${kind} score algorithm (${ALGORITHM_VERSIONS[kind]})` })) }),
    }),
    {
      title: 'Open score algorithm',
      description: "The gateway's own score algorithms: version, the parameters in effect (SCORES_CONFIG_FILE / SCORES_CONFIG over the defaults), their hash, the overrides, and the documented formula.",
      mimeType: 'application/json',
    },
    async (uri, variables) => {
      const kind = String(variables.kind) as (typeof SCORE_KINDS)[number];
      if (!SCORE_KINDS.includes(kind)) throw new Error(`No score algorithm "${kind}" (one of ${SCORE_KINDS.join(', ')})`);
      const file = path.join(projectRoot(), 'docs', 'scores', `${SCORE_DOC[kind]}.md`);
      return json(uri.href, {
        kind,
        algorithm_version: ALGORITHM_VERSIONS[kind],
        ...scoreConfiguration(call.config, kind),
        code: `src/scores/${SCORE_DOC[kind]}.ts`,
        documentation: fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null,
      });
    },
  );
}
