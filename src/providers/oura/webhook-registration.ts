/**
 * Oura webhook subscriptions (client credentials in `x-client-id` / `x-client-secret` headers):
 * one subscription per (data_type, event_type), each expiring at `expiration_time` unless renewed.
 *
 *   GET    /v2/webhook/subscription              list this app's subscriptions
 *   POST   /v2/webhook/subscription              create {callback_url, verification_token, event_type, data_type}
 *   PUT    /v2/webhook/subscription/{id}         update (same body)
 *   PUT    /v2/webhook/subscription/renew/{id}   push expiration_time forward
 *   DELETE /v2/webhook/subscription/{id}
 *
 * Oura verifies every created or updated subscription by calling GET <callback_url> with
 * `verification_token` and `challenge` (answered by verifyChallenge in webhooks.ts), so the route
 * must be reachable before register() runs.
 *
 * How the registration fits the one-row-per-provider ProviderWebhook table:
 *   externalId  the ids of our subscriptions, comma-separated (sorted)
 *   events      "data_type:event_type" pairs
 *   secret      the client secret: Oura signs deliveries with it, so storing it as the webhook's
 *               secret lets the generic webhook route pass it to handle() unchanged. Rotating the
 *               client secret therefore needs a re-registration.
 * The verification token comes from ProviderSettings.webhookVerificationToken
 * (OURA_WEBHOOK_VERIFICATION_TOKEN); register() refuses to run without it.
 */
import type { HttpClient } from '../http.js';
import type { ProviderSettings, WebhookRegistrar, WebhookRegistration } from '../types.js';

/** Data types we subscribe to (the ones Oura documents for subscriptions and we map). */
export const OURA_SUBSCRIBED_DATA_TYPES = ['sleep', 'daily_sleep', 'daily_readiness', 'daily_activity', 'workout', 'daily_spo2'] as const;
export const OURA_SUBSCRIBED_EVENT_TYPES = ['create', 'update', 'delete'] as const;

/** Subscriptions expiring within this many days are renewed by register() and renewSubscriptions(). */
export const OURA_RENEW_WITHIN_DAYS = 7;

export interface OuraSubscription {
  id: string;
  callback_url: string;
  event_type: string;
  data_type: string;
  expiration_time: string | null;
}

function clientHeaders(settings: ProviderSettings): Record<string, string> {
  if (!settings.credentials) throw new Error('Oura has no client credentials configured (OURA_CLIENT_ID / OURA_CLIENT_SECRET)');
  return { 'x-client-id': settings.credentials.clientId, 'x-client-secret': settings.credentials.clientSecret, Accept: 'application/json' };
}

const subscriptionUrl = (settings: ProviderSettings, suffix = '') => `${settings.apiUrl.replace(/\/$/, '')}/v2/webhook/subscription${suffix}`;

function readSubscription(value: unknown): OuraSubscription | null {
  if (typeof value !== 'object' || value === null) return null;
  const o = value as Record<string, unknown>;
  if (typeof o.id !== 'string' || typeof o.data_type !== 'string' || typeof o.event_type !== 'string') return null;
  return {
    id: o.id,
    callback_url: typeof o.callback_url === 'string' ? o.callback_url : '',
    event_type: o.event_type,
    data_type: o.data_type,
    expiration_time: typeof o.expiration_time === 'string' ? o.expiration_time : null,
  };
}

/** Every subscription of this app (Oura answers a bare list; `{data: [...]}` is accepted too). */
export async function listSubscriptions(http: HttpClient, settings: ProviderSettings): Promise<OuraSubscription[]> {
  const res = await http.request({ method: 'GET', url: subscriptionUrl(settings), headers: clientHeaders(settings) });
  if (res.status === 404 || res.body.trim() === '') return [];
  const body = res.json<unknown>();
  const list = Array.isArray(body) ? body : Array.isArray((body as { data?: unknown })?.data) ? (body as { data: unknown[] }).data : [];
  return list.map(readSubscription).filter((s): s is OuraSubscription => s !== null);
}

function verificationToken(settings: ProviderSettings): string {
  if (!settings.webhookVerificationToken) {
    throw new Error('OURA_WEBHOOK_VERIFICATION_TOKEN is not set: Oura needs it to verify the webhook subscriptions');
  }
  return settings.webhookVerificationToken;
}

/** One call; `found` is false on 404, `subscription` is the answered subscription when there is one. */
async function send(
  http: HttpClient,
  settings: ProviderSettings,
  method: string,
  suffix: string,
  body?: object,
): Promise<{ found: boolean; subscription: OuraSubscription | null }> {
  const res = await http.request({ method, url: subscriptionUrl(settings, suffix), headers: clientHeaders(settings), body });
  if (res.status === 404) return { found: false, subscription: null };
  return { found: true, subscription: res.body.trim() ? readSubscription(res.json<unknown>()) : null };
}

