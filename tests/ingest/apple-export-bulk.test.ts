/**
 * The Apple Health export's bulk path (src/ingest/bulk.ts) on a hand-written export.xml whose
 * every record is known: the exact rows it gives (worked out by hand below), one raw payload per
 * type and local day, a re-run that changes nothing, flushes of 3 samples that cut every bundle
 * (same rows and the same bundles, merged), a replay from the bundles (same rows), and an import
 * interrupted between the store's two commits (the next run writes what was missing).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importAppleExport } from '../../src/ingest/apple-export.js';
import { replayRawPayloads } from '../../src/sync/replay.js';
import { loadConfig } from '../../src/config.js';
import { requestRecomputeFromOutside } from '../../src/derived/jobs.js';
import { createLogger } from '../../src/logger.js';
import { databaseVariants, openTestDatabase, type TestDatabase } from '../support/databases.js';

const PHONE = 'sourceName="Kim’s iPhone"';
const WATCH = 'sourceName="Kim’s Apple Watch"';
const DEVICE = 'device="&lt;&lt;HKDevice: 0x283f4a1c0&gt;, name:Apple Watch, manufacturer:Apple Inc., model:Watch, hardware:Watch6,1, software:10.5&gt;"';
const Q = 'HKQuantityTypeIdentifier';
const rec = (source: string, type: string, unit: string | null, value: string, start: string, end: string, inner = '') =>
  ` <Record type="${type}" ${source}${unit ? ` unit="${unit}"` : ''} startDate="${start} +0100" endDate="${end} +0100" value="${value}"${inner ? `>${inner}</Record>` : '/>'}\n`;

// Berlin winter time (+0100). 22 elements: 20 samples and a workout imported, a bad date and the ActivitySummary skipped.
const EXPORT_XML = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE HealthData [
<!ELEMENT HealthData ANY>
]>
<HealthData locale="de_DE">
 <ExportDate value="2026-01-11 09:00:00 +0100"/>
 <Me HKCharacteristicTypeIdentifierDateOfBirth="1990-01-01"/>
${rec(PHONE, `${Q}StepCount`, 'count', '500', '2026-01-10 08:00:00', '2026-01-10 08:10:00')}\
${rec(PHONE, `${Q}StepCount`, 'count', '300', '2026-01-10 09:00:00', '2026-01-10 09:10:00')}\
${rec(`${WATCH} ${DEVICE}`, `${Q}StepCount`, 'count', '700', '2026-01-10 08:01:00', '2026-01-10 08:09:00')}\
${rec(WATCH, `${Q}ActiveEnergyBurned`, 'kJ', '418.4', '2026-01-10 08:00:00', '2026-01-10 09:00:00')}\
${rec(WATCH, `${Q}BasalEnergyBurned`, 'Cal', '1500', '2026-01-10 00:00:00', '2026-01-10 23:59:00')}\
${rec(WATCH, `${Q}DistanceWalkingRunning`, 'mi', '1', '2026-01-10 08:00:00', '2026-01-10 09:00:00')}\
${rec(WATCH, `${Q}HeartRate`, 'count/min', '72', '2026-01-10 08:05:00', '2026-01-10 08:05:00', '<MetadataEntry key="HKMetadataKeyHeartRateMotionContext" value="1"/>')}\
${rec(WATCH, `${Q}HeartRate`, 'count/min', '80.4', '2026-01-10 08:10:00', '2026-01-10 08:10:00')}\
${rec(PHONE, 'HKCategoryTypeIdentifierSleepAnalysis', null, 'HKCategoryValueSleepAnalysisInBed', '2026-01-09 23:00:00', '2026-01-10 07:00:00')}\
${rec(WATCH, 'HKCategoryTypeIdentifierSleepAnalysis', null, 'HKCategoryValueSleepAnalysisAsleepCore', '2026-01-09 23:30:00', '2026-01-10 01:00:00')}\
${rec(WATCH, 'HKCategoryTypeIdentifierSleepAnalysis', null, 'HKCategoryValueSleepAnalysisAsleepDeep', '2026-01-10 01:00:00', '2026-01-10 02:00:00')}\
${rec(WATCH, 'HKCategoryTypeIdentifierSleepAnalysis', null, 'HKCategoryValueSleepAnalysisAsleepREM', '2026-01-10 02:00:00', '2026-01-10 02:30:00')}\
${rec(WATCH, 'HKCategoryTypeIdentifierSleepAnalysis', null, 'HKCategoryValueSleepAnalysisAwake', '2026-01-10 02:30:00', '2026-01-10 02:40:00')}\
${rec(PHONE, `${Q}BodyMass`, 'lb', '154.3', '2026-01-10 07:30:00', '2026-01-10 07:30:00')}\
${rec(WATCH, `${Q}OxygenSaturation`, '%', '0.96', '2026-01-10 04:00:00', '2026-01-10 04:00:00')}\
${rec(WATCH, `${Q}HeartRateVariabilitySDNN`, 'ms', '45.5', '2026-01-10 06:00:00', '2026-01-10 06:01:00')}\
${rec(PHONE, `${Q}DietaryWater`, 'mL', '250', '2026-01-10 12:00:00', '2026-01-10 12:00:00')}\
 <Record type="${Q}StepCount" ${PHONE} unit="count" startDate="2026/01/10 10:00" endDate="2026/01/10 10:05" value="10"/>
 <Correlation type="HKCorrelationTypeIdentifierBloodPressure" ${PHONE} startDate="2026-01-10 20:00:00 +0100" endDate="2026-01-10 20:00:00 +0100">
${rec(PHONE, `${Q}BloodPressureSystolic`, 'mmHg', '120', '2026-01-10 20:00:00', '2026-01-10 20:00:00')}\
 </Correlation>
${rec(PHONE, `${Q}BloodPressureSystolic`, 'mmHg', '120', '2026-01-10 20:00:00', '2026-01-10 20:00:00')}\
${rec(PHONE, `${Q}StepCount`, 'count', '1000', '2026-01-11 08:00:00', '2026-01-11 08:10:00')}\
 <Workout workoutActivityType="HKWorkoutActivityTypeRunning" duration="30" durationUnit="min" ${WATCH} startDate="2026-01-10 17:00:00 +0100" endDate="2026-01-10 17:30:00 +0100">
  <WorkoutStatistics type="${Q}ActiveEnergyBurned" startDate="2026-01-10 17:00:00 +0100" endDate="2026-01-10 17:30:00 +0100" sum="250" unit="Cal"/>
  <WorkoutStatistics type="${Q}DistanceWalkingRunning" startDate="2026-01-10 17:00:00 +0100" endDate="2026-01-10 17:30:00 +0100" sum="5" unit="km"/>
  <WorkoutStatistics type="${Q}HeartRate" startDate="2026-01-10 17:00:00 +0100" endDate="2026-01-10 17:30:00 +0100" average="150" minimum="120" maximum="170" unit="count/min"/>
 </Workout>
 <ActivitySummary dateComponents="2026-01-10" activeEnergyBurned="350" activeEnergyBurnedGoal="500" activeEnergyBurnedUnit="Cal"/>
</HealthData>
`;

/** Every row the import wrote for the user, without ids, user and timestamps of writing. */
async function rows(db: TestDatabase, userId: string, withUpdatedAt = false) {
  const prisma = db.prisma;
  const where = { userId };
  const strip = <T extends Record<string, unknown>>(r: T) => {
    const { id: _id, userId: _u, rawPayloadId: _r, createdAt: _c, updatedAt, ...rest } = r as Record<string, unknown>;
    return withUpdatedAt ? { ...rest, updatedAt } : rest;
  };
  return {
    days: (await prisma.dailyActivity.findMany({ where, orderBy: { localDate: 'asc' } })).map(strip),
    nights: (await prisma.sleepSession.findMany({ where, orderBy: { localDate: 'asc' } })).map(strip),
    heartRate: (await prisma.heartRateSample.findMany({ where, orderBy: { time: 'asc' } })).map(strip),
    measurements: (await prisma.measurement.findMany({ where, orderBy: [{ metric: 'asc' }, { startTime: 'asc' }] })).map(strip),
    workouts: (await prisma.workout.findMany({ where, orderBy: { startTime: 'asc' } })).map(strip),
    raw: (await prisma.rawPayload.findMany({ where, orderBy: [{ dataType: 'asc' }, { providerRecordId: 'asc' }], select: { dataType: true, providerRecordId: true, payload: true } })),
  };
}

