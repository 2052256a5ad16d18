/**
 * Push deliveries: providers whose data arrives in the webhook body (Garmin; ProviderAdapter.push).
 *
 * Receiving (the webhook route): the body is streamed into PushDeliveryChunk rows of at most
 * CHUNK_BYTES, never held whole, and refused (413) as soon as it passes the provider's limit. The
 * delivery is marked complete and its job queued in one transaction; only then does the provider
 * get its 200. At most `maxConcurrent` bodies are received at once (503 beyond), so the memory a
 * burst of big deliveries takes stays bounded.
 *
 * Processing (the push-delivery job): the chunks are read back one at a time and split into the
 * elements of the top-level arrays (src/sync/json-split.ts); each element goes to the provider's
 * entry() and its items are stored like fetched ones (raw payload kept, mapped, replayable) for
 * the connection of that provider user on that side (sandbox or real). Users we do not know are
 * skipped: nothing of theirs is written. The delivery is deleted once processed.
 */
import type PgBoss from 'pg-boss';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { Provider } from '../generated/prisma/enums.js';
import type { Logger } from '../logger.js';
import type { ProviderAdapter, PushedEntry, RawItem } from '../providers/types.js';
import { JsonArraySplitter, JsonShapeError } from './json-split.js';
import { addCounts, emptyCounts, storeItems, type StoreCounts } from './store.js';

export const PUSH_QUEUE = 'push-delivery';
export const CHUNK_BYTES = 1024 * 1024;
/** Items stored per batch, and the element text a batch may hold, so a job's memory stays bounded too. */
const BATCH_ITEMS = 100;
const BATCH_TEXT_BYTES = 16 * 1024 * 1024;
/** Deliveries whose body never finished arriving (a crash, a dropped connection mid-way) are swept after this. */
const STALE_INCOMPLETE_MS = 3600_000;

export class PushIntakeOverloadedError extends Error {
  constructor() {
    super('push intake overloaded');
  }
}

export type ReceiveOutcome = { ok: true; deliveryId: string; bytes: number } | { ok: false; tooLarge: true };

export class PushIntake {
  private receiving = 0;
  private readonly maxConcurrent: number;

  constructor(
    private readonly deps: { prisma: PrismaClient; boss: PgBoss; notify: () => void },
    options: { maxConcurrent?: number } = {},
  ) {
    this.maxConcurrent = options.maxConcurrent ?? 4;
  }

  /** Streams `body` into a new delivery. Throws PushIntakeOverloadedError when too many arrive at once. */
  async receive(provider: Provider, sandbox: boolean, body: ReadableStream<Uint8Array> | null, limit: number): Promise<ReceiveOutcome> {
    if (this.receiving >= this.maxConcurrent) throw new PushIntakeOverloadedError();
    this.receiving++;
    const { prisma } = this.deps;
    let deliveryId: string | null = null;
    try {
      const delivery = await prisma.pushDelivery.create({ data: { provider, sandbox }, select: { id: true } });
      deliveryId = delivery.id;
      let seq = 0;
      let bytes = 0;
      let pending: Uint8Array[] = [];
      let pendingBytes = 0;
      const flush = async () => {
        if (!pendingBytes) return;
        const data = Buffer.concat(pending, pendingBytes);
        pending = [];
        pendingBytes = 0;
        // As base64 text: the driver adapters pass a Buffer parameter 20-30 times slower (PGlite: 3 s per MiB).
        await prisma.$executeRaw`INSERT INTO "PushDeliveryChunk" ("deliveryId", "seq", "data") VALUES (${delivery.id}, ${seq++}, decode(${data.toString('base64')}, 'base64'))`;
      };
      if (body) {
        const reader = body.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          bytes += value.byteLength;
          if (bytes > limit) {
            // Not awaited: cancelling waits for the rest of the body, which is what must not be waited for.
            reader.cancel().catch(() => undefined);
            await prisma.pushDelivery.delete({ where: { id: delivery.id } });
            deliveryId = null;
            return { ok: false, tooLarge: true };
          }
          pending.push(value);
          pendingBytes += value.byteLength;
          if (pendingBytes >= CHUNK_BYTES) await flush();
        }
      }
      await flush();
      await prisma.$transaction(async (tx) => {
        await tx.pushDelivery.update({ where: { id: delivery.id }, data: { complete: true, bytes } });
        const db = { executeSql: async (text: string, values: unknown[]) => ({ rows: await tx.$queryRawUnsafe<unknown[]>(text, ...values.map((v) => v ?? null)) }) };
        await this.deps.boss.insert([{ name: PUSH_QUEUE, data: { deliveryId: delivery.id } }], { db });
      });
      this.deps.notify();
      return { ok: true, deliveryId: delivery.id, bytes };
    } catch (error) {
      if (deliveryId) await prisma.pushDelivery.deleteMany({ where: { id: deliveryId } }).catch(() => undefined);
      throw error;
    } finally {
      this.receiving--;
    }
  }
}

/** What processing a delivery needs from the sync engine. */
export interface PushProcessingDeps {
  prisma: PrismaClient;
  logger: Logger;
  adapterFor(provider: Provider): ProviderAdapter;
  /** Stores the items of one connection (mapping them) and returns the counts. */
  store(connection: KnownConnection, items: RawItem[]): Promise<StoreCounts>;
  /** Ping mode: the items at a callback URL, fetched with the connection's token. */
  fetchPushed(connection: KnownConnection, entry: Extract<PushedEntry, { kind: 'fetch' }>): Promise<RawItem[]>;
  /** Data of these types arrived for the connection: runs awaiting them may finish. */
  arrived(connectionId: string, dataTypes: string[]): Promise<void>;
}

