/**
 * The committed JSON Schema of the push contract (docs/ingest/push-v1.schema.json) is what the
 * code validates with: it is regenerated from the route's zod schema and compared, and then an
 * independent validator (ajv, JSON Schema 2020-12) and the route's validator must agree on valid
 * batches (the sandbox phones' weeks) and on invalid ones.
 */
import fs from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { BATCH_SCHEMAS, printPushSchema, PUSH_SCHEMA_FILE, MAX_BATCH_RECORDS, PLATFORMS, type Platform } from '../../src/ingest/contract.js';
import { healthConnectWeek, healthKitWeek } from '../../src/sandbox/phones/week.js';

const committed = JSON.parse(fs.readFileSync(PUSH_SCHEMA_FILE, 'utf8'));
const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addSchema(committed, 'push');
const ajvValid = (platform: Platform, batch: unknown) => ajv.validate({ $ref: `push#/$defs/${platform}` }, batch);
/** The route's own check: the envelope, then every record. */
const routeValid = (platform: Platform, batch: unknown) => {
  const envelope = PLATFORMS[platform].batch.safeParse(batch);
  return envelope.success && envelope.data.records.every((r) => PLATFORMS[platform].record.safeParse(r).success);
};

describe('push contract v1 JSON Schema', () => {
  it('is current (run `npm run schema:print` after changing src/ingest/contract.ts)', () => {
    expect(fs.readFileSync(PUSH_SCHEMA_FILE, 'utf8')).toBe(printPushSchema());
  });

  const hk = healthKitWeek('2026-11-02', 2);
  const hc = healthConnectWeek('2026-11-02', 2);
  const samsung = [
    { dataType: 'STEPS', uid: 's-1', startTime: '2026-11-02T08:00:00Z', endTime: '2026-11-02T09:00:00Z', zoneOffset: '+09:00', dataSource: { appId: 'com.sec.android.app.shealth' }, values: { count: 812 } },
    { dataType: 'HEART_RATE', uid: 's-2', startTime: '2026-11-02T08:00:00Z', zoneOffset: null, values: { heartRate: 71 } },
  ];
  const valid: [Platform, unknown][] = [
    ['apple-health', { schemaVersion: 1, records: hk, deleted: [{ id: 'A1B2' }] }],
    ['health-connect', { schemaVersion: 1, records: hc }],
    ['samsung-health', { schemaVersion: 1, client: 'app 1.0', records: samsung }],
    ['apple-health', { schemaVersion: 1 }],
  ];
  it.each(valid.map(([p, b], i) => [i, p, b] as const))('valid batch %i (%s): both validators accept it', (_i, platform, batch) => {
    expect(ajvValid(platform, batch)).toBe(true);
    expect(routeValid(platform, batch)).toBe(true);
    expect(BATCH_SCHEMAS[platform].safeParse(batch).success).toBe(true);
  });

  const [quantity] = hk;
  const steps = hc[0] as Extract<(typeof hc)[number], { recordType: 'StepsRecord' }>;
  const invalid: [string, Platform, unknown][] = [
    ['schemaVersion 2', 'apple-health', { schemaVersion: 2, records: [] }],
    ['a date without its offset', 'apple-health', { schemaVersion: 1, records: [{ ...quantity, startDate: '2026-11-02T08:00:00' }] }],
    ['an unknown kind', 'apple-health', { schemaVersion: 1, records: [{ ...quantity, kind: 'correlation' }] }],
    ['a value that is a string', 'apple-health', { schemaVersion: 1, records: [{ ...quantity, value: '12' }] }],
    ['an unknown field', 'apple-health', { schemaVersion: 1, records: [{ ...quantity, colour: 'red' }] }],
    ['an unknown Health Connect record type', 'health-connect', { schemaVersion: 1, records: [{ ...steps, recordType: 'NutritionRecord' }] }],
    ['a unit Health Connect does not have', 'health-connect', { schemaVersion: 1, records: [{ ...steps, recordType: 'DistanceRecord', count: undefined, distance: { value: 1, unit: 'leagues' } }] }],
    ['a sleep stage out of range', 'health-connect', { schemaVersion: 1, records: [{ ...steps, recordType: 'SleepSessionRecord', count: undefined, stages: [{ startTime: steps.startTime, endTime: steps.endTime, stage: 9 }] }] }],
    ['a zone offset that is not one', 'health-connect', { schemaVersion: 1, records: [{ ...steps, startZoneOffset: 'Europe/Berlin' }] }],
    ['an unknown Samsung data type', 'samsung-health', { schemaVersion: 1, records: [{ ...samsung[0], dataType: 'NUTRITION' }] }],
    ['one record too many', 'health-connect', { schemaVersion: 1, records: Array.from({ length: MAX_BATCH_RECORDS + 1 }, () => steps) }],
  ];
  it.each(invalid)('invalid: %s: both validators refuse it', (_why, platform, batch) => {
    const cleaned = JSON.parse(JSON.stringify(batch));
    expect(ajvValid(platform, cleaned)).toBe(false);
    expect(routeValid(platform, cleaned)).toBe(false);
  });
});
