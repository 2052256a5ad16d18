/**
 * Samsung Health Data SDK data points (as pushed through the contract) -> normalized records. Pure.
 * The SDK hands out typed values; the app sends them under their SDK field names in `values`,
 * in the SDK's units (steps count, calories kcal, distance m, duration ms, heart rate bpm):
 *   STEPS { count } -> the day's DailyActivity (share);
 *   HEART_RATE { heartRate, series?: [{ time, heartRate }] } -> heart-rate samples;
 *   SLEEP { sleepScore?, stages: [{ startTime, endTime, stage: AWAKE|LIGHT|DEEP|REM }] } -> SleepSession;
 *   EXERCISE { exerciseType, duration?, calorie?, distance?, meanHeartRate?, maxHeartRate? } -> Workout.
 *   BLOOD_OXYGEN { oxygenSaturation (%) }, BODY_COMPOSITION { weight (kg), bodyFat (%), skeletalMuscleMass (kg) } -> measurements.
 * Skin temperature and blood pressure are kept raw.
 */
import type { WorkoutSport } from '../../generated/prisma/enums.js';
import { heartRateSamples } from '../../normalize/heart-rate.js';
import { asObj, safely } from '../../normalize/payload.js';
import { mapped, skip, type FieldIssue, type HypnogramStage, type MapOutcome } from '../../normalize/records.js';
import { dailyShare } from '../../normalize/shares.js';
import { localDateOf, parseOffset, parseOffsetDateTime } from '../../normalize/time.js';
import { FieldReader, PLAUSIBLE } from '../../normalize/units.js';
import type { SamsungHealthRecord } from '../../ingest/contract.js';
import { emitMeasurements } from '../../measurements/emit.js';

export const SAMSUNG_MAPPED_TYPES = ['STEPS', 'HEART_RATE', 'SLEEP', 'EXERCISE', 'BLOOD_OXYGEN', 'BODY_COMPOSITION'];

const SPORTS: Record<string, WorkoutSport> = {
  RUNNING: 'RUNNING', WALKING: 'WALKING', HIKING: 'HIKING', CYCLING: 'CYCLING', SWIMMING: 'SWIMMING', ROWING_MACHINE: 'INDOOR_ROWING',
  ELLIPTICAL_TRAINER: 'ELLIPTICAL', YOGA: 'YOGA', PILATES: 'PILATES', WEIGHT_MACHINE: 'STRENGTH_TRAINING', CIRCUIT_TRAINING: 'CIRCUIT_TRAINING',
  TREADMILL: 'TREADMILL_RUNNING', EXERCISE_BIKE: 'INDOOR_CYCLING', HIIT: 'HIIT', DANCING: 'DANCING',
};
const STAGES: Record<string, HypnogramStage> = { AWAKE: 'AWAKE', LIGHT: 'LIGHT', DEEP: 'DEEP', REM: 'REM' };

