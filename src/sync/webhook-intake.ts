/**
 * Group commit of webhook deliveries. Each verified delivery is handed to the intake, which records
 * whatever arrived meanwhile in ONE transaction — one multi-row claim of the delivery keys, the
 * coalesced sync runs and their jobs — and only then answers every delivery of the group. So a 200
 * still means "durably recorded and queued", at a handful of statements per group instead of per
 * delivery. One group is recorded at a time; the next one starts as soon as it is committed, so
 * groups grow with the load and the ack latency stays about one or two commits.
 */
import type { PrismaClient } from '../generated/prisma/client.js';
import type { Provider } from '../generated/prisma/enums.js';
import type { Logger } from '../logger.js';
import { formatLocalDate, parseLocalDate } from '../normalize/time.js';
import type { MapOutcome } from '../normalize/records.js';
import type { RawItem, WebhookEvent } from '../providers/types.js';
import type { CoalescedSyncRequest, SyncEngine } from './engine.js';
import { isConnectionLoss } from './queue.js';

/**
 * Why a correctly signed event can never be recorded (null: it can): a NUL character (PostgreSQL
 * text refuses it) or a date that is not a calendar date PostgreSQL holds (2024-13-01, year 0).
 * Retrying such a delivery cannot help, so it is acknowledged and ignored, not answered 503.
 */
export function unusableEvent(event: WebhookEvent): string | null {
  for (const [field, value] of Object.entries(event)) {
    if (typeof value === 'string' && value.includes('\u0000')) return `${field} contains a NUL character`;
  }
  if (event.date !== undefined) {
    try {
      parseLocalDate(event.date);
    } catch {
      return `date ${JSON.stringify(event.date)} is not a calendar date`;
    }
    if (event.date < '0001-01-01') return `date ${event.date} is before year 1`;
  }
  return null;
}
import { deleteByProviderRecordId } from './store.js';

/** The intake holds more deliveries than it may: answer 503 with Retry-After. */
export class WebhookIntakeOverloadedError extends Error {
  constructor() {
    super('webhook intake overloaded');
  }
}

/** The intake is shutting down and takes nothing new. */
export class WebhookIntakeClosedError extends Error {
  constructor() {
    super('webhook intake closed');
  }
}

export interface WebhookIntakeDeps {
  prisma: PrismaClient;
  sync: SyncEngine;
  logger: Logger;
}

export interface WebhookIntakeOptions {
  /** Deliveries waiting for a group beyond this are refused (503) instead of queued in memory. */
  maxWaiting?: number;
  /** Deliveries recorded in one transaction at most. */
  maxGroup?: number;
}

interface Waiting {
  provider: Provider;
  events: WebhookEvent[];
  resolve(outcome: { queued: number }): void;
  reject(error: unknown): void;
}

const keyOf = (provider: Provider, deliveryKey: string) => `${provider}\u0000${deliveryKey}`;

export class WebhookIntake {
  private waiting: Waiting[] = [];
  private draining: Promise<void> | null = null;
  private closed = false;
  private readonly maxWaiting: number;
  private readonly maxGroup: number;

  constructor(
    private readonly deps: WebhookIntakeDeps,
    options: WebhookIntakeOptions = {},
  ) {
    this.maxWaiting = options.maxWaiting ?? 5_000;
    this.maxGroup = options.maxGroup ?? 500;
  }

  /**
   * Resolves once the delivery's keys, and the runs and jobs that will fetch what it announced (or
   * the not-yet-started runs it joined), are committed; `queued` counts the connections it asked a
   * sync for (0 for a re-delivery). Rejects when its group could not be recorded: nothing of the
   * delivery was kept then, and a retry is processed as if new.
   */
  submit(provider: Provider, events: WebhookEvent[]): Promise<{ queued: number }> {
    if (this.closed) return Promise.reject(new WebhookIntakeClosedError());
    if (this.waiting.length >= this.maxWaiting) return Promise.reject(new WebhookIntakeOverloadedError());
    return new Promise((resolve, reject) => {
      this.waiting.push({ provider, events, resolve, reject });
      this.draining ??= this.drain();
    });
  }

