import { constantTimeEqual } from '../../security/compare.js';
import type { Plugin } from 'graphql-yoga';
import type PgBoss from 'pg-boss';
import { webhookPathSecret } from '../../connections/webhook-admin.js';
import type { ProviderAdapter } from '../../providers/types.js';
import { PushIntake, PushIntakeOverloadedError } from '../../sync/push-intake.js';
import { readLimited } from '../body-limit.js';
import type { Config } from '../../config.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import type { Provider } from '../../generated/prisma/enums.js';
import type { Logger } from '../../logger.js';
import { providerBySlug } from '../../providers/registry.js';
import type { WebhookVerdict } from '../../providers/types.js';
import type { TokenCipher } from '../../security/crypto.js';
import type { SyncEngine } from '../../sync/engine.js';
import { unusableEvent, WebhookIntake, WebhookIntakeClosedError, WebhookIntakeOverloadedError, type WebhookIntakeOptions } from '../../sync/webhook-intake.js';

export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;
const WEBHOOK_PATH = /^\/webhooks\/([a-z0-9-]+)(?:\/([^/]+))?$/;
const SECRET_CACHE_MS = 5_000;
const OVERLOAD_RETRY_AFTER_SECONDS = 5;

export interface WebhookRouteDeps {
  prisma: PrismaClient;
  config: Config;
  cipher: TokenCipher;
  sync: SyncEngine;
  logger: Logger;
  intake?: WebhookIntakeOptions;
  /** For push providers' deliveries (their jobs are queued with the delivery). */
  boss: PgBoss;
  push?: { maxConcurrent?: number };
}

/** Whether the webhook route reads this request's body itself, under the provider's own limit (push providers). */
export function ownsBodyLimit(url: URL): boolean {
  const match = WEBHOOK_PATH.exec(url.pathname);
  return Boolean(match && providerBySlug(match[1])?.push);
}

/** Constant-time equality of a path segment and a secret. */
const secretMatches = (given: string, secret: string | null): boolean => secret !== null && secret !== '' && constantTimeEqual(given, secret);

/** The webhook route plugin; close() stops taking deliveries and records those already accepted. */
export type WebhookRoutes = Plugin & { close(): Promise<void> };

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const retryLater = (error: string, seconds: number) =>
  new Response(JSON.stringify({ error }), { status: 503, headers: { 'content-type': 'application/json', 'retry-after': String(seconds) } });

/**
 * POST /webhooks/<provider>: verify, then hand the events to the intake (group commit: claim the
 * delivery keys, plan or join the sync runs), answer once recorded. Never fetches inline: the
 * provider gets its 200 in milliseconds and the sync jobs do the work.
 */
