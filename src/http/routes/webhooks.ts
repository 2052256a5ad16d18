import type { Plugin } from 'graphql-yoga';
import type { Config } from '../../config.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import type { Provider } from '../../generated/prisma/enums.js';
import { deleteByProviderRecordId } from '../../sync/store.js';
import type { Logger } from '../../logger.js';
import { formatLocalDate } from '../../normalize/time.js';
import { providerBySlug } from '../../providers/registry.js';
import type { TokenCipher } from '../../security/crypto.js';
import type { SyncEngine } from '../../sync/engine.js';

export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;
const WEBHOOK_PATH = /^\/webhooks\/([a-z0-9-]+)$/;
const SECRET_CACHE_MS = 5_000;

export interface WebhookRouteDeps {
  prisma: PrismaClient;
  config: Config;
  cipher: TokenCipher;
  sync: SyncEngine;
  logger: Logger;
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

async function readLimited(request: Request, limit: number): Promise<Buffer | null> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > limit) return null;
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (!request.body) return Buffer.alloc(0);
  for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > limit) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * POST /webhooks/<provider>: verify, de-duplicate, enqueue, answer. Never fetches inline: the
 * provider gets its 200 in milliseconds and the sync jobs do the work.
 */
export function useWebhookRoutes(deps: WebhookRouteDeps): Plugin {
  // The decrypted webhook secret per provider, re-read at most every SECRET_CACHE_MS (and before
  // any refusal), so a burst of deliveries costs no statement for it.
  const secrets = new Map<string, { secret: string | null; readAt: number }>();
  const readSecret = async (provider: Provider) => {
    const registration = await deps.prisma.providerWebhook.findUnique({ where: { provider }, select: { secretEncrypted: true } });
    const entry = { secret: registration?.secretEncrypted ? deps.cipher.decrypt(registration.secretEncrypted) : null, readAt: Date.now() };
    secrets.set(provider, entry);
    return entry;
  };
  return {
    async onRequest({ request, url, endResponse }) {
      const match = WEBHOOK_PATH.exec(url.pathname);
      if (!match || (request.method !== 'POST' && request.method !== 'GET')) return;
      const adapter = providerBySlug(match[1]);
      if (!adapter?.webhooks) return endResponse(json(404, { error: `no webhooks for "${match[1]}"` }));
      if (request.method === 'GET') {
        if (!adapter.webhooks.answerChallenge) return endResponse(json(405, { error: 'POST only' }));
        const answer = adapter.webhooks.answerChallenge(url.searchParams, adapter.settings(deps.config, { sandbox: false }));
        if (answer.status !== 200) deps.logger.warn('webhook verification challenge refused', { provider: adapter.id });
        return endResponse(json(answer.status, answer.body));
      }
      const rawBody = await readLimited(request, MAX_WEBHOOK_BODY_BYTES);
      if (!rawBody) return endResponse(json(413, { error: 'payload too large' }));
      let cached = secrets.get(adapter.id);
      const fresh = !cached || Date.now() - cached.readAt > SECRET_CACHE_MS;
      if (fresh) cached = await readSecret(adapter.id);
      let verdict = adapter.webhooks.handle({ rawBody, headers: request.headers }, cached!.secret);
      // A secret read a moment ago may just have been rotated: re-read it before refusing.
      if (verdict.kind === 'rejected' && !fresh) verdict = adapter.webhooks.handle({ rawBody, headers: request.headers }, (await readSecret(adapter.id)).secret);
      if (verdict.kind === 'rejected') {
        deps.logger.warn('webhook rejected', { provider: adapter.id, status: verdict.status, reason: verdict.reason });
        return endResponse(json(verdict.status, { error: verdict.reason }));
      }
      if (verdict.kind === 'ping') return endResponse(json(200, { ok: true }));
      if (verdict.ignored.length) deps.logger.info('webhook events ignored', { provider: adapter.id, events: verdict.ignored });
      // One delivery may name several data types (Polar EXERCISE: exercise + cardio load): they
      // become one sync run per connection.
      const today = formatLocalDate(new Date());
      const yesterday = formatLocalDate(new Date(Date.now() - 86_400_000));
      const requests = new Map<string, { dataTypes: Set<string>; from: string; to: string }>();
      // All keys of one delivery in one statement: concurrent copies of a delivery cannot split
      // its events between them (each key is claimed by exactly one request, all by the same one).
      const claimed = verdict.events.length
        ? await deps.prisma.webhookDelivery.createManyAndReturn({
            data: verdict.events.map((event) => ({ provider: adapter.id, deliveryKey: event.deliveryKey })),
            skipDuplicates: true,
            select: { deliveryKey: true },
          })
        : [];
      const claimedKeys = new Set(claimed.map((row) => row.deliveryKey));
      const claimedEvents = verdict.events.filter((event) => claimedKeys.has(event.deliveryKey)); // the rest: re-deliveries of something already queued
      // The connections of all claimed events in one statement.
      const providerUserIds = [...new Set(claimedEvents.map((event) => event.providerUserId))];
      const connections = providerUserIds.length
        ? await deps.prisma.connection.findMany({
            // Deliveries come from the real provider: sandbox connections never match one.
            where: { provider: adapter.id, providerUserId: { in: providerUserIds }, status: 'ACTIVE', sandbox: false },
            select: { id: true, userId: true, providerUserId: true, provider: true, sandbox: true, lastSyncedAt: true },
            orderBy: { createdAt: 'asc' },
          })
        : [];
      const connectionByProviderUser = new Map<string, (typeof connections)[number]>();
      for (const connection of connections) {
        if (connection.providerUserId !== null && !connectionByProviderUser.has(connection.providerUserId)) connectionByProviderUser.set(connection.providerUserId, connection);
      }
      const connectionById = new Map(connections.map((connection) => [connection.id, connection]));
      for (const event of claimedEvents) {
        const connection = connectionByProviderUser.get(event.providerUserId);
        if (!connection) {
          deps.logger.info('webhook for an unknown or inactive connection ignored', { provider: adapter.id });
          continue;
        }
        if (event.action === 'delete') {
          // Deletions are cheap and must not wait behind a queue: remove the record now.
          if (event.providerRecordId) {
            const removed = await deleteByProviderRecordId(deps.prisma, { userId: connection.userId, provider: adapter.id }, event.providerRecordId);
            deps.logger.info('record deleted at the provider removed', { provider: adapter.id, dataType: event.dataType, removed });
          }
          continue;
        }
        const day = event.date ?? today;
        const request = requests.get(connection.id) ?? { dataTypes: new Set<string>(), from: yesterday, to: today };
        request.dataTypes.add(event.dataType);
        if (day < request.from) request.from = day;
        if (day > request.to) request.to = day;
        requests.set(connection.id, request);
      }
      for (const [connectionId, request] of requests) {
        await deps.sync.requestSync(connectionId, 'WEBHOOK', {
          window: { from: request.from, to: request.to },
          dataTypes: [...request.dataTypes],
          connection: connectionById.get(connectionId),
          // A run of this connection none of whose jobs has started yet fetches this delivery's data too.
          coalesce: true,
        });
      }
      const queued = requests.size;
      return endResponse(json(200, { ok: true, queued }));
    },
  };
}
