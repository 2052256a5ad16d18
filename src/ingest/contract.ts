/**
 * The push contract, version 1: what a phone app (Swift, Kotlin, React Native, Flutter) POSTs to
 * /ingest/v1/<platform>. Records are named as each platform names them, so an SDK serializes what
 * it read with no translation: HealthKit samples (apple-health), Health Connect records
 * (health-connect), Samsung Health Data SDK data points (samsung-health). This zod schema is the
 * one source: the route validates with it, and docs/ingest/push-v1.schema.json is generated from
 * it (`npm run schema:print`; tests/ingest/contract.test.ts fails when they disagree).
 */
import * as z from 'zod/v4';

/** Where a platform's batches are POSTed (src/http/routes/ingest.ts). */
export const ingestPath = (slug: string): string => `/ingest/v1/${slug}`;

/** Records (plus deletions) in one batch. Larger sets go in several batches. */
export const MAX_BATCH_RECORDS = 2000;

const id = z.string().min(1).max(200);
const name = z.string().min(1).max(300);
/** An instant with its UTC offset, as the device knew it: 2026-01-15T06:10:02-07:00 (or Z). */
const offsetDateTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/, 'an ISO-8601 date-time with an offset, e.g. 2026-01-15T06:10:02-07:00');
/** A UTC offset (java.time.ZoneOffset.toString()), or null when the platform did not record one. */
const zoneOffset = z.union([z.string().regex(/^(Z|[+-]\d{2}:\d{2})$/, 'a UTC offset like +01:00'), z.null()]);
const metadataValue = z.union([z.string().max(2000), z.number(), z.boolean()]);
const metadata = z.record(z.string().max(200), metadataValue);
const finite = z.number().refine(Number.isFinite, 'a finite number');

// ---------------------------------------------------------------- HealthKit (apple-health)

const hkDevice = z
  .object({ name: name, manufacturer: name, model: name, hardwareVersion: name, softwareVersion: name, localIdentifier: name, udiDeviceIdentifier: name })
  .partial()
  .strict();

const hkCommon = {
  /** HKObject.uuid: the record's identity (re-pushing it changes nothing). */
  uuid: id,
  startDate: offsetDateTime,
  endDate: offsetDateTime,
  /** HKSourceRevision.source.name and bundleIdentifier, version. */
  sourceName: name,
  sourceBundleId: name.optional(),
  sourceVersion: name.optional(),
  device: hkDevice.optional(),
  metadata: metadata.optional(),
};

export const hkQuantitySample = z
  .object({
    kind: z.literal('quantity'),
    type: z.string().regex(/^HKQuantityTypeIdentifier[A-Za-z0-9]+$/, 'an HKQuantityTypeIdentifier'),
    value: finite,
    /** HKUnit.unitString as the app read it (kg or lb, degC or degF, % as a fraction...): converted here, never assumed. */
    unit: z.string().min(1).max(40),
    ...hkCommon,
  })
  .strict();

export const hkCategorySample = z
  .object({
    kind: z.literal('category'),
    type: z.string().regex(/^HKCategoryTypeIdentifier[A-Za-z0-9]+$/, 'an HKCategoryTypeIdentifier'),
    /** The raw value (HKCategoryValueSleepAnalysis.asleepCore = 3) or its name as the export writes it (HKCategoryValueSleepAnalysisAsleepCore). */
    value: z.union([z.number().int(), z.string().max(100)]),
    ...hkCommon,
  })
  .strict();

const hkQuantity = z.object({ value: finite, unit: z.string().min(1).max(40) }).strict();
const hkStatistic = z
  .object({
    /** An HKQuantityTypeIdentifier (HKQuantityTypeIdentifierHeartRate, ...ActiveEnergyBurned, ...DistanceWalkingRunning). */
    type: z.string().regex(/^HKQuantityTypeIdentifier[A-Za-z0-9]+$/),
    unit: z.string().min(1).max(40),
    sum: finite.optional(),
    average: finite.optional(),
    minimum: finite.optional(),
    maximum: finite.optional(),
  })
  .strict();

const hkActivity = z
  .object({
    uuid: id.optional(),
    workoutActivityType: z.string().regex(/^HKWorkoutActivityType[A-Za-z]+$/),
    startDate: offsetDateTime,
    endDate: offsetDateTime,
    statistics: z.array(hkStatistic).max(50).optional(),
  })
  .strict();

