/**
 * Record tools: users, the daily summary, sleep nights, workouts (list and one with its heart
 * rate), recovery per day and provider-native scores. Each reads through src/services (the same
 * filters, orders, loaders and primaries as GraphQL).
 */
import type { McpServer } from '@modelcontextprotocol/server';
import * as z from 'zod/v4';
import type { SleepSession, Workout } from '../../generated/prisma/client.js';
import type { Logger } from '../../logger.js';
import { formatLocalDate, formatOffset } from '../../normalize/time.js';
import { loadDays, primaryActivity, primaryRecovery, primarySleep, primaryWorkouts } from '../../services/days.js';
import { findWorkout, heartRateSamples, sleepPage, usersPage, workoutsPage } from '../../services/records.js';
import { dateWindow, resolveUser, toGlobalId, ToolInputError, type McpCall } from '../context.js';
import { SCORE_KINDS } from '../../scores/parameters.js';
import { OPEN_SCORE_NAMES } from './scores.js';
import { cursorArg, defineTool, fromArg, localDate, num, r1, source, sourceOf, toArg, userArg } from '../tool.js';

const SPORTS = ['RUNNING', 'TRAIL_RUNNING', 'TREADMILL_RUNNING', 'WALKING', 'HIKING', 'CYCLING', 'INDOOR_CYCLING', 'MOUNTAIN_BIKING', 'SWIMMING', 'OPEN_WATER_SWIMMING', 'ROWING', 'INDOOR_ROWING', 'CROSS_COUNTRY_SKIING', 'DOWNHILL_SKIING', 'STRENGTH_TRAINING', 'CIRCUIT_TRAINING', 'HIIT', 'YOGA', 'PILATES', 'DANCING', 'TEAM_SPORT', 'RACKET_SPORT', 'ELLIPTICAL', 'STAIR_CLIMBING', 'OTHER'] as const;

/** Local wall-clock time with offset, e.g. 2026-11-20T23:14:00+01:00. */
export function localTime(instant: Date, utcOffsetMinutes: number): string {
  const local = new Date(instant.getTime() + utcOffsetMinutes * 60_000).toISOString().slice(0, 19);
  return `${local}${formatOffset(utcOffsetMinutes)}`;
}

const workoutOut = z.object({
  workout_id: z.string(),
  date: localDate,
  sport: z.string(),
  start_local: z.string(),
  duration_minutes: z.number(),
  distance_km: num,
  energy_kcal: num,
  avg_hr_bpm: num,
  max_hr_bpm: num,
  training_load: num,
  duplicate_of: z.string().nullable().describe('Set when another provider recorded the same session (this copy ranks lower).'),
  source,
});
function workoutRow(w: Workout): z.infer<typeof workoutOut> {
  return {
    workout_id: toGlobalId('Workout', w.id),
    date: formatLocalDate(w.localDate),
    sport: w.sport,
    start_local: localTime(w.startTime, w.utcOffsetMinutes),
    duration_minutes: r1(w.durationSeconds, 1 / 60)!,
    distance_km: r1(w.distanceMeters, 1 / 1000, 2),
    energy_kcal: r1(w.energyKcal, 1, 0),
    avg_hr_bpm: r1(w.averageHeartRateBpm, 1, 0),
    max_hr_bpm: r1(w.maxHeartRateBpm, 1, 0),
    training_load: r1(w.trainingLoad),
    duplicate_of: w.duplicateOfId ? toGlobalId('Workout', w.duplicateOfId) : null,
    source: sourceOf(w),
  };
}