export interface KnownConnection {
  id: string;
  userId: string;
  provider: Provider;
  status: string;
}

export interface PushOutcome {
  counts: StoreCounts;
  entries: number;
  unknownUsers: number;
  ignored: string[];
}

/** Maps one stored delivery and deletes it. A body that is not an object of arrays is dropped (logged). */
export async function processPushDelivery(deps: PushProcessingDeps, deliveryId: string): Promise<PushOutcome | null> {
  const { prisma, logger } = deps;
  await prisma.pushDelivery.deleteMany({ where: { complete: false, receivedAt: { lt: new Date(Date.now() - STALE_INCOMPLETE_MS) } } });
  const delivery = await prisma.pushDelivery.findUnique({ where: { id: deliveryId }, select: { provider: true, sandbox: true, complete: true } });
  if (!delivery || !delivery.complete) return null;
  const adapter = deps.adapterFor(delivery.provider);
  const push = adapter.push;
  if (!push) throw new Error(`${adapter.displayName} takes no push deliveries`);

  const outcome: PushOutcome = { counts: emptyCounts(), entries: 0, unknownUsers: 0, ignored: [] };
  const connections = new Map<string, KnownConnection | null>();
  const connectionOf = async (providerUserId: string): Promise<KnownConnection | null> => {
    if (!connections.has(providerUserId)) {
      const found = await prisma.connection.findFirst({
        where: { provider: delivery.provider, providerUserId, sandbox: delivery.sandbox, status: { not: 'REVOKED' } },
        orderBy: { createdAt: 'asc' },
        select: { id: true, userId: true, provider: true, status: true },
      });
      connections.set(providerUserId, found);
    }
    return connections.get(providerUserId)!;
  };
  const pending = new Map<string, { connection: KnownConnection; items: RawItem[] }>();
  let pendingText = 0;
  const arrived = new Map<string, Set<string>>();
  const flush = async () => {
    for (const { connection, items } of pending.values()) {
      addCounts(outcome.counts, await deps.store(connection, items));
      const types = arrived.get(connection.id) ?? new Set<string>();
      for (const item of items) types.add(item.dataType);
      arrived.set(connection.id, types);
    }
    pending.clear();
    pendingText = 0;
  };
  const enqueue = async (connection: KnownConnection, items: RawItem[], textBytes: number) => {
    const batch = pending.get(connection.id) ?? { connection, items: [] };
    batch.items.push(...items);
    pending.set(connection.id, batch);
    pendingText += textBytes;
    if (pendingText >= BATCH_TEXT_BYTES || batch.items.length >= BATCH_ITEMS) await flush();
  };

  const handle = async (entry: PushedEntry, textBytes: number) => {
    outcome.entries++;
    if (entry.kind === 'ignored') {
      if (outcome.ignored.length < 20) outcome.ignored.push(entry.reason);
      return;
    }
    const connection = await connectionOf(entry.providerUserId);
    if (!connection) {
      outcome.unknownUsers++;
      return;
    }
    if (entry.kind === 'revoke') {
      await flush();
      await prisma.connection.update({ where: { id: connection.id }, data: { status: 'REVOKED', lastError: entry.reason } });
      connections.set(entry.providerUserId, null);
      logger.info('connection revoked by the provider', { provider: delivery.provider, connectionId: connection.id });
      return;
    }
    if (entry.kind === 'permissions') {
      await prisma.connection.update({ where: { id: connection.id }, data: { scopes: entry.scopes, lastError: entry.note } });
      return;
    }
    if (connection.status !== 'ACTIVE') return;
    if (entry.kind === 'item') return enqueue(connection, [entry.item], textBytes);
    await enqueue(connection, await deps.fetchPushed(connection, entry), 0);
  };

  const splitter = new JsonArraySplitter();
  try {
    for (let seq = 0; ; seq++) {
      const [chunk] = await prisma.$queryRaw<{ data: string }[]>`SELECT encode("data", 'base64') AS "data" FROM "PushDeliveryChunk" WHERE "deliveryId" = ${deliveryId} AND "seq" = ${seq}`;
      if (!chunk) break;
      for (const element of splitter.push(Buffer.from(chunk.data, 'base64'))) {
        let value: unknown;
        try {
          value = JSON.parse(element.text);
        } catch {
          outcome.ignored.push(`${element.key}: an element is not JSON`);
          continue;
        }
        await handle(push.entry(element.key, value), element.text.length);
      }
    }
    splitter.end();
  } catch (error) {
    if (!(error instanceof JsonShapeError)) throw error;
    logger.warn('push delivery is not a JSON object of arrays; dropped', { provider: delivery.provider, error: error.message });
  }
  await flush();
  for (const [connectionId, types] of arrived) await deps.arrived(connectionId, [...types]);
  await prisma.pushDelivery.delete({ where: { id: deliveryId } });
  if (outcome.unknownUsers) logger.info('push delivery entries for unknown users skipped', { provider: delivery.provider, entries: outcome.unknownUsers });
  if (outcome.ignored.length) logger.info('push delivery entries ignored', { provider: delivery.provider, reasons: outcome.ignored });
  return outcome;
}
