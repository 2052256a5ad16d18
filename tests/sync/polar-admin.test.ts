/**
 * Operator-side Polar flows against the fake, with the gateway on a real loopback port (the fake
 * PINGs the webhook URL before creating it and delivers webhooks over HTTP): webhook registration
 * and delivery de-duplication, disconnecting with and without data, raw-payload replay (library
 * and CLI), and time zones through the whole path.
 */
import { execFile } from 'node:child_process';
import { polarAdapter, POLAR_WEBHOOK_EVENT_TYPES } from '../../src/providers/polar/index.js';
import { createHttpClient } from '../../src/providers/http.js';
import { registerProviderWebhook, unregisterProviderWebhook } from '../../src/connections/webhook-admin.js';
import { replayRawPayloads } from '../../src/sync/replay.js';
import { type PolarExercise } from '../fakes/polar/index.js';
import { databaseVariants } from '../support/databases.js';
import { connectPolar, ENCRYPTION_KEY, startPolarStack, stopPolarStack, TODAY } from '../support/polar-app.js';
import { createUser, freePort, fromGlobalId, globalId, listenOn } from '../support/polar-oauth-helpers.js';
import { recordCounts, waitForSyncIdle } from '../support/sync.js';

const REPO_ROOT = new URL('../../', import.meta.url).pathname;

/** UTC instant of a Polar exercise: start_time is local wall time, UTC = local - offset. */
const exerciseStartUtc = (e: PolarExercise) => new Date(Date.parse(`${e.start_time}Z`) - e.start_time_utc_offset * 60_000).toISOString();

interface Member {
  id: string;
  gid: string;
  connectionId: string;
  polarUserId: number;
}

