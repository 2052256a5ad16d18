/**
 * The sandbox simulators are reachable without an API key, with client credentials printed in the
 * source. Issue 14: they must not be served by a production deployment unless asked for, must not
 * redirect browsers anywhere but this deployment's own OAuth callbacks, must not call any address
 * but this deployment's own webhook routes, and (like every route) must refuse oversize bodies
 * with 413 before reading them.
 */
import { DEVICE_PROVIDERS, PROVIDERS } from '../../src/providers/registry.js';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../src/config.js';
import { describeSandbox, sandboxClient } from '../../src/sandbox/settings.js';
import { databaseVariants } from '../support/databases.js';
import { listeningTestApp, type ListeningApp } from '../support/listening-app.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

const basic = (c: { clientId: string; clientSecret: string }) => `Basic ${Buffer.from(`${c.clientId}:${c.clientSecret}`).toString('base64')}`;

/** A listener standing in for a host on the operator's internal network: it records every request it gets. */
async function internalHost(): Promise<{ url: string; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    // Answers like a cooperative target would (a 200 for Polar's ping, the challenge for Oura's).
    const challenge = new URL(req.url ?? '/', 'http://x').searchParams.get('challenge');
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(challenge ? { challenge } : {}));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('SANDBOX default', () => {
  it('is off with NODE_ENV=production unless SANDBOX=true, on otherwise; the banner line says which and why', () => {
    const production = loadConfig({ NODE_ENV: 'production' });
    expect(production.sandbox).toMatchObject({ enabled: false, reason: 'NODE_ENV=production' });
    expect(describeSandbox(production, false)).toMatch(/^off \(the default with NODE_ENV=production; SANDBOX=true turns it on\)/);
    const asked = loadConfig({ NODE_ENV: 'production', SANDBOX: 'true' });
    expect(asked.sandbox).toMatchObject({ enabled: true, reason: 'SANDBOX=true' });
    expect(describeSandbox(asked, true)).toMatch(/^ON \(SANDBOX=true\): simulated providers at http:\/\/localhost:4000\/sandbox\/<provider>/);
    const development = loadConfig({});
    expect(development.sandbox).toMatchObject({ enabled: true, reason: 'default' });
    expect(describeSandbox(development, true)).toMatch(/^ON \(the default without NODE_ENV=production; SANDBOX=false turns it off\)/);
    expect(loadConfig({ SANDBOX: 'false' }).sandbox).toMatchObject({ enabled: false, reason: 'SANDBOX=false' });
  });

  it('a production start (NODE_ENV=production, no SANDBOX) mounts nothing under /sandbox/ and offers no simulator', async () => {
    const t = await createTestApp('pglite', { NODE_ENV: 'production', SANDBOX: '' });
    try {
      expect(t.app.sandbox).toBeNull();
      for (const path of ['/sandbox/polar/oauth2/authorization', '/sandbox/polar/v3/webhooks', '/sandbox/oura/v2/webhook/subscription']) {
        const res = await t.app.yoga.fetch(`http://localhost${path}`, { method: path.endsWith('authorization') ? 'GET' : 'POST', headers: { authorization: basic(sandboxClient('polar')) } });
        expect(res.status).toBe(404);
      }
      const providers = await t.graphql('{ providers { id available sandbox } }');
      // Every registered cloud provider, none offered; the phones need no configuration and have no simulator.
      expect(providers.body.data.providers).toEqual([
        ...PROVIDERS.map((p) => ({ id: p.id, available: false, sandbox: false })),
        ...DEVICE_PROVIDERS.map((p) => ({ id: p.id, available: true, sandbox: false })),
      ]);
    } finally {
      await t.close();
    }
  }, 60_000);
});

