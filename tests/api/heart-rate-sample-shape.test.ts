/**
 * HeartRateSample is shaped like every other record: the unit in the field name (heartRateBpm)
 * and source { provider device }; the old bpm and sourceDevice stay as deprecated aliases.
 */
import { databaseVariants } from '../support/databases.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

describe.each(databaseVariants())('HeartRateSample shape (%s)', (variant) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(variant);
  }, 60_000);
  afterAll(() => t?.close());

  it('answers heartRateBpm and source like other records; bpm and sourceDevice are deprecated aliases', async () => {
    const user = await t.database.prisma.user.create({ data: { externalId: 'hr-shape' } });
    await t.database.prisma.heartRateSample.create({ data: { userId: user.id, provider: 'POLAR', time: new Date('2026-11-20T10:00:00Z'), utcOffsetMinutes: 60, bpm: 71, sourceDevice: 'Polar H10' } });
    const res = await t.graphql(
      `query($e: String!) { userByExternalId(externalId: $e) { heartRate(from: "2026-11-20T00:00:00Z", to: "2026-11-21T00:00:00Z") { edges { node { heartRateBpm bpm source { provider device } sourceDevice } } } } }`,
      { e: 'hr-shape' },
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.userByExternalId.heartRate.edges.map((e: any) => e.node)).toEqual([{ heartRateBpm: 71, bpm: 71, source: { provider: 'POLAR', device: 'Polar H10' }, sourceDevice: 'Polar H10' }]);
    const type = await t.graphql(`{ __type(name: "HeartRateSample") { fields(includeDeprecated: true) { name isDeprecated } } }`);
    const fields = Object.fromEntries(type.body.data.__type.fields.map((f: any) => [f.name, f.isDeprecated]));
    expect(fields).toMatchObject({ heartRateBpm: false, source: false, bpm: true, sourceDevice: true });
  });
});
