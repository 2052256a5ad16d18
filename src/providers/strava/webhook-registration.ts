/**
 * Strava's one push subscription per application (client credentials as parameters):
 *   POST   /push_subscriptions   {client_id, client_secret, callback_url, verify_token} -> {id}
 *          (Strava first GETs callback_url with hub.challenge: the webhook route must be up)
 *   GET    /push_subscriptions?client_id&client_secret -> [{id, callback_url, ...}]
 *   DELETE /push_subscriptions/{id}?client_id&client_secret
 * register() keeps an existing subscription to our URL, replaces one to another URL, and stores
 * the id as the registration's externalId (incoming events must name it). No secret: events are
 * not signed.
 */
import { apiUrl, type HttpClient } from '../http.js';
import type { ProviderSettings, WebhookRegistrar } from '../types.js';

export const STRAVA_EVENTS = ['activity:create', 'activity:update', 'activity:delete', 'athlete:update'];

function client(settings: ProviderSettings): Record<string, string> {
  if (!settings.credentials) throw new Error('Strava has no client credentials configured (STRAVA_CLIENT_ID / STRAVA_CLIENT_SECRET)');
  return { client_id: settings.credentials.clientId, client_secret: settings.credentials.clientSecret };
}

export async function listStravaSubscriptions(http: HttpClient, settings: ProviderSettings): Promise<{ id: string; callbackUrl: string }[]> {
  const res = await http.request({ method: 'GET', url: apiUrl(settings.apiUrl, '/push_subscriptions', client(settings)), headers: { Accept: 'application/json' } });
  const body = res.status === 404 ? [] : res.json<unknown>();
  if (!Array.isArray(body)) return [];
  return body.flatMap((s) => (typeof s === 'object' && s !== null && 'id' in s ? [{ id: String((s as { id: unknown }).id), callbackUrl: String((s as { callback_url?: unknown }).callback_url ?? '') }] : []));
}

export const stravaWebhookRegistrar: WebhookRegistrar = {
  async register({ http, settings, url }) {
    const verifyToken = settings.webhookVerificationToken;
    if (!verifyToken) throw new Error('STRAVA_WEBHOOK_VERIFY_TOKEN is not set: Strava needs it for the subscription handshake');
    for (const existing of await listStravaSubscriptions(http, settings)) {
      if (existing.callbackUrl === url) return { externalId: existing.id, url, events: STRAVA_EVENTS, secret: null };
      // One subscription per application: one to another URL goes first.
      await http.request({ method: 'DELETE', url: apiUrl(settings.apiUrl, `/push_subscriptions/${encodeURIComponent(existing.id)}`, client(settings)) });
    }
    const res = await http.request({
      method: 'POST',
      url: apiUrl(settings.apiUrl, '/push_subscriptions'),
      body: new URLSearchParams({ ...client(settings), callback_url: url, verify_token: verifyToken }),
      headers: { Accept: 'application/json' },
      // Strava answers after its handshake with our route.
      timeoutMs: 15_000,
    });
    const id = res.json<{ id?: unknown }>().id;
    if (typeof id !== 'number' && typeof id !== 'string') throw new Error(`Strava answered the subscription without an id: ${res.body.slice(0, 200)}`);
    return { externalId: String(id), url, events: STRAVA_EVENTS, secret: null };
  },
  async unregister({ http, settings, externalId }) {
    await http.request({ method: 'DELETE', url: apiUrl(settings.apiUrl, `/push_subscriptions/${encodeURIComponent(externalId)}`, client(settings)) });
  },
};
