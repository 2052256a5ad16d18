/**
 * Health Connect records (as pushed through the contract) -> normalized records. Pure.
 * Instants come with their own zone offsets, which Health Connect allows to be null: then the
 * local date is taken in UTC and the record says so (a nulled-field note). Steps, distance and
 * calories -> their day's DailyActivity (shares keyed by the record id); heart-rate series ->
 * samples; sleep sessions with stages and exercise sessions -> SleepSession and Workout; VO2max ->
 * Vo2MaxEstimate. Resting HR, HRV (RMSSD), weight, SpO2 (0-100) and respiratory rate -> measurements.
 */
import { heartRateSamples } from '../../normalize/heart-rate.js';
import { asObj, safely } from '../../normalize/payload.js';
import { mapped, skip, type FieldIssue, type HypnogramStage, type MapOutcome, type NormalizedRecord } from '../../normalize/records.js';
import { dailyShare } from '../../normalize/shares.js';
import { localDateOf, parseOffset, parseOffsetDateTime } from '../../normalize/time.js';
import { FieldReader, PLAUSIBLE, toStoredUnit } from '../../normalize/units.js';
import { METRICS, type MetricId } from '../../measurements/catalogue.js';
import { emitMeasurements } from '../../measurements/emit.js';
import type { HealthConnectRecord } from '../../ingest/contract.js';
import { HC_SPORTS } from './sport-map.js';

type Of<T extends HealthConnectRecord['recordType']> = Extract<HealthConnectRecord, { recordType: T }>;

/** SleepSessionRecord stage -> hypnogram stage; SLEEPING (2) is asleep with the stage unknown. */
const STAGES: Record<number, HypnogramStage> = { 0: 'UNKNOWN', 1: 'AWAKE', 2: 'UNKNOWN', 3: 'AWAKE', 4: 'LIGHT', 5: 'DEEP', 6: 'REM', 7: 'AWAKE' };

export const HEALTH_CONNECT_MAPPED_TYPES = [
  'StepsRecord', 'DistanceRecord', 'ActiveCaloriesBurnedRecord', 'TotalCaloriesBurnedRecord', 'HeartRateRecord', 'Vo2MaxRecord', 'SleepSessionRecord', 'ExerciseSessionRecord',
  'RestingHeartRateRecord', 'HeartRateVariabilityRmssdRecord', 'WeightRecord', 'OxygenSaturationRecord', 'RespiratoryRateRecord',
];

/** An instant and the offset that holds for it (the record's, else UTC with a note). */
function at(time: string, offset: string | null | undefined, field: string, issues: FieldIssue[]) {
  const { instant } = parseOffsetDateTime(time);
  if (offset === null || offset === undefined) {
    issues.push({ field, reason: 'zone offset null: local date taken in UTC' });
    return { instant, utcOffsetMinutes: 0 };
  }
  return { instant, utcOffsetMinutes: offset === 'Z' ? 0 : parseOffset(offset) };
}

function span(record: { startTime: string; startZoneOffset: string | null; endTime: string; endZoneOffset: string | null }, issues: FieldIssue[]) {
  const start = at(record.startTime, record.startZoneOffset, 'startZoneOffset', issues);
  const end = at(record.endTime, record.endZoneOffset, 'endZoneOffset', issues);
  if (end.instant < start.instant) throw new RangeError('endTime is before startTime');
  return { start: start.instant, end: end.instant, utcOffsetMinutes: start.utcOffsetMinutes, endOffsetMinutes: end.utcOffsetMinutes };
}

const deviceOf = (record: HealthConnectRecord) => [record.metadata.device?.manufacturer, record.metadata.device?.model].filter(Boolean).join(' ') || record.metadata.dataOrigin.packageName;

