import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { authorize, signOuraWebhook, startOuraFake, type OuraFake } from './index.js';

const TODAY = '2026-11-20';
const REDIRECT = 'http://localhost:4000/oauth/oura/callback';
const ALL_SCOPES = 'email personal daily heartrate workout tag session spo2 stress heart_health';
const basic = (id = 'oura-client', secret = 'oura-secret') => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
const bearer = (token: string) => ({ Authorization: `Bearer ${token}`, Accept: 'application/json' });
const clientHeaders = (id = 'oura-client', secret = 'oura-secret') => ({ 'x-client-id': id, 'x-client-secret': secret, 'Content-Type': 'application/json' });

function authUrl(fake: OuraFake, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams({ response_type: 'code', client_id: 'oura-client', redirect_uri: REDIRECT, scope: ALL_SCOPES, state: 's-123', ...extra });
  return `${fake.authorizationUrl}?${q}`;
}

function tokenRequest(fake: OuraFake, form: Record<string, string>, opts: { basic?: boolean; clientSecret?: string } = {}) {
  const creds: Record<string, string> = opts.basic ? {} : { client_id: 'oura-client', client_secret: opts.clientSecret ?? 'oura-secret' };
  return fetch(fake.tokenUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...(opts.basic ? { Authorization: basic('oura-client', opts.clientSecret ?? 'oura-secret') } : {}) },
    body: new URLSearchParams({ ...form, ...creds }),
  });
}

async function codeFrom(fake: OuraFake, extra: Record<string, string> = {}): Promise<string> {
  return new URL(await authorize(fake, authUrl(fake, extra))).searchParams.get('code')!;
}

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  raw: string;
}

