import { refreshDueConnections } from '../../src/oauth/refresh.js';
import { signOuraWebhook } from '../../src/providers/oura/index.js';
import { databaseVariants } from '../support/databases.js';
import { connectPolar } from '../support/polar-app.js';
import { userGlobalId } from '../support/seed.js';
import { waitForSyncIdle } from '../support/sync.js';
import { connectOura, OURA_VERIFICATION_TOKEN, startTwoProviderStack, stopTwoProviderStack } from '../support/two-provider-app.js';

const fromGlobalId = (id: string) => Buffer.from(id, 'base64').toString().split(':')[1];

describe.each(databaseVariants())('Oura, token refresh, webhooks and the cross-provider days query (%s)', (variant) => {
  let stack: Awaited<ReturnType<typeof startTwoProviderStack>>;
  let userId: string;
  let ouraConnectionId: string;
  let polarConnectionId: string;

  beforeAll(async () => {
    stack = await startTwoProviderStack(variant);
    const created = await stack.t.graphql('mutation { createUser(input: { externalId: "both" }) { id } }');
    userId = fromGlobalId(created.body.data.createUser.id);
  }, 60_000);
  afterAll(() => stopTwoProviderStack(stack));

  it('connects Oura, refreshing the access token that expires mid-backfill, and records the granted scopes', async () => {
    const redirect = await connectOura(stack.oura, stack.t, userGlobalId(userId));
    expect(redirect.searchParams.get('status')).toBe('connected');
    ouraConnectionId = fromGlobalId(redirect.searchParams.get('connectionId')!);
    const before = await stack.t.database.prisma.connection.findUniqueOrThrow({ where: { id: ouraConnectionId } });
    expect(before.refreshTokenEncrypted).toMatch(/^v1\./);
    expect(before.scopes).toEqual(expect.arrayContaining(['daily', 'heartrate', 'workout']));
    // The provider invalidates the access token while the backfill runs.
    stack.oura.expireAccessTokens();
    const runs = await waitForSyncIdle(stack.t.database.prisma, ouraConnectionId, { timeoutMs: 120_000 });
    expect(runs[0].status).toBe('SUCCEEDED');
    const after = await stack.t.database.prisma.connection.findUniqueOrThrow({ where: { id: ouraConnectionId } });
    expect(after.status).toBe('ACTIVE');
    expect(after.refreshTokenEncrypted).not.toBe(before.refreshTokenEncrypted); // rotated and stored
    const ouraUserId = after.providerUserId!;
    const data = stack.oura.dataFor(ouraUserId);
    const sleeps = await stack.t.database.prisma.sleepSession.count({ where: { userId, provider: 'OURA' } });
    const expectedSleeps = (data.sleep as { day: string; type: string }[]).filter((s) => s.day >= '2026-10-22' && s.day <= '2026-11-20' && s.type !== 'deleted').length;
    expect(sleeps).toBe(expectedSleeps);
  }, 150_000);

  it('refreshes proactively before expiry (scheduled job), and a refused refresh marks NEEDS_REAUTH', async () => {
    const prisma = stack.t.database.prisma;
    await prisma.connection.update({ where: { id: ouraConnectionId }, data: { expiresAt: new Date(Date.now() + 60_000) } });
    const before = await prisma.connection.findUniqueOrThrow({ where: { id: ouraConnectionId } });
    expect(await refreshDueConnections({ ...stack.t.app, prisma })).toBe(1);
    const after = await prisma.connection.findUniqueOrThrow({ where: { id: ouraConnectionId } });
    expect(after.accessTokenEncrypted).not.toBe(before.accessTokenEncrypted);
    expect(after.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 3_600_000);

    // a second user whose refresh token is revoked at Oura
    const other = await stack.t.graphql('mutation { createUser(input: { externalId: "revoked" }) { id } }');
    const otherId = fromGlobalId(other.body.data.createUser.id);
    const redirect = await connectOura(stack.oura, stack.t, userGlobalId(otherId));
    const otherConnection = fromGlobalId(redirect.searchParams.get('connectionId')!);
    await waitForSyncIdle(prisma, otherConnection, { timeoutMs: 120_000 });
    const ouraUserId = (await prisma.connection.findUniqueOrThrow({ where: { id: otherConnection } })).providerUserId!;
    stack.oura.revokeRefreshTokens(ouraUserId);
    stack.oura.expireAccessTokens(ouraUserId);
    const resync = await stack.t.graphql(`mutation($id: ID!) { resyncConnection(connectionId: $id, from: "2026-11-15", to: "2026-11-20") { id } }`, {
      id: Buffer.from(`Connection:${otherConnection}`).toString('base64'),
    });
    expect(resync.body.errors).toBeUndefined();
    const runs = await waitForSyncIdle(prisma, otherConnection, { minRuns: 2, timeoutMs: 60_000 });
    expect(runs.at(-1)!.status).toBe('FAILED');
    const revoked = await prisma.connection.findUniqueOrThrow({ where: { id: otherConnection } });
    expect(revoked.status).toBe('NEEDS_REAUTH');
    expect(revoked.lastError).toMatch(/connect again/);
  }, 240_000);

  it('answers the webhook challenge only with the configured token; a signed delete removes the record', async () => {
    const ok = await stack.t.app.yoga.fetch(`http://gateway.test/webhooks/oura?verification_token=${OURA_VERIFICATION_TOKEN}&challenge=abc123`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ challenge: 'abc123' });
    const wrong = await stack.t.app.yoga.fetch('http://gateway.test/webhooks/oura?verification_token=nope&challenge=abc123');
    expect(wrong.status).toBe(401);

    const prisma = stack.t.database.prisma;
    await prisma.providerWebhook.create({
      data: { provider: 'OURA', externalId: 'subs', url: 'http://gateway.test/webhooks/oura', events: ['sleep'], secretEncrypted: stack.t.app.cipher.encrypt(stack.oura.clientSecret) },
    });
    const connection = await prisma.connection.findUniqueOrThrow({ where: { id: ouraConnectionId } });
    const workout = await prisma.workout.findFirstOrThrow({ where: { userId, provider: 'OURA' } });
    const body = JSON.stringify({ event_type: 'delete', data_type: 'workout', object_id: workout.providerRecordId, event_time: new Date().toISOString(), user_id: connection.providerUserId });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const unsigned = await stack.t.app.yoga.fetch('http://gateway.test/webhooks/oura', { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-oura-timestamp': timestamp, 'x-oura-signature': 'AB'.repeat(32) } });
    expect(unsigned.status).toBe(401);
    expect(await prisma.workout.count({ where: { id: workout.id } })).toBe(1);
    await prisma.scoreDirty.deleteMany({ where: { userId } });
    const signed = await stack.t.app.yoga.fetch('http://gateway.test/webhooks/oura', {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'x-oura-timestamp': timestamp, 'x-oura-signature': signOuraWebhook(timestamp, body, stack.oura.clientSecret) },
    });
    expect(signed.status).toBe(200);
    expect(await prisma.workout.count({ where: { id: workout.id } })).toBe(0);
    // The deleted workout no longer counts in the user's scores: they are stale from its local date.
    expect((await prisma.scoreDirty.findUniqueOrThrow({ where: { userId } })).fromDate).toEqual(workout.localDate);
  }, 60_000);

  it('one days query returns Polar workouts and Nightly Recharge next to Oura sleep and readiness, each with its source', async () => {
    const redirect = await connectPolar(stack.polar, stack.t, userGlobalId(userId));
    polarConnectionId = fromGlobalId(redirect.searchParams.get('connectionId')!);
    await waitForSyncIdle(stack.t.database.prisma, polarConnectionId, { timeoutMs: 120_000 });
    const res = await stack.t.graphql(
      `query($id: ID!) { user(id: $id) { days(from: "2026-11-01", to: "2026-11-19") {
        date
        workouts { sport source { provider device } }
        sleep { type score totalSleepSeconds source { provider } }
        recovery { nightlyRechargeStatus ansCharge readinessScore source { provider } }
        primarySleep { source { provider } }
      } } }`,
      { id: userGlobalId(userId) },
    );
    expect(res.body.errors).toBeUndefined();
    const days = res.body.data.user.days;
    expect(days).toHaveLength(19);
    const providersOf = (list: { source: { provider: string } }[]) => new Set(list.map((r) => r.source.provider));
    const withPolarWorkout = days.filter((d: any) => providersOf(d.workouts).has('POLAR'));
    expect(withPolarWorkout.length).toBeGreaterThan(5);
    for (const day of days) {
      expect(providersOf(day.sleep)).toEqual(new Set(['OURA', 'POLAR']));
      expect(providersOf(day.recovery)).toEqual(new Set(['OURA', 'POLAR']));
      const polarRecovery = day.recovery.find((r: any) => r.source.provider === 'POLAR');
      const ouraRecovery = day.recovery.find((r: any) => r.source.provider === 'OURA');
      expect(polarRecovery.nightlyRechargeStatus).toEqual(expect.any(Number));
      expect(ouraRecovery.readinessScore).toEqual(expect.any(Number));
      expect(day.primarySleep.source.provider).toBe('OURA'); // PROVIDER_PRIORITY_SLEEP default oura,polar
    }
  }, 150_000);
});
