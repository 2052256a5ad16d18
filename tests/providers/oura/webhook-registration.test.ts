import type { HttpClient, HttpRequest, HttpResponse } from '../../../src/providers/http.js';
import type { ProviderSettings } from '../../../src/providers/types.js';
import {
  OURA_SUBSCRIBED_DATA_TYPES,
  createOuraWebhookRegistrar,
  renewSubscriptions,
  type OuraSubscription,
} from '../../../src/providers/oura/webhook-registration.js';

const NOW = Date.parse('2025-03-14T12:00:00Z');
const URL_NEW = 'https://gw.example.com/webhooks/oura';
const URL_OLD = 'https://old.example.com/webhooks/oura';
const API = 'https://api.example.test';

const settings: ProviderSettings = {
  credentials: { clientId: 'cid', clientSecret: 'csecret' },
  oauth: { authorizationUrl: 'x', tokenUrl: 'y', scopes: [], clientAuth: 'client_secret_post', pkce: false, issuesRefreshTokens: true },
  apiUrl: API,
  webhookVerificationToken: 'verify-me',
};

/** A minimal in-memory subscription API with a request log. */
function subscriptionApi(initial: OuraSubscription[]) {
  const subs = new Map(initial.map((s) => [s.id, { ...s }]));
  const log: string[] = [];
  let next = 1;
  const response = (status: number, body: unknown): HttpResponse => {
    const text = body === undefined ? '' : JSON.stringify(body);
    return { status, headers: new Headers(), body: text, json: <T>() => JSON.parse(text) as T };
  };
  const http: HttpClient = {
    async request(req: HttpRequest) {
      expect(req.headers).toMatchObject({ 'x-client-id': 'cid', 'x-client-secret': 'csecret' });
      const path = new URL(req.url).pathname.replace('/v2/webhook/subscription', '');
      log.push(`${req.method} ${path || '/'}`);
      const body = req.body as Record<string, string> | undefined;
      if (req.method === 'GET') return response(200, [...subs.values()]);
      if (req.method === 'POST') {
        expect(body).toMatchObject({ verification_token: 'verify-me', callback_url: URL_NEW });
        const sub = { id: `new-${next++}`, callback_url: body!.callback_url, event_type: body!.event_type, data_type: body!.data_type, expiration_time: '2025-06-01T00:00:00Z' };
        subs.set(sub.id, sub);
        return response(201, sub);
      }
      const renew = /^\/renew\/(.+)$/.exec(path);
      const id = decodeURIComponent(renew ? renew[1] : path.slice(1));
      const sub = subs.get(id);
      if (!sub) return response(404, { detail: 'not found' });
      if (req.method === 'PUT' && renew) {
        sub.expiration_time = '2025-06-01T00:00:00Z';
        return response(200, sub);
      }
      if (req.method === 'PUT') {
        Object.assign(sub, { callback_url: body!.callback_url });
        return response(200, sub);
      }
      if (req.method === 'DELETE') {
        subs.delete(id);
        return response(204, undefined);
      }
      return response(405, {});
    },
  };
  return { http, subs, log };
}

const sub = (id: string, data_type: string, event_type: string, callback_url: string, expiration_time = '2025-05-01T00:00:00Z'): OuraSubscription => ({
  id,
  data_type,
  event_type,
  callback_url,
  expiration_time,
});

describe('Oura webhook subscriptions', () => {
  const registrar = createOuraWebhookRegistrar({ now: () => NOW });

  it('creates one subscription per (data type, event type) and returns the client secret as the signing secret', async () => {
    const api = subscriptionApi([sub('foreign', 'sleep', 'create', 'https://someone-else.example/hook')]);
    const result = await registrar.register({ http: api.http, settings, url: URL_NEW, existing: null });
    const pairs = OURA_SUBSCRIBED_DATA_TYPES.length * 3;
    expect(result.events).toHaveLength(pairs);
    expect(result.events).toContain('daily_readiness:delete');
    expect(result.externalId.split(',')).toHaveLength(pairs);
    expect(result.secret).toBe('csecret');
    expect(result.url).toBe(URL_NEW);
    expect(api.subs.has('foreign')).toBe(true); // not ours: untouched
    expect(api.subs.size).toBe(pairs + 1);

    // Registering again changes nothing.
    api.log.length = 0;
    const again = await registrar.register({ http: api.http, settings, url: URL_NEW, existing: { externalId: result.externalId } });
    expect(again.externalId).toBe(result.externalId);
    expect(api.log).toEqual(['GET /']);
  });

  it('keeps, renews, re-points and cleans up our existing subscriptions', async () => {
    const api = subscriptionApi([
      sub('keep', 'sleep', 'create', URL_NEW),
      sub('expiring', 'sleep', 'update', URL_NEW, '2025-03-16T00:00:00Z'),
      sub('old-url', 'sleep', 'delete', URL_OLD),
      sub('duplicate', 'sleep', 'create', URL_NEW),
      sub('unwanted', 'tag', 'create', URL_NEW),
    ]);
    const result = await registrar.register({ http: api.http, settings, url: URL_NEW, existing: { externalId: 'old-url' } });
    expect(api.log).toEqual(expect.arrayContaining(['PUT /renew/expiring', 'PUT /old-url', 'DELETE /duplicate', 'DELETE /unwanted']));
    expect(result.externalId.split(',')).toEqual(expect.arrayContaining(['keep', 'expiring', 'old-url']));
    expect(api.subs.get('old-url')?.callback_url).toBe(URL_NEW);
    expect([...api.subs.values()].every((s) => s.callback_url === URL_NEW)).toBe(true);
  });

  it('refuses to register without a verification token or credentials', async () => {
    const api = subscriptionApi([]);
    await expect(registrar.register({ http: api.http, settings: { ...settings, webhookVerificationToken: null }, url: URL_NEW, existing: null })).rejects.toThrow(
      /OURA_WEBHOOK_VERIFICATION_TOKEN/,
    );
    await expect(registrar.register({ http: api.http, settings: { ...settings, credentials: null }, url: URL_NEW, existing: null })).rejects.toThrow(/OURA_CLIENT_ID/);
  });

  it('renewSubscriptions renews ours that expire soon; unregister deletes ours only', async () => {
    const api = subscriptionApi([
      sub('soon', 'sleep', 'create', URL_NEW, '2025-03-18T00:00:00Z'),
      sub('later', 'sleep', 'update', URL_NEW, '2025-05-18T00:00:00Z'),
      sub('foreign-soon', 'sleep', 'create', 'https://someone-else.example/hook', '2025-03-15T00:00:00Z'),
    ]);
    const report = await renewSubscriptions({ http: api.http, settings, url: URL_NEW, now: () => NOW });
    expect(report).toEqual({ renewed: ['soon'], failed: [] });

    await registrar.unregister({ http: api.http, settings, externalId: 'soon' });
    // 'later' points at the same callback URL: ours too.
    expect([...api.subs.keys()]).toEqual(['foreign-soon']);
  });
});
