/**
 * Measurements through the sync store: upserted idempotently on (provider, user, metric,
 * providerRecordId), linked to their raw payload, refused with a recorded reason when out of the
 * catalogue's range (never dropped in silence), removed with a provider delete; and the Oura and
 * Polar payloads of a generated user fill the table with the values their payloads hold.
 */
import { generateUser, mapperFor } from '../../bench/generate.js';
import type { NormalizedRecord } from '../../src/normalize/records.js';
import type { RawItem } from '../../src/providers/types.js';
import { deleteByProviderRecordId, storeItems } from '../../src/sync/store.js';
import { mapped } from '../../src/normalize/records.js';
import { databaseVariants, openTestDatabase, type TestDatabase } from '../support/databases.js';

/** A stand-in mapper: payload { id, at, values: { metric: value } } -> one measurement per value. */
function mapScale(payload: unknown) {
  const p = payload as { id: string; at: string; values: Record<string, unknown> };
  const records: NormalizedRecord[] = Object.entries(p.values).map(([metric, value]) => ({
    kind: 'measurement',
    record: {
      metric: metric as never,
      providerRecordId: p.id,
      sourceDevice: 'Scale S1',
      startTime: new Date(p.at),
      endTime: null,
      utcOffsetMinutes: -420,
      localDate: new Date(`${p.at.slice(0, 10)}T00:00:00Z`),
      value: value as number,
    },
  }));
  return mapped(records);
}

const scaleItem = (id: string, at: string, values: Record<string, unknown>): RawItem => ({ dataType: 'body', providerRecordId: id, payload: { id, at, values } as never });

describe.each(databaseVariants())('measurements in the store (%s)', (variant) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(variant);
  });
  afterAll(() => db.close());

  const newUser = async () => (await db.prisma.user.create({ data: {} })).id;
  const rows = (userId: string) =>
    db.prisma.measurement.findMany({ where: { userId }, orderBy: [{ providerRecordId: 'asc' }, { metric: 'asc' }], include: { rawPayload: { select: { providerRecordId: true } } } });

  it('upserts idempotently, updates a changed value, and refuses out-of-range values with a reason', async () => {
    const userId = await newUser();
    const owner = { userId, provider: 'POLAR' as const };
    const items = [
      scaleItem('m1', '2026-03-02T14:00:00Z', { weight_kg: 71.5, body_fat_percent: 18.2 }),
      scaleItem('m2', '2026-03-03T14:00:00Z', { weight_kg: 71.1, body_fat_percent: 95 }),
    ];
    const first = await storeItems(db.prisma, owner, items, mapScale);
    expect(first).toMatchObject({ fetched: 2, created: 2, updated: 0, unchanged: 0, skipped: 0 });
    expect(first.skippedReasons).toEqual([{ dataType: 'body', providerRecordId: 'm2', reason: 'measurement m2 refused: body_fat_percent: out of range [1, 80]: 95' }]);
    const stored = await rows(userId);
    expect(stored.map((r) => [r.providerRecordId, r.metric, r.value, r.rawPayload?.providerRecordId, r.sourceDevice, r.startTime.toISOString(), r.utcOffsetMinutes])).toEqual([
      ['m1', 'body_fat_percent', 18.2, 'm1', 'Scale S1', '2026-03-02T14:00:00.000Z', -420],
      ['m1', 'weight_kg', 71.5, 'm1', 'Scale S1', '2026-03-02T14:00:00.000Z', -420],
      ['m2', 'weight_kg', 71.1, 'm2', 'Scale S1', '2026-03-03T14:00:00.000Z', -420],
    ]);

    // The same payloads again: nothing changes (not even updatedAt); forced re-mapping also changes nothing.
    expect(await storeItems(db.prisma, owner, items, mapScale)).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
    expect(await storeItems(db.prisma, owner, items, mapScale, { force: true })).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
    expect((await rows(userId)).map((r) => r.updatedAt.getTime())).toEqual(stored.map((r) => r.updatedAt.getTime()));

    // A revised payload: the value is updated in place (still three rows).
    const revised = await storeItems(db.prisma, owner, [scaleItem('m2', '2026-03-03T14:00:00Z', { weight_kg: 70.9, body_fat_percent: 17.9 })], mapScale);
    expect(revised).toMatchObject({ updated: 1, skippedReasons: [] });
    expect((await rows(userId)).map((r) => [r.providerRecordId, r.metric, r.value])).toEqual([
      ['m1', 'body_fat_percent', 18.2],
      ['m1', 'weight_kg', 71.5],
      ['m2', 'body_fat_percent', 17.9],
      ['m2', 'weight_kg', 70.9],
    ]);

    // An unknown metric is refused by name; a provider delete removes the record's measurements.
    const unknown = await storeItems(db.prisma, owner, [scaleItem('m3', '2026-03-04T14:00:00Z', { weight_lb: 150 })], mapScale);
    expect(unknown.skippedReasons[0].reason).toContain('unknown metric "weight_lb"');
    expect(await db.prisma.measurement.count({ where: { userId, providerRecordId: 'm3' } })).toBe(0);
    await deleteByProviderRecordId(db.prisma, owner, 'm1', mapScale);
    expect((await rows(userId)).map((r) => r.providerRecordId)).toEqual(['m2', 'm2']);
  });

  it('Oura and Polar payloads fill the table with their long-tail values', async () => {
    const userId = await newUser();
    const generated = generateUser(11, 4, '2026-06-30', 3); // index 4: UTC-7
    const map = (provider: 'POLAR' | 'OURA') => (payload: unknown, item: RawItem) => mapperFor(provider, item.dataType)(payload);
    await storeItems(db.prisma, { userId, provider: 'OURA' }, generated.oura, map('OURA'));
    await storeItems(db.prisma, { userId, provider: 'POLAR' }, generated.polar, map('POLAR'));

    // Expected values read straight from the payloads.
    const payloads = (items: RawItem[], dataType: string) => items.filter((i) => i.dataType === dataType).map((i) => i.payload as Record<string, any>);
    const expected: [string, string, string, number][] = [];
    for (const p of payloads(generated.oura, 'daily_spo2')) if (p.spo2_percentage?.average != null) expected.push(['OURA', 'spo2_percent', p.day, p.spo2_percentage.average]);
    for (const p of payloads(generated.oura, 'daily_stress')) expected.push(['OURA', 'stress_high_seconds', p.day, p.stress_high], ['OURA', 'recovery_high_seconds', p.day, p.recovery_high]);
    const levels: Record<string, number> = { limited: 1, adequate: 2, solid: 3, strong: 4, exceptional: 5 };
    for (const p of payloads(generated.oura, 'daily_resilience')) expected.push(['OURA', 'resilience_level', p.day, levels[p.level]]);
    for (const p of payloads(generated.polar, 'physical_information')) {
      expected.push(['POLAR', 'weight_kg', String(p.id), p.weight], ['POLAR', 'vo2max_ml_per_kg_min', String(p.id), p['vo2-max']], ['POLAR', 'max_heart_rate_bpm', String(p.id), p['maximum-heart-rate']]);
    }
    expect(expected.length).toBeGreaterThan(8);
    const stored = await db.prisma.measurement.findMany({ where: { userId } });
    const byKey = new Map(stored.map((m) => [`${m.provider}/${m.metric}/${m.providerRecordId}`, m.value]));
    for (const [provider, metric, id, value] of expected) expect([provider, metric, id, byKey.get(`${provider}/${metric}/${id}`)]).toEqual([provider, metric, id, value]);
    // Every stored row is linked to its raw payload.
    expect(stored.every((m) => m.rawPayloadId !== null)).toBe(true);
  });
});