function daily(record: Of<'StepsRecord' | 'DistanceRecord' | 'ActiveCaloriesBurnedRecord' | 'TotalCaloriesBurnedRecord'>, issues: FieldIssue[]): MapOutcome {
  const s = span(record, issues);
  let value: number | null;
  let field: 'steps' | 'distanceMeters' | 'activeEnergyKcal' | 'totalEnergyKcal';
  let range: readonly [number, number];
  if (record.recordType === 'StepsRecord') [value, field, range] = [record.count, 'steps', PLAUSIBLE.steps];
  else if (record.recordType === 'DistanceRecord') [value, field, range] = [toStoredUnit(record.distance.value, record.distance.unit, 'length'), 'distanceMeters', PLAUSIBLE.distanceMeters];
  else [value, field, range] = [toStoredUnit(record.energy.value, record.energy.unit, 'energy'), record.recordType === 'ActiveCaloriesBurnedRecord' ? 'activeEnergyKcal' : 'totalEnergyKcal', PLAUSIBLE.energyKcal];
  if (value === null) return skip('unit not convertible');
  if (value < range[0] || value > range[1]) return skip(`value out of range [${range[0]}, ${range[1]}]: ${value}`);
  return mapped([dailyShare(s, record.metadata.id, record.metadata.dataOrigin.packageName, field, value, deviceOf(record))], issues);
}

function sleep(record: Of<'SleepSessionRecord'>, issues: FieldIssue[]): MapOutcome {
  const s = span(record, issues);
  const sums: Record<HypnogramStage | 'SLEEPING', number> = { AWAKE: 0, LIGHT: 0, DEEP: 0, REM: 0, UNKNOWN: 0, SLEEPING: 0 };
  const hypnogram = [...record.stages]
    .sort((a, b) => a.startTime.localeCompare(b.startTime))
    .map((stage) => {
      const start = parseOffsetDateTime(stage.startTime).instant;
      const durationSeconds = Math.max(0, Math.round((parseOffsetDateTime(stage.endTime).instant.getTime() - start.getTime()) / 1000));
      sums[stage.stage === 2 ? 'SLEEPING' : STAGES[stage.stage]] += durationSeconds;
      return { start: start.toISOString(), durationSeconds, stage: STAGES[stage.stage] };
    });
  const staged = record.stages.length > 0;
  const asleep = sums.LIGHT + sums.DEEP + sums.REM + sums.SLEEPING;
  const inBed = Math.round((s.end.getTime() - s.start.getTime()) / 1000);
  return mapped(
    [
      {
        kind: 'sleep',
        record: {
          providerRecordId: record.metadata.id,
          sourceDevice: deviceOf(record),
          utcOffsetMinutes: s.endOffsetMinutes,
          localDate: localDateOf(s.end, s.endOffsetMinutes),
          startTime: s.start,
          endTime: s.end,
          type: inBed < 3 * 3600 ? 'NAP' : 'MAIN',
          timeInBedSeconds: inBed,
          totalSleepSeconds: staged ? asleep : null,
          lightSleepSeconds: staged ? sums.LIGHT : null,
          deepSleepSeconds: staged ? sums.DEEP : null,
          remSleepSeconds: staged ? sums.REM : null,
          awakeSeconds: staged ? sums.AWAKE : null,
          unrecognizedSleepSeconds: staged ? sums.SLEEPING + sums.UNKNOWN : null,
          latencySeconds: null,
          efficiencyPercent: staged && inBed > 0 ? Math.round((asleep / inBed) * 1000) / 10 : null,
          score: null,
          interruptionsSeconds: null,
          averageHeartRateBpm: null,
          lowestHeartRateBpm: null,
          averageHrvRmssdMs: null,
          breathingRatePerMinute: null,
          hypnogram: staged ? hypnogram : null,
          extras: { healthConnect: { dataOrigin: record.metadata.dataOrigin.packageName, title: record.title ?? null } },
        },
      },
    ],
    issues,
  );
}

function exercise(record: Of<'ExerciseSessionRecord'>, issues: FieldIssue[]): MapOutcome {
  const s = span(record, issues);
  const out: NormalizedRecord = {
    kind: 'workout',
    record: {
      providerRecordId: record.metadata.id,
      sourceDevice: deviceOf(record),
      utcOffsetMinutes: s.utcOffsetMinutes,
      localDate: localDateOf(s.start, s.utcOffsetMinutes),
      startTime: s.start,
      endTime: s.end,
      sport: HC_SPORTS[record.exerciseType] ?? 'OTHER',
      providerSport: String(record.exerciseType),
      durationSeconds: Math.round((s.end.getTime() - s.start.getTime()) / 1000),
      // Health Connect keeps distance and calories as separate records (they count in the day).
      distanceMeters: null,
      energyKcal: null,
      averageHeartRateBpm: null,
      maxHeartRateBpm: null,
      trainingLoad: null,
      muscleLoad: null,
      intensity: null,
      heartRateZones: null,
      extras: {
        healthConnect: {
          dataOrigin: record.metadata.dataOrigin.packageName,
          title: record.title ?? null,
          segments: (record.segments ?? []).map((g) => ({ startTime: g.startTime, endTime: g.endTime, segmentType: g.segmentType, repetitions: g.repetitions ?? null })),
          laps: (record.laps ?? []).map((l) => ({ startTime: l.startTime, endTime: l.endTime, lengthMeters: l.length ? toStoredUnit(l.length.value, l.length.unit, 'length') : null })),
        },
      },
    },
  };
  return mapped([out], issues);
}