/** A webhook receiver that answers the verification challenge (if `echo`) and records deliveries. */
async function startReceiver(opts: { echo?: 'ok' | 'wrong' | 'status500'; token?: string } = {}) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method!, url: req.url!, headers: req.headers, raw: Buffer.concat(chunks).toString('utf8') });
      if (req.method === 'GET') {
        const q = new URL(req.url!, 'http://x').searchParams;
        const mode = opts.echo ?? 'ok';
        if (mode === 'status500') return res.writeHead(500).end();
        if (q.get('verification_token') !== (opts.token ?? 'verify-me')) return res.writeHead(401).end();
        const challenge = mode === 'wrong' ? 'nope' : q.get('challenge');
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ challenge }));
        return;
      }
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/oura`,
    received,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/** Follows next_token until the end; returns every page. */
async function allPages(fake: OuraFake, token: string, path: string, query: Record<string, string>) {
  const pages: Array<{ data: Array<Record<string, unknown>>; next_token: string | null }> = [];
  let next: string | null = null;
  do {
    const q = new URLSearchParams(next ? { ...query, next_token: next } : query);
    const res = await fetch(`${fake.apiUrl}${path}?${q}`, { headers: bearer(token) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: Array<Record<string, unknown>>; next_token: string | null };
    pages.push(body);
    next = body.next_token;
  } while (next);
  return pages;
}

describe('Oura fake', () => {
  let fake: OuraFake;

  beforeEach(async () => {
    fake = await startOuraFake({ seed: 42, today: TODAY });
  });
  afterEach(async () => {
    await fake.close();
  });

  describe('OAuth', () => {
    it('runs the code flow with body credentials and rotates refresh tokens (old one rejected)', async () => {
      const location = new URL(await authorize(fake, authUrl(fake)));
      expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
      expect(location.searchParams.get('state')).toBe('s-123');
      const code = location.searchParams.get('code')!;

      const res = await tokenRequest(fake, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
      expect(res.status).toBe(200);
      const first = await res.json();
      expect(first).toEqual({ access_token: expect.any(String), token_type: 'bearer', expires_in: 86400, refresh_token: expect.any(String), scope: ALL_SCOPES });

      // Single-use code.
      const again = await tokenRequest(fake, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
      expect(again.status).toBe(400);
      expect(await again.json()).toMatchObject({ error: 'invalid_grant' });

      // Refresh (HTTP Basic this time): a new access token and a new refresh token.
      const refreshed = await tokenRequest(fake, { grant_type: 'refresh_token', refresh_token: first.refresh_token }, { basic: true });
      expect(refreshed.status).toBe(200);
      const second = await refreshed.json();
      expect(second.access_token).not.toBe(first.access_token);
      expect(second.refresh_token).not.toBe(first.refresh_token);
      expect(second.scope).toBe(ALL_SCOPES);

      const reuse = await tokenRequest(fake, { grant_type: 'refresh_token', refresh_token: first.refresh_token });
      expect(reuse.status).toBe(400);
      expect(await reuse.json()).toMatchObject({ error: 'invalid_grant' });
      expect((await fetch(`${fake.apiUrl}/v2/usercollection/personal_info`, { headers: bearer(second.access_token) })).status).toBe(200);

      const info = [...fake.users.values()][0];
      expect(info.tokens.map((t) => t.refreshTokenStatus)).toEqual(['used', 'active']);
      expect(info.hasValidRefreshToken).toBe(true);
    });

    it('rejects bad client credentials, expired codes and a different redirect_uri', async () => {
      const code = await codeFrom(fake);
      for (const opts of [{ clientSecret: 'wrong' }, { basic: true, clientSecret: 'wrong' }]) {
        const res = await tokenRequest(fake, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT }, opts);
        expect(res.status).toBe(401);
        expect(await res.json()).toMatchObject({ error: 'invalid_client' });
      }
      expect((await tokenRequest(fake, { grant_type: 'authorization_code', code, redirect_uri: 'http://localhost:4000/other' })).status).toBe(400);
      const late = await codeFrom(fake);
      fake.advanceClock(10 * 60_000 + 1000);
      expect((await tokenRequest(fake, { grant_type: 'authorization_code', code: late, redirect_uri: REDIRECT })).status).toBe(400);
    });

    it('denies, and grants only the scopes the user left ticked', async () => {
      const denied = new URL(await authorize(fake, authUrl(fake, { deny: '1' })));
      expect(denied.searchParams.get('error')).toBe('access_denied');
      expect(denied.searchParams.get('state')).toBe('s-123');
      fake.denyNextAuthorization();
      expect(new URL(await authorize(fake, authUrl(fake))).searchParams.get('error')).toBe('access_denied');

      fake.setNextGrantedScopes(['daily', 'personal']);
      const code = await codeFrom(fake, { scope: 'daily heartrate personal workout' });
      const body = await (await tokenRequest(fake, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT })).json();
      expect(body.scope).toBe('daily personal');
      expect(new URL(await authorize(fake, authUrl(fake, { scope: 'daily bogus' }))).searchParams.get('error')).toBe('invalid_scope');
    });

    it('answers 401 once access tokens expire (clock or control) and 400 after revokeRefreshTokens', async () => {
      expect((await fetch(`${fake.apiUrl}/v2/usercollection/sleep`)).status).toBe(401);
      expect((await fetch(`${fake.apiUrl}/v2/usercollection/sleep`, { headers: bearer('nope') })).status).toBe(401);

      const a = fake.connectUser();
      expect((await fetch(`${fake.apiUrl}/v2/usercollection/sleep`, { headers: bearer(a.accessToken) })).status).toBe(200);
      fake.advanceClock(a.expiresIn * 1000);
      expect((await fetch(`${fake.apiUrl}/v2/usercollection/sleep`, { headers: bearer(a.accessToken) })).status).toBe(401);
      expect(fake.users.get(a.ouraUserId)!.hasValidAccessToken).toBe(false);

      const refreshed = await (await tokenRequest(fake, { grant_type: 'refresh_token', refresh_token: a.refreshToken })).json();
      expect((await fetch(`${fake.apiUrl}/v2/usercollection/sleep`, { headers: bearer(refreshed.access_token) })).status).toBe(200);
      fake.expireAccessTokens();
      expect((await fetch(`${fake.apiUrl}/v2/usercollection/sleep`, { headers: bearer(refreshed.access_token) })).status).toBe(401);

      fake.revokeRefreshTokens(a.ouraUserId);
      const res = await tokenRequest(fake, { grant_type: 'refresh_token', refresh_token: refreshed.refresh_token });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'invalid_grant' });
    });
  });

  describe('usercollection', () => {
    it('paginates with next_token and covers every document exactly once (end_date exclusive)', async () => {
      const { ouraUserId, accessToken } = fake.connectUser({ scopes: ALL_SCOPES.split(' ') });
      const data = fake.dataFor(ouraUserId);
      const start = '2026-08-23';
      const end = '2026-11-21';
      for (const type of ['daily_activity', 'sleep', 'workout', 'daily_readiness'] as const) {
        const pages = await allPages(fake, accessToken, `/v2/usercollection/${type}`, { start_date: start, end_date: end });
        for (const p of pages) expect(p.data.length).toBeLessThanOrEqual(25);
        const ids = pages.flatMap((p) => p.data.map((d) => d.id));
        const expected = data[type].filter((d) => d.day >= start && d.day < end).map((d) => d.id);
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids).toEqual(expected);
        expect(ids.length).toBe(data[type].length);
      }
      expect((await allPages(fake, accessToken, '/v2/usercollection/daily_activity', { start_date: start, end_date: end })).length).toBe(4);

      // end_date is exclusive: [d, d) is empty, [d, d+1) is the one day.
      const same = await allPages(fake, accessToken, '/v2/usercollection/daily_sleep', { start_date: '2026-11-10', end_date: '2026-11-10' });
      expect(same[0].data).toEqual([]);
      const one = await allPages(fake, accessToken, '/v2/usercollection/daily_sleep', { start_date: '2026-11-10', end_date: '2026-11-11' });
      expect(one[0].data.map((d) => d.day)).toEqual(['2026-11-10']);

      const doc = data.sleep[3];
      const single = await fetch(`${fake.apiUrl}/v2/usercollection/sleep/${doc.id}`, { headers: bearer(accessToken) });
      expect(await single.json()).toEqual(doc);
      expect((await fetch(`${fake.apiUrl}/v2/usercollection/sleep/does-not-exist`, { headers: bearer(accessToken) })).status).toBe(404);
      expect((await fetch(`${fake.apiUrl}/v2/usercollection/sleep?start_date=2026-13-01`, { headers: bearer(accessToken) })).status).toBe(400);
      expect((await fetch(`${fake.apiUrl}/v2/usercollection/sleep?end_date=20261101`, { headers: bearer(accessToken) })).status).toBe(400);
      expect((await fetch(`${fake.apiUrl}/v2/usercollection/sleep?next_token=garbage`, { headers: bearer(accessToken) })).status).toBe(400);
    });

    it('serves plausible Oura shapes', async () => {
      const { ouraUserId } = fake.connectUser();
      const d = fake.dataFor(ouraUserId);
      const nights = d.sleep.filter((s) => s.type === 'long_sleep');
      expect(new Set(nights.map((s) => s.day)).size).toBe(90);
      const night = nights[10];
      expect(night.bedtime_start).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+01:00$/);
      expect(night.sleep_phase_5_min).toMatch(/^[1-4]+$/);
      expect(night.sleep_phase_5_min!.length * 300).toBe(night.time_in_bed);
      expect(night.total_sleep_duration).toBe(night.deep_sleep_duration! + night.light_sleep_duration! + night.rem_sleep_duration!);
      expect(night.movement_30_sec!.length).toBe(night.sleep_phase_5_min!.length * 10);
      expect(night.readiness).toMatchObject({ score: expect.any(Number), temperature_deviation: expect.any(Number) });
      expect(d.workout.length).toBeGreaterThan(30);
      for (const activity of ['running', 'cycling', 'walking']) expect(d.workout.some((w) => w.activity === activity)).toBe(true);
      const act = d.daily_activity[20];
      expect(act.class_5_min).toHaveLength(288);
      expect(act.met.items).toHaveLength(1440);
      expect(act.steps).toBeGreaterThan(1000);
      expect(act.steps).toBeLessThan(30000);
      expect(d.daily_spo2[0].spo2_percentage!.average).toBeGreaterThan(90);

      const again = await startOuraFake({ seed: 42, today: TODAY });
      try {
        const other = again.connectUser();
        expect(other.ouraUserId).toBe(ouraUserId);
        expect(again.dataFor(other.ouraUserId).sleep).toEqual(d.sleep);
      } finally {
        await again.close();
      }
    });

    it('limits heartrate ranges to 30 days and paginates samples', async () => {
      const { ouraUserId, accessToken } = fake.connectUser();
      const q = (s: string, e: string) => `${fake.apiUrl}/v2/usercollection/heartrate?${new URLSearchParams({ start_datetime: s, end_datetime: e })}`;
      expect((await fetch(q('2026-10-01T00:00:00+00:00', '2026-11-01T00:00:00+00:00'), { headers: bearer(accessToken) })).status).toBe(400);
      expect((await fetch(q('not-a-date', '2026-11-01T00:00:00Z'), { headers: bearer(accessToken) })).status).toBe(400);

      const start = '2026-10-10T00:00:00+01:00';
      const end = '2026-11-09T00:00:00+01:00';
      const pages = await allPages(fake, accessToken, '/v2/usercollection/heartrate', { start_datetime: start, end_datetime: end });
      expect(pages.length).toBeGreaterThan(5);
      const samples = pages.flatMap((p) => p.data);
      const expected = fake.dataFor(ouraUserId).heartrate.filter((h) => Date.parse(h.timestamp) >= Date.parse(start) && Date.parse(h.timestamp) < Date.parse(end));
      expect(samples).toEqual(expected);
      expect(samples[0]).toEqual({ bpm: expect.any(Number), source: expect.stringMatching(/^(awake|sleep|workout|session)$/), timestamp: expect.stringMatching(/\+00:00$/) });
      expect(new Set(samples.map((s) => s.source))).toEqual(new Set(['awake', 'sleep', 'workout', 'session']));
    });

    it('answers 403 for collections outside the granted scopes', async () => {
      const { accessToken } = fake.connectUser({ scopes: ['daily', 'email'] });
      const status = async (path: string) => (await fetch(`${fake.apiUrl}${path}`, { headers: bearer(accessToken) })).status;
      expect(await status('/v2/usercollection/daily_sleep')).toBe(200);
      expect(await status('/v2/usercollection/sleep')).toBe(200);
      expect(await status('/v2/usercollection/workout')).toBe(403);
      expect(await status('/v2/usercollection/heartrate')).toBe(403);
      expect(await status('/v2/usercollection/daily_spo2')).toBe(403);
      expect(await status('/v2/usercollection/session')).toBe(403);
      const info = await (await fetch(`${fake.apiUrl}/v2/usercollection/personal_info`, { headers: bearer(accessToken) })).json();
      expect(info).toMatchObject({ id: expect.any(String), email: expect.stringContaining('@'), age: null });

      const none = fake.connectUser({ scopes: ['workout'] });
      expect((await fetch(`${fake.apiUrl}/v2/usercollection/personal_info`, { headers: bearer(none.accessToken) })).status).toBe(403);
    });

    it('adds, updates and deletes documents', async () => {
      const { ouraUserId, accessToken } = fake.connectUser();
      const w = fake.addDocument(ouraUserId, 'workout', { activity: 'cycling', day: TODAY });
      const got = await fetch(`${fake.apiUrl}/v2/usercollection/workout/${w.id}`, { headers: bearer(accessToken) });
      expect(await got.json()).toMatchObject({ activity: 'cycling', day: TODAY });
      const before = fake.dataFor(ouraUserId).daily_sleep.find((d) => d.day === '2026-11-19')!;
      const updated = fake.addDocument(ouraUserId, 'daily_sleep', { day: '2026-11-19', score: 12 });
      expect(updated.id).toBe(before.id);
      expect(fake.dataFor(ouraUserId).daily_sleep.filter((d) => d.day === '2026-11-19')).toEqual([updated]);
      expect(fake.deleteDocument(ouraUserId, 'workout', w.id)).toBe(true);
      expect((await fetch(`${fake.apiUrl}/v2/usercollection/workout/${w.id}`, { headers: bearer(accessToken) })).status).toBe(404);
    });
  });

  describe('webhooks', () => {
    it('creates a subscription after the verification challenge, lists, renews, updates and deletes it', async () => {
      const receiver = await startReceiver();
      try {
        const body = { callback_url: receiver.url, verification_token: 'verify-me', event_type: 'create', data_type: 'sleep' };
        const url = `${fake.apiUrl}/v2/webhook/subscription`;
        expect((await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })).status).toBe(401);
        expect((await fetch(url, { method: 'POST', headers: clientHeaders('oura-client', 'bad'), body: JSON.stringify(body) })).status).toBe(403);
        expect((await fetch(url, { method: 'POST', headers: clientHeaders(), body: JSON.stringify({ ...body, event_type: 'explode' }) })).status).toBe(422);

        const res = await fetch(url, { method: 'POST', headers: clientHeaders(), body: JSON.stringify(body) });
        expect(res.status).toBe(201);
        const sub = await res.json();
        expect(sub).toEqual({ id: expect.any(String), callback_url: receiver.url, event_type: 'create', data_type: 'sleep', expiration_time: expect.any(String) });
        const verification = receiver.received.find((r) => r.method === 'GET')!;
        const vq = new URL(verification.url, 'http://x').searchParams;
        expect(vq.get('verification_token')).toBe('verify-me');
        expect(vq.get('challenge')).toBeTruthy();
        const ttl = Date.parse(sub.expiration_time) - fake.now();
        expect(ttl).toBeGreaterThan(29 * 86_400_000);
        expect(ttl).toBeLessThanOrEqual(30 * 86_400_000);

        expect((await fetch(url, { method: 'POST', headers: clientHeaders(), body: JSON.stringify(body) })).status).toBe(409);
        const list = await (await fetch(url, { headers: clientHeaders() })).json();
        expect(list).toEqual([sub]);

        fake.advanceClock(10 * 86_400_000);
        const renewed = await (await fetch(`${url}/renew/${sub.id}`, { method: 'PUT', headers: clientHeaders() })).json();
        expect(Date.parse(renewed.expiration_time)).toBeGreaterThan(Date.parse(sub.expiration_time));

        const put = await fetch(`${url}/${sub.id}`, { method: 'PUT', headers: clientHeaders(), body: JSON.stringify({ verification_token: 'verify-me', event_type: 'update' }) });
        expect(put.status).toBe(200);
        expect(await put.json()).toMatchObject({ id: sub.id, event_type: 'update', data_type: 'sleep' });

        expect((await fetch(`${url}/${sub.id}`, { method: 'DELETE', headers: clientHeaders() })).status).toBe(204);
        expect((await fetch(`${url}/${sub.id}`, { method: 'DELETE', headers: clientHeaders() })).status).toBe(404);
        expect(fake.subscriptions).toEqual([]);
      } finally {
        await receiver.close();
      }
    });

    it('refuses a subscription whose callback does not echo the challenge', async () => {
      for (const echo of ['wrong', 'status500'] as const) {
        const receiver = await startReceiver({ echo });
        try {
          const res = await fetch(`${fake.apiUrl}/v2/webhook/subscription`, {
            method: 'POST',
            headers: clientHeaders(),
            body: JSON.stringify({ callback_url: receiver.url, verification_token: 'verify-me', event_type: 'create', data_type: 'workout' }),
          });
          expect(res.status).toBe(400);
        } finally {
          await receiver.close();
        }
      }
      expect(fake.subscriptions).toEqual([]);
    });

    it('delivers signed events to matching subscriptions; the signature verifies', async () => {
      const receiver = await startReceiver();
      try {
        const { ouraUserId } = fake.connectUser();
        for (const event_type of ['create', 'delete']) {
          const res = await fetch(`${fake.apiUrl}/v2/webhook/subscription`, {
            method: 'POST',
            headers: clientHeaders(),
            body: JSON.stringify({ callback_url: receiver.url, verification_token: 'verify-me', event_type, data_type: 'workout' }),
          });
          expect(res.status).toBe(201);
        }
        const w = fake.addDocument(ouraUserId, 'workout', { activity: 'running' });
        expect(await fake.sendWebhook({ event_type: 'create', data_type: 'workout', object_id: w.id })).toBe(200);
        const posts = receiver.received.filter((r) => r.method === 'POST');
        expect(posts).toHaveLength(1);
        const { headers, raw } = posts[0];
        const payload = JSON.parse(raw);
        expect(payload).toEqual({ event_type: 'create', data_type: 'workout', object_id: w.id, event_time: expect.any(String), user_id: ouraUserId });
        const timestamp = String(headers['x-oura-timestamp']);
        expect(timestamp).toMatch(/^\d+$/);
        const expected = createHmac('sha256', 'oura-secret').update(timestamp + raw).digest('hex').toUpperCase();
        expect(headers['x-oura-signature']).toBe(expected);
        expect(signOuraWebhook(timestamp, raw, fake.clientSecret)).toBe(expected);

        // A delete event for a removed document still names its owner.
        fake.deleteDocument(ouraUserId, 'workout', w.id);
        expect(await fake.sendWebhook({ event_type: 'delete', data_type: 'workout', object_id: w.id })).toBe(200);
        expect(JSON.parse(receiver.received.at(-1)!.raw)).toMatchObject({ event_type: 'delete', user_id: ouraUserId });
        await expect(fake.sendWebhook({ event_type: 'update', data_type: 'workout', object_id: w.id })).rejects.toThrow(/no subscription/);
        expect(fake.deliveries).toHaveLength(2);
      } finally {
        await receiver.close();
      }
    });
  });

  describe('faults', () => {
    it('injects 429 with Retry-After, then serves normally', async () => {
      const { accessToken } = fake.connectUser();
      fake.faults.failNext(1, 429, { retryAfterSeconds: 7, pathPrefix: '/v2/usercollection/sleep' });
      expect((await fetch(`${fake.apiUrl}/v2/usercollection/daily_sleep`, { headers: bearer(accessToken) })).status).toBe(200);
      const limited = await fetch(`${fake.apiUrl}/v2/usercollection/sleep`, { headers: bearer(accessToken) });
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('7');
      expect((await fetch(`${fake.apiUrl}/v2/usercollection/sleep`, { headers: bearer(accessToken) })).status).toBe(200);
      expect(fake.requests.map((r) => r.status)).toEqual([200, 429, 200]);
    });

    it('fails the token endpoint, cuts connections mid-body and delays', async () => {
      const { accessToken, refreshToken } = fake.connectUser();
      fake.faults.failNext(1, 500, { pathPrefix: '/oauth/token' });
      expect((await tokenRequest(fake, { grant_type: 'refresh_token', refresh_token: refreshToken })).status).toBe(500);
      // The failed attempt did not consume the refresh token.
      expect((await tokenRequest(fake, { grant_type: 'refresh_token', refresh_token: refreshToken })).status).toBe(200);

      fake.faults.resetConnectionNext(1, '/v2/');
      await expect(fetch(`${fake.apiUrl}/v2/usercollection/workout`, { headers: bearer(accessToken) }).then((r) => r.text())).rejects.toThrow();
      expect(fake.requests.at(-1)!.aborted).toBe(true);

      fake.faults.delayNext(1, 150);
      const t0 = Date.now();
      // Refreshing does not invalidate the earlier access token before it expires.
      expect((await fetch(`${fake.apiUrl}/v2/usercollection/workout`, { headers: bearer(accessToken) })).status).toBe(200);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
      expect(fake.faults.pending).toBe(0);
      fake.faults.failNext(3, 503);
      fake.faults.clear();
      expect(fake.faults.pending).toBe(0);
    });
  });
});
