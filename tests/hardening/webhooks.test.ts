/**
 * Webhook faults not covered elsewhere (tests/sync/polar-connect-flow covers a bad signature and a
 * re-delivery; tests/providers/polar/webhooks the verdicts): oversize bodies, malformed JSON,
 * unknown events, the same delivery five times, and a burst of 500 deliveries.
 */
import { signPolarWebhook } from '../../src/providers/polar/index.js';
import { unusableEvent } from '../../src/sync/webhook-intake.js';
import { databaseVariants } from '../support/databases.js';
import { connectPolar, startPolarStack, stopPolarStack } from '../support/polar-app.js';
import { userGlobalId } from '../support/seed.js';
import { waitForSyncIdle } from '../support/sync.js';

const fromGlobalId = (id: string) => Buffer.from(id, 'base64').toString().split(':')[1];
const SECRET = 'whsec-hardening-0123456789';

describe.each(databaseVariants())('webhook hardening (%s)', (variant) => {
  let stack: Awaited<ReturnType<typeof startPolarStack>>;
  let userId: string;
  let connectionId: string;
  let polarUserId: number;

  const post = (body: string | Buffer, headers: Record<string, string> = {}) =>
    stack.t.app.yoga.fetch('http://gateway.test/webhooks/polar', {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', ...headers },
    });
  const signed = (body: string) => post(body, { 'polar-webhook-signature': signPolarWebhook(body, SECRET) });
  const runCount = () => stack.t.database.prisma.syncRun.count({ where: { connectionId } });

  beforeAll(async () => {
    // The fake enforces AccessLink's real rate limit (520 requests / 15 min here); 500 webhook-driven
    // syncs exceed it, which tests/sync/polar-faults* covers. Here: our own throughput.
    stack = await startPolarStack(variant, { SYNC_BACKFILL_DAYS: '2' }, { rateLimit: { shortTerm: 1_000_000, longTerm: 10_000_000 } });
    const created = await stack.t.graphql('mutation { createUser(input: { externalId: "webhook-hardening" }) { id } }');
    userId = fromGlobalId(created.body.data.createUser.id);
    const redirect = await connectPolar(stack.fake, stack.t, userGlobalId(userId));
    connectionId = fromGlobalId(redirect.searchParams.get('connectionId')!);
    await waitForSyncIdle(stack.t.database.prisma, connectionId, { timeoutMs: 90_000 });
    polarUserId = Number((await stack.t.database.prisma.connection.findUniqueOrThrow({ where: { id: connectionId } })).providerUserId);
    await stack.t.database.prisma.providerWebhook.create({
      data: { provider: 'POLAR', externalId: 'wh-hardening', url: 'http://gateway.test/webhooks/polar', events: ['EXERCISE'], secretEncrypted: stack.t.app.cipher.encrypt(SECRET) },
    });
  }, 120_000);
  afterAll(() => stopPolarStack(stack));

  it('answers 413 to a body over 1 MB (declared or streamed) and stores nothing', async () => {
    const deliveriesBefore = await stack.t.database.prisma.webhookDelivery.count();
    const big = JSON.stringify({ event: 'EXERCISE', user_id: polarUserId, padding: 'x'.repeat(1024 * 1024) });
    const declared = await signed(big);
    expect(declared.status).toBe(413);
    // Without a content-length the limit is enforced while streaming.
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 20; i++) controller.enqueue(new Uint8Array(64 * 1024).fill(32));
        controller.close();
      },
    });
    const streamed = await stack.t.app.yoga.fetch('http://gateway.test/webhooks/polar', {
      method: 'POST',
      body: stream,
      headers: { 'content-type': 'application/json' },
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(await stack.t.database.prisma.webhookDelivery.count()).toBe(deliveriesBefore);
  });

  it('answers 400 to a correctly signed body that is malformed JSON, 401 when also unsigned; nothing stored', async () => {
    const before = { runs: await runCount(), deliveries: await stack.t.database.prisma.webhookDelivery.count() };
    for (const body of ['{"event": "EXERCISE", "user_id": ', 'not json at all', '[1,2,3]', '"a string"']) {
      const response = await signed(body);
      expect(response.status).toBe(400);
      expect((await response.json()).error).toMatch(/JSON/);
    }
    expect((await post('{"event": "EXERCISE", "user_id": ')).status).toBe(401);
    expect(await runCount()).toBe(before.runs);
    expect(await stack.t.database.prisma.webhookDelivery.count()).toBe(before.deliveries);
  });

  it('acknowledges an unknown event type with 2xx, logs it as ignored and starts nothing', async () => {
    const before = await runCount();
    stack.t.logLines.length = 0;
    const response = await signed(JSON.stringify({ event: 'BRAND_NEW_EVENT', user_id: polarUserId, timestamp: '2026-11-20T10:00:00Z' }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, queued: 0 });
    expect(stack.t.logLines.some((line) => line.includes('webhook events ignored') && line.includes('BRAND_NEW_EVENT'))).toBe(true);
    const sleepWise = await signed(JSON.stringify({ event: 'SLEEP_WISE_ALERTNESS', user_id: polarUserId, timestamp: '2026-11-20T10:00:00Z' }));
    expect(sleepWise.status).toBe(200);
    expect(await runCount()).toBe(before);
  });

  it('acknowledges signed deliveries that can never be recorded (impossible date, NUL in an id) with 200 and a log line, not 503; nothing stored', async () => {
    const before = { runs: await runCount(), deliveries: await stack.t.database.prisma.webhookDelivery.count() };
    stack.t.logLines.length = 0;
    for (const event of [
      { event: 'SLEEP', user_id: polarUserId, date: '2024-13-01' },
      { event: 'SLEEP', user_id: polarUserId, date: '0000-01-01' },
    ]) {
      const response = await signed(JSON.stringify({ ...event, timestamp: '2026-11-20T10:00:00Z' }));
      expect({ event, status: response.status, body: await response.json() }).toEqual({ event, status: 200, body: { ok: true, queued: 0 } });
    }
    expect(stack.t.logLines.filter((line) => line.includes('webhook events unusable; ignored'))).toHaveLength(2);
    // The check itself, for every field of an event (Polar's handler keeps an exercise id out of the stored keys; other providers may not).
    const base = { providerUserId: '1', dataType: 'sleep', action: 'upsert' as const, deliveryKey: 'k' };
    expect(unusableEvent({ ...base, providerRecordId: 'ab\u0000cd' })).toBe('providerRecordId contains a NUL character');
    expect(unusableEvent({ ...base, deliveryKey: 'k\u0000' })).toBe('deliveryKey contains a NUL character');
    expect(unusableEvent({ ...base, date: '2024-02-30' })).toBe('date "2024-02-30" is not a calendar date');
    expect(unusableEvent({ ...base, date: '2024-02-29' })).toBeNull();
    expect(stack.t.logLines.some((line) => line.includes('"level":"error"') || line.includes(' ERROR '))).toBe(false);
    expect(await runCount()).toBe(before.runs);
    expect(await stack.t.database.prisma.webhookDelivery.count()).toBe(before.deliveries);
  });

  it('processes the same delivery sent 5 times (also concurrently) once', async () => {
    const before = await runCount();
    const exercise = stack.fake.addExercise(polarUserId) as { id: string };
    const body = JSON.stringify({ event: 'EXERCISE', user_id: polarUserId, entity_id: exercise.id, timestamp: '2026-11-20T11:00:00Z' });
    const responses = await Promise.all([1, 2, 3].map(() => signed(body)));
    responses.push(await signed(body), await signed(body));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const queued = await Promise.all(responses.map(async (r) => (await r.json()).queued));
    expect(queued.reduce((a, b) => a + b, 0)).toBe(1);
    await waitForSyncIdle(stack.t.database.prisma, connectionId, { minRuns: before + 1, timeoutMs: 60_000 });
    expect(await runCount()).toBe(before + 1);
    expect(await stack.t.database.prisma.workout.count({ where: { userId } })).toBe(stack.fake.dataFor(polarUserId).exercises.length);
  }, 90_000);

  // A distinct start minute per burst exercise: the fake's default spreads added exercises over 34
  // start minutes a day, and two exercises of one device starting at the same second are one workout.
  let nextStartMinute = 0;
  /** Sends signed EXERCISE deliveries for `n` new exercises, 50 at a time as a provider's delivery workers would. */
  async function burst(n: number, minute: number) {
    const bodies: string[] = [];
    for (let i = 0; i < n; i++) {
      const exercise = stack.fake.addExercise(polarUserId, {}, { startMinute: nextStartMinute++ }) as { id: string };
      const second = String(i % 60).padStart(2, '0');
      bodies.push(JSON.stringify({ event: 'EXERCISE', user_id: polarUserId, entity_id: exercise.id, timestamp: `2026-11-20T${String(minute + Math.floor(i / 60)).padStart(2, '0')}:00:${second}Z` }));
    }
    const started = Date.now();
    const statuses: number[] = [];
    const queued: number[] = [];
    for (let i = 0; i < bodies.length; i += 50) {
      const batch = await Promise.all(bodies.slice(i, i + 50).map((body) => signed(body)));
      statuses.push(...batch.map((r) => r.status));
      queued.push(...(await Promise.all(batch.map(async (r) => ((await r.json()) as { queued?: number }).queued ?? -1))));
    }
    return { statuses, queued, ackSeconds: (Date.now() - started) / 1000 };
  }

  /** Waits until every run of the connection finished; all SUCCEEDED, every exercise of the fake stored. */
  async function expectAllProcessed(before: number, timeoutMs: number) {
    const runs = await waitForSyncIdle(stack.t.database.prisma, connectionId, { minRuns: before + 1, timeoutMs });
    expect(runs.slice(before).filter((r) => r.status !== 'SUCCEEDED' || r.windowsDone !== r.windowsTotal)).toEqual([]);
    expect(await stack.t.database.prisma.workout.count({ where: { userId } })).toBe(stack.fake.dataFor(polarUserId).exercises.length);
    return runs.slice(before);
  }

  // Deliveries for one connection that arrive while a webhook run of it has not started any window
  // yet join that run (SyncEngine.requestSync coalesce): a burst becomes a few runs, not one each.
  it('processes every one of a burst of 20 distinct deliveries', async () => {
    const before = await runCount();
    const { statuses, queued } = await burst(20, 0);
    expect(statuses.filter((s) => s === 200)).toHaveLength(20);
    expect(queued.every((q) => q === 1)).toBe(true);
    const runs = await expectAllProcessed(before, 120_000);
    expect(runs.length).toBeGreaterThanOrEqual(1);
    expect(runs.length).toBeLessThanOrEqual(20);
  }, 180_000);

  let burstBefore = 0;
  it('acknowledges a burst of 500 distinct deliveries within seconds and queues every one (nothing lost)', async () => {
    const before = await runCount();
    burstBefore = before;
    const deliveriesBefore = await stack.t.database.prisma.webhookDelivery.count();
    const { statuses, queued, ackSeconds } = await burst(500, 10);
    expect(statuses.filter((s) => s === 200)).toHaveLength(500);
    // Every delivery was queued: in a run of its own or one that had not started yet.
    expect(queued.filter((q) => q !== 1)).toEqual([]);
    expect(ackSeconds).toBeLessThan(60);
    // Two data types per EXERCISE delivery (exercise + cardio load), one claimed key each.
    expect((await stack.t.database.prisma.webhookDelivery.count()) - deliveriesBefore).toBe(1000);
    const runs = await stack.t.database.prisma.syncRun.findMany({ where: { connectionId }, orderBy: { startedAt: 'asc' } });
    const fresh = runs.slice(before);
    expect(fresh.length).toBeGreaterThanOrEqual(1);
    expect(fresh.length).toBeLessThanOrEqual(500);
    expect(fresh.every((r) => r.kind === 'WEBHOOK' && r.windowsTotal >= 1 && r.dataTypes.length === 2)).toBe(true);
    console.log(`[hardening ${variant}] 500 webhook deliveries acknowledged and queued in ${ackSeconds} s as ${fresh.length} runs`);
  }, 120_000);

  it('processes every one of the burst of 500 distinct deliveries to the end', async () => {
    const started = Date.now();
    const runs = await expectAllProcessed(burstBefore, 90_000);
    console.log(`[hardening ${variant}] 500 webhook deliveries processed to the end ${(Date.now() - started) / 1000} s after the last acknowledgement: ${runs.length} runs, ${runs.reduce((n, r) => n + r.windowsTotal, 0)} window jobs`);
  }, 120_000);
});