describe.each(databaseVariants())('Polar operator flows over a real port (%s)', (variant) => {
  let stack: Awaited<ReturnType<typeof startPolarStack>>;
  let server: { close(): Promise<void> };
  let publicUrl: string;
  const members: Record<'main' | 'keep' | 'wipe' | 'west' | 'east', Member> = {} as never;
  const added: { west?: PolarExercise; east?: PolarExercise } = {};

  const adminDeps = () => ({
    prisma: stack.t.database.prisma,
    config: stack.t.config,
    cipher: stack.t.app.cipher,
    http: createHttpClient({ baseDelayMs: 5, maxDelayMs: 500 }),
  });

  beforeAll(async () => {
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    // Short histories keep five backfills and a full replay well inside the time budget.
    stack = await startPolarStack(variant, { PUBLIC_URL: publicUrl, SYNC_BACKFILL_DAYS: '4' }, { days: 12 });
    server = await listenOn(stack.t, port);
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    if (stack) await stopPolarStack(stack);
  });

  it('registers the webhook at Polar (answering its PING) and stores the secret encrypted', async () => {
    const stored = await registerProviderWebhook(adminDeps(), polarAdapter);
    const atFake = stack.fake.webhook;
    expect(atFake).not.toBeNull();
    expect(atFake!.url).toBe(`${publicUrl}/webhooks/polar`);
    expect(stored).toMatchObject({ provider: 'POLAR', externalId: atFake!.id, url: `${publicUrl}/webhooks/polar` });
    expect([...stored.events].sort()).toEqual(Object.keys(POLAR_WEBHOOK_EVENT_TYPES).sort());
    // The PING went to our real listener.
    expect(stack.t.logLines.some((l) => /webhook rejected/.test(l))).toBe(false);
    const row = await stack.t.database.prisma.providerWebhook.findUniqueOrThrow({ where: { provider: 'POLAR' } });
    expect(row.secretEncrypted).toMatch(/^v1\./);
    expect(row.secretEncrypted).not.toContain(atFake!.signature_secret_key);
    expect(stack.t.app.cipher.decrypt(row.secretEncrypted!)).toBe(atFake!.signature_secret_key);

    // Registering again re-points the existing webhook (PATCH) and keeps the stored secret.
    const again = await registerProviderWebhook(adminDeps(), polarAdapter);
    expect(again.externalId).toBe(atFake!.id);
    expect(stack.t.app.cipher.decrypt(again.secretEncrypted!)).toBe(atFake!.signature_secret_key);
    expect(await stack.t.database.prisma.providerWebhook.count()).toBe(1);
  });

  it('connects five users (two in far time zones) and backfills them', async () => {
    const connect = async (name: keyof typeof members, prepare?: () => number) => {
      const user = await createUser(stack.t, `admin-${variant}-${name}`);
      if (prepare) stack.fake.setNextAuthorization({ polarUserId: prepare() });
      const redirect = await connectPolar(stack.fake, stack.t, user.gid);
      expect(redirect.searchParams.get('status')).toBe('connected');
      const connectionId = fromGlobalId(redirect.searchParams.get('connectionId')!);
      const connection = await stack.t.database.prisma.connection.findUniqueOrThrow({ where: { id: connectionId } });
      members[name] = { ...user, connectionId, polarUserId: Number(connection.providerUserId) };
    };
    await connect('main');
    await connect('keep');
    await connect('wipe');
    // UTC-7: a run starting 23:30 local on the 18th is 06:30 UTC on the 19th.
    await connect('west', () => {
      const id = stack.fake.createUser({ timeZoneOffsetMinutes: -420 });
      added.west = stack.fake.addExercise(id, {}, { kind: 'running', date: '2026-11-18', startMinute: 23 * 60 + 30 });
      return id;
    });
    // UTC+10: a ride starting 06:00 local on the 18th is 20:00 UTC on the 17th.
    await connect('east', () => {
      const id = stack.fake.createUser({ timeZoneOffsetMinutes: 600 });
      added.east = stack.fake.addExercise(id, {}, { kind: 'cycling', date: '2026-11-18', startMinute: 6 * 60 });
      return id;
    });
    expect(members.west.polarUserId).toBe(stack.fake.users.get(members.west.polarUserId)!.polarUserId);
    expect(stack.fake.users.get(members.west.polarUserId)!.timeZoneOffsetMinutes).toBe(-420);
    expect(stack.fake.users.get(members.east.polarUserId)!.timeZoneOffsetMinutes).toBe(600);
    for (const member of Object.values(members)) {
      const runs = await waitForSyncIdle(stack.t.database.prisma, member.connectionId, { timeoutMs: 100_000 });
      expect(runs.map((r) => [r.kind, r.status, r.error])).toEqual([['BACKFILL', 'SUCCEEDED', null]]);
      expect(stack.fake.users.get(member.polarUserId)?.registered).toBe(true);
      // A brand-new connection's first backfill stored everything for the first time: nothing "updated".
      const [run] = runs;
      expect(run).toMatchObject({ updated: 0, unchanged: 0 });
      expect(run.created + run.skipped).toBe(run.fetched);
    }
  }, 120_000);

  it('a webhook delivered by Polar over HTTP syncs the new exercise; redelivering it 4 times queues nothing more', async () => {
    const { polarUserId, connectionId, gid } = members.main;
    const exercise = stack.fake.addExercise(polarUserId, {}, { kind: 'running', date: TODAY, startMinute: 7 * 60 });
    const webhookRunsBefore = await stack.t.database.prisma.syncRun.count({ where: { connectionId, kind: 'WEBHOOK' } });
    expect(webhookRunsBefore).toBe(0);
    const runsBefore = await stack.t.database.prisma.syncRun.count({ where: { connectionId } });
    // A fixed timestamp makes every resend the same delivery.
    const event = { event: 'EXERCISE', user_id: polarUserId, entity_id: exercise.id, timestamp: `${TODAY}T07:50:00Z` };
    expect(await stack.fake.sendWebhook(event, `${publicUrl}/webhooks/polar`)).toBe(200);
    await waitForSyncIdle(stack.t.database.prisma, connectionId, { minRuns: runsBefore + 1, timeoutMs: 60_000 });

    const res = await stack.t.graphql(
      `query($id: ID!) { user(id: $id) { workouts(from: "2026-11-20", to: "2026-11-20", first: 50) { edges { node { startTime providerSport distanceMeters source { provider } } } } } }`,
      { id: gid },
    );
    expect(res.body.errors).toBeUndefined();
    const starts = res.body.data.user.workouts.edges.map((e: any) => new Date(e.node.startTime).toISOString());
    expect(starts).toContain(exerciseStartUtc(exercise));
    expect(await stack.t.database.prisma.workout.count({ where: { userId: members.main.id } })).toBe(stack.fake.dataFor(polarUserId).exercises.length);

    for (let i = 0; i < 4; i++) expect(await stack.fake.sendWebhook(event, `${publicUrl}/webhooks/polar`)).toBe(200);
    // Let anything a resend might have queued show up.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await waitForSyncIdle(stack.t.database.prisma, connectionId, { timeoutMs: 60_000 });
    const runs = await stack.t.database.prisma.syncRun.findMany({ where: { connectionId, kind: 'WEBHOOK' } });
    expect(runs).toHaveLength(1);
    expect(runs[0].status).toBe('SUCCEEDED');
    expect(await stack.t.database.prisma.syncRun.count({ where: { connectionId } })).toBe(runsBefore + 1);
  }, 120_000);

  it('time zones survive the whole path: UTC start, utcOffset, localDate and the days query', async () => {
    const cases = [
      { member: members.west, exercise: added.west!, local: '2026-11-18T23:30', utcPrefix: '2026-11-19T06:30', offset: '-07:00', minutes: -420 },
      { member: members.east, exercise: added.east!, local: '2026-11-18T06:00', utcPrefix: '2026-11-17T20:00', offset: '+10:00', minutes: 600 },
    ];
    for (const c of cases) {
      // The fake adds random seconds to the start; the minute is the one asked for.
      expect(c.exercise.start_time.startsWith(c.local)).toBe(true);
      expect(c.exercise.start_time_utc_offset).toBe(c.minutes);
      const utc = exerciseStartUtc(c.exercise);
      expect(utc.startsWith(c.utcPrefix)).toBe(true);
      const res = await stack.t.graphql(
        `query($id: ID!) { user(id: $id) {
          workouts(from: "2026-11-16", to: "2026-11-20", first: 100) { edges { node { startTime utcOffset utcOffsetMinutes localDate } } }
          days(from: "2026-11-17", to: "2026-11-19") { date workouts { startTime utcOffset localDate } }
        } }`,
        { id: c.member.gid },
      );
      expect(res.body.errors).toBeUndefined();
      const workouts = res.body.data.user.workouts.edges.map((e: any) => e.node);
      const mine = workouts.filter((w: any) => new Date(w.startTime).toISOString() === utc);
      expect(mine).toEqual([{ startTime: expect.any(String), utcOffset: c.offset, utcOffsetMinutes: c.minutes, localDate: '2026-11-18' }]);
      // Every workout of this user carries the user's offset.
      expect(new Set(workouts.map((w: any) => w.utcOffset))).toEqual(new Set([c.offset]));

      const days = res.body.data.user.days as { date: string; workouts: { startTime: string; utcOffset: string; localDate: string }[] }[];
      expect(days.map((d) => d.date)).toEqual(['2026-11-17', '2026-11-18', '2026-11-19']);
      for (const day of days) {
        const has = day.workouts.some((w) => new Date(w.startTime).toISOString() === utc);
        expect({ date: day.date, has }).toEqual({ date: day.date, has: day.date === '2026-11-18' });
        expect(day.workouts.every((w) => w.localDate === day.date)).toBe(true);
      }
    }
  });

  it('replay restores corrupted and deleted normalized rows from the raw payloads without duplicates', async () => {
    const prisma = stack.t.database.prisma;
    const userId = members.main.id;
    const before = await recordCounts(prisma, userId);
    expect(before.workouts).toBeGreaterThan(0);
    expect(before.sleep).toBeGreaterThan(0);
    const strip = <T extends { id?: unknown; createdAt?: unknown; updatedAt?: unknown }>({ id: _i, createdAt: _c, updatedAt: _u, ...rest }: T) => rest;

    const workout = await prisma.workout.findFirstOrThrow({ where: { userId, distanceMeters: { gt: 0 } }, orderBy: { startTime: 'asc' } });
    const sleep = await prisma.sleepSession.findFirstOrThrow({ where: { userId }, orderBy: { startTime: 'asc' } });
    await prisma.workout.update({ where: { id: workout.id }, data: { distanceMeters: -1, sport: 'OTHER' } });
    await prisma.sleepSession.delete({ where: { id: sleep.id } });
    expect((await recordCounts(prisma, userId)).sleep).toBe(before.sleep - 1);

    const counts = await replayRawPayloads(prisma, { provider: 'POLAR' });
    expect(counts.fetched).toBe(await prisma.rawPayload.count({ where: { provider: 'POLAR' } }));
    expect(counts.skipped).toBe(0);
    // The two damaged records were updated; most payloads changed nothing. (A few more count as
    // updated: rows whose parts came in another order during the sync than in the replay.)
    expect(counts.created).toBe(0);
    expect(counts.updated).toBeGreaterThanOrEqual(2);
    expect(counts.updated + counts.unchanged).toBe(counts.fetched);
    expect(counts.unchanged).toBeGreaterThan(counts.fetched / 2);
    // Replayed again with no mapper change: nothing changes, and the counts say so.
    const again = await replayRawPayloads(prisma, { provider: 'POLAR' });
    expect(again).toMatchObject({ fetched: counts.fetched, created: 0, updated: 0, unchanged: counts.fetched });

    const restored = await prisma.workout.findUniqueOrThrow({ where: { id: workout.id } });
    expect(strip(restored)).toEqual(strip(workout));
    const recreated = await prisma.sleepSession.findUniqueOrThrow({
      where: { provider_userId_providerRecordId: { provider: 'POLAR', userId, providerRecordId: sleep.providerRecordId } },
    });
    expect(strip(recreated)).toEqual(strip(sleep));
    // Every payload was re-applied on top of the existing rows: nothing was duplicated.
    expect(await recordCounts(prisma, userId)).toEqual(before);
  }, 120_000);

  // The CLI opens the database named by DATABASE_URL in its own process. The PGlite variant's
  // database lives in this test process's memory, which no child process can open.
  (variant === 'postgresql' ? it : it.skip)('`npm run cli -- replay --provider polar` restores a corrupted row (PostgreSQL)', async () => {
    const prisma = stack.t.database.prisma;
    const userId = members.main.id;
    const before = await recordCounts(prisma, userId);
    const workout = await prisma.workout.findFirstOrThrow({ where: { userId, distanceMeters: { gt: 0 } }, orderBy: { startTime: 'desc' } });
    await prisma.workout.update({ where: { id: workout.id }, data: { distanceMeters: -1 } });
    // --user takes the User id the API returns (its global ID), as the README says.
    const rawTotal = await prisma.rawPayload.count({ where: { provider: 'POLAR', userId } });

    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: stack.t.database.url!, ENCRYPTION_KEY, NODE_OPTIONS: '' };
    delete env.DATA_DIR;
    const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile('npm', ['run', '--silent', 'cli', '--', 'replay', '--provider', 'polar', '--user', members.main.gid], { cwd: REPO_ROOT, env, timeout: 90_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      });
    });
    expect({ code: result.code, stderr: result.code ? result.stderr : '' }).toEqual({ code: 0, stderr: '' });
    const line = /^payloads (\d+), records created (\d+), updated (\d+), unchanged (\d+), skipped (\d+)$/m.exec(result.stdout);
    expect(line).not.toBeNull();
    expect(line!.slice(1).map(Number)).toEqual([rawTotal, 0, 1, rawTotal - 1, 0]);
    expect(result.stderr).toContain(`replayed ${rawTotal}/${rawTotal} raw payloads`);
    expect((await prisma.workout.findUniqueOrThrow({ where: { id: workout.id } })).distanceMeters).toBe(workout.distanceMeters);
    expect(await recordCounts(prisma, userId)).toEqual(before);
  }, 120_000);

  it('disconnecting de-registers at Polar; deleteData:false keeps the data, deleteData:true removes only that user\'s', async () => {
    const prisma = stack.t.database.prisma;
    const disconnect = (member: Member, deleteData: boolean) =>
      stack.t.graphql(`mutation($id: ID!, $d: Boolean!) { disconnectProvider(connectionId: $id, deleteData: $d) }`, {
        id: globalId('Connection', member.connectionId),
        d: deleteData,
      });
    const keepBefore = await recordCounts(prisma, members.keep.id);
    const wipeBefore = await recordCounts(prisma, members.wipe.id);
    const mainBefore = await recordCounts(prisma, members.main.id);
    for (const [type, n] of Object.entries(wipeBefore)) if (type !== 'vo2') expect({ type, some: n > 0 }).toEqual({ type, some: true });

    const kept = await disconnect(members.keep, false);
    expect(kept.body).toEqual({ data: { disconnectProvider: true } });
    expect(stack.fake.users.get(members.keep.polarUserId)!.registered).toBe(false);
    expect(await prisma.connection.count({ where: { id: members.keep.connectionId } })).toBe(0);
    expect(await recordCounts(prisma, members.keep.id)).toEqual(keepBefore);
    const keptWorkouts = await stack.t.graphql(`query($id: ID!) { user(id: $id) { workouts(from: "2026-11-01", to: "2026-11-20", first: 100) { edges { node { id } } } } }`, {
      id: members.keep.gid,
    });
    expect(keptWorkouts.body.data.user.workouts.edges.length).toBeGreaterThan(0);

    const wiped = await disconnect(members.wipe, true);
    expect(wiped.body).toEqual({ data: { disconnectProvider: true } });
    expect(stack.fake.users.get(members.wipe.polarUserId)!.registered).toBe(false);
    expect(await recordCounts(prisma, members.wipe.id)).toEqual({ workouts: 0, sleep: 0, recovery: 0, activity: 0, vo2: 0, heartRate: 0, raw: 0 });
    // Nobody else lost anything.
    expect(await recordCounts(prisma, members.keep.id)).toEqual(keepBefore);
    expect(await recordCounts(prisma, members.main.id)).toEqual(mainBefore);
    expect(await prisma.connection.count({ where: { id: members.main.connectionId, status: 'ACTIVE' } })).toBe(1);
    expect(stack.fake.users.get(members.main.polarUserId)!.registered).toBe(true);

    // Disconnecting twice: NOT_FOUND, nothing crashes.
    const twice = await disconnect(members.wipe, true);
    expect(twice.body.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  }, 60_000);

  it('unregistering removes the webhook at Polar and locally; deliveries are then refused', async () => {
    const removed = await unregisterProviderWebhook(adminDeps(), polarAdapter);
    expect(removed?.provider).toBe('POLAR');
    expect(stack.fake.webhook).toBeNull();
    expect(await stack.t.database.prisma.providerWebhook.count()).toBe(0);
    expect(await unregisterProviderWebhook(adminDeps(), polarAdapter)).toBeNull();
    // Without a stored secret nothing can be verified any more.
    const status = await stack.fake.sendWebhook({ event: 'EXERCISE', user_id: members.main.polarUserId, entity_id: 'x' }, `${publicUrl}/webhooks/polar`, {
      secret: 'old-secret',
    });
    expect(status).toBe(401);
  });
});
