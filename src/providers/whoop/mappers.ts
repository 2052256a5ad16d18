/**
 * WHOOP API v2 records -> normalized records. Pure and synchronous; never throw (a bug becomes a
 * skip with its reason); numbers go through FieldReader, so absurd values are nulled and reported.
 *
 * Time: instants are UTC ('...Z'); the wearer's offset is each record's `timezone_offset`
 * ('+hh:mm', '-hh:mm' or 'Z'), read on every record (a missing one means UTC, as WHOOP's v2
 * documents, and is reported). Local dates:
 *   sleep      the local date its end falls on (a night belongs to the morning it ended)
 *   recovery   the local date its sleep ended (the fetcher injects the sleep as `_sleep`)
 *   cycle      the local date 12 h after its start: a physiological day starts at sleep onset
 *              (the evening before, or after midnight), so this is the date of the morning the
 *              cycle's sleep ended
 *   workout    the local date it started
 *
 * score_state: only SCORED records carry a `score`. A sleep or workout that is not scored yet
 * (PENDING_SCORE) or never will be (UNSCORABLE) is stored with its times and null metrics; a
 * cycle or recovery without a score has nothing to store and is skipped. Never zeros. Their raw
 * payloads are kept, and the next sync (incremental syncs overlap the last two days) or WHOOP's
 * `*.updated` webhook fetches them again once scored.
 *
 * Record ids: sleeps and workouts their UUID (webhook ids), cycles `cycle:<id>`, recoveries
 * `recovery:<sleep UUID>` (v2 recovery webhooks name the sleep).
 *
 * Fields starting with `_` are not WHOOP's: the fetchers inject them (stored with the raw payload,
 * so replaying gives the same result): `_sleep` on a recovery, its sleep's {start, end, timezone_offset}.
 */
import type { WorkoutSport } from '../../generated/prisma/enums.js';
import { asObj, safely, type Obj } from '../../normalize/payload.js';
import { mapped, skip, type FieldIssue, type Json, type MapOutcome } from '../../normalize/records.js';
import { localDateOf, parseOffset, tryParseOffsetDateTime } from '../../normalize/time.js';
import { FieldReader, PLAUSIBLE, isPlausibleInstant, kilojoulesToKcal } from '../../normalize/units.js';
import { mapWhoopSport } from './sport-map.js';

/** WHOOP-specific scales. */
const RANGE = {
  strain: [0, 21],
  kilojoule: [0, 125_000],
  milliseconds: [0, 7 * 86_400_000],
  count: [0, 10_000],
  skinTempCelsius: [20, 45],
} as const satisfies Record<string, readonly [number, number]>;

export const recoveryRecordId = (sleepId: string) => `recovery:${sleepId}`;
export const cycleRecordId = (cycleId: string | number) => `cycle:${cycleId}`;

const HALF_DAY_MS = 12 * 3_600_000;

/** The record's `timezone_offset` in minutes; UTC (with an issue) when absent or unreadable. */
export function whoopOffset(o: Obj, issues: FieldIssue[]): number {
  const raw = o.timezone_offset;
  if (raw === 'Z') return 0;
  if (typeof raw === 'string') {
    try {
      const minutes = parseOffset(raw);
      if (minutes >= PLAUSIBLE.utcOffsetMinutes[0] && minutes <= PLAUSIBLE.utcOffsetMinutes[1]) return minutes;
    } catch {
      // reported below
    }
  }
  issues.push({ field: 'timezone_offset', reason: raw === undefined || raw === null ? 'missing; assumed UTC' : `unreadable ${JSON.stringify(raw).slice(0, 20)}; assumed UTC` });
  return 0;
}

const idOf = (value: unknown): string | null =>
  typeof value === 'string' && value.trim() !== '' ? value : typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : null;

/** start and end instants of a record (end optional: the current cycle has none). */
function span(o: Obj, needEnd: boolean): { start: Date; end: Date | null } | string {
  const start = tryParseOffsetDateTime(o.start)?.instant;
  const end = tryParseOffsetDateTime(o.end)?.instant ?? null;
  if (!start) return 'missing or invalid start';
  if (!isPlausibleInstant(start)) return `implausible start ${start.toISOString()}`;
  if (needEnd && !end) return 'missing or invalid end';
  if (end && (end.getTime() <= start.getTime() || end.getTime() - start.getTime() > 7 * 86_400_000)) return `implausible span ${start.toISOString()}..${end.toISOString()}`;
  return { start, end };
}