export const hkWorkout = z
  .object({
    kind: z.literal('workout'),
    /** HKWorkoutActivityType case name as the export writes it: HKWorkoutActivityTypeRunning. */
    workoutActivityType: z.string().regex(/^HKWorkoutActivityType[A-Za-z]+$/, 'an HKWorkoutActivityType name'),
    /** Seconds. */
    duration: finite.refine((v) => v >= 0, 'not negative'),
    /** Legacy totals (before iOS 16 they are on the workout; later in statistics). */
    totalEnergyBurned: hkQuantity.optional(),
    totalDistance: hkQuantity.optional(),
    /** HKWorkout.statistics (iOS 16+), one per quantity type. */
    statistics: z.array(hkStatistic).max(50).optional(),
    /** HKWorkout.workoutActivities (multisport, iOS 16+). */
    activities: z.array(hkActivity).max(50).optional(),
    events: z.array(z.object({ type: z.string().max(100), date: offsetDateTime, duration: finite.optional() }).strict()).max(500).optional(),
    ...hkCommon,
  })
  .strict();

export const appleHealthRecord = z.discriminatedUnion('kind', [hkQuantitySample, hkCategorySample, hkWorkout]);

// ---------------------------------------------------------------- Health Connect (health-connect)

const instant = offsetDateTime;
const hcMetadata = z
  .object({
    /** Metadata.id: the record's identity in Health Connect. */
    id: id,
    dataOrigin: z.object({ packageName: name }).strict(),
    lastModifiedTime: instant,
    clientRecordId: name.nullable().optional(),
    clientRecordVersion: z.number().int().optional(),
    device: z.object({ type: z.number().int().optional(), manufacturer: name.nullable().optional(), model: name.nullable().optional() }).strict().nullable().optional(),
    recordingMethod: z.number().int().optional(),
  })
  .strict();

const interval = { metadata: hcMetadata, startTime: instant, startZoneOffset: zoneOffset, endTime: instant, endZoneOffset: zoneOffset };
const instantaneous = { metadata: hcMetadata, time: instant, zoneOffset: zoneOffset };
const hcUnits = <T extends [string, ...string[]]>(units: T) => z.object({ value: finite, unit: z.enum(units) }).strict();
const length = hcUnits(['meters', 'kilometers', 'miles', 'feet', 'inches']);
const energy = hcUnits(['kilocalories', 'calories', 'kilojoules', 'joules']);
const mass = hcUnits(['kilograms', 'grams', 'pounds', 'ounces']);

const hc = <T extends string, S extends z.ZodRawShape>(recordType: T, shape: S) => z.object({ recordType: z.literal(recordType), ...shape }).strict();

export const healthConnectRecord = z.discriminatedUnion('recordType', [
  hc('StepsRecord', { ...interval, count: z.number().int().min(0) }),
  hc('DistanceRecord', { ...interval, distance: length }),
  hc('ActiveCaloriesBurnedRecord', { ...interval, energy }),
  hc('TotalCaloriesBurnedRecord', { ...interval, energy }),
  hc('HeartRateRecord', { ...interval, samples: z.array(z.object({ time: instant, beatsPerMinute: z.number().int() }).strict()).max(20_000) }),
  hc('RestingHeartRateRecord', { ...instantaneous, beatsPerMinute: z.number().int() }),
  /** RMSSD (Health Connect), unlike HealthKit's SDNN. */
  hc('HeartRateVariabilityRmssdRecord', { ...instantaneous, heartRateVariabilityMillis: finite }),
  hc('Vo2MaxRecord', { ...instantaneous, vo2MillilitersPerMinuteKilogram: finite, measurementMethod: z.number().int().optional() }),
  hc('WeightRecord', { ...instantaneous, weight: mass }),
  /** percentage 0-100. */
  hc('OxygenSaturationRecord', { ...instantaneous, percentage: finite }),
  hc('RespiratoryRateRecord', { ...instantaneous, rate: finite }),
  hc('SleepSessionRecord', {
    ...interval,
    title: z.string().max(500).nullable().optional(),
    notes: z.string().max(2000).nullable().optional(),
    /** SleepSessionRecord.Stage: stage 0 UNKNOWN, 1 AWAKE, 2 SLEEPING, 3 OUT_OF_BED, 4 LIGHT, 5 DEEP, 6 REM, 7 AWAKE_IN_BED. */
    stages: z.array(z.object({ startTime: instant, endTime: instant, stage: z.number().int().min(0).max(7) }).strict()).max(2000),
  }),
  hc('ExerciseSessionRecord', {
    ...interval,
    /** ExerciseSessionRecord.EXERCISE_TYPE_* (56 running, 79 walking, 8 biking...). */
    exerciseType: z.number().int().min(0),
    title: z.string().max(500).nullable().optional(),
    notes: z.string().max(2000).nullable().optional(),
    segments: z.array(z.object({ startTime: instant, endTime: instant, segmentType: z.number().int(), repetitions: z.number().int().optional() }).strict()).max(2000).optional(),
    laps: z.array(z.object({ startTime: instant, endTime: instant, length: length.nullable().optional() }).strict()).max(2000).optional(),
  }),
]);

