/**
 * Polar allows one webhook per client: POST /v3/webhooks (HTTP Basic with the client credentials)
 * returns the signature secret, once. An existing webhook is re-pointed with PATCH instead.
 */
import type { HttpClient } from '../http.js';
import type { ProviderSettings, WebhookRegistrar } from '../types.js';
import { POLAR_WEBHOOK_EVENT_TYPES } from './webhooks.js';

function clientHeaders(settings: ProviderSettings): Record<string, string> {
  if (!settings.credentials) throw new Error('Polar has no client credentials configured (POLAR_CLIENT_ID / POLAR_CLIENT_SECRET)');
  const basic = Buffer.from(`${settings.credentials.clientId}:${settings.credentials.clientSecret}`).toString('base64');
  return { Authorization: `Basic ${basic}`, Accept: 'application/json' };
}

const webhooksUrl = (settings: ProviderSettings, id?: string) => `${settings.apiUrl.replace(/\/$/, '')}/v3/webhooks${id ? `/${id}` : ''}`;

interface PolarWebhookData {
  id: string;
  events: string[];
  url: string;
  signature_secret_key?: string;
}

async function currentWebhook(http: HttpClient, settings: ProviderSettings): Promise<PolarWebhookData | null> {
  const response = await http.request({ method: 'GET', url: webhooksUrl(settings), headers: clientHeaders(settings) });
  if (response.status === 204 || response.status === 404) return null;
  const list = response.json<{ data?: PolarWebhookData[] }>().data ?? [];
  return list[0] ?? null;
}

export const polarWebhookRegistrar: WebhookRegistrar = {
  async register({ http, settings, url }) {
    const events = Object.keys(POLAR_WEBHOOK_EVENT_TYPES);
    const existing = await currentWebhook(http, settings);
    if (existing) {
      const response = await http.request({
        method: 'PATCH',
        url: webhooksUrl(settings, existing.id),
        headers: clientHeaders(settings),
        body: { events, url },
      });
      const data = response.json<{ data?: PolarWebhookData | PolarWebhookData[] }>().data;
      const updated = Array.isArray(data) ? data[0] : data;
      // Polar hands out the secret only at creation; the stored one stays valid.
      return { externalId: existing.id, url: updated?.url ?? url, events: updated?.events ?? events, secret: null };
    }
    const response = await http.request({ method: 'POST', url: webhooksUrl(settings), headers: clientHeaders(settings), body: { events, url } });
    const data = response.json<{ data: PolarWebhookData }>().data;
    return { externalId: data.id, url: data.url, events: data.events, secret: data.signature_secret_key ?? null };
  },
  async unregister({ http, settings, externalId }) {
    await http.request({ method: 'DELETE', url: webhooksUrl(settings, externalId), headers: clientHeaders(settings) });
  },
};