const scoreStateOf = (o: Obj): string => (typeof o.score_state === 'string' ? o.score_state : 'UNKNOWN');
/** The score, only when WHOOP says the record is SCORED. */
const scoreOf = (o: Obj): Obj | null => (scoreStateOf(o) === 'SCORED' ? asObj(o.score) : null);

const seconds = (r: FieldReader, field: string, ms: unknown): number | null => {
  const n = r.num(field, ms, RANGE.milliseconds);
  return n === null ? null : Math.round(n / 1000);
};

const kcalOf = (r: FieldReader, field: string, kj: unknown): number | null => {
  const n = r.num(field, kj, RANGE.kilojoule);
  return n === null ? null : kilojoulesToKcal(n);
};

// ---------------------------------------------------------------- sleep

export function mapSleep(payload: unknown): MapOutcome {
  return safely(() => {
    const o = asObj(payload);
    if (!o) return skip('sleep payload is not an object');
    const id = idOf(o.id);
    if (!id) return skip('missing sleep id');
    const times = span(o, true);
    if (typeof times === 'string') return skip(`sleep ${times}`);
    const r = new FieldReader();
    const offset = whoopOffset(o, r.issues);
    const end = times.end!;
    const state = scoreStateOf(o);
    const score = scoreOf(o);
    const stages = asObj(score?.stage_summary);
    const light = seconds(r, 'score.stage_summary.total_light_sleep_time_milli', stages?.total_light_sleep_time_milli);
    const deep = seconds(r, 'score.stage_summary.total_slow_wave_sleep_time_milli', stages?.total_slow_wave_sleep_time_milli);
    const rem = seconds(r, 'score.stage_summary.total_rem_sleep_time_milli', stages?.total_rem_sleep_time_milli);
    const needed = asObj(score?.sleep_needed);
    const extras: { [key: string]: Json } = {
      scoreState: state,
      cycleId: idOf(o.cycle_id),
      ...(score
        ? {
            sleepPerformancePercentage: r.num('score.sleep_performance_percentage', score.sleep_performance_percentage, PLAUSIBLE.percent),
            sleepConsistencyPercentage: r.num('score.sleep_consistency_percentage', score.sleep_consistency_percentage, PLAUSIBLE.percent),
            sleepCycleCount: r.int('score.stage_summary.sleep_cycle_count', stages?.sleep_cycle_count, RANGE.count),
            disturbanceCount: r.int('score.stage_summary.disturbance_count', stages?.disturbance_count, RANGE.count),
            sleepNeededSeconds: needed
              ? {
                  baseline: seconds(r, 'score.sleep_needed.baseline_milli', needed.baseline_milli),
                  fromSleepDebt: seconds(r, 'score.sleep_needed.need_from_sleep_debt_milli', needed.need_from_sleep_debt_milli),
                  fromRecentStrain: seconds(r, 'score.sleep_needed.need_from_recent_strain_milli', needed.need_from_recent_strain_milli),
                  // Negative: a recent nap lowers the need.
                  fromRecentNap: typeof needed.need_from_recent_nap_milli === 'number' ? Math.round(needed.need_from_recent_nap_milli / 1000) : null,
                }
              : null,
          }
        : {}),
    };
    return mapped(
      [
        {
          kind: 'sleep',
          record: {
            providerRecordId: id,
            sourceDevice: null,
            utcOffsetMinutes: offset,
            localDate: localDateOf(end, offset),
            startTime: times.start,
            endTime: end,
            type: o.nap === true ? 'NAP' : 'MAIN',
            timeInBedSeconds: seconds(r, 'score.stage_summary.total_in_bed_time_milli', stages?.total_in_bed_time_milli),
            totalSleepSeconds: light !== null && deep !== null && rem !== null ? light + deep + rem : null,
            lightSleepSeconds: light,
            deepSleepSeconds: deep,
            remSleepSeconds: rem,
            awakeSeconds: seconds(r, 'score.stage_summary.total_awake_time_milli', stages?.total_awake_time_milli),
            unrecognizedSleepSeconds: seconds(r, 'score.stage_summary.total_no_data_time_milli', stages?.total_no_data_time_milli),
            latencySeconds: null,
            efficiencyPercent: score ? r.num('score.sleep_efficiency_percentage', score.sleep_efficiency_percentage, PLAUSIBLE.percent) : null,
            // WHOOP's own sleep score: sleep performance (sleep obtained vs sleep needed).
            score: score ? r.int('score.sleep_performance_percentage', score.sleep_performance_percentage, PLAUSIBLE.score) : null,
            interruptionsSeconds: null,
            averageHeartRateBpm: null,
            lowestHeartRateBpm: null,
            averageHrvRmssdMs: null,
            breathingRatePerMinute: score ? r.num('score.respiratory_rate', score.respiratory_rate, PLAUSIBLE.breathingRatePerMinute) : null,
            hypnogram: null,
            extras: { whoop: extras },
          },
        },
      ],
      r.issues,
    );
  });
}

