/**
 * Push deliveries (src/sync/push-intake.ts): the body is streamed into chunks under a limit,
 * split element by element whatever the chunk boundaries, and stored for known users only.
 * Provider-free: a made-up push handler; the Garmin tests cover the route and the runs.
 */
import type PgBoss from 'pg-boss';
import { mapped } from '../../src/normalize/records.js';
import type { ProviderAdapter, PushHandler, RawItem } from '../../src/providers/types.js';
import { JsonArraySplitter, JsonShapeError } from '../../src/sync/json-split.js';
import { CHUNK_BYTES, processPushDelivery, PushIntake, PushIntakeOverloadedError, type KnownConnection } from '../../src/sync/push-intake.js';
import { storeItems } from '../../src/sync/store.js';
import { createLogger } from '../../src/logger.js';
import { databaseVariants, openTestDatabase, type TestDatabase } from '../support/databases.js';

describe('JsonArraySplitter', () => {
  const body = JSON.stringify({
    dailies: [{ userId: 'u1', note: 'brace } and [ bracket in a "string" \\ é' }, { userId: 'u2', nested: { a: [1, 2, { b: '}' }] } }],
    scalar: 'skipped',
    obj: { also: ['skipped'] },
    'odd "key"': [[1, 2], { userId: 'u3' }],
    empty: [],
  });

  test('the same elements at every split point', () => {
    const bytes = Buffer.from(body);
    const expected = [
      ['dailies', { userId: 'u1', note: 'brace } and [ bracket in a "string" \\ é' }],
      ['dailies', { userId: 'u2', nested: { a: [1, 2, { b: '}' }] } }],
      ['odd "key"', [1, 2]],
      ['odd "key"', { userId: 'u3' }],
    ];
    for (let cut = 0; cut <= bytes.length; cut++) {
      const splitter = new JsonArraySplitter();
      const out = [...splitter.push(bytes.subarray(0, cut)), ...splitter.push(bytes.subarray(cut))];
      splitter.end();
      expect(out.map((e) => [e.key, JSON.parse(e.text)])).toEqual(expected);
    }
  });

  test('a body that is not an object of arrays, or ends early, is refused', () => {
    expect(() => new JsonArraySplitter().push(Buffer.from('[1]'))).toThrow(JsonShapeError);
    const splitter = new JsonArraySplitter();
    splitter.push(Buffer.from('{"a":[{"x":1}'));
    expect(() => splitter.end()).toThrow(JsonShapeError);
  });
});

/** A stream of `total` bytes of a delivery in 64 KiB pieces. */
function streamOf(text: string): ReadableStream<Uint8Array> {
  const bytes = Buffer.from(text);
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(at, at + 65_536));
      at += 65_536;
    },
  });
}

const handler: PushHandler = {
  maxBodyBytes: 4 * CHUNK_BYTES,
  authenticate: () => ({ ok: true }),
  entry(key, element) {
    const e = element as { userId: string; id: string; pad?: string };
    if (key === 'gone') return { kind: 'revoke', providerUserId: e.userId, reason: 'deregistered' };
    return { kind: 'item', providerUserId: e.userId, item: { dataType: key, providerRecordId: e.id, payload: { id: e.id, size: e.pad?.length ?? 0 } } };
  },
};