describe.each(databaseVariants())('Apple Health export, bulk path (%s)', (variant) => {
  let db: TestDatabase;
  let dir: string;
  let file: string;
  beforeAll(async () => {
    db = await openTestDatabase(variant);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apple-bulk-'));
    file = path.join(dir, 'export.xml');
    fs.writeFileSync(file, EXPORT_XML);
  }, 60_000);
  afterAll(async () => {
    await db?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const newUser = async (name: string) => (await db.prisma.user.create({ data: { externalId: `${name}-${variant}` } })).id;

  it('gives exactly the rows worked out by hand, one raw payload per type and day, and a re-run changes nothing', async () => {
    const userId = await newUser('bulk-exact');
    const first = await importAppleExport(db.prisma, { userId, file });
    expect({ records: first.records, imported: first.imported, unchanged: first.unchanged, skipped: first.skipped, recordsChanged: first.recordsChanged }).toEqual({
      records: 22, imported: 20, unchanged: 0, skipped: 2, recordsChanged: true,
    });
    expect(first.byType[`${Q}StepCount`]).toEqual({ read: 5, stored: 4, skipped: 1, reasons: { 'dates not in the export format (yyyy-MM-dd HH:mm:ss ±HHMM)': 1 } });
    expect(first.byType[`${Q}BloodPressureSystolic`]).toEqual({ read: 1, stored: 1, skipped: 0, reasons: {} }); // not again from the Correlation
    expect(first.byType.ActivitySummary).toMatchObject({ read: 1, stored: 0, skipped: 1 });

    const got = await rows(db, userId);
    // The day: steps of the source with the most (iPhone 500 + 300 > Watch 700); 418.4 kJ = 100 kcal
    // active, + 1500 kcal basal = 1600 total; 1 mi = 1609.344 m. Local midnight at +01:00 = 23:00Z.
    expect(got.days).toHaveLength(2);
    expect(got.days[0]).toMatchObject({ providerRecordId: 'day:2026-01-10', localDate: new Date('2026-01-10'), startTime: new Date('2026-01-09T23:00:00Z'), utcOffsetMinutes: 60, steps: 800 });
    expect(got.days[0].activeEnergyKcal).toBeCloseTo(100, 9);
    expect(got.days[0].totalEnergyKcal).toBeCloseTo(1600, 9);
    expect(got.days[0].distanceMeters).toBeCloseTo(1609.344, 9);
    expect(got.days[1]).toMatchObject({ providerRecordId: 'day:2026-01-11', steps: 1000, activeEnergyKcal: null, totalEnergyKcal: null, distanceMeters: null });
    // The night ending on the morning of the 10th, from the Watch (180 min asleep; the iPhone has only in-bed):
    // 23:30 (22:30Z) to 02:40 (01:40Z); core 90 min = light 5400 s, deep 3600, REM 1800, awake 600.
    expect(got.nights).toEqual([
      expect.objectContaining({
        providerRecordId: 'night:2026-01-10', localDate: new Date('2026-01-10'), sourceDevice: 'Kim’s Apple Watch',
        startTime: new Date('2026-01-09T22:30:00Z'), endTime: new Date('2026-01-10T01:40:00Z'), timeInBedSeconds: 11400,
        lightSleepSeconds: 5400, deepSleepSeconds: 3600, remSleepSeconds: 1800, awakeSeconds: 600, unrecognizedSleepSeconds: null, totalSleepSeconds: 10800,
        hypnogram: [
          { start: '2026-01-09T22:30:00.000Z', durationSeconds: 5400, stage: 'LIGHT' },
          { start: '2026-01-10T00:00:00.000Z', durationSeconds: 3600, stage: 'DEEP' },
          { start: '2026-01-10T01:00:00.000Z', durationSeconds: 1800, stage: 'REM' },
          { start: '2026-01-10T01:30:00.000Z', durationSeconds: 600, stage: 'AWAKE' },
        ],
      }),
    ]);
    expect(got.heartRate).toEqual([
      { provider: 'APPLE_HEALTH', time: new Date('2026-01-10T07:05:00Z'), utcOffsetMinutes: 60, bpm: 72, context: 'sedentary', sourceDevice: 'Kim’s Apple Watch' },
      { provider: 'APPLE_HEALTH', time: new Date('2026-01-10T07:10:00Z'), utcOffsetMinutes: 60, bpm: 80, context: null, sourceDevice: 'Kim’s Apple Watch' },
    ]);
    // 154.3 lb x 0.45359237 = 69.989302691 kg; SpO2 0.96 (a fraction with unit %) = 96 %; SDNN 45.5 ms stays SDNN.
    expect(got.measurements.map((m) => [m.metric, m.startTime, m.endTime, m.localDate, m.sourceDevice])).toEqual([
      ['blood_pressure_systolic_mmhg', new Date('2026-01-10T19:00:00Z'), null, new Date('2026-01-10'), 'Kim’s iPhone'],
      ['hrv_sdnn_ms', new Date('2026-01-10T05:00:00Z'), new Date('2026-01-10T05:01:00Z'), new Date('2026-01-10'), 'Kim’s Apple Watch'],
      ['spo2_percent', new Date('2026-01-10T03:00:00Z'), null, new Date('2026-01-10'), 'Kim’s Apple Watch'],
      ['weight_kg', new Date('2026-01-10T06:30:00Z'), null, new Date('2026-01-10'), 'Kim’s iPhone'],
    ]);
    const values = got.measurements.map((m) => m.value as number);
    [120, 45.5, 96, 69.989302691].forEach((v, i) => expect(values[i]).toBeCloseTo(v, 9));
    expect(got.workouts).toEqual([
      expect.objectContaining({
        sport: 'RUNNING', providerSport: 'Running', startTime: new Date('2026-01-10T16:00:00Z'), endTime: new Date('2026-01-10T16:30:00Z'),
        utcOffsetMinutes: 60, localDate: new Date('2026-01-10'), durationSeconds: 1800, distanceMeters: 5000, energyKcal: 250, averageHeartRateBpm: 150, maxHeartRateBpm: 170,
      }),
    ]);
    // One raw payload per type and local start day (the in-bed and core sleep samples start on the 9th): 14 for 20 records.
    expect(got.raw.map((r) => [r.dataType, r.providerRecordId])).toEqual([
      ['bundle:HKCategoryTypeIdentifierSleepAnalysis', 'export:HKCategoryTypeIdentifierSleepAnalysis:2026-01-09'],
      ['bundle:HKCategoryTypeIdentifierSleepAnalysis', 'export:HKCategoryTypeIdentifierSleepAnalysis:2026-01-10'],
      ...['ActiveEnergyBurned', 'BasalEnergyBurned', 'BloodPressureSystolic', 'BodyMass', 'DietaryWater', 'DistanceWalkingRunning', 'HeartRate', 'HeartRateVariabilitySDNN', 'OxygenSaturation', 'StepCount']
        .map((t) => [`bundle:${Q}${t}`, `export:${Q}${t}:2026-01-10`]),
      [`bundle:${Q}StepCount`, `export:${Q}StepCount:2026-01-11`],
      ['bundle:HKWorkout', 'export:HKWorkout:2026-01-10'],
    ]);
    expect((got.raw.find((r) => r.providerRecordId === 'export:HKQuantityTypeIdentifierStepCount:2026-01-10')!.payload as { records: unknown[] }).records).toHaveLength(3);

    // The same file again: every sample unchanged, not one row touched.
    const before = await rows(db, userId, true);
    const again = await importAppleExport(db.prisma, { userId, file });
    expect({ imported: again.imported, unchanged: again.unchanged, skipped: again.skipped, recordsChanged: again.recordsChanged }).toEqual({ imported: 0, unchanged: 20, skipped: 2, recordsChanged: false });
    expect(await rows(db, userId, true)).toEqual(before);

    // Replay from the bundles: the same rows.
    await replayRawPayloads(db.prisma, { userId });
    expect(await rows(db, userId)).toEqual(got);
  }, 60_000);

  it('flushes that cut every bundle merge into the same bundles and rows; an interrupted import is completed by the next run', async () => {
    const whole = await newUser('bulk-whole');
    const cut = await newUser('bulk-cut');
    await importAppleExport(db.prisma, { userId: whole, file });
    const small = await importAppleExport(db.prisma, { userId: cut, file, batchSize: 3 });
    expect({ imported: small.imported, unchanged: small.unchanged, skipped: small.skipped }).toEqual({ imported: 20, unchanged: 0, skipped: 2 });
    const expected = await rows(db, whole);
    expect(await rows(db, cut)).toEqual(expected);

    // A crash between the store's commits: the heart-rate bundle is stored, its samples are not.
    await db.prisma.rawPayload.updateMany({ where: { userId: cut, dataType: 'bundle:HKQuantityTypeIdentifierHeartRate' }, data: { normalizedAt: null } });
    await db.prisma.heartRateSample.deleteMany({ where: { userId: cut } });
    const resumed = await importAppleExport(db.prisma, { userId: cut, file, batchSize: 3 });
    expect({ imported: resumed.imported, unchanged: resumed.unchanged }).toEqual({ imported: 2, unchanged: 18 });
    expect(await rows(db, cut)).toEqual(expected);
  }, 60_000);

  it("the CLI's import (a process without workers) queues the user's scores recompute like a push", async () => {
    const userId = await newUser('bulk-cli');
    const config = loadConfig({ ENCRYPTION_KEY: 'b'.repeat(64), DATA_DIR: '.test-data/unused', ...(db.url ? { DATABASE_URL: db.url } : {}) });
    const jobs = () => db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'scores-user' AND data->>'userId' = $1`, [userId]);
    await requestRecomputeFromOutside(db, config, createLogger({ level: 'error' }), [userId]);
    expect(await jobs()).toEqual([{ n: 1 }]);
  }, 60_000);
});
