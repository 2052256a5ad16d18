import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { authorize, isoDuration, parseIsoDuration, startPolarFake, type PolarFake } from './index.js';

const TODAY = '2025-03-15';
const REDIRECT = 'http://localhost:4000/oauth/polar/callback';
const basic = (id = 'polar-client', secret = 'polar-secret') => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

function authUrl(fake: PolarFake, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams({ response_type: 'code', client_id: 'polar-client', redirect_uri: REDIRECT, scope: 'accesslink.read_all', state: 's-123', ...extra });
  return `${fake.authorizationUrl}?${q}`;
}

function exchange(fake: PolarFake, code: string, opts: { authorization?: string; redirectUri?: string } = {}) {
  return fetch(fake.tokenUrl, {
    method: 'POST',
    headers: {
      ...(opts.authorization === '' ? {} : { Authorization: opts.authorization ?? basic() }),
      'Content-Type': 'application/x-www-form-urlencoded',
      Accept: 'application/json',
    },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: opts.redirectUri ?? REDIRECT }),
  });
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}`, Accept: 'application/json' });

interface Received {
  headers: IncomingHttpHeaders;
  raw: string;
}

/** A tiny webhook receiver; `status` is what it answers. */
async function startReceiver(status = 200): Promise<{ url: string; received: Received[]; setStatus(s: number): void; close(): Promise<void> }> {
  const received: Received[] = [];
  let answer = status;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, raw: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(answer).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/polar`,
    received,
    setStatus: (s) => (answer = s),
    close: () => new Promise<void>((r) => {
      server.close(() => r());
      server.closeAllConnections();
    }),
  };
}