// ---------------------------------------------------------------- recovery

export function mapRecovery(payload: unknown): MapOutcome {
  return safely(() => {
    const o = asObj(payload);
    if (!o) return skip('recovery payload is not an object');
    const sleepId = idOf(o.sleep_id);
    if (!sleepId) return skip('recovery without sleep_id');
    const state = scoreStateOf(o);
    const score = scoreOf(o);
    if (!score) return skip(`recovery of sleep ${sleepId} is ${state}: raw payload kept, fetched again once scored`);
    const sleep = asObj(o._sleep);
    const times = sleep ? span(sleep, true) : 'not found';
    if (!sleep || typeof times === 'string') return skip(`recovery of sleep ${sleepId}: its sleep is ${typeof times === 'string' ? times : 'missing'}`);
    const r = new FieldReader();
    const offset = whoopOffset(sleep, r.issues);
    return mapped(
      [
        {
          kind: 'recovery',
          record: {
            providerRecordId: recoveryRecordId(sleepId),
            sourceDevice: null,
            utcOffsetMinutes: offset,
            localDate: localDateOf(times.end!, offset),
            startTime: times.start,
            hrvRmssdMs: r.num('score.hrv_rmssd_milli', score.hrv_rmssd_milli, PLAUSIBLE.hrvMs),
            restingHeartRateBpm: r.num('score.resting_heart_rate', score.resting_heart_rate, PLAUSIBLE.heartRateBpm),
            averageHeartRateBpm: null,
            beatToBeatAverageMs: null,
            breathingRatePerMinute: null,
            // WHOOP's recovery score (0-100) is its readiness.
            readinessScore: r.int('score.recovery_score', score.recovery_score, PLAUSIBLE.score),
            nightlyRechargeStatus: null,
            ansCharge: null,
            ansChargeStatus: null,
            sleepCharge: null,
            // WHOOP reports the absolute skin temperature, not a deviation: kept in extras.
            skinTemperatureDeviationCelsius: null,
            extras: {
              whoop: {
                scoreState: state,
                cycleId: idOf(o.cycle_id),
                sleepId,
                recoveryScore: r.num('score.recovery_score', score.recovery_score, PLAUSIBLE.score),
                spo2Percentage: r.num('score.spo2_percentage', score.spo2_percentage, PLAUSIBLE.percent),
                skinTempCelsius: r.num('score.skin_temp_celsius', score.skin_temp_celsius, RANGE.skinTempCelsius),
                userCalibrating: typeof score.user_calibrating === 'boolean' ? score.user_calibrating : null,
              },
            },
          },
        },
      ],
      r.issues,
    );
  });
}

// ---------------------------------------------------------------- cycle

export function mapCycle(payload: unknown): MapOutcome {
  return safely(() => {
    const o = asObj(payload);
    if (!o) return skip('cycle payload is not an object');
    const id = idOf(o.id);
    if (!id) return skip('missing cycle id');
    const state = scoreStateOf(o);
    const score = scoreOf(o);
    if (!score) return skip(`cycle ${id} is ${state}: raw payload kept, fetched again once scored`);
    const times = span(o, false);
    if (typeof times === 'string') return skip(`cycle ${times}`);
    const r = new FieldReader();
    const offset = whoopOffset(o, r.issues);
    return mapped(
      [
        {
          kind: 'dailyActivity',
          record: {
            providerRecordId: cycleRecordId(id),
            sourceDevice: null,
            utcOffsetMinutes: offset,
            localDate: localDateOf(new Date(times.start.getTime() + HALF_DAY_MS), offset),
            startTime: times.start,
            steps: null,
            activeEnergyKcal: null,
            // The cycle's kilojoules are its whole energy expenditure.
            totalEnergyKcal: kcalOf(r, 'score.kilojoule', score.kilojoule),
            activeDurationSeconds: null,
            distanceMeters: null,
            score: null,
            cardioLoad: null,
            cardioLoadStrain: null,
            cardioLoadTolerance: null,
            cardioLoadStatus: null,
            extras: {
              whoop: {
                scoreState: state,
                cycleId: id,
                end: times.end ? times.end.toISOString() : null,
                strain: r.num('score.strain', score.strain, RANGE.strain),
                kilojoule: r.num('score.kilojoule', score.kilojoule, RANGE.kilojoule),
                averageHeartRateBpm: r.num('score.average_heart_rate', score.average_heart_rate, PLAUSIBLE.heartRateBpm),
                maxHeartRateBpm: r.num('score.max_heart_rate', score.max_heart_rate, PLAUSIBLE.heartRateBpm),
              },
            },
          },
        },
      ],
      r.issues,
    );
  });
}