const sleepOut = z.object({
  sleep_id: z.string(),
  date: localDate.describe('The morning the sleep ended.'),
  type: z.enum(['MAIN', 'NAP', 'REST']),
  bedtime_start_local: z.string(),
  bedtime_end_local: z.string(),
  time_in_bed_hours: num,
  total_sleep_hours: num,
  light_minutes: num,
  deep_minutes: num,
  rem_minutes: num,
  awake_minutes: num,
  latency_minutes: num,
  efficiency_pct: num,
  score: num.describe("The provider's sleep score."),
  avg_hr_bpm: num,
  lowest_hr_bpm: num,
  avg_hrv_rmssd_ms: num,
  breathing_rate_per_min: num,
  hypnogram: z.array(z.object({ start_local: z.string(), minutes: z.number(), stage: z.string() })).optional().describe('Stages in order (only with detail: true).'),
  source,
});
function sleepRow(s: SleepSession, detail: boolean): z.infer<typeof sleepOut> {
  const row: z.infer<typeof sleepOut> = {
    sleep_id: toGlobalId('SleepSession', s.id),
    date: formatLocalDate(s.localDate),
    type: s.type,
    bedtime_start_local: localTime(s.startTime, s.utcOffsetMinutes),
    bedtime_end_local: localTime(s.endTime, s.utcOffsetMinutes),
    time_in_bed_hours: r1(s.timeInBedSeconds, 1 / 3600, 2),
    total_sleep_hours: r1(s.totalSleepSeconds, 1 / 3600, 2),
    light_minutes: r1(s.lightSleepSeconds, 1 / 60, 0),
    deep_minutes: r1(s.deepSleepSeconds, 1 / 60, 0),
    rem_minutes: r1(s.remSleepSeconds, 1 / 60, 0),
    awake_minutes: r1(s.awakeSeconds, 1 / 60, 0),
    latency_minutes: r1(s.latencySeconds, 1 / 60, 0),
    efficiency_pct: r1(s.efficiencyPercent, 1, 0),
    score: s.score,
    avg_hr_bpm: r1(s.averageHeartRateBpm, 1, 0),
    lowest_hr_bpm: r1(s.lowestHeartRateBpm, 1, 0),
    avg_hrv_rmssd_ms: r1(s.averageHrvRmssdMs, 1, 0),
    breathing_rate_per_min: r1(s.breathingRatePerMinute),
    source: sourceOf(s),
  };
  if (detail && Array.isArray(s.hypnogram)) {
    // Consecutive entries of one stage merged: a 5-minute hypnogram shrinks to its stage changes.
    const merged: { start_local: string; minutes: number; stage: string }[] = [];
    for (const entry of s.hypnogram as { start: string; durationSeconds: number; stage: string }[]) {
      const last = merged[merged.length - 1];
      if (last && last.stage === entry.stage) last.minutes = Math.round((last.minutes + entry.durationSeconds / 60) * 10) / 10;
      else merged.push({ start_local: localTime(new Date(entry.start), s.utcOffsetMinutes), minutes: Math.round((entry.durationSeconds / 60) * 10) / 10, stage: entry.stage });
    }
    row.hypnogram = merged;
  }
  return row;
}