export function mapHealthConnect(_dataType: string, payload: unknown): MapOutcome {
  return safely(() => {
    const record = asObj(payload) as HealthConnectRecord | null;
    if (!record?.metadata) return skip('not a Health Connect record');
    const issues: FieldIssue[] = [];
    switch (record.recordType) {
      case 'StepsRecord':
      case 'DistanceRecord':
      case 'ActiveCaloriesBurnedRecord':
      case 'TotalCaloriesBurnedRecord':
        return daily(record, issues);
      case 'HeartRateRecord': {
        const s = span(record, issues);
        const samples = heartRateSamples(
          record.samples.map((p) => ({ at: parseOffsetDateTime(p.time).instant, value: p.beatsPerMinute })),
          'samples',
          issues,
          { utcOffsetMinutes: s.utcOffsetMinutes, context: null, sourceDevice: deviceOf(record) },
        );
        return samples.length ? mapped([{ kind: 'heartRate', samples }], issues) : skip('no usable heart-rate sample');
      }
      case 'Vo2MaxRecord': {
        const t = at(record.time, record.zoneOffset, 'zoneOffset', issues);
        const [min, max] = PLAUSIBLE.vo2MaxMlPerKgMin;
        const v = record.vo2MillilitersPerMinuteKilogram;
        if (v < min || v > max) return skip(`VO2max out of range [${min}, ${max}]: ${v}`);
        const r = new FieldReader();
        return mapped(
          [
            { kind: 'vo2Max', record: { providerRecordId: record.metadata.id, sourceDevice: deviceOf(record), utcOffsetMinutes: t.utcOffsetMinutes, localDate: localDateOf(t.instant, t.utcOffsetMinutes), measuredAt: t.instant, vo2MaxMlPerKgMin: v } },
            ...emitMeasurements(r, { providerRecordId: record.metadata.id, startTime: t.instant, utcOffsetMinutes: t.utcOffsetMinutes, sourceDevice: deviceOf(record) }, [['vo2max_ml_per_kg_min', 'vo2MillilitersPerMinuteKilogram', v]]),
          ],
          [...issues, ...r.issues],
        );
      }
      case 'RestingHeartRateRecord':
      case 'HeartRateVariabilityRmssdRecord':
      case 'WeightRecord':
      case 'OxygenSaturationRecord':
      case 'RespiratoryRateRecord': {
        const t = at(record.time, record.zoneOffset, 'zoneOffset', issues);
        const [metric, value]: [MetricId, number | null] =
          record.recordType === 'RestingHeartRateRecord' ? ['resting_heart_rate_bpm', record.beatsPerMinute]
          : record.recordType === 'HeartRateVariabilityRmssdRecord' ? ['hrv_rmssd_ms', record.heartRateVariabilityMillis]
          : record.recordType === 'WeightRecord' ? ['weight_kg', toStoredUnit(record.weight.value, record.weight.unit, 'mass')]
          : record.recordType === 'OxygenSaturationRecord' ? ['spo2_percent', record.percentage]
          : ['respiratory_rate_brpm', record.rate];
        const r = new FieldReader();
        // HRV RMSSD is an interval metric; Health Connect gives the instant it was measured.
        const records = emitMeasurements(r, { providerRecordId: record.metadata.id, startTime: t.instant, endTime: METRICS[metric].kind === 'interval' ? t.instant : null, utcOffsetMinutes: t.utcOffsetMinutes, sourceDevice: deviceOf(record) }, [[metric, metric, value]]);
        return records.length ? mapped(records, [...issues, ...r.issues]) : skip(r.issues.map((i) => `${i.field}: ${i.reason}`).join('; ') || 'no value');
      }
      case 'SleepSessionRecord':
        return sleep(record, issues);
      case 'ExerciseSessionRecord':
        return exercise(record, issues);
      default:
        return mapped([]);
    }
  });
}
