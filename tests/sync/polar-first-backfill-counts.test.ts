/**
 * Issue 13 item 5 (residue): the first backfill of a brand-new Polar connection (the sandbox
 * simulator, 90 days) stores everything for the first time: it reports 0 updated; a second sync
 * of the same range reports every record unchanged.
 */
import { followSandboxConsent } from '../../src/cli/demo.js';
import { databaseVariants } from '../support/databases.js';
import { listeningTestApp, type ListeningApp } from '../support/listening-app.js';
import { waitForSyncIdle } from '../support/sync.js';
import { TEST_ADMIN_KEY } from '../support/test-app.js';

const fromGlobalId = (id: string) => Buffer.from(id, 'base64').toString().split(':')[1]!;

describe.each(databaseVariants())('Polar sandbox: first backfill counts (%s)', (variant) => {
  let served: ListeningApp;
  beforeAll(async () => {
    served = await listeningTestApp(variant, { SANDBOX: 'true', SANDBOX_SEED: '42', SYNC_BACKFILL_DAYS: '90', SYNC_INTERVAL_SECONDS: '0', SYNC_POLLING_INTERVAL_SECONDS: '1' }, { workers: true });
  }, 60_000);
  afterAll(() => served?.close());

  it('first backfill: created only (0 updated); a resync of the same range: all unchanged', async () => {
    const { t, url } = served;
    const remote = { url, key: TEST_ADMIN_KEY };
    const user = await t.graphql('mutation { createUser(input: { externalId: "first-backfill" }) { id } }');
    const started = await t.graphql('mutation($u: ID!) { connectProvider(input: { userId: $u, provider: POLAR }) { authorizationUrl } }', { u: user.body.data.createUser.id });
    const connectionGid = await followSandboxConsent(remote, started.body.data.connectProvider.authorizationUrl);
    const connectionId = fromGlobalId(connectionGid);
    const [first] = await waitForSyncIdle(t.database.prisma, connectionId, { timeoutMs: 120_000 });
    expect(first!.status).toBe('SUCCEEDED');
    expect(first!.created).toBeGreaterThan(50);
    // Nothing existed before: nothing can have been updated. (The 30-day exercise listing is read
    // by each exercise window that reaches into it; its second reading stores the same payloads:
    // unchanged. Before the fix, an older window stored the transactional form of those exercises
    // first, and the listing's form then counted "updated".)
    expect(first!.updated).toBe(0);
    expect(first!.created + first!.unchanged + first!.skipped).toBe(first!.fetched);
    const rawPayloads = await t.database.prisma.rawPayload.count({ where: { userId: fromGlobalId(user.body.data.createUser.id), provider: 'POLAR' } });
    expect(first!.created).toBe(rawPayloads);

    const resync = await t.graphql('mutation($id: ID!) { resyncConnection(connectionId: $id) { id } }', { id: connectionGid });
    expect(resync.body.errors).toBeUndefined();
    const runs = await waitForSyncIdle(t.database.prisma, connectionId, { minRuns: 2, timeoutMs: 120_000 });
    const second = runs[1]!;
    expect(second.status).toBe('SUCCEEDED');
    expect({ created: second.created, updated: second.updated }).toEqual({ created: 0, updated: 0 });
    expect(second.unchanged).toBe(second.fetched - second.skipped);
  }, 240_000);
});