export function registerRecordTools(server: McpServer, call: McpCall, logger: Logger) {
  defineTool(
    server,
    call,
    logger,
    'users_find',
    {
      title: 'Find users',
      description:
        'Lists the users the gateway holds, oldest first, with their provider connections (API keys only: a user token sees only its own user). ' +
        'Use the returned user_id (or the external_id) as `user` in every other tool.',
      input: z.object({
        search: z.string().max(200).optional().describe('Only users whose externalId contains this (case-insensitive).'),
        limit: z.number().int().min(1).max(50).default(20).describe('Users per page (1-50, default 20).'),
        cursor: cursorArg,
      }),
      output: z.object({
        users: z.array(
          z.object({
            user_id: z.string(),
            external_id: z.string().nullable(),
            created_at: z.string(),
            connections: z.array(z.object({ provider: z.string(), status: z.string(), sandbox: z.boolean(), last_synced_at: z.string().nullable() })),
          }),
        ),
        next_cursor: z.string().nullable(),
      }),
    },
    async (args, c) => {
      if (c.principal.kind !== 'apiKey') throw new ToolInputError('users_find needs an API key; a user token sees only its own user (leave `user` out in the other tools).');
      const page = await usersPage(c, { limit: args.limit, cursor: args.cursor, search: args.search });
      const users = page.items.map((u) => ({
        user_id: toGlobalId('User', u.id),
        external_id: u.externalId,
        created_at: u.createdAt.toISOString(),
        connections: u.connections.map((k) => ({ provider: k.provider, status: k.status, sandbox: k.sandbox, last_synced_at: k.lastSyncedAt?.toISOString() ?? null })),
      }));
      const named = users.slice(0, 5).map((u) => u.external_id ?? u.user_id).join(', ');
      return {
        data: { users, next_cursor: page.nextCursor },
        summary: `${users.length} user(s)${args.search ? ` matching "${args.search}"` : ''}${users.length ? `: ${named}${users.length > 5 ? ', ...' : ''}` : ''}.${page.nextCursor ? ' More with next_cursor.' : ''}`,
      };
    },
  );

  const dayOut = z.object({
    date: localDate,
    sleep: z
      .object({ total_sleep_hours: num, deep_minutes: num, rem_minutes: num, efficiency_pct: num, bedtime_start_local: z.string(), bedtime_end_local: z.string(), source })
      .nullable(),
    recovery: z.object({ hrv_rmssd_ms: num, resting_hr_bpm: num, breathing_rate_per_min: num, skin_temp_deviation_c: num, source }).nullable(),
    activity: z.object({ steps: num, active_energy_kcal: num, distance_km: num, source }).nullable(),
    workouts: z.array(z.object({ sport: z.string(), duration_minutes: z.number(), distance_km: num, avg_hr_bpm: num, training_load: num, source })),
    scores: z.array(z.object({ kind: z.string(), value: z.number(), scale: z.string(), source })).describe("Provider-native scores of the day (the provider's own algorithm)."),
    open_scores: z
      .object(Object.fromEntries(SCORE_KINDS.map((k) => [OPEN_SCORE_NAMES[k], num])) as Record<string, typeof num>)
      .describe("The gateway's own open scores of the day (sleep, recovery 0-100; strain 0-21; stress, hrv_status 0-100; vo2max ml/kg/min); null when not computed. Components and reasons: scores_get, score_explain."),
  });
  defineTool(
    server,
    call,
    logger,
    'days_summary',
    {
      title: 'Daily summary',
      description:
        "One entry per local date with the day's sleep, recovery, activity, workouts, provider scores and the gateway's open scores, each from the provider ranked first for it " +
        '(PROVIDER_PRIORITY_*; workouts each once). Default: the last 14 days; at most 90. For detail use sleep_nights, workouts_list, recovery_daily.',
      input: z.object({ user: userArg, from: fromArg(14, 90), to: toArg }),
      output: z.object({ user_id: z.string(), from: localDate, to: localDate, days: z.array(dayOut), days_with_any_data: z.number() }),
    },
    async (args, c) => {
      const user = await resolveUser(c, args.user);
      const { from, to } = dateWindow(c, args, 14, 90);
      const days = await loadDays(c, user.id, from, to, { maxDays: 90, scores: 'values' });
      const out = days.map((d) => {
        const s = primarySleep(d, c.config);
        const r = primaryRecovery(d, c.config);
        const a = primaryActivity(d, c.config);
        const scores: z.infer<typeof dayOut>['scores'] = [];
        if (s?.score != null) scores.push({ kind: 'sleep', value: s.score, scale: '1-100', source: sourceOf(s) });
        if (r?.readinessScore != null) scores.push({ kind: 'readiness', value: r.readinessScore, scale: '1-100', source: sourceOf(r) });
        if (r?.nightlyRechargeStatus != null) scores.push({ kind: 'nightly_recharge', value: r.nightlyRechargeStatus, scale: '1 (very poor) - 6 (very good)', source: sourceOf(r) });
        if (a?.score != null) scores.push({ kind: 'activity', value: a.score, scale: '1-100', source: sourceOf(a) });
        return {
          date: d.date,
          sleep: s
            ? {
                total_sleep_hours: r1(s.totalSleepSeconds, 1 / 3600, 2),
                deep_minutes: r1(s.deepSleepSeconds, 1 / 60, 0),
                rem_minutes: r1(s.remSleepSeconds, 1 / 60, 0),
                efficiency_pct: r1(s.efficiencyPercent, 1, 0),
                bedtime_start_local: localTime(s.startTime, s.utcOffsetMinutes),
                bedtime_end_local: localTime(s.endTime, s.utcOffsetMinutes),
                source: sourceOf(s),
              }
            : null,
          recovery: r
            ? { hrv_rmssd_ms: r1(r.hrvRmssdMs, 1, 0), resting_hr_bpm: r1(r.restingHeartRateBpm, 1, 0), breathing_rate_per_min: r1(r.breathingRatePerMinute), skin_temp_deviation_c: r1(r.skinTemperatureDeviationCelsius, 1, 2), source: sourceOf(r) }
            : null,
          activity: a ? { steps: a.steps, active_energy_kcal: r1(a.activeEnergyKcal, 1, 0), distance_km: r1(a.distanceMeters, 1 / 1000, 2), source: sourceOf(a) } : null,
          workouts: primaryWorkouts(d).map((w) => ({
            sport: w.sport,
            duration_minutes: r1(w.durationSeconds, 1 / 60)!,
            distance_km: r1(w.distanceMeters, 1 / 1000, 2),
            avg_hr_bpm: r1(w.averageHeartRateBpm, 1, 0),
            training_load: r1(w.trainingLoad),
            source: sourceOf(w),
          })),
          scores,
          open_scores: Object.fromEntries(SCORE_KINDS.map((k) => [OPEN_SCORE_NAMES[k], r1(d.scores?.find((x) => x.kind === k)?.value)])),
        };
      });
      const withData = out.filter((d) => d.sleep || d.recovery || d.activity || d.workouts.length).length;
      const sleeps = out.flatMap((d) => (d.sleep?.total_sleep_hours != null ? [d.sleep.total_sleep_hours] : []));
      const workouts = out.flatMap((d) => d.workouts);
      const avgSleep = sleeps.length ? (sleeps.reduce((x, y) => x + y, 0) / sleeps.length).toFixed(1) : null;
      return {
        data: { user_id: toGlobalId('User', user.id), from, to, days: out, days_with_any_data: withData },
        summary:
          `${from} to ${to} (${out.length} days, ${withData} with data): ${sleeps.length} nights of sleep${avgSleep ? ` averaging ${avgSleep} h` : ''}, ` +
          `${workouts.length} workout(s) totalling ${Math.round(workouts.reduce((x, w) => x + w.duration_minutes, 0))} min. Each value names its provider in source.`,
      };
    },
  );

  defineTool(
    server,
    call,
    logger,
    'sleep_nights',
    {
      title: 'Sleep nights',
      description:
        'Sleep periods (main sleep, naps, rest) from every provider, by the morning they ended: stages, efficiency, latency, heart rate, HRV, breathing, provider score. ' +
        'detail: true adds each night\'s hypnogram (stage changes). Default: the last 14 days; at most 90; paged (limit 1-31, default 14).',
      input: z.object({
        user: userArg,
        from: fromArg(14, 90),
        to: toArg,
        detail: z.boolean().default(false).describe('Include the hypnogram of each night.'),
        limit: z.number().int().min(1).max(31).default(14).describe('Sleep periods per page (1-31, default 14).'),
        cursor: cursorArg,
      }),
      output: z.object({ from: localDate, to: localDate, nights: z.array(sleepOut), next_cursor: z.string().nullable() }),
    },
    async (args, c) => {
      const user = await resolveUser(c, args.user);
      const { from, to } = dateWindow(c, args, 14, 90);
      const page = await sleepPage(c, { userId: user.id, from, to, limit: args.limit, cursor: args.cursor, maxDays: 90 });
      const nights = page.items.map((s) => sleepRow(s, args.detail));
      const main = nights.filter((n) => n.type === 'MAIN' && n.total_sleep_hours != null);
      const avg = main.length ? (main.reduce((x, n) => x + n.total_sleep_hours!, 0) / main.length).toFixed(1) : null;
      return {
        data: { from, to, nights, next_cursor: page.nextCursor },
        summary: `${nights.length} sleep period(s) from ${from} to ${to}${avg ? `; main sleeps average ${avg} h` : ''} (providers: ${[...new Set(nights.map((n) => n.source.provider))].join(', ') || 'none'}).${page.nextCursor ? ' More with next_cursor.' : ''}`,
      };
    },
  );

  defineTool(
    server,
    call,
    logger,
    'workouts_list',
    {
      title: 'Workouts',
      description:
        'Workouts from every provider, oldest first: sport, local start, duration, distance, energy, heart rate, training load; a session recorded by two providers ' +
        'appears twice with duplicate_of on the lower-ranked copy. Default: the last 30 days; at most 90; paged (limit 1-50, default 20). Details: workouts_detail.',
      input: z.object({
        user: userArg,
        from: fromArg(30, 90),
        to: toArg,
        sport: z.enum(SPORTS).optional().describe('Only this sport.'),
        limit: z.number().int().min(1).max(50).default(20).describe('Workouts per page (1-50, default 20).'),
        cursor: cursorArg,
      }),
      output: z.object({ from: localDate, to: localDate, workouts: z.array(workoutOut), next_cursor: z.string().nullable() }),
    },
    async (args, c) => {
      const user = await resolveUser(c, args.user);
      const { from, to } = dateWindow(c, args, 30, 90);
      const page = await workoutsPage(c, { userId: user.id, from, to, sport: args.sport, limit: args.limit, cursor: args.cursor, maxDays: 90 });
      const workouts = page.items.map(workoutRow);
      const bySport = new Map<string, number>();
      for (const w of workouts) if (!w.duplicate_of) bySport.set(w.sport, (bySport.get(w.sport) ?? 0) + 1);
      return {
        data: { from, to, workouts, next_cursor: page.nextCursor },
        summary: `${workouts.length} workout record(s) from ${from} to ${to}${bySport.size ? ` (${[...bySport].map(([s, n]) => `${n} ${s.toLowerCase()}`).join(', ')})` : ''}.${page.nextCursor ? ' More with next_cursor.' : ''}`,
      };
    },
  );

  const HR_RESOLUTIONS = { none: 0, '10s': 10, '1min': 60, '5min': 300 } as const;
  defineTool(
    server,
    call,
    logger,
    'workouts_detail',
    {
      title: 'One workout',
      description:
        'One workout with its heart-rate zones and its heart rate downsampled (default one point per minute: average and maximum bpm of the minute). ' +
        'workout_id comes from workouts_list.',
      input: z.object({
        user: userArg,
        workout_id: z.string().min(1).max(200).describe('workout_id from workouts_list.'),
        heart_rate_resolution: z.enum(['none', '10s', '1min', '5min']).default('1min').describe('Heart-rate downsampling (default 1min; none leaves it out).'),
      }),
      output: z.object({
        workout: workoutOut.extend({
          heart_rate_zones: z.array(z.object({ zone: z.number(), lower_bpm: num, upper_bpm: num, minutes: num })).nullable(),
          intensity: z.string().nullable(),
        }),
        heart_rate: z.object({ resolution: z.string(), samples_read: z.number(), points: z.array(z.object({ minute: z.number(), avg_bpm: z.number(), max_bpm: z.number() })) }).nullable(),
      }),
    },
    async (args, c) => {
      const user = await resolveUser(c, args.user);
      const decoded = Buffer.from(args.workout_id, 'base64').toString();
      const id = decoded.startsWith('Workout:') ? decoded.slice(8) : null;
      const w = id ? await findWorkout(c, user.id, id) : null;
      if (!w) throw new ToolInputError(`workout_id: no workout "${args.workout_id}" for this user (take one from workouts_list).`);
      const zones = Array.isArray(w.heartRateZones)
        ? (w.heartRateZones as { zone: number; lowerBpm?: number; upperBpm?: number; durationSeconds?: number }[]).map((z) => ({
            zone: z.zone,
            lower_bpm: z.lowerBpm ?? null,
            upper_bpm: z.upperBpm ?? null,
            minutes: r1(z.durationSeconds, 1 / 60),
          }))
        : null;
      let heartRate = null;
      const step = HR_RESOLUTIONS[args.heart_rate_resolution];
      if (step) {
        const samples = await heartRateSamples(c, user.id, w.startTime, w.endTime, w.provider);
        const buckets = new Map<number, number[]>();
        for (const s of samples) {
          const bucket = Math.floor((s.time.getTime() - w.startTime.getTime()) / 1000 / step);
          const list = buckets.get(bucket);
          if (list) list.push(s.bpm);
          else buckets.set(bucket, [s.bpm]);
        }
        const points = [...buckets].map(([bucket, bpm]) => ({
          minute: Math.round(((bucket * step) / 60) * 100) / 100,
          avg_bpm: Math.round(bpm.reduce((x, y) => x + y, 0) / bpm.length),
          max_bpm: Math.max(...bpm),
        }));
        heartRate = { resolution: args.heart_rate_resolution, samples_read: samples.length, points };
      }
      const row = workoutRow(w);
      return {
        data: { workout: { ...row, heart_rate_zones: zones, intensity: w.intensity }, heart_rate: heartRate },
        summary:
          `${row.sport.toLowerCase()} on ${row.date} (${row.start_local}), ${row.duration_minutes} min${row.distance_km != null ? `, ${row.distance_km} km` : ''}` +
          `${row.avg_hr_bpm != null ? `, average ${row.avg_hr_bpm} bpm` : ''}, from ${row.source.provider}` +
          `${heartRate ? `; ${heartRate.points.length} heart-rate points at ${heartRate.resolution} from ${heartRate.samples_read} samples` : ''}.`,
      };
    },
  );

  defineTool(
    server,
    call,
    logger,
    'recovery_daily',
    {
      title: 'Recovery per day',
      description:
        'Nightly recovery per local date from every provider (Polar Nightly Recharge: ANS charge, recharge status, HRV, breathing; Oura readiness: score, ' +
        'HRV, resting HR, temperature deviation), with `primary` marking the record PROVIDER_PRIORITY_RECOVERY picks. Default: the last 14 days; at most 90.',
      input: z.object({ user: userArg, from: fromArg(14, 90), to: toArg }),
      output: z.object({
        from: localDate,
        to: localDate,
        days: z.array(
          z.object({
            date: localDate,
            records: z.array(
              z.object({
                primary: z.boolean(),
                hrv_rmssd_ms: num,
                resting_hr_bpm: num,
                avg_hr_bpm: num,
                breathing_rate_per_min: num,
                skin_temp_deviation_c: num,
                readiness_score: num,
                nightly_recharge_status: num.describe('Polar: 1 very poor .. 6 very good.'),
                ans_charge: num.describe('Polar: -10 .. +10.'),
                sleep_charge: num.describe('Polar: 1 .. 5.'),
                source,
              }),
            ),
          }),
        ),
      }),
    },
    async (args, c) => {
      const user = await resolveUser(c, args.user);
      const { from, to } = dateWindow(c, args, 14, 90);
      const days = await loadDays(c, user.id, from, to, { maxDays: 90 });
      const out = days
        .filter((d) => d.recovery.length)
        .map((d) => {
          const primary = primaryRecovery(d, c.config);
          return {
            date: d.date,
            records: d.recovery.map((r) => ({
              primary: r === primary,
              hrv_rmssd_ms: r1(r.hrvRmssdMs, 1, 0),
              resting_hr_bpm: r1(r.restingHeartRateBpm, 1, 0),
              avg_hr_bpm: r1(r.averageHeartRateBpm, 1, 0),
              breathing_rate_per_min: r1(r.breathingRatePerMinute),
              skin_temp_deviation_c: r1(r.skinTemperatureDeviationCelsius, 1, 2),
              readiness_score: r.readinessScore,
              nightly_recharge_status: r.nightlyRechargeStatus,
              ans_charge: r1(r.ansCharge),
              sleep_charge: r.sleepCharge,
              source: sourceOf(r),
            })),
          };
        });
      const hrv = out.flatMap((d) => d.records.filter((r) => r.primary && r.hrv_rmssd_ms != null).map((r) => r.hrv_rmssd_ms!));
      return {
        data: { from, to, days: out },
        summary: `${out.length} of ${days.length} days from ${from} to ${to} have recovery data${hrv.length ? `; primary nightly HRV ranged ${Math.min(...hrv)}-${Math.max(...hrv)} ms` : ''}.`,
      };
    },
  );
}

export { SPORTS };