const expiresWithin = (s: OuraSubscription, days: number, now: number): boolean => {
  if (!s.expiration_time) return false;
  const at = Date.parse(s.expiration_time);
  return !Number.isNaN(at) && at - now < days * 86_400_000;
};

export interface RenewOptions {
  http: HttpClient;
  settings: ProviderSettings;
  /** Only subscriptions pointing here (our callback URL); all of the app's when omitted. */
  url?: string;
  withinDays?: number;
  now?: () => number;
}

export interface RenewReport {
  renewed: string[];
  failed: { id: string; error: string }[];
}

/**
 * Renews every subscription (to `url`, when given) expiring within `withinDays` (default 7) via
 * PUT /v2/webhook/subscription/renew/{id}. One failure does not stop the others; they are
 * reported. Meant to run daily (e.g. beside the token-refresh tick) with
 * url = `${PUBLIC_URL}/webhooks/oura`; a lapsed subscription silently stops deliveries.
 */
export async function renewSubscriptions(options: RenewOptions): Promise<RenewReport> {
  const { http, settings } = options;
  const now = (options.now ?? Date.now)();
  const withinDays = options.withinDays ?? OURA_RENEW_WITHIN_DAYS;
  const report: RenewReport = { renewed: [], failed: [] };
  for (const s of await listSubscriptions(http, settings)) {
    if (options.url !== undefined && s.callback_url !== options.url) continue;
    if (!expiresWithin(s, withinDays, now)) continue;
    try {
      await send(http, settings, 'PUT', `/renew/${encodeURIComponent(s.id)}`);
      report.renewed.push(s.id);
    } catch (error) {
      report.failed.push({ id: s.id, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return report;
}

const pairKey = (dataType: string, eventType: string) => `${dataType}:${eventType}`;

export function createOuraWebhookRegistrar(options: { now?: () => number } = {}): WebhookRegistrar {
  const now = options.now ?? Date.now;
  return {
    /**
     * Ensures one subscription to `url` per (data type, event type): keeps a matching one (renewing
     * it when it expires within 7 days), re-points one of ours that has another URL (PUT), creates
     * what is missing (POST), and deletes our leftovers (duplicates, data types no longer wanted).
     * "Ours" = pointing at `url`, or listed in the existing registration's externalId.
     */
    async register({ http, settings, url, existing }): Promise<WebhookRegistration> {
      const token = verificationToken(settings);
      const known = new Set(existing?.externalId.split(',').filter(Boolean) ?? []);
      const ours = (await listSubscriptions(http, settings)).filter((s) => s.callback_url === url || known.has(s.id));
      const used = new Set<string>();
      const ids: string[] = [];
      const events: string[] = [];

      for (const dataType of OURA_SUBSCRIBED_DATA_TYPES) {
        for (const eventType of OURA_SUBSCRIBED_EVENT_TYPES) {
          const body = { callback_url: url, verification_token: token, event_type: eventType, data_type: dataType };
          const candidates = ours.filter((s) => !used.has(s.id) && s.data_type === dataType && s.event_type === eventType);
          const current = candidates.find((s) => s.callback_url === url) ?? candidates[0];
          let id: string | null = null;
          if (current && current.callback_url === url) {
            if (expiresWithin(current, OURA_RENEW_WITHIN_DAYS, now())) await send(http, settings, 'PUT', `/renew/${encodeURIComponent(current.id)}`);
            id = current.id;
          } else if (current) {
            // A 404 (gone meanwhile) falls through to creating a new one.
            const updated = await send(http, settings, 'PUT', `/${encodeURIComponent(current.id)}`, body);
            if (updated.found) id = updated.subscription?.id ?? current.id;
          }
          if (current) used.add(current.id);
          if (id === null) {
            const created = (await send(http, settings, 'POST', '', body)).subscription;
            if (!created) throw new Error(`Oura did not return the created ${pairKey(dataType, eventType)} subscription`);
            id = created.id;
          }
          ids.push(id);
          events.push(pairKey(dataType, eventType));
        }
      }
      for (const leftover of ours.filter((s) => !used.has(s.id))) {
        await send(http, settings, 'DELETE', `/${encodeURIComponent(leftover.id)}`);
      }
      return { externalId: [...ids].sort().join(','), url, events, secret: settings.credentials!.clientSecret };
    },

    /** Deletes our subscriptions: the ids in externalId and any other pointing at their callback URL. */
    async unregister({ http, settings, externalId }) {
      const known = new Set(externalId.split(',').filter(Boolean));
      const all = await listSubscriptions(http, settings);
      const urls = new Set(all.filter((s) => known.has(s.id)).map((s) => s.callback_url));
      const targets = new Set([...known, ...all.filter((s) => urls.has(s.callback_url)).map((s) => s.id)]);
      // 404 (already gone) counts as done: the HttpClient returns it without throwing.
      for (const id of targets) await send(http, settings, 'DELETE', `/${encodeURIComponent(id)}`);
    },
  };
}

export const ouraWebhookRegistrar: WebhookRegistrar = createOuraWebhookRegistrar();
