/**
 * Webhook group commit (src/sync/webhook-intake.ts): a 200 still means the delivery, and the run
 * that will fetch what it announced, are committed; duplicates are processed once; a group that
 * cannot be recorded is answered 503 and leaves nothing behind, so the provider's retry works;
 * the intake refuses instead of growing without bound and records what it accepted on close.
 */
import { signPolarWebhook } from '../../src/providers/polar/index.js';
import { WebhookIntake, WebhookIntakeClosedError, WebhookIntakeOverloadedError } from '../../src/sync/webhook-intake.js';
import type { WebhookEvent } from '../../src/providers/types.js';
import { databaseVariants } from '../support/databases.js';
import { connectPolar, startPolarStack, stopPolarStack, TODAY } from '../support/polar-app.js';
import { userGlobalId } from '../support/seed.js';
import { waitForSyncIdle } from '../support/sync.js';

const fromGlobalId = (id: string) => Buffer.from(id, 'base64').toString().split(':')[1];
const SECRET = 'whsec-intake-0123456789';
const DAYS = ['2026-11-18', '2026-11-19', TODAY];
const EVENTS: Record<string, string[]> = {
  CONTINUOUS_HEART_RATE: ['continuous_heart_rate'],
  ACTIVITY_SUMMARY: ['daily_activity'],
  SLEEP: ['sleep', 'nightly_recharge', 'skin_temperature'],
};