export function useWebhookRoutes(deps: WebhookRouteDeps): WebhookRoutes {
  const intake = new WebhookIntake(deps, deps.intake);
  const pushIntake = new PushIntake({ prisma: deps.prisma, boss: deps.boss, notify: () => deps.sync.notifyWorkers() }, deps.push);
  /**
   * POST /webhooks/<slug>/<secret> of a push provider: the secret segment says the side (the
   * configured one: the real provider; the sandbox's: the simulator), the provider's headers are
   * checked against that side's client, and only then is the body streamed into storage.
   */
  const receivePush = async (adapter: ProviderAdapter, segment: string | undefined, request: Request): Promise<Response> => {
    const push = adapter.push!;
    if (request.method !== 'POST') return json(405, { error: 'POST only' });
    const sides = [{ sandbox: false }, ...(deps.config.sandbox.enabled ? [{ sandbox: true }] : [])];
    // Every side is compared (no early exit), so the time taken says nothing about which matched.
    const matches = sides.map((side) => (segment !== undefined && secretMatches(segment, webhookPathSecret(deps.config, adapter, side)) ? side : null));
    const side = matches.find((m) => m !== null);
    if (!side) {
      deps.logger.warn('webhook refused: unknown path', { provider: adapter.id });
      return json(404, { error: 'not found' });
    }
    const verdict = push.authenticate(request.headers, adapter.settings(deps.config, side));
    if (!verdict.ok) {
      deps.logger.warn('webhook rejected', { provider: adapter.id, status: 401, reason: verdict.reason });
      return json(401, { error: verdict.reason });
    }
    const tooLarge = json(413, { error: `payload too large: ${adapter.displayName} deliveries may be at most ${push.maxBodyBytes} bytes` });
    if (Number(request.headers.get('content-length') ?? '0') > push.maxBodyBytes) return tooLarge;
    try {
      const outcome = await pushIntake.receive(adapter.id, side.sandbox, request.body, push.maxBodyBytes);
      if (!outcome.ok) return tooLarge;
      return json(200, { ok: true });
    } catch (error) {
      if (error instanceof PushIntakeOverloadedError) return retryLater('overloaded; retry later', OVERLOAD_RETRY_AFTER_SECONDS);
      deps.logger.warn('push delivery could not be recorded; answered 503 for the provider to retry', { provider: adapter.id, error: (error as Error).message });
      return retryLater('could not record the delivery; retry later', 1);
    }
  };
  // The decrypted webhook secret per provider, re-read at most every SECRET_CACHE_MS (and before
  // any refusal), so a burst of deliveries costs no statement for it.
  const secrets = new Map<string, { secret: string | null; externalId: string | null; readAt: number }>();
  // One read per provider at a time: a burst arriving with a cold or expired cache waits for the
  // same read instead of sending one statement each.
  const reading = new Map<string, Promise<{ secret: string | null; externalId: string | null; readAt: number }>>();
  const readSecret = (provider: Provider) => {
    const pending = reading.get(provider);
    if (pending) return pending;
    const read = (async () => {
      const registration = await deps.prisma.providerWebhook.findUnique({ where: { provider }, select: { secretEncrypted: true, externalId: true } });
      const entry = {
        secret: registration?.secretEncrypted ? deps.cipher.decrypt(registration.secretEncrypted) : null,
        externalId: registration?.externalId ?? null,
        readAt: Date.now(),
      };
      secrets.set(provider, entry);
      return entry;
    })().finally(() => reading.delete(provider));
    reading.set(provider, read);
    return read;
  };
  return {
    close: () => intake.close(),
    async onRequest({ request, url, endResponse }) {
      const match = WEBHOOK_PATH.exec(url.pathname);
      if (!match || (request.method !== 'POST' && request.method !== 'GET')) return;
      const adapter = providerBySlug(match[1]);
      if (adapter?.push) return endResponse(await receivePush(adapter, match[2], request));
      if (!adapter?.webhooks || match[2] !== undefined) return endResponse(json(404, { error: `no webhooks for "${match[1]}"` }));
      if (request.method === 'GET') {
        if (!adapter.webhooks.answerChallenge) return endResponse(json(405, { error: 'POST only' }));
        const answer = adapter.webhooks.answerChallenge(url.searchParams, adapter.settings(deps.config, { sandbox: false }));
        if (answer.status !== 200) deps.logger.warn('webhook verification challenge refused', { provider: adapter.id });
        return endResponse(json(answer.status, answer.body));
      }
      const rawBody = await readLimited(request, MAX_WEBHOOK_BODY_BYTES);
      if (!rawBody) return endResponse(json(413, { error: 'payload too large' }));
      let verdict: WebhookVerdict;
      if (adapter.webhooks.secret === 'clientSecret') {
        // Deliveries come from the real provider: its configured client secret, never the sandbox's.
        verdict = adapter.webhooks.handle({ rawBody, headers: request.headers }, adapter.settings(deps.config, { sandbox: false }).credentials?.clientSecret ?? null, null);
      } else {
        let cached = secrets.get(adapter.id);
        const fresh = !cached || Date.now() - cached.readAt > SECRET_CACHE_MS;
        if (fresh) cached = await readSecret(adapter.id);
        const registrationOf = (entry: { externalId: string | null }) => (entry.externalId === null ? null : { externalId: entry.externalId });
        verdict = adapter.webhooks.handle({ rawBody, headers: request.headers }, cached!.secret, registrationOf(cached!));
        // A secret (or subscription) read a moment ago may just have been replaced: re-read it before refusing.
        if (verdict.kind === 'rejected' && !fresh) {
          const reread = await readSecret(adapter.id);
          verdict = adapter.webhooks.handle({ rawBody, headers: request.headers }, reread.secret, registrationOf(reread));
        }
      }
      if (verdict.kind === 'rejected') {
        deps.logger.warn('webhook rejected', { provider: adapter.id, status: verdict.status, reason: verdict.reason });
        return endResponse(json(verdict.status, { error: verdict.reason }));
      }
      if (verdict.kind === 'ping') return endResponse(json(200, { ok: true }));
      if (verdict.ignored.length) deps.logger.info('webhook events ignored', { provider: adapter.id, events: verdict.ignored });
      // Signed but unrecordable (an impossible date, a NUL character): a 503 would be retried for
      // ever (and may get the webhook deactivated for every user), so acknowledge and log it.
      const unusable = verdict.events.map((event) => unusableEvent(event)).filter((reason): reason is string => reason !== null);
      const events = verdict.events.filter((event) => unusableEvent(event) === null);
      if (unusable.length) deps.logger.warn('webhook events unusable; ignored', { provider: adapter.id, reasons: unusable });
      if (!events.length) return endResponse(json(200, { ok: true, queued: 0 }));
      // 200 only once the delivery is durably recorded and queued (the intake commits it with
      // the deliveries that arrived meanwhile); 503 asks the provider to retry.
      let queued: number;
      try {
        ({ queued } = await intake.submit(adapter.id, events));
      } catch (error) {
        if (error instanceof WebhookIntakeOverloadedError) return endResponse(retryLater('overloaded; retry later', OVERLOAD_RETRY_AFTER_SECONDS));
        if (error instanceof WebhookIntakeClosedError) return endResponse(retryLater('shutting down; retry later', 1));
        return endResponse(retryLater('could not record the delivery; retry later', 1));
      }
      return endResponse(json(200, { ok: true, queued }));
    },
  };
}