// ---------------------------------------------------------------- Samsung Health Data SDK (samsung-health)

export const SAMSUNG_DATA_TYPES = ['STEPS', 'HEART_RATE', 'SLEEP', 'EXERCISE', 'BLOOD_OXYGEN', 'BODY_COMPOSITION', 'SKIN_TEMPERATURE', 'BLOOD_PRESSURE'] as const;

export const samsungHealthRecord = z
  .object({
    /** DataTypes.<NAME> of the Samsung Health Data SDK. */
    dataType: z.enum(SAMSUNG_DATA_TYPES),
    /** HealthDataPoint.uid. */
    uid: id,
    startTime: instant,
    endTime: instant.optional(),
    zoneOffset: zoneOffset.optional(),
    dataSource: z.object({ appId: name, deviceId: name.optional() }).strict().optional(),
    /** The data point's fields by their SDK names (e.g. STEPS: { count }; HEART_RATE: { heartRate, min, max }; SLEEP: { sleepScore, sessions }). */
    values: z.record(z.string().max(100), z.unknown()),
  })
  .strict();

// ---------------------------------------------------------------- The batch

const deletion = z.object({ id: id }).strict();

const batch = <R extends z.ZodType>(record: R) =>
  z
    .object({
      schemaVersion: z.literal(1),
      /** The app that pushes (for the logs): "com.example.app 1.4.2 (iOS 17.5)". */
      client: z.string().max(200).optional(),
      records: z.array(record).max(MAX_BATCH_RECORDS).default([]),
      /** Records deleted on the phone (HealthKit deleted objects, Health Connect deletion changes), by the same id. */
      deleted: z.array(deletion).max(MAX_BATCH_RECORDS).default([]),
    })
    .strict();

/** Per platform (URL slug): the batch schema and how a record names its type and id. */
export const PLATFORMS = {
  'apple-health': { batch: batch(z.unknown()), record: appleHealthRecord, typeOf: (r: AppleHealthRecord) => (r.kind === 'workout' ? 'HKWorkout' : r.type), idOf: (r: AppleHealthRecord) => r.uuid },
  'health-connect': { batch: batch(z.unknown()), record: healthConnectRecord, typeOf: (r: HealthConnectRecord) => r.recordType, idOf: (r: HealthConnectRecord) => r.metadata.id },
  'samsung-health': { batch: batch(z.unknown()), record: samsungHealthRecord, typeOf: (r: SamsungHealthRecord) => r.dataType, idOf: (r: SamsungHealthRecord) => r.uid },
} as const;

export type Platform = keyof typeof PLATFORMS;
export type AppleHealthRecord = z.infer<typeof appleHealthRecord>;
export type HealthConnectRecord = z.infer<typeof healthConnectRecord>;
export type SamsungHealthRecord = z.infer<typeof samsungHealthRecord>;

/** The full batch of each platform (records validated as a whole), for the JSON Schema and for SDK authors' types. */
export const BATCH_SCHEMAS = {
  'apple-health': batch(appleHealthRecord),
  'health-connect': batch(healthConnectRecord),
  'samsung-health': batch(samsungHealthRecord),
};
export type PushBatch<P extends Platform> = z.input<(typeof BATCH_SCHEMAS)[P]>;

/** The JSON Schema (2020-12) of the contract: one definition per platform's batch. */
export function pushContractJsonSchema(): Record<string, unknown> {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://wearable-graph.dev/ingest/push-v1.schema.json',
    title: 'Wearable graph push contract, version 1',
    description:
      'POST /ingest/v1/{platform} with a SELF_INGEST user token. Body: the platform\'s batch (JSON, optionally Content-Encoding: gzip). ' +
      `At most ${MAX_BATCH_RECORDS} records and ${MAX_BATCH_RECORDS} deletions per batch.`,
    oneOf: Object.keys(BATCH_SCHEMAS).map((p) => ({ $ref: `#/$defs/${p}` })),
    $defs: Object.fromEntries(Object.entries(BATCH_SCHEMAS).map(([p, schema]) => [p, stripSchemaKey(z.toJSONSchema(schema, { io: 'input' }))])),
  };
}

function stripSchemaKey(schema: Record<string, unknown>): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = schema;
  return rest;
}

/** Where the generated JSON Schema is committed (`npm run schema:print` writes it). */
export const PUSH_SCHEMA_FILE = 'docs/ingest/push-v1.schema.json';
export const printPushSchema = (): string => `${JSON.stringify(pushContractJsonSchema(), null, 2)}\n`;