describe.each(databaseVariants())('webhook group commit (%s)', (variant) => {
  let stack: Awaited<ReturnType<typeof startPolarStack>>;
  let connectionId: string;
  let polarUserId: number;
  let nextSecond = 0;

  const signed = (body: string) =>
    stack.t.app.yoga.fetch('http://gateway.test/webhooks/polar', {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'polar-webhook-signature': signPolarWebhook(body, SECRET) },
    });
  /** A distinct delivery (distinct timestamp) of `event` about `date`. */
  const delivery = (event: string, date: string) => {
    const second = nextSecond++;
    const timestamp = new Date(Date.UTC(2026, 10, 20, 12) + second * 1000).toISOString();
    return JSON.stringify({ event, user_id: polarUserId, date, timestamp, url: 'https://www.polaraccesslink.com/x' });
  };
  const prisma = () => stack.t.database.prisma;
  const counts = async () => ({
    deliveries: await prisma().webhookDelivery.count(),
    runs: await prisma().syncRun.count({ where: { connectionId } }),
    jobs: (await stack.t.database.query<{ n: number }>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'sync-window'`))[0].n,
  });

  beforeAll(async () => {
    stack = await startPolarStack(variant, { SYNC_BACKFILL_DAYS: '2' }, { rateLimit: { shortTerm: 1_000_000, longTerm: 10_000_000 } });
    const created = await stack.t.graphql('mutation { createUser(input: { externalId: "webhook-intake" }) { id } }');
    const redirect = await connectPolar(stack.fake, stack.t, userGlobalId(fromGlobalId(created.body.data.createUser.id)));
    connectionId = fromGlobalId(redirect.searchParams.get('connectionId')!);
    await waitForSyncIdle(prisma(), connectionId, { timeoutMs: 90_000 });
    polarUserId = Number((await prisma().connection.findUniqueOrThrow({ where: { id: connectionId } })).providerUserId);
    await prisma().providerWebhook.create({
      data: { provider: 'POLAR', externalId: 'wh-intake', url: 'http://gateway.test/webhooks/polar', events: Object.keys(EVENTS), secretEncrypted: stack.t.app.cipher.encrypt(SECRET) },
    });
  }, 120_000);
  afterAll(() => stopPolarStack(stack));

  it('answers every one of a burst of 200 concurrent distinct deliveries once recorded, and every one is covered by a run that completes', async () => {
    const before = await counts();
    const deliveries = Array.from({ length: 200 }, (_, i) => {
      const event = Object.keys(EVENTS)[i % 3];
      const date = DAYS[i % DAYS.length];
      return { event, date, body: delivery(event, date) };
    });
    const responses = await Promise.all(deliveries.map((d) => signed(d.body)));
    expect(responses.map((r) => r.status)).toEqual(deliveries.map(() => 200));
    const bodies = await Promise.all(responses.map((r) => r.json()));
    expect(bodies.filter((b) => b.queued !== 1)).toEqual([]);
    // Every delivery key was claimed (one per data type of its event).
    const keys = deliveries.reduce((n, d) => n + EVENTS[d.event].length, 0);
    expect((await counts()).deliveries - before.deliveries).toBe(keys);
    // Answered only after its run was committed: each delivery is covered by a WEBHOOK run already.
    const runs = await prisma().syncRun.findMany({ where: { connectionId, kind: 'WEBHOOK' } });
    const uncovered = deliveries.filter(
      (d) => !runs.some((run) => run.windowFrom <= new Date(`${d.date}T00:00:00Z`) && run.windowTo >= new Date(`${d.date}T00:00:00Z`) && EVENTS[d.event].every((t) => run.dataTypes.includes(t))),
    );
    expect(uncovered).toEqual([]);
    expect(runs.length).toBeGreaterThanOrEqual(1);
    expect(runs.length).toBeLessThanOrEqual(200);
    const finished = await waitForSyncIdle(prisma(), connectionId, { timeoutMs: 120_000 });
    expect(finished.slice(before.runs).filter((r) => r.status !== 'SUCCEEDED' || r.windowsDone !== r.windowsTotal)).toEqual([]);
  }, 180_000);

  it('processes a delivery sent 8 times concurrently and twice more later once', async () => {
    await waitForSyncIdle(prisma(), connectionId, { timeoutMs: 60_000 });
    const before = await counts();
    const body = delivery('SLEEP', '2026-11-19');
    const concurrent = await Promise.all(Array.from({ length: 8 }, () => signed(body)));
    const later = [await signed(body), await signed(body)];
    const responses = [...concurrent, ...later];
    expect(responses.map((r) => r.status)).toEqual(responses.map(() => 200));
    const queued = await Promise.all(responses.map(async (r) => (await r.json()).queued));
    expect(queued.reduce((a, b) => a + b, 0)).toBe(1);
    const after = await counts();
    expect(after.deliveries - before.deliveries).toBe(3);
    expect(after.runs - before.runs).toBe(1);
    const runs = await waitForSyncIdle(prisma(), connectionId, { minRuns: before.runs + 1, timeoutMs: 60_000 });
    expect(runs.slice(before.runs).map((r) => r.status)).toEqual(['SUCCEEDED']);
  }, 90_000);

  it('answers 503 when its group cannot be recorded, keeps nothing of it, and processes the retry', async () => {
    await waitForSyncIdle(prisma(), connectionId, { timeoutMs: 60_000 });
    const before = await counts();
    // A statement of the group fails after the delivery keys were claimed (planning the run).
    await stack.t.database.exec(`
      CREATE FUNCTION webhook_intake_test_fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$;
      CREATE TRIGGER webhook_intake_test_fail BEFORE INSERT ON "SyncRun" FOR EACH ROW EXECUTE FUNCTION webhook_intake_test_fail();
    `);
    const bodies = DAYS.map((date) => delivery('CONTINUOUS_HEART_RATE', date));
    let responses: Response[];
    try {
      responses = await Promise.all(bodies.map((body) => signed(body)));
    } finally {
      await stack.t.database.exec(`DROP TRIGGER webhook_intake_test_fail ON "SyncRun"; DROP FUNCTION webhook_intake_test_fail();`);
    }
    expect(responses.map((r) => r.status)).toEqual(bodies.map(() => 503));
    expect(responses.every((r) => Number(r.headers.get('retry-after')) >= 1)).toBe(true);
    expect(await counts()).toEqual(before);
    expect(stack.t.logLines.some((line) => line.includes('could not be recorded'))).toBe(true);

    const retried = await Promise.all(bodies.map((body) => signed(body)));
    expect(retried.map((r) => r.status)).toEqual(bodies.map(() => 200));
    expect(await Promise.all(retried.map(async (r) => (await r.json()).queued))).toEqual(bodies.map(() => 1));
    const after = await counts();
    expect(after.deliveries - before.deliveries).toBe(bodies.length);
    expect(after.runs).toBeGreaterThan(before.runs);
    const runs = await waitForSyncIdle(prisma(), connectionId, { minRuns: before.runs + 1, timeoutMs: 60_000 });
    expect(runs.slice(before.runs).filter((r) => r.status !== 'SUCCEEDED')).toEqual([]);
  }, 90_000);

  it('refuses deliveries beyond its bound, and on close records those it accepted and refuses new ones', async () => {
    const intake = new WebhookIntake({ prisma: prisma(), sync: stack.t.app.sync, logger: stack.t.app.logger }, { maxWaiting: 2 });
    const event = (n: number): WebhookEvent[] => [{ providerUserId: String(polarUserId), dataType: 'continuous_heart_rate', action: 'upsert', date: TODAY, deliveryKey: `polar:intake-bound-${n}:continuous_heart_rate` }];
    const before = await counts();
    const accepted = [intake.submit('POLAR', event(1)), intake.submit('POLAR', event(2))];
    await expect(intake.submit('POLAR', event(3))).rejects.toBeInstanceOf(WebhookIntakeOverloadedError);
    const closed = intake.close();
    await expect(intake.submit('POLAR', event(4))).rejects.toBeInstanceOf(WebhookIntakeClosedError);
    await closed;
    // Resolved by the time close() returns: recorded, not dropped.
    const outcomes = await Promise.all(accepted);
    expect(outcomes.map((o) => o.queued).reduce((a, b) => a + b, 0)).toBe(2);
    expect((await counts()).deliveries - before.deliveries).toBe(2);
    expect(await prisma().webhookDelivery.count({ where: { deliveryKey: { startsWith: 'polar:intake-bound-' } } })).toBe(2);
    await waitForSyncIdle(prisma(), connectionId, { timeoutMs: 60_000 });
  }, 90_000);
  // Last: it revokes the connection.
  it('a revoke event marks the connection REVOKED in the same commit, asks no sync and stops later ones; a re-delivery changes nothing', async () => {
    const intake = new WebhookIntake({ prisma: prisma(), sync: stack.t.app.sync, logger: stack.t.app.logger });
    const revoke: WebhookEvent[] = [
      { providerUserId: String(polarUserId), dataType: 'sleep', action: 'upsert', date: TODAY, deliveryKey: 'polar:revoke-test:sleep' },
      { providerUserId: String(polarUserId), dataType: 'account', action: 'revoke', deliveryKey: 'polar:revoke-test:revoke' },
    ];
    const before = await counts();
    expect(await intake.submit('POLAR', revoke)).toEqual({ queued: 0 });
    const connection = await prisma().connection.findUniqueOrThrow({ where: { id: connectionId } });
    expect([connection.status, connection.lastError]).toEqual(['REVOKED', expect.stringMatching(/withdrawn at the provider/)]);
    expect((await counts()).runs).toBe(before.runs);
    // A later event for the revoked connection plans nothing; the periodic sync skips it.
    expect(await intake.submit('POLAR', [{ ...revoke[0], deliveryKey: 'polar:revoke-test:later' }])).toEqual({ queued: 0 });
    expect(await stack.t.app.sync.syncDueConnections()).toBe(0);
    expect((await counts()).runs).toBe(before.runs);
    await intake.close();
  }, 30_000);
});