describe.each(databaseVariants())('push deliveries (%s)', (variant) => {
  let db: TestDatabase;
  const jobs: unknown[] = [];
  const boss = { insert: async (list: unknown[]) => void jobs.push(...list) } as unknown as PgBoss;
  let userId: string;

  beforeAll(async () => {
    db = await openTestDatabase(variant);
    const user = await db.prisma.user.create({ data: {} });
    userId = user.id;
    await db.prisma.connection.create({ data: { userId, provider: 'POLAR', providerUserId: 'known', sandbox: false } });
  }, 60_000);
  afterAll(() => db?.close());

  const deps = (arrivals: [string, string[]][]) => ({
    prisma: db.prisma,
    logger: createLogger({ level: 'error', write: () => undefined }),
    adapterFor: () => ({ displayName: 'Test', push: handler }) as unknown as ProviderAdapter,
    store: (connection: KnownConnection, items: RawItem[]) => storeItems(db.prisma, { userId: connection.userId, provider: connection.provider }, items, () => mapped([])),
    fetchPushed: async () => [],
    arrived: async (connectionId: string, types: string[]) => void arrivals.push([connectionId, types]),
  });

  test('a body of several chunks is stored in chunks, then mapped for the known user only, then deleted', async () => {
    const intake = new PushIntake({ prisma: db.prisma, boss, notify: () => undefined });
    const pad = 'x'.repeat(700_000);
    const body = JSON.stringify({
      dailies: [{ userId: 'known', id: 'd1', pad }, { userId: 'stranger', id: 'd2', pad }, { userId: 'known', id: 'd3', pad }],
      sleeps: [{ userId: 'known', id: 's1' }],
    });
    const outcome = await intake.receive('POLAR', false, streamOf(body), handler.maxBodyBytes);
    expect(outcome).toEqual({ ok: true, deliveryId: expect.any(String), bytes: Buffer.byteLength(body) });
    const deliveryId = (outcome as { deliveryId: string }).deliveryId;
    // ~2.1 MB in chunks of at most 1 MiB (+ one 64 KiB read): three rows, none bigger.
    const chunks = await db.prisma.$queryRaw<{ size: number }[]>`SELECT length("data") AS size FROM "PushDeliveryChunk" WHERE "deliveryId" = ${deliveryId}`;
    expect(chunks.length).toBe(3);
    expect(Math.max(...chunks.map((c) => Number(c.size)))).toBeLessThanOrEqual(CHUNK_BYTES + 65_536);
    expect(jobs).toEqual([{ name: 'push-delivery', data: { deliveryId } }]);

    const arrivals: [string, string[]][] = [];
    const processed = await processPushDelivery(deps(arrivals), deliveryId);
    expect(processed).toMatchObject({ entries: 4, unknownUsers: 1, counts: { created: 3 } });
    const raw = await db.prisma.rawPayload.findMany({ where: { userId }, orderBy: { providerRecordId: 'asc' }, select: { dataType: true, providerRecordId: true, payload: true } });
    expect(raw).toEqual([
      { dataType: 'dailies', providerRecordId: 'd1', payload: { id: 'd1', size: 700_000 } },
      { dataType: 'dailies', providerRecordId: 'd3', payload: { id: 'd3', size: 700_000 } },
      { dataType: 'sleeps', providerRecordId: 's1', payload: { id: 's1', size: 0 } },
    ]);
    expect(await db.prisma.rawPayload.count({ where: { providerRecordId: 'd2' } })).toBe(0);
    expect(arrivals).toEqual([[expect.any(String), ['dailies', 'sleeps']]]);
    expect(await db.prisma.pushDelivery.count({ where: { id: deliveryId } })).toBe(0);
  });

  test('over the limit: refused and nothing kept; beyond the concurrent bodies: overloaded', async () => {
    const intake = new PushIntake({ prisma: db.prisma, boss, notify: () => undefined }, { maxConcurrent: 1 });
    const before = await db.prisma.pushDelivery.count();
    const big = JSON.stringify({ dailies: [{ userId: 'known', id: 'big', pad: 'y'.repeat(5 * CHUNK_BYTES) }] });
    expect(await intake.receive('POLAR', false, streamOf(big), handler.maxBodyBytes)).toEqual({ ok: false, tooLarge: true });
    expect(await db.prisma.pushDelivery.count()).toBe(before);

    let release!: () => void;
    const stalled = new ReadableStream<Uint8Array>({
      start: (controller) => {
        controller.enqueue(Buffer.from('{"dailies":['));
        release = () => {
          controller.enqueue(Buffer.from(']}'));
          controller.close();
        };
      },
    });
    const first = intake.receive('POLAR', false, stalled, handler.maxBodyBytes);
    await expect(intake.receive('POLAR', false, streamOf('{}'), handler.maxBodyBytes)).rejects.toThrow(PushIntakeOverloadedError);
    release();
    expect(await first).toMatchObject({ ok: true });
  });

  test('a revocation entry revokes the connection', async () => {
    const intake = new PushIntake({ prisma: db.prisma, boss, notify: () => undefined });
    const outcome = await intake.receive('POLAR', false, streamOf(JSON.stringify({ gone: [{ userId: 'known' }] })), handler.maxBodyBytes);
    await processPushDelivery(deps([]), (outcome as { deliveryId: string }).deliveryId);
    const connection = await db.prisma.connection.findFirstOrThrow({ where: { userId } });
    expect([connection.status, connection.lastError]).toEqual(['REVOKED', 'deregistered']);
  });
});