  /** Refuses new deliveries and returns once every accepted one was recorded (or refused). */
  async close(): Promise<void> {
    this.closed = true;
    await this.draining;
  }

  private async drain(): Promise<void> {
    // Deliveries whose bodies arrive in this same turn of the event loop join the first group.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.waiting.length) await this.commitGroup(this.waiting.splice(0, this.maxGroup));
    this.draining = null;
  }

  private async commitGroup(group: Waiting[]): Promise<void> {
    try {
      const queued = await this.record(group);
      group.forEach((delivery, i) => delivery.resolve({ queued: queued[i] }));
    } catch (error) {
      // One bad delivery must not fail the others of its group forever: record the halves apart,
      // down to the culprit. A lost database fails them all at once instead.
      if (group.length > 1 && !isConnectionLoss(error)) {
        const half = Math.ceil(group.length / 2);
        await this.commitGroup(group.slice(0, half));
        await this.commitGroup(group.slice(half));
        return;
      }
      this.deps.logger.warn('webhook deliveries could not be recorded; answered 503 for the provider to retry', { deliveries: group.length, error: (error as Error).message });
      for (const delivery of group) delivery.reject(error);
    }
  }

  /** Records a group; per delivery, the number of connections it asked a sync for. */
  private async record(group: Waiting[]): Promise<number[]> {
    const { prisma, sync, logger } = this.deps;
    // Each key once, owned by the first delivery of the group naming it (concurrent copies).
    const owned = new Map<string, { index: number; provider: Provider; event: WebhookEvent }>();
    group.forEach(({ provider, events }, index) => {
      for (const event of events) if (!owned.has(keyOf(provider, event.deliveryKey))) owned.set(keyOf(provider, event.deliveryKey), { index, provider, event });
    });
    const entries = [...owned.values()];
    const connectionOf = await this.activeConnections(entries);
    const connectionFor = (provider: Provider, providerUserId: string) => connectionOf.get(keyOf(provider, providerUserId));

    // Deletions are cheap and must not wait behind a queue: done now, before the claim. Deleting is
    // idempotent, so if the claim then fails the provider's retry deletes again, harmlessly.
    const deletions = entries.filter(({ provider, event }) => event.action === 'delete' && event.providerRecordId && connectionFor(provider, event.providerUserId));
    if (deletions.length) {
      const done = await prisma.webhookDelivery.findMany({
        where: { OR: deletions.map(({ provider, event }) => ({ provider, deliveryKey: event.deliveryKey })) },
        select: { provider: true, deliveryKey: true },
      });
      const recorded = new Set(done.map((row) => keyOf(row.provider, row.deliveryKey)));
      for (const { provider, event } of deletions) {
        if (recorded.has(keyOf(provider, event.deliveryKey))) continue;
        const connection = connectionFor(provider, event.providerUserId)!;
        const types = sync.adapterFor(provider).dataTypes;
        const map = (payload: unknown, item: RawItem): MapOutcome => types.find((d) => d.name === item.dataType)?.map(payload) ?? { ok: false, reason: 'no mapper for this data type' };
        const { removed, staleFrom } = await deleteByProviderRecordId(prisma, { userId: connection.userId, provider }, event.providerRecordId!, map);
        logger.info('record deleted at the provider removed', { provider, dataType: event.dataType, removed });
        if (staleFrom) await sync.recordsChanged(connection.userId);
      }
    }

    const today = formatLocalDate(new Date());
    const yesterday = formatLocalDate(new Date(Date.now() - 86_400_000));
    const queued = group.map(() => new Set<string>());
    await prisma.$transaction(
      async (tx) => {
        // Fixed-shape SQL (arrays, not one placeholder per row): nothing to compile per group. Keys
        // are inserted in one order, so concurrent groups (other replicas) cannot deadlock on them.
        const claimed = await tx.$queryRaw<{ provider: Provider; deliveryKey: string }[]>`
          INSERT INTO "WebhookDelivery" ("provider", "deliveryKey")
          SELECT k.provider::"Provider", k.key FROM unnest(${entries.map((e) => e.provider)}::text[], ${entries.map((e) => e.event.deliveryKey)}::text[]) AS k(provider, key)
          ORDER BY 1, 2
          ON CONFLICT DO NOTHING
          RETURNING "provider"::text AS "provider", "deliveryKey"`;
        const requests = new Map<string, CoalescedSyncRequest>();
        const revoked = new Set<string>();
        for (const row of claimed) {
          const { index, provider, event } = owned.get(keyOf(row.provider, row.deliveryKey))!;
          const connection = connectionFor(provider, event.providerUserId);
          if (!connection) {
            logger.info('webhook for an unknown or inactive connection ignored', { provider });
            continue;
          }
          if (event.action === 'delete') continue;
          if (event.action === 'revoke') {
            revoked.add(connection.id);
            continue;
          }
          const request = requests.get(connection.id) ?? { connectionId: connection.id, provider, window: { from: yesterday, to: today }, dataTypes: [] };
          requests.set(connection.id, request);
          queued[index].add(connection.id);
          // A named record of a type fetchable by id: fetched alone, not its window.
          if (event.providerRecordId && sync.adapterFor(provider).dataTypes.some((d) => d.name === event.dataType && d.fetchById)) {
            const ids = (request.ids ??= {});
            ids[event.dataType] = [...new Set([...(ids[event.dataType] ?? []), event.providerRecordId])];
            continue;
          }
          const day = event.date ?? today;
          if (!request.dataTypes.includes(event.dataType)) request.dataTypes.push(event.dataType);
          if (day < request.window.from) request.window.from = day;
          if (day > request.window.to) request.window.to = day;
        }
        // Access withdrawn at the provider: the connection stops syncing (its queued windows end at
        // their start, the periodic sync skips it) and nothing is asked for it in this group.
        if (revoked.size) {
          for (const id of revoked) {
            requests.delete(id);
            for (const connections of queued) connections.delete(id);
          }
          await tx.connection.updateMany({
            where: { id: { in: [...revoked] }, status: 'ACTIVE' },
            data: { status: 'REVOKED', lastError: 'Access was withdrawn at the provider; the user must connect again to resume syncing.' },
          });
          logger.info('connections revoked at the provider', { connections: revoked.size });
        }
        await sync.requestCoalescedSyncs(tx, [...requests.values()]);
      },
      { maxWait: 10_000, timeout: 30_000 },
    );
    sync.notifyWorkers();
    return queued.map((connections) => connections.size);
  }

