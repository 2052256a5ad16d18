import { databaseVariants } from '../support/databases.js';
import { connectPolar, REDIRECT, startPolarStack, stopPolarStack } from '../support/polar-app.js';
import { recordCounts, waitForSyncIdle } from '../support/sync.js';
import { userGlobalId } from '../support/seed.js';

const fromGlobalId = (id: string) => Buffer.from(id, 'base64').toString().split(':')[1];

describe.each(databaseVariants())('Polar end to end over loopback (%s)', (variant) => {
  let stack: Awaited<ReturnType<typeof startPolarStack>>;
  let userId: string;
  let connectionId: string;

  beforeAll(async () => {
    stack = await startPolarStack(variant);
    const created = await stack.t.graphql('mutation { createUser(input: { externalId: "polar-e2e" }) { id } }');
    userId = fromGlobalId(created.body.data.createUser.id);
  }, 60_000);
  afterAll(() => stopPolarStack(stack));

  it('connects: callback stores encrypted tokens, registers the user at Polar, redirects back', async () => {
    const redirect = await connectPolar(stack.fake, stack.t, userGlobalId(userId));
    expect(`${redirect.origin}${redirect.pathname}`).toBe(REDIRECT);
    expect(redirect.searchParams.get('status')).toBe('connected');
    connectionId = fromGlobalId(redirect.searchParams.get('connectionId')!);
    const connection = await stack.t.database.prisma.connection.findUniqueOrThrow({ where: { id: connectionId } });
    expect(connection.status).toBe('ACTIVE');
    expect(connection.accessTokenEncrypted).toMatch(/^v1\./);
    const polarUser = [...stack.fake.users.values()].find((u) => u.memberId === userId);
    expect(polarUser?.registered).toBe(true);
    expect(connection.providerUserId).toBe(String(polarUser!.polarUserId));
    const plain = stack.t.app.cipher.decrypt(connection.accessTokenEncrypted!);
    expect(plain.length).toBeGreaterThan(10);
    expect(JSON.stringify(connection)).not.toContain(plain);
  });

  it('backfills and serves exercises, sleep and Nightly Recharge through GraphQL with the fake\'s values', async () => {
    const runs = await waitForSyncIdle(stack.t.database.prisma, connectionId, { timeoutMs: 90_000 });
    expect(runs[0].kind).toBe('BACKFILL');
    expect(runs[0].error).toBeNull();
    expect(runs[0].status).toBe('SUCCEEDED');
    const polarUserId = Number((await stack.t.database.prisma.connection.findUniqueOrThrow({ where: { id: connectionId } })).providerUserId);
    const data = stack.fake.dataFor(polarUserId);

    const res = await stack.t.graphql(
      `query($id: ID!) { user(id: $id) {
        workouts(from: "2026-09-22", to: "2026-11-20", first: 100) { edges { node { sport providerSport startTime durationSeconds distanceMeters averageHeartRateBpm source { provider device } } } }
        sleepSessions(from: "2026-09-22", to: "2026-11-20", first: 100) { edges { node { localDate totalSleepSeconds deepSleepSeconds score } } }
        recoveries(from: "2026-09-22", to: "2026-11-20", first: 100) { edges { node { localDate hrvRmssdMs ansCharge nightlyRechargeStatus sleepCharge } } }
      } }`,
      { id: userGlobalId(userId) },
    );
    expect(res.body.errors).toBeUndefined();
    const workouts = res.body.data.user.workouts.edges.map((e: any) => e.node);
    expect(workouts.length).toBe(data.exercises.length);
    expect(workouts.every((w: any) => w.source.provider === 'POLAR')).toBe(true);

    const sleeps = res.body.data.user.sleepSessions.edges.map((e: any) => e.node);
    const lastSleep = data.sleeps.at(-1) as any;
    const mappedLast = sleeps.find((s: any) => s.localDate === lastSleep.date);
    expect(mappedLast).toBeDefined();
    expect(mappedLast.deepSleepSeconds).toBe(lastSleep.deep_sleep);
    expect(mappedLast.score).toBe(Math.round(lastSleep.sleep_score));

    const recharges = res.body.data.user.recoveries.edges.map((e: any) => e.node);
    const lastRecharge = data.nightlyRecharges.at(-1) as any;
    const mappedRecharge = recharges.find((r: any) => r.localDate === lastRecharge.date);
    expect(mappedRecharge.hrvRmssdMs).toBeCloseTo(lastRecharge.heart_rate_variability_avg);
    expect(mappedRecharge.ansCharge).toBeCloseTo(lastRecharge.ans_charge);
    expect(mappedRecharge.nightlyRechargeStatus).toBe(lastRecharge.nightly_recharge_status);
  }, 120_000);

  it('syncing the same window again changes nothing', async () => {
    const before = await recordCounts(stack.t.database.prisma, userId);
    const resync = await stack.t.graphql(`mutation($id: ID!) { resyncConnection(connectionId: $id, from: "2026-09-22", to: "2026-11-20") { id status } }`, {
      id: Buffer.from(`Connection:${connectionId}`).toString('base64'),
    });
    expect(resync.body.errors).toBeUndefined();
    const runs = await waitForSyncIdle(stack.t.database.prisma, connectionId, { minRuns: 2, timeoutMs: 90_000 });
    const last = runs.at(-1)!;
    expect(last.kind).toBe('RESYNC');
    expect(last.created).toBe(0);
    expect(await recordCounts(stack.t.database.prisma, userId)).toEqual(before);
  }, 120_000);

  it('a signed webhook triggers an incremental sync that stores the new exercise; a bad signature stores nothing', async () => {
    const secret = 'whsec-test-0123456789';
    await stack.t.database.prisma.providerWebhook.create({
      data: { provider: 'POLAR', externalId: 'wh1', url: 'http://gateway.test/webhooks/polar', events: ['EXERCISE'], secretEncrypted: stack.t.app.cipher.encrypt(secret) },
    });
    const polarUserId = Number((await stack.t.database.prisma.connection.findUniqueOrThrow({ where: { id: connectionId } })).providerUserId);
    const exercise = stack.fake.addExercise(polarUserId) as any;
    const body = JSON.stringify({ event: 'EXERCISE', user_id: polarUserId, entity_id: exercise.id, timestamp: '2026-11-20T10:00:00Z', url: `${stack.fake.apiUrl}/v3/exercises/${exercise.id}` });
    const { signPolarWebhook } = await import('../../src/providers/polar/index.js');
    const bad = await stack.t.app.yoga.fetch('http://gateway.test/webhooks/polar', { method: 'POST', body, headers: { 'content-type': 'application/json', 'polar-webhook-event': 'EXERCISE', 'polar-webhook-signature': '00'.repeat(32) } });
    expect(bad.status).toBe(401);
    const runsBefore = await stack.t.database.prisma.syncRun.count({ where: { connectionId } });
    const good = await stack.t.app.yoga.fetch('http://gateway.test/webhooks/polar', { method: 'POST', body, headers: { 'content-type': 'application/json', 'polar-webhook-event': 'EXERCISE', 'polar-webhook-signature': signPolarWebhook(body, secret) } });
    expect(good.status).toBe(200);
    const again = await stack.t.app.yoga.fetch('http://gateway.test/webhooks/polar', { method: 'POST', body, headers: { 'content-type': 'application/json', 'polar-webhook-event': 'EXERCISE', 'polar-webhook-signature': signPolarWebhook(body, secret) } });
    expect(again.status).toBe(200);
    await waitForSyncIdle(stack.t.database.prisma, connectionId, { minRuns: runsBefore + 1, timeoutMs: 60_000 });
    expect(await stack.t.database.prisma.syncRun.count({ where: { connectionId } })).toBe(runsBefore + 1);
    const workouts = await stack.t.database.prisma.workout.count({ where: { userId } });
    expect(workouts).toBe(stack.fake.dataFor(polarUserId).exercises.length);
  }, 120_000);
});
