/**
 * The WHOOP simulator against WHOOP's documented behaviour: OAuth (state, scopes, offline,
 * client_secret_post, rotation), collections (limit, paging, order, start/end), by-id routes,
 * rate limits with X-RateLimit-* headers, DELETE /v2/user/access, signed webhook deliveries.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createWhoopWebhookHandler } from '../../../src/providers/whoop/index.js';
import { authorizeWhoop, startWhoopFake, type WhoopFake } from '../../../src/sandbox/whoop/index.js';

const REDIRECT = 'https://app.example.com/oauth/whoop/callback';
const ALL = 'offline read:recovery read:cycles read:workout read:sleep read:profile';

describe('WHOOP simulator', () => {
  let whoop: WhoopFake;
  beforeAll(async () => {
    whoop = await startWhoopFake({ today: '2026-11-20', days: 30, seed: 3, perMinute: 40, redirectUris: [REDIRECT], clientId: 'cid', clientSecret: 'csecret' });
  });
  afterAll(() => whoop.close());

  const authorize = async (params: Record<string, string>) => new URL(await authorizeWhoop(whoop, `${whoop.authorizationUrl}?${new URLSearchParams({ response_type: 'code', client_id: 'cid', redirect_uri: REDIRECT, state: 'state-123456', scope: ALL, ...params })}`));
  const token = (form: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(whoop.tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(form) });
  const exchange = async (scope = ALL) => {
    const code = (await authorize({ scope })).searchParams.get('code')!;
    return (await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: 'cid', client_secret: 'csecret' })).json();
  };
  const get = (token: string, path: string, query: Record<string, string> = {}) =>
    fetch(`${whoop.apiUrl}${path}?${new URLSearchParams(query)}`, { headers: { authorization: `Bearer ${token}` } });

  it('OAuth: state of 8+ characters, known scopes, client_secret_post, refresh tokens only with offline, rotation', async () => {
    expect((await authorize({ state: 'short' })).searchParams.get('error')).toBe('invalid_state');
    expect((await authorize({ scope: 'read:sleep read:everything' })).searchParams.get('error')).toBe('invalid_scope');
    const ok = await authorize({});
    expect(ok.searchParams.get('state')).toBe('state-123456');
    const basic = await token({ grant_type: 'authorization_code', code: ok.searchParams.get('code')!, redirect_uri: REDIRECT }, { authorization: `Basic ${Buffer.from('cid:csecret').toString('base64')}` });
    expect(basic.status).toBe(401);

    const online = await exchange('read:sleep');
    expect(online.refresh_token).toBeUndefined();
    const tokens = await exchange();
    expect(tokens).toMatchObject({ expires_in: 3600, token_type: 'bearer', scope: ALL });
    const refreshed = await (await token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: 'cid', client_secret: 'csecret', scope: 'offline' })).json();
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    const reused = await token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: 'cid', client_secret: 'csecret' });
    expect(reused.status).toBe(400);
    expect((await reused.json()).error).toBe('invalid_grant');
    expect((await get(refreshed.access_token, '/v2/user/profile/basic')).status).toBe(200);
    // Scope per route.
    expect((await get(online.access_token, '/v2/cycle')).status).toBe(403);
  });

  it('collections: limit at most 25, next_token paging, newest first, start inclusive and end exclusive; by-id routes', async () => {
    const { access_token: at } = await exchange();
    expect((await get(at, '/v2/cycle', { limit: '26' })).status).toBe(400);
    const all: { id: string; start: string; cycle_id: number }[] = [];
    let next: string | undefined;
    do {
      const page = await (await get(at, '/v2/activity/sleep', { limit: '25', ...(next ? { nextToken: next } : {}) })).json();
      expect(page.records.length).toBeLessThanOrEqual(25);
      all.push(...page.records);
      next = page.next_token;
    } while (next);
    expect(all.length).toBeGreaterThanOrEqual(30);
    const starts = all.map((s) => Date.parse(s.start));
    expect(starts).toEqual([...starts].sort((a, b) => b - a));
    const [newest, second] = all;
    const bounded = await (await get(at, '/v2/activity/sleep', { start: second.start, end: newest.start })).json();
    expect(bounded.records.map((s: { id: string }) => s.id)).toEqual([second.id]);
    expect((await (await get(at, `/v2/activity/sleep/${second.id}`)).json()).id).toBe(second.id);
    const recovery = await (await get(at, `/v2/cycle/${second.cycle_id}/recovery`)).json();
    expect(recovery.sleep_id).toBe(second.id);
    expect((await get(at, '/v2/activity/workout/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('rate limit: X-RateLimit-* on every answer, 429 once the minute is spent; DELETE /v2/user/access revokes', async () => {
    const { access_token: at } = await exchange();
    let last = await get(at, '/v2/user/profile/basic');
    expect(last.headers.get('x-ratelimit-limit')).toMatch(/^\d+, 40;window=60, 10000;window=86400$/);
    for (let i = 0; i < 100 && last.status !== 429; i++) last = await get(at, '/v2/user/profile/basic');
    expect(last.status).toBe(429);
    expect(last.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(last.headers.get('x-ratelimit-reset'))).toBeGreaterThan(0);
    whoop.advanceClock(61_000);
    const del = await fetch(`${whoop.apiUrl}/v2/user/access`, { method: 'DELETE', headers: { authorization: `Bearer ${at}` } });
    expect(del.status).toBe(204);
    expect((await get(at, '/v2/user/profile/basic')).status).toBe(401);
  });

  it('webhooks: v2 body, base64 HMAC of timestamp + body with the client secret, which the provider accepts', async () => {
    const received: { headers: Headers; body: Buffer }[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: new Headers(Object.entries(req.headers).map(([k, v]) => [k, String(v)] as [string, string])), body: Buffer.concat(chunks) });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const target = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/whoop`;
      expect(await whoop.sendWebhook({ type: 'recovery.updated', id: 'ecfc6a15-4661-442f-a9a4-f160dd7afae8', user_id: 10129 }, target)).toBe(204);
      const [delivery] = received;
      expect(JSON.parse(delivery.body.toString())).toMatchObject({ user_id: 10129, id: 'ecfc6a15-4661-442f-a9a4-f160dd7afae8', type: 'recovery.updated', trace_id: expect.any(String) });
      expect(delivery.headers.get('x-whoop-signature-timestamp')).toMatch(/^\d{13}$/);
      const verdict = createWhoopWebhookHandler({ now: () => whoop.now() }).handle({ rawBody: delivery.body, headers: delivery.headers }, 'csecret');
      expect(verdict).toMatchObject({ kind: 'events', events: [{ dataType: 'recovery', action: 'upsert', providerRecordId: 'ecfc6a15-4661-442f-a9a4-f160dd7afae8', providerUserId: '10129' }] });
      expect(createWhoopWebhookHandler().handle({ rawBody: delivery.body, headers: delivery.headers }, 'other-secret')).toMatchObject({ kind: 'rejected', status: 401 });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