export function mapSamsungHealth(_dataType: string, payload: unknown): MapOutcome {
  return safely(() => {
    const point = asObj(payload) as SamsungHealthRecord | null;
    if (!point?.uid) return skip('not a Samsung Health data point');
    const issues: FieldIssue[] = [];
    const r = new FieldReader();
    const start = parseOffsetDateTime(point.startTime).instant;
    const end = point.endTime ? parseOffsetDateTime(point.endTime).instant : start;
    let utcOffsetMinutes = 0;
    if (point.zoneOffset) utcOffsetMinutes = point.zoneOffset === 'Z' ? 0 : parseOffset(point.zoneOffset);
    else issues.push({ field: 'zoneOffset', reason: 'zone offset missing: local date taken in UTC' });
    const device = point.dataSource?.deviceId ?? point.dataSource?.appId ?? null;
    const v = point.values;
    switch (point.dataType) {
      case 'STEPS': {
        const count = r.int('values.count', v.count, PLAUSIBLE.steps);
        if (count === null) return skip(r.issues[0]?.reason ?? 'values.count missing');
        return mapped([dailyShare({ start, end, utcOffsetMinutes }, point.uid, point.dataSource?.appId ?? 'samsung', 'steps', count, device)], issues);
      }
      case 'HEART_RATE': {
        const series = Array.isArray(v.series) ? (v.series as { time?: string; heartRate?: unknown }[]) : [{ time: point.startTime, heartRate: v.heartRate }];
        const points = series.flatMap((p) => (typeof p.time === 'string' ? [{ at: parseOffsetDateTime(p.time).instant, value: p.heartRate }] : []));
        const samples = heartRateSamples(points, 'values.heartRate', issues, { utcOffsetMinutes, context: null, sourceDevice: device });
        return samples.length ? mapped([{ kind: 'heartRate', samples }], issues) : skip('no usable heart rate');
      }
      case 'SLEEP': {
        const stages = (Array.isArray(v.stages) ? v.stages : []).map((s) => asObj(s) ?? {});
        const sums: Record<HypnogramStage, number> = { AWAKE: 0, LIGHT: 0, DEEP: 0, REM: 0, UNKNOWN: 0 };
        const hypnogram = stages.map((s) => {
          const a = parseOffsetDateTime(String(s.startTime)).instant;
          const durationSeconds = Math.max(0, Math.round((parseOffsetDateTime(String(s.endTime)).instant.getTime() - a.getTime()) / 1000));
          const stage = STAGES[String(s.stage)] ?? 'UNKNOWN';
          sums[stage] += durationSeconds;
          return { start: a.toISOString(), durationSeconds, stage };
        });
        const staged = hypnogram.length > 0;
        const inBed = Math.round((end.getTime() - start.getTime()) / 1000);
        return mapped(
          [
            {
              kind: 'sleep',
              record: {
                providerRecordId: point.uid, sourceDevice: device, utcOffsetMinutes, localDate: localDateOf(end, utcOffsetMinutes), startTime: start, endTime: end,
                type: inBed < 3 * 3600 ? 'NAP' : 'MAIN', timeInBedSeconds: inBed,
                totalSleepSeconds: staged ? sums.LIGHT + sums.DEEP + sums.REM + sums.UNKNOWN : null,
                lightSleepSeconds: staged ? sums.LIGHT : null, deepSleepSeconds: staged ? sums.DEEP : null, remSleepSeconds: staged ? sums.REM : null,
                awakeSeconds: staged ? sums.AWAKE : null, unrecognizedSleepSeconds: staged ? sums.UNKNOWN : null,
                latencySeconds: null, efficiencyPercent: null, score: r.int('values.sleepScore', v.sleepScore, PLAUSIBLE.score), interruptionsSeconds: null,
                averageHeartRateBpm: null, lowestHeartRateBpm: null, averageHrvRmssdMs: null, breathingRatePerMinute: null,
                hypnogram: staged ? hypnogram : null, extras: null,
              },
            },
          ],
          [...issues, ...r.issues],
        );
      }
      case 'EXERCISE': {
        const type = String(v.exerciseType ?? 'OTHER');
        const durationMs = r.num('values.duration', v.duration, [0, PLAUSIBLE.durationSeconds[1] * 1000]);
        return mapped(
          [
            {
              kind: 'workout',
              record: {
                providerRecordId: point.uid, sourceDevice: device, utcOffsetMinutes, localDate: localDateOf(start, utcOffsetMinutes), startTime: start, endTime: end,
                sport: SPORTS[type] ?? 'OTHER', providerSport: type,
                durationSeconds: durationMs !== null ? durationMs / 1000 : Math.round((end.getTime() - start.getTime()) / 1000),
                distanceMeters: r.num('values.distance', v.distance, PLAUSIBLE.distanceMeters),
                energyKcal: r.num('values.calorie', v.calorie, PLAUSIBLE.energyKcal),
                averageHeartRateBpm: r.num('values.meanHeartRate', v.meanHeartRate, PLAUSIBLE.heartRateBpm),
                maxHeartRateBpm: r.num('values.maxHeartRate', v.maxHeartRate, PLAUSIBLE.heartRateBpm),
                trainingLoad: null, muscleLoad: null, intensity: null, heartRateZones: null, extras: null,
              },
            },
          ],
          [...issues, ...r.issues],
        );
      }
      case 'BLOOD_OXYGEN':
      case 'BODY_COMPOSITION': {
        const records = emitMeasurements(r, { providerRecordId: point.uid, startTime: start, utcOffsetMinutes, sourceDevice: device }, point.dataType === 'BLOOD_OXYGEN'
          ? [['spo2_percent', 'values.oxygenSaturation', v.oxygenSaturation]]
          : [['weight_kg', 'values.weight', v.weight], ['body_fat_percent', 'values.bodyFat', v.bodyFat], ['muscle_mass_kg', 'values.skeletalMuscleMass', v.skeletalMuscleMass]]);
        return records.length ? mapped(records, [...issues, ...r.issues]) : skip(r.issues.map((i) => `${i.field}: ${i.reason}`).join('; ') || 'no value');
      }
      default:
        return mapped([]);
    }
  });
}
