/**
 * The device simulator: a plausible week of HealthKit samples (an iPhone and an Apple Watch, US
 * locale: miles and pounds, Denver time) and of Health Connect records (a Pixel and a watch app,
 * Berlin time), as a phone SDK would read them, in the push contract's shapes. Deterministic: the
 * numbers follow simple rules (documented per record) so tests can work out the expected days by hand.
 *
 * Per day i (0 = first day):
 *   HealthKit (offset -07:00)
 *     steps: hours 08..19, iPhone 300 + 10i per hour, Watch 320 + 10i per hour (the Watch's total counts)
 *     active energy: Watch, hours 08..19, 25 kcal per hour ("Cal" on even days, "kJ" x4.184 on odd ones)
 *     walking+running distance: Watch, hours 08..19, 0.25 mi per hour
 *     heart rate: Watch, every 10 minutes from 00:00, 60 + (minute of day mod 40) bpm
 *     sleep (night ending on day i): in bed 22:30-06:30 (iPhone), stages from the Watch 23:00-06:30:
 *       core 23:00-01:00, deep 01:00-02:00, REM 02:00-03:00, awake 03:00-03:15, core 03:15-05:15, REM 05:15-06:30
 *     workout on days 1, 3, 5: running 18:00-18:45, statistics 3.1 mi, 410 kcal, HR avg 150 max 172
 *     day 6: a late run 23:30-23:59 (still day 6 locally, the next day in UTC)
 *     resting HR 52 + i, HRV SDNN 45 + i ms, body mass 165 lb (day 0), SpO2 0.97 (%), respiratory rate 14.5
 *     VO2max 47.3 mL/min·kg on day 3
 *   Health Connect (offset +02:00)
 *     steps: hours 08..19, 250 + 5i per record; plus 00:30-00:45 local (22:30 UTC the day before), 100 steps
 *     distance: hours 08..19, 0.2 km per record; active calories: hours 08..19, 20 kcal
 *     heart rate: one record per hour 08..19 with samples every 10 minutes, 70 bpm
 *     sleep session ending on day i: 23:00-07:00 with stages light 23:00-01:00, deep 01:00-02:30, REM 02:30-03:30,
 *       awake 03:30-03:45, light 03:45-07:00
 *     exercise on day 2: running (56) 18:00-18:45; VO2max 44 on day 4; resting HR, HRV RMSSD, weight (kg), SpO2 (%), respiratory rate
 */
import type { AppleHealthRecord, HealthConnectRecord } from '../../ingest/contract.js';
import { addLocalDays, formatOffset } from '../../normalize/time.js';

const pad = (n: number) => String(n).padStart(2, '0');
/** 'YYYY-MM-DD' plus minutes from its local midnight -> ISO local time with the offset. */
function at(date: string, minuteOfDay: number, offsetMinutes: number): string {
  const day = addLocalDays(date, Math.floor(minuteOfDay / 1440));
  const m = ((minuteOfDay % 1440) + 1440) % 1440;
  return `${day}T${pad(Math.floor(m / 60))}:${pad(m % 60)}:00${formatOffset(offsetMinutes)}`;
}
/** The same instant in UTC ('...Z'), as Health Connect's Instant prints. */
function utc(date: string, minuteOfDay: number, offsetMinutes: number): string {
  return new Date(Date.parse(at(date, minuteOfDay, offsetMinutes))).toISOString().replace('.000Z', 'Z');
}

