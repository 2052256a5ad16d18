/**
 * resyncConnection without dates fetches the backfill range again (SYNC_BACKFILL_DAYS up to today),
 * as the schema, GraphiQL and the README say; the periodic sync already covers the last days.
 */
import { databaseVariants } from '../support/databases.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

describe.each(databaseVariants())('resyncConnection default range (%s)', (variant) => {
  let t: TestApp;
  beforeAll(async () => {
    // No workers: the planned run is only looked at.
    t = await createTestApp(variant, { SYNC_BACKFILL_DAYS: '30', RUN_WORKERS: 'false' });
  });
  afterAll(() => t.close());

  it('without from/to: the backfill range, even long after the last sync', async () => {
    const prisma = t.database.prisma;
    const user = await prisma.user.create({ data: { externalId: 'resync-default' } });
    const connection = await prisma.connection.create({
      data: { userId: user.id, provider: 'POLAR', providerUserId: '7', scopes: [], accessTokenEncrypted: t.app.cipher.encrypt('token'), lastSyncedAt: new Date(Date.now() - 3_600_000) },
    });
    const id = Buffer.from(`Connection:${connection.id}`).toString('base64');
    const res = await t.graphql('mutation($id: ID!) { resyncConnection(connectionId: $id) { id } }', { id });
    expect(res.body.errors).toBeUndefined();
    const run = await prisma.syncRun.findFirstOrThrow({ where: { connectionId: connection.id } });
    // Worked out by hand: 30 days ending today (inclusive) start 29 days before today.
    const today = new Date(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
    const from = new Date(today.getTime() - 29 * 86_400_000);
    expect({ kind: run.kind, from: run.windowFrom.toISOString().slice(0, 10), to: run.windowTo.toISOString().slice(0, 10) }).toEqual({
      kind: 'RESYNC',
      from: from.toISOString().slice(0, 10),
      to: today.toISOString().slice(0, 10),
    });
  });
});