describe('Polar fake', () => {
  let fake: PolarFake;

  beforeEach(async () => {
    fake = await startPolarFake({ seed: 42, today: TODAY, timeZoneOffsetMinutes: 120 });
  });
  afterEach(async () => {
    await fake.close();
  });

  async function connect(): Promise<{ token: string; userId: number }> {
    const location = await authorize(fake, authUrl(fake));
    const code = new URL(location).searchParams.get('code')!;
    const res = await exchange(fake, code);
    const body = await res.json();
    const reg = await fetch(`${fake.apiUrl}/v3/users`, {
      method: 'POST',
      headers: { ...bearer(body.access_token), 'Content-Type': 'application/json' },
      body: JSON.stringify({ 'member-id': `member-${body.x_user_id}` }),
    });
    expect(reg.status).toBe(200);
    return { token: body.access_token, userId: body.x_user_id };
  }

  describe('OAuth', () => {
    it('runs the code flow: redirect with code+state, Basic-authenticated exchange, no refresh token', async () => {
      const location = new URL(await authorize(fake, authUrl(fake)));
      expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
      expect(location.searchParams.get('state')).toBe('s-123');
      const code = location.searchParams.get('code')!;
      expect(code).toMatch(/^[0-9a-f]{32}$/);

      const res = await exchange(fake, code);
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body).toEqual({ access_token: expect.any(String), token_type: 'bearer', expires_in: 315360000, x_user_id: 10000001 });
      expect(body).not.toHaveProperty('refresh_token');

      const again = await exchange(fake, code);
      expect(again.status).toBe(400);
      expect(await again.json()).toMatchObject({ error: 'invalid_grant' });
      // A reused code revokes the token issued with it, as AccessLink does.
      expect((await fetch(`${fake.apiUrl}/v3/users/10000001`, { headers: bearer(body.access_token) })).status).toBe(401);
    });

    it('rejects missing or wrong client credentials with 401 invalid_client', async () => {
      const code = new URL(await authorize(fake, authUrl(fake))).searchParams.get('code')!;
      for (const authorization of ['', basic('polar-client', 'wrong'), basic('someone-else', 'polar-secret')]) {
        const res = await exchange(fake, code, { authorization });
        expect(res.status).toBe(401);
        expect(await res.json()).toMatchObject({ error: 'invalid_client' });
      }
      // The code was not consumed by the failed attempts.
      expect((await exchange(fake, code)).status).toBe(200);
    });

    it('binds the code to redirect_uri and expires it after 10 minutes', async () => {
      const code1 = new URL(await authorize(fake, authUrl(fake))).searchParams.get('code')!;
      expect((await exchange(fake, code1, { redirectUri: 'http://localhost:4000/other' })).status).toBe(400);
      const code2 = new URL(await authorize(fake, authUrl(fake))).searchParams.get('code')!;
      fake.advanceClock(10 * 60_000 + 1000);
      const res = await exchange(fake, code2);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'invalid_grant' });
    });

    it('redirects with error=access_denied when the user denies', async () => {
      const denied = new URL(await authorize(fake, authUrl(fake, { deny: '1' })));
      expect(denied.searchParams.get('error')).toBe('access_denied');
      expect(denied.searchParams.get('state')).toBe('s-123');
      fake.denyNextAuthorization();
      expect(new URL(await authorize(fake, authUrl(fake))).searchParams.get('error')).toBe('access_denied');
      expect(new URL(await authorize(fake, authUrl(fake))).searchParams.get('code')).toBeTruthy();
    });
  });

  describe('AccessLink', () => {
    it('requires a valid token (401) and a registered user (403); registering twice is 409', async () => {
      expect((await fetch(`${fake.apiUrl}/v3/exercises`)).status).toBe(401);
      expect((await fetch(`${fake.apiUrl}/v3/exercises`, { headers: bearer('nope') })).status).toBe(401);
      const { polarUserId, accessToken } = fake.connectUser();
      expect((await fetch(`${fake.apiUrl}/v3/exercises`, { headers: bearer(accessToken) })).status).toBe(403);
      const register = () =>
        fetch(`${fake.apiUrl}/v3/users`, {
          method: 'POST',
          headers: { ...bearer(accessToken), 'Content-Type': 'application/json' },
          body: JSON.stringify({ 'member-id': 'abc' }),
        });
      const first = await register();
      expect(first.status).toBe(200);
      expect(await first.json()).toMatchObject({ 'polar-user-id': polarUserId, 'member-id': 'abc', 'extra-info': [] });
      expect((await register()).status).toBe(409);
      expect(fake.users.get(polarUserId)).toMatchObject({ registered: true, memberId: 'abc' });
    });

    it('serves exercises with local start_time + offset, ISO durations and rate-limit headers', async () => {
      const { token, userId } = await connect();
      const res = await fetch(`${fake.apiUrl}/v3/exercises`, { headers: bearer(token) });
      expect(res.status).toBe(200);
      expect(res.headers.get('ratelimit-usage')).toMatch(/^\d+, \d+$/);
      expect(res.headers.get('ratelimit-limit')).toBe('520, 5100');
      expect(res.headers.get('ratelimit-reset')).toMatch(/^\d+, \d+$/);
      const list = await res.json();
      expect(list.length).toBeGreaterThan(10);
      for (const e of list) {
        expect(e.start_time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
        expect(e.start_time_utc_offset).toBe(120);
        expect(parseIsoDuration(e.duration)).toBeGreaterThan(0);
        expect(e).not.toHaveProperty('samples');
      }
      // A late-evening session (23:xx local) is always in the fixture, two days before today.
      expect(list.some((e: { start_time: string }) => e.start_time.startsWith('2025-03-13T23:'))).toBe(true);

      const one = await fetch(`${fake.apiUrl}/v3/exercises/${list[0].id}?samples=true&zones=true&route=true`, { headers: bearer(token) });
      const full = await one.json();
      expect(full.heart_rate_zones).toHaveLength(5);
      expect(full.samples[0]).toMatchObject({ 'recording-rate': 10, 'sample-type': '0' });
      expect(fake.dataFor(userId).exercises.find((e) => e.id === full.id)).toEqual(full);
      expect((await fetch(`${fake.apiUrl}/v3/exercises/unknown1`, { headers: bearer(token) })).status).toBe(404);
    });

    it('answers 204 with no body when there is nothing', async () => {
      await fake.close();
      fake = await startPolarFake({ seed: 1, today: TODAY, days: 1 });
      const { polarUserId, accessToken } = fake.connectUser({ memberId: 'm' });
      const res = await fetch(`${fake.apiUrl}/v3/exercises`, { headers: bearer(accessToken) });
      expect(res.status).toBe(204);
      expect(await res.text()).toBe('');
      const tx = await fetch(`${fake.apiUrl}/v3/users/${polarUserId}/exercise-transactions`, { method: 'POST', headers: bearer(accessToken) });
      expect(tx.status).toBe(204);
    });

    it('runs an exercise transaction: create, list, fetch (kebab-case), commit; new data shows in the next one', async () => {
      const { token, userId } = await connect();
      const base = `${fake.apiUrl}/v3/users/${userId}/exercise-transactions`;
      const created = await fetch(base, { method: 'POST', headers: bearer(token) });
      expect(created.status).toBe(201);
      const { 'transaction-id': tid, 'resource-uri': uri } = await created.json();
      expect(uri).toBe(`${base}/${tid}`);
      const { exercises: urls } = await (await fetch(uri, { headers: bearer(token) })).json();
      // All uncommitted exercises, including those older than 30 days.
      expect(urls).toHaveLength(fake.dataFor(userId).exercises.length);
      const ex = await (await fetch(urls[0], { headers: bearer(token) })).json();
      expect(ex).toMatchObject({
        'transaction-id': tid,
        'start-time': expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/),
        'heart-rate': { average: expect.any(Number), maximum: expect.any(Number) },
        'polar-user': `${fake.apiUrl}/v3/users/${userId}`,
      });
      expect(ex).not.toHaveProperty('start_time');

      expect((await fetch(uri, { method: 'PUT', headers: bearer(token) })).status).toBe(200);
      expect((await fetch(uri, { headers: bearer(token) })).status).toBe(404);
      expect((await fetch(base, { method: 'POST', headers: bearer(token) })).status).toBe(204);

      const added = fake.addExercise(userId, { calories: 321 }, { kind: 'cycling' });
      const next = await (await fetch(base, { method: 'POST', headers: bearer(token) })).json();
      const { exercises: nextUrls } = await (await fetch(next['resource-uri'], { headers: bearer(token) })).json();
      expect(nextUrls).toHaveLength(1);
      const fetched = await (await fetch(nextUrls[0], { headers: bearer(token) })).json();
      expect(fetched).toMatchObject({ calories: 321, 'start-time': added.start_time, sport: 'CYCLING' });
    });

    it('limits activity ranges to 28 days', async () => {
      const { token } = await connect();
      const ok = await fetch(`${fake.apiUrl}/v3/users/activities?from=2025-02-16&to=2025-03-15`, { headers: bearer(token) });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toHaveLength(28);
      const tooLong = await fetch(`${fake.apiUrl}/v3/users/activities?from=2025-02-15&to=2025-03-15`, { headers: bearer(token) });
      expect(tooLong.status).toBe(400);
    });

    it('answers 401 after revokeUser and after de-registration', async () => {
      const a = await connect();
      fake.revokeUser(a.userId);
      expect((await fetch(`${fake.apiUrl}/v3/users/sleep`, { headers: bearer(a.token) })).status).toBe(401);
      const b = await connect();
      expect((await fetch(`${fake.apiUrl}/v3/users/${b.userId}`, { method: 'DELETE', headers: bearer(b.token) })).status).toBe(204);
      expect((await fetch(`${fake.apiUrl}/v3/users/sleep`, { headers: bearer(b.token) })).status).toBe(401);
    });
  });

  describe('webhooks', () => {
    it('pings on creation, returns the secret once, and signs deliveries with HMAC-SHA256', async () => {
      const receiver = await startReceiver();
      try {
        const res = await fetch(`${fake.apiUrl}/v3/webhooks`, {
          method: 'POST',
          headers: { Authorization: basic(), 'Content-Type': 'application/json' },
          body: JSON.stringify({ events: ['EXERCISE', 'SLEEP'], url: receiver.url }),
        });
        expect(res.status).toBe(201);
        const { data } = await res.json();
        expect(data).toEqual({ id: expect.any(String), events: ['EXERCISE', 'SLEEP'], url: receiver.url, signature_secret_key: expect.any(String) });

        const verify = (r: Received) =>
          createHmac('sha256', data.signature_secret_key).update(r.raw).digest('hex') === r.headers['polar-webhook-signature'];
        expect(receiver.received).toHaveLength(1);
        expect(JSON.parse(receiver.received[0].raw)).toMatchObject({ event: 'PING' });
        expect(receiver.received[0].headers['polar-webhook-event']).toBe('PING');
        expect(verify(receiver.received[0])).toBe(true);

        const status = await fake.sendWebhook({ event: 'EXERCISE', user_id: 10000001, entity_id: 'aQlC83' });
        expect(status).toBe(200);
        const delivery = receiver.received[1];
        expect(delivery.headers['content-type']).toBe('application/json');
        expect(delivery.headers['polar-webhook-event']).toBe('EXERCISE');
        expect(verify(delivery)).toBe(true);
        expect(JSON.parse(delivery.raw)).toEqual({
          event: 'EXERCISE',
          user_id: 10000001,
          entity_id: 'aQlC83',
          timestamp: expect.stringMatching(/Z$/),
          url: `${fake.apiUrl}/v3/exercises/aQlC83`,
        });

        const second = await fetch(`${fake.apiUrl}/v3/webhooks`, {
          method: 'POST',
          headers: { Authorization: basic(), 'Content-Type': 'application/json' },
          body: JSON.stringify({ events: ['EXERCISE'], url: receiver.url }),
        });
        expect(second.status).toBe(409);
        const listed = await (await fetch(`${fake.apiUrl}/v3/webhooks`, { headers: { Authorization: basic() } })).json();
        expect(listed.data[0]).not.toHaveProperty('signature_secret_key');
        expect((await fetch(`${fake.apiUrl}/v3/webhooks`, { headers: { Authorization: basic('x', 'y') } })).status).toBe(401);
      } finally {
        await receiver.close();
      }
    });

    it('refuses to create a webhook whose PING does not get 200', async () => {
      const receiver = await startReceiver(500);
      try {
        const res = await fetch(`${fake.apiUrl}/v3/webhooks`, {
          method: 'POST',
          headers: { Authorization: basic(), 'Content-Type': 'application/json' },
          body: JSON.stringify({ events: ['EXERCISE'], url: receiver.url }),
        });
        expect(res.status).toBe(400);
        expect(fake.webhook).toBeNull();
      } finally {
        await receiver.close();
      }
    });
  });

  describe('faults', () => {
    it('injects 429 with Retry-After, then serves normally', async () => {
      const { token } = await connect();
      fake.faults.failNext(1, 429, { retryAfterSeconds: 7, pathPrefix: '/v3/exercises' });
      const limited = await fetch(`${fake.apiUrl}/v3/exercises`, { headers: bearer(token) });
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('7');
      expect(limited.headers.get('ratelimit-usage')).toBeTruthy();
      expect((await fetch(`${fake.apiUrl}/v3/exercises`, { headers: bearer(token) })).status).toBe(200);
      expect(fake.requests.filter((r) => r.path === '/v3/exercises').map((r) => r.status)).toEqual([429, 200]);
    });

    it('fails the token endpoint with 500 or garbage, and cuts connections mid-body', async () => {
      fake.faults.failNext(1, 500, { pathPrefix: '/v2/oauth2/token' });
      fake.faults.failNext(1, 200, { pathPrefix: '/v2/oauth2/token', body: '<html>oops</html>', contentType: 'text/html' });
      const code = new URL(await authorize(fake, authUrl(fake))).searchParams.get('code')!;
      const first = await exchange(fake, code);
      expect(first.status).toBe(500);
      expect(await first.text()).toBe('Internal Server Error');
      const second = await exchange(fake, code);
      expect(await second.text()).toBe('<html>oops</html>');
      expect((await exchange(fake, code)).status).toBe(200);

      fake.faults.resetConnectionNext(1, '/v3/');
      await expect(fetch(`${fake.apiUrl}/v3/users/sleep`).then((r) => r.text())).rejects.toThrow();
    });

    it('enforces the configured rate limit with 429', async () => {
      await fake.close();
      fake = await startPolarFake({ today: TODAY, rateLimit: { shortTerm: 2 } });
      const { accessToken } = fake.connectUser({ memberId: 'm' });
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await fetch(`${fake.apiUrl}/v3/users/sleep`, { headers: bearer(accessToken) })).status);
      expect(statuses).toEqual([200, 200, 429]);
    });
  });

  describe('data', () => {
    it('is deterministic per seed and user and uses Polar duration and time formats', async () => {
      const other = await startPolarFake({ seed: 42, today: TODAY });
      try {
        const a = fake.dataFor(fake.createUser());
        const b = other.dataFor(other.createUser());
        expect(b.sleeps).toEqual(a.sleeps.map((s) => ({ ...s, polar_user: s.polar_user.replace(fake.url, other.url) })));
        expect(a.exercises.map((e) => e.id)).toEqual(b.exercises.map((e) => e.id));
        expect(a.sleeps[0].sleep_start_time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+02:00$/);
        expect(a.continuousHeartRate[0].heart_rate_samples).toHaveLength(288);
        expect(a.cardioLoad.at(-1)!.date).toBe(TODAY);
        expect(a.physicalInformation.every((p) => p['vo2-max'] > 0)).toBe(true);
        const weeks = 90 / 7;
        expect(a.exercises.length / weeks).toBeGreaterThanOrEqual(3.5);
        expect(a.exercises.length / weeks).toBeLessThanOrEqual(6);
      } finally {
        await other.close();
      }
    });

    it('formats ISO-8601 durations like Polar', () => {
      expect(isoDuration(3723.5)).toBe('PT1H2M3.5S');
      expect(isoDuration(9840)).toBe('PT2H44M');
      expect(isoDuration(0)).toBe('PT0S');
      expect(parseIsoDuration('PT210.026S')).toBeCloseTo(210.026);
    });

    it('honours a per-user UTC offset', async () => {
      await fake.close();
      fake = await startPolarFake({ today: TODAY, timeZoneOffsetMinutes: 120, userTimeZoneOffsets: { 10000002: -300 } });
      const first = fake.dataFor(fake.createUser());
      const second = fake.dataFor(fake.createUser());
      expect(first.exercises[0].start_time_utc_offset).toBe(120);
      expect(second.exercises[0].start_time_utc_offset).toBe(-300);
      expect(second.sleeps[0].sleep_end_time.endsWith('-05:00')).toBe(true);
    });
  });
});