  /** The oldest ACTIVE, non-sandbox connection per (provider, provider user) named in the group. */
  private async activeConnections(entries: { provider: Provider; event: WebhookEvent }[]) {
    const usersByProvider = new Map<Provider, Set<string>>();
    for (const { provider, event } of entries) {
      const users = usersByProvider.get(provider) ?? new Set<string>();
      users.add(event.providerUserId);
      usersByProvider.set(provider, users);
    }
    const byUser = new Map<string, { id: string; userId: string }>();
    if (!usersByProvider.size) return byUser;
    const pairs = [...usersByProvider].flatMap(([provider, users]) => [...users].map((user) => [provider, user] as const));
    // Deliveries come from the real provider: sandbox connections never match one.
    const connections = await this.deps.prisma.$queryRaw<{ id: string; userId: string; provider: Provider; providerUserId: string }[]>`
      SELECT DISTINCT ON (c."provider", c."providerUserId") c."id", c."userId", c."provider"::text AS "provider", c."providerUserId"
      FROM "Connection" c
      JOIN unnest(${pairs.map(([provider]) => provider)}::text[], ${pairs.map(([, user]) => user)}::text[]) AS u(provider, user_id)
        ON c."provider" = u.provider::"Provider" AND c."providerUserId" = u.user_id
      WHERE c."status" = 'ACTIVE' AND c."sandbox" = false
      ORDER BY c."provider", c."providerUserId", c."createdAt"`;
    for (const connection of connections) byUser.set(keyOf(connection.provider, connection.providerUserId), connection);
    return byUser;
  }
}