const uuid = (prefix: string, ...parts: (string | number)[]) => {
  const text = `${prefix}-${parts.join('-')}`;
  let h = 0x811c9dc5;
  const hex: string[] = [];
  for (let round = 0; round < 4; round++) {
    for (const c of text + round) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
    hex.push(h.toString(16).padStart(8, '0'));
  }
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-4${s.slice(13, 16)}-8${s.slice(17, 20)}-${s.slice(20, 32)}`.toUpperCase();
};

export const HK_OFFSET = -7 * 60;
export const HC_OFFSET = 2 * 60;
const WATCH = { sourceName: 'Alex’s Apple Watch', sourceBundleId: 'com.apple.health.8C3F1A2B', device: { name: 'Apple Watch', manufacturer: 'Apple Inc.', model: 'Watch', hardwareVersion: 'Watch6,1', softwareVersion: '10.5' } };
const PHONE = { sourceName: 'Alex’s iPhone', sourceBundleId: 'com.apple.health.4E5D6C7B', device: { name: 'iPhone', manufacturer: 'Apple Inc.', model: 'iPhone', hardwareVersion: 'iPhone15,2', softwareVersion: '17.5' } };

/** A week (or `days`) of HealthKit samples starting on `from` (local date). */
export function healthKitWeek(from: string, days = 7): AppleHealthRecord[] {
  const out: AppleHealthRecord[] = [];
  const o = HK_OFFSET;
  const quantity = (source: typeof WATCH, type: string, value: number, unit: string, date: string, start: number, end: number, metadata?: Record<string, string | number>): AppleHealthRecord => ({
    kind: 'quantity', uuid: uuid('hk', type, source.sourceName, date, start), type: `HKQuantityTypeIdentifier${type}`, value, unit,
    startDate: at(date, start, o), endDate: at(date, end, o), ...source, ...(metadata ? { metadata } : {}),
  });
  const sleep = (source: typeof WATCH, value: string, date: string, start: number, end: number): AppleHealthRecord => ({
    kind: 'category', uuid: uuid('hk-sleep', source.sourceName, date, start), type: 'HKCategoryTypeIdentifierSleepAnalysis', value,
    startDate: at(date, start, o), endDate: at(date, end, o), ...source,
  });
  for (let i = 0; i < days; i++) {
    const date = addLocalDays(from, i);
    for (let h = 8; h <= 19; h++) {
      out.push(quantity(PHONE, 'StepCount', 300 + 10 * i, 'count', date, h * 60, h * 60 + 59));
      out.push(quantity(WATCH, 'StepCount', 320 + 10 * i, 'count', date, h * 60 + 1, h * 60 + 58));
      out.push(i % 2 === 0 ? quantity(WATCH, 'ActiveEnergyBurned', 25, 'Cal', date, h * 60, h * 60 + 59) : quantity(WATCH, 'ActiveEnergyBurned', 25 * 4.184, 'kJ', date, h * 60, h * 60 + 59));
      out.push(quantity(WATCH, 'DistanceWalkingRunning', 0.25, 'mi', date, h * 60, h * 60 + 59));
    }
    for (let m = 0; m < 1440; m += 10) out.push(quantity(WATCH, 'HeartRate', 60 + (m % 40), 'count/min', date, m, m, { HKMetadataKeyHeartRateMotionContext: 1 }));
    // The night ending on this day: it began the evening before.
    out.push(sleep(PHONE, 'HKCategoryValueSleepAnalysisInBed', date, -90, 390));
    const stages: [string, number, number][] = [['AsleepCore', -60, 60], ['AsleepDeep', 60, 120], ['AsleepREM', 120, 180], ['Awake', 180, 195], ['AsleepCore', 195, 315], ['AsleepREM', 315, 390]];
    for (const [stage, a, b] of stages) out.push(sleep(WATCH, `HKCategoryValueSleepAnalysis${stage}`, date, a, b));
    out.push(quantity(WATCH, 'RestingHeartRate', 52 + i, 'count/min', date, 5 * 60, 5 * 60));
    out.push(quantity(WATCH, 'HeartRateVariabilitySDNN', 45 + i, 'ms', date, 6 * 60, 6 * 60 + 1));
    out.push(quantity(WATCH, 'OxygenSaturation', 0.97, '%', date, 4 * 60, 4 * 60));
    out.push(quantity(WATCH, 'RespiratoryRate', 14.5, 'count/min', date, 3 * 60, 3 * 60 + 30));
    if (i === 0) out.push(quantity(PHONE, 'BodyMass', 165, 'lb', date, 7 * 60, 7 * 60));
    if (i === 3) out.push(quantity(WATCH, 'VO2Max', 47.3, 'mL/min·kg', date, 18 * 60 + 45, 18 * 60 + 45));
    const run = (start: number, end: number): AppleHealthRecord => ({
      kind: 'workout', uuid: uuid('hk-workout', date, start), workoutActivityType: 'HKWorkoutActivityTypeRunning', duration: (end - start) * 60,
      statistics: [
        { type: 'HKQuantityTypeIdentifierDistanceWalkingRunning', unit: 'mi', sum: 3.1 },
        { type: 'HKQuantityTypeIdentifierActiveEnergyBurned', unit: 'Cal', sum: 410 },
        { type: 'HKQuantityTypeIdentifierHeartRate', unit: 'count/min', average: 150, minimum: 96, maximum: 172 },
      ],
      startDate: at(date, start, o), endDate: at(date, end, o), ...WATCH, metadata: { HKIndoorWorkout: 0, HKTimeZone: 'America/Denver' },
    });
    if (i % 2 === 1 && i < 6) out.push(run(18 * 60, 18 * 60 + 45));
    if (i === 6) out.push(run(23 * 60 + 30, 23 * 60 + 59));
  }
  return out;
}

const HC_ORIGIN = { packageName: 'com.google.android.apps.fitness' };
const HC_DEVICE = { type: 1, manufacturer: 'Google', model: 'Pixel Watch 2' };

/** A week (or `days`) of Health Connect records starting on `from` (local date). */
export function healthConnectWeek(from: string, days = 7): HealthConnectRecord[] {
  const out: HealthConnectRecord[] = [];
  const o = HC_OFFSET;
  const z = formatOffset(o);
  const meta = (kind: string, date: string, n: number) => ({ id: uuid('hc', kind, date, n).toLowerCase(), dataOrigin: HC_ORIGIN, lastModifiedTime: utc(date, 23 * 60, o), device: HC_DEVICE });
  const interval = (kind: string, date: string, start: number, end: number) => ({ metadata: meta(kind, date, start), startTime: utc(date, start, o), startZoneOffset: z, endTime: utc(date, end, o), endZoneOffset: z });
  const instant = (kind: string, date: string, minute: number) => ({ metadata: meta(kind, date, minute), time: utc(date, minute, o), zoneOffset: z });
  for (let i = 0; i < days; i++) {
    const date = addLocalDays(from, i);
    out.push({ recordType: 'StepsRecord', ...interval('steps', date, 30, 45), count: 100 });
    for (let h = 8; h <= 19; h++) {
      out.push({ recordType: 'StepsRecord', ...interval('steps', date, h * 60, h * 60 + 59), count: 250 + 5 * i });
      out.push({ recordType: 'DistanceRecord', ...interval('distance', date, h * 60, h * 60 + 59), distance: { value: 0.2, unit: 'kilometers' } });
      out.push({ recordType: 'ActiveCaloriesBurnedRecord', ...interval('active', date, h * 60, h * 60 + 59), energy: { value: 20, unit: 'kilocalories' } });
      const samples = Array.from({ length: 6 }, (_, k) => ({ time: utc(date, h * 60 + k * 10, o), beatsPerMinute: 70 }));
      out.push({ recordType: 'HeartRateRecord', ...interval('hr', date, h * 60, h * 60 + 59), samples });
    }
    const stages: [number, number, number][] = [[4, -60, 60], [5, 60, 150], [6, 150, 210], [1, 210, 225], [4, 225, 420]];
    out.push({
      recordType: 'SleepSessionRecord', ...interval('sleep', date, -60, 420), title: null, notes: null,
      stages: stages.map(([stage, a, b]) => ({ startTime: utc(date, a, o), endTime: utc(date, b, o), stage })),
    });
    out.push({ recordType: 'RestingHeartRateRecord', ...instant('rhr', date, 6 * 60), beatsPerMinute: 55 + i });
    out.push({ recordType: 'HeartRateVariabilityRmssdRecord', ...instant('hrv', date, 6 * 60), heartRateVariabilityMillis: 38 + i });
    out.push({ recordType: 'OxygenSaturationRecord', ...instant('spo2', date, 4 * 60), percentage: 96 });
    out.push({ recordType: 'RespiratoryRateRecord', ...instant('rr', date, 3 * 60), rate: 15 });
    if (i === 0) out.push({ recordType: 'WeightRecord', ...instant('weight', date, 7 * 60), weight: { value: 72.5, unit: 'kilograms' } });
    if (i === 2) out.push({ recordType: 'ExerciseSessionRecord', ...interval('exercise', date, 18 * 60, 18 * 60 + 45), exerciseType: 56, title: 'Evening run' });
    if (i === 4) out.push({ recordType: 'Vo2MaxRecord', ...instant('vo2', date, 19 * 60), vo2MillilitersPerMinuteKilogram: 44, measurementMethod: 0 });
  }
  return out;
}