// ---------------------------------------------------------------- workout

const ZONES = ['zone_zero_milli', 'zone_one_milli', 'zone_two_milli', 'zone_three_milli', 'zone_four_milli', 'zone_five_milli'] as const;

export function mapWorkout(payload: unknown): MapOutcome {
  return safely(() => {
    const o = asObj(payload);
    if (!o) return skip('workout payload is not an object');
    const id = idOf(o.id);
    if (!id) return skip('missing workout id');
    const times = span(o, true);
    if (typeof times === 'string') return skip(`workout ${times}`);
    const r = new FieldReader();
    const offset = whoopOffset(o, r.issues);
    const end = times.end!;
    const state = scoreStateOf(o);
    const score = scoreOf(o);
    const rawSport = typeof o.sport_name === 'string' ? o.sport_name : null;
    const sport: WorkoutSport = mapWhoopSport(rawSport);
    const zoneObj = asObj(score?.zone_durations);
    const heartRateZones: Json[] | null = zoneObj
      ? ZONES.map((field, zone) => ({ zone, lowerBpm: null, upperBpm: null, durationSeconds: seconds(r, `score.zone_durations.${field}`, zoneObj[field]) }))
      : null;
    return mapped(
      [
        {
          kind: 'workout',
          record: {
            providerRecordId: id,
            sourceDevice: null,
            utcOffsetMinutes: offset,
            localDate: localDateOf(times.start, offset),
            startTime: times.start,
            endTime: end,
            sport,
            providerSport: rawSport ?? 'unknown',
            durationSeconds: Math.round((end.getTime() - times.start.getTime()) / 1000),
            distanceMeters: score ? r.num('score.distance_meter', score.distance_meter, PLAUSIBLE.distanceMeters) : null,
            energyKcal: score ? kcalOf(r, 'score.kilojoule', score.kilojoule) : null,
            averageHeartRateBpm: score ? r.num('score.average_heart_rate', score.average_heart_rate, PLAUSIBLE.heartRateBpm) : null,
            maxHeartRateBpm: score ? r.num('score.max_heart_rate', score.max_heart_rate, PLAUSIBLE.heartRateBpm) : null,
            trainingLoad: null,
            muscleLoad: null,
            intensity: null,
            heartRateZones,
            extras: {
              whoop: {
                scoreState: state,
                strain: score ? r.num('score.strain', score.strain, RANGE.strain) : null,
                percentRecorded: score ? r.num('score.percent_recorded', score.percent_recorded, PLAUSIBLE.percent) : null,
                altitudeGainMeters: score ? r.num('score.altitude_gain_meter', score.altitude_gain_meter, [0, 10_000]) : null,
                altitudeChangeMeters: score ? r.num('score.altitude_change_meter', score.altitude_change_meter, [-10_000, 10_000]) : null,
              },
            },
          },
        },
      ],
      r.issues,
    );
  });
}

/**
 * The local date a fetched record belongs to (the fetchers keep a window's records by it), by
 * the rules above; null when the record cannot say.
 */
export function whoopLocalDate(kind: 'sleep' | 'cycle' | 'workout' | 'recovery', payload: unknown): string | null {
  const o = asObj(payload);
  const source = kind === 'recovery' ? asObj(o?._sleep) : o;
  if (!source) return null;
  const times = span(source, kind !== 'cycle');
  if (typeof times === 'string') return null;
  const offset = whoopOffset(source, []);
  const at = kind === 'workout' ? times.start : kind === 'cycle' ? new Date(times.start.getTime() + HALF_DAY_MS) : times.end!;
  return localDateOf(at, offset).toISOString().slice(0, 10);
}