describe.each(databaseVariants())('sandbox simulators reach only this deployment (%s)', (variant) => {
  let served: ListeningApp;
  let url: string;
  let internal: Awaited<ReturnType<typeof internalHost>>;
  beforeAll(async () => {
    internal = await internalHost();
    served = await listeningTestApp(variant, { SANDBOX: 'true' });
    url = served.url;
  }, 60_000);
  afterAll(async () => {
    await served?.close();
    await internal?.close();
  });

  const polarWebhook = (method: string, path: string, body: unknown) =>
    fetch(`${url}/sandbox/polar${path}`, { method, headers: { authorization: basic(sandboxClient('polar')), 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const ouraClient = { 'x-client-id': sandboxClient('oura').clientId, 'x-client-secret': sandboxClient('oura').clientSecret, 'content-type': 'application/json' };

  it('Polar webhook creation and update with another URL are refused, and that URL is never called', async () => {
    const created = await polarWebhook('POST', '/v3/webhooks', { events: ['EXERCISE'], url: `${internal.url}/admin/reboot` });
    expect(created.status).toBe(400);
    expect(await created.text()).toMatch(new RegExp(`${url}/webhooks/polar`));
    // Look-alikes of the own URL: another port, a longer path, a query, userinfo.
    for (const lookAlike of [`${url}/webhooks/polarx`, `${url}/webhooks/polar/../../graphql`, `${url}/webhooks/polar?x=1`, `http://x@127.0.0.1:${new URL(url).port}/webhooks/polar`, `${internal.url}/webhooks/polar`]) {
      expect((await polarWebhook('POST', '/v3/webhooks', { events: ['EXERCISE'], url: lookAlike })).status).toBe(400);
    }
    // The own webhook URL works (the gateway answers the simulator's PING), so the check is not a blanket refusal.
    const own = await polarWebhook('POST', '/v3/webhooks', { events: ['EXERCISE'], url: `${url}/webhooks/polar` });
    expect(own.status).toBe(201);
    const { data } = (await own.json()) as { data: { id: string } };
    const patched = await polarWebhook('PATCH', `/v3/webhooks/${data.id}`, { url: `${internal.url}/patched` });
    expect(patched.status).toBe(400);
    const activated = await fetch(`${url}/sandbox/polar/v3/webhooks/activate`, { method: 'POST', headers: { authorization: basic(sandboxClient('polar')) } });
    expect(activated.status).toBe(200);
    expect((await polarWebhook('DELETE', `/v3/webhooks/${data.id}`, {})).status).toBe(204);
    expect(internal.hits).toEqual([]);
  });

  it('Oura subscription creation and update with another callback URL are refused, and that URL is never challenged', async () => {
    const body = { verification_token: 't', event_type: 'create', data_type: 'workout' };
    const created = await fetch(`${url}/sandbox/oura/v2/webhook/subscription`, { method: 'POST', headers: ouraClient, body: JSON.stringify({ ...body, callback_url: `${internal.url}/probe` }) });
    expect(created.status).toBe(422);
    expect(JSON.stringify(await created.json())).toMatch(/callback_url/);
    const updated = await fetch(`${url}/sandbox/oura/v2/webhook/subscription/any-id`, { method: 'PUT', headers: ouraClient, body: JSON.stringify({ ...body, callback_url: `${internal.url}/probe` }) });
    expect([404, 422]).toContain(updated.status);
    expect(internal.hits).toEqual([]);
  });

  it.each(['polar', 'oura'])('the %s authorize endpoint redirects only to this deployment\'s own callback, also on an error and before consent', async (slug) => {
    const path = slug === 'polar' ? '/oauth2/authorization' : '/oauth/authorize';
    const client = sandboxClient(slug);
    const ask = (query: Record<string, string>, method = 'GET') =>
      fetch(`${url}/sandbox/${slug}${path}?${new URLSearchParams({ client_id: client.clientId, ...query })}`, { method, redirect: 'manual' });
    for (const redirect_uri of ['https://evil.example/steal', `${url}/oauth/${slug}/callbackx`, `${url}/graphql`, `${internal.url}/oauth/${slug}/callback`]) {
      for (const [query, method] of [[{ response_type: 'code' }, 'GET'], [{ response_type: 'code' }, 'POST'], [{ response_type: 'token' }, 'GET'], [{ response_type: 'code', scope: 'nonsense' }, 'GET']] as const) {
        const res = await ask({ ...query, redirect_uri }, method);
        expect({ redirect_uri, query, status: res.status, location: res.headers.get('location') }).toEqual({ redirect_uri, query, status: 400, location: null });
      }
    }
    // The own callback: the consent page, and an error is redirected there.
    const own = `${url}/oauth/${slug}/callback`;
    expect((await ask({ response_type: 'code', redirect_uri: own })).status).toBe(200);
    const error = await ask({ response_type: 'token', redirect_uri: own });
    expect(error.status).toBe(302);
    expect(error.headers.get('location')).toMatch(new RegExp(`^${own}\\?error=unsupported_response_type`));
  });
});

describe('request bodies over the limit', () => {
  let served: ListeningApp;
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    served = await listeningTestApp('pglite', { SANDBOX: 'true' });
    ({ t, port } = served);
  }, 60_000);
  afterAll(() => served?.close());

  /**
   * Sends a body in 64 KB chunks (declaring 120 MB, or chunked without a length) until the answer
   * comes: a route that buffers the whole body first never answers before the 5 s timeout.
   */
  const hugeBody = (path: string, declared: boolean) =>
    new Promise<{ status: number; sent: number }>((resolve, reject) => {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (declared) headers['content-length'] = String(120 * 1024 * 1024);
      const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', headers });
      let sent = 0;
      let answered = false;
      const timer = setTimeout(() => reject(new Error(`${path}: no answer within 5 s after ${sent} bytes`)), 5_000);
      req.on('response', (res) => {
        answered = true;
        clearTimeout(timer);
        res.resume();
        resolve({ status: res.statusCode ?? 0, sent });
        req.destroy();
      });
      req.on('error', () => undefined);
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        if (answered || sent >= 120 * 1024 * 1024) return;
        req.write(chunk, () => {
          sent += chunk.length;
          setImmediate(pump);
        });
      };
      pump();
    });

  it.each(['/sandbox/polar/v2/oauth2/token', '/sandbox/oura/v2/webhook/subscription', '/graphql', '/webhooks/polar', '/oauth/polar/callback'])(
    '%s answers 413 to a body declared as 120 MB, and to one streamed without a length, after reading at most ~1 MB of it',
    async (path) => {
      const declared = await hugeBody(path, true);
      expect(declared.status).toBe(413);
      const streamed = await hugeBody(path, false);
      expect(streamed.status).toBe(413);
      // The answer came once the limit was passed, not after the whole body (socket buffers allow some slack).
      expect(streamed.sent).toBeLessThan(8 * 1024 * 1024);
      // A normal request right after is served.
      expect((await t.graphql('{ __typename }')).body.data).toEqual({ __typename: 'Query' });
    },
  );
});
