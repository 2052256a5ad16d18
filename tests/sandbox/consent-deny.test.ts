/**
 * The sandbox shows the unhappy path too: every simulator's consent page has "Allow" and "Deny",
 * and Deny comes back through the gateway's callback as error=access_denied to the /connected
 * error page, with no connection made. /sandbox/ and /sandbox/<slug>/ (the banner's address) are
 * pages about the simulators, not the simulator's 404.
 */
import { PROVIDERS } from '../../src/providers/registry.js';
import { databaseVariants } from '../support/databases.js';
import { listeningTestApp, type ListeningApp } from '../support/listening-app.js';

const unescapeHtml = (s: string) => s.replace(/&#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code)));

describe.each(databaseVariants())('sandbox consent page: Deny, and the /sandbox pages (%s)', (variant) => {
  let served: ListeningApp;
  beforeAll(async () => {
    served = await listeningTestApp(variant, { SANDBOX: 'true' });
  }, 60_000);
  afterAll(() => served?.close());

  it.each(PROVIDERS.map((p) => [p.displayName, p] as const))('%s: Deny redirects with error=access_denied to the error page and connects nothing', async (_name, provider) => {
    const { t, url } = served;
    const created = await t.graphql('mutation($e: String!) { createUser(input: { externalId: $e }) { id } }', { e: `deny-${provider.slug}` });
    const userId = created.body.data.createUser.id;
    const started = await t.graphql(`mutation($u: ID!) { connectProvider(input: { userId: $u, provider: ${provider.id} }) { authorizationUrl } }`, { u: userId });
    expect(started.body.errors).toBeUndefined();
    const consent = new URL(started.body.data.connectProvider.authorizationUrl);

    const html = await (await fetch(consent)).text();
    expect(html).toContain('id="allow"');
    expect(html).toContain('id="deny"');
    const action = /<form method="post" action="([^"]+)"><input type="hidden" name="decision" value="deny">/.exec(html);
    expect(action).not.toBeNull();
    // The form's action is relative to the page, as a browser resolves it.
    const denyUrl = new URL(unescapeHtml(action![1]), consent);
    expect(denyUrl.pathname).toBe(consent.pathname);
    expect(denyUrl.searchParams.get('state')).toBe(consent.searchParams.get('state'));

    const denied = await fetch(denyUrl, { method: 'POST', body: new URLSearchParams({ decision: 'deny' }), redirect: 'manual' });
    expect(denied.status).toBe(302);
    const callback = new URL(denied.headers.get('location')!);
    expect(callback.origin + callback.pathname).toBe(`${url}/oauth/${provider.slug}/callback`);
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('code')).toBeNull();

    const back = await fetch(callback, { redirect: 'manual' });
    expect(back.status).toBe(302);
    const landing = new URL(back.headers.get('location')!);
    expect(landing.origin + landing.pathname).toBe(`${url}/connected`);
    expect(landing.searchParams.get('status')).toBe('error');
    expect(landing.searchParams.get('reason')).toBe('access_denied');
    const page = await (await fetch(landing)).text();
    expect(page).toContain(`Connecting ${provider.displayName} failed`);
    expect(page).toContain('access was not granted at the provider');

    const connections = await t.graphql('query($u: ID!) { user(id: $u) { connections { provider status } } }', { u: userId });
    expect(connections.body.data.user.connections.filter((c: { status: string }) => c.status === 'ACTIVE')).toEqual([]);
  }, 30_000);

  it('/sandbox/ and /sandbox/<slug>/ are pages about the simulators (the banner points there)', async () => {
    const index = await fetch(`${served.url}/sandbox/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toContain('text/html');
    const text = await index.text();
    for (const p of PROVIDERS) expect(text).toContain(`href="/sandbox/${p.slug}/"`);
    for (const p of PROVIDERS) {
      for (const path of [`/sandbox/${p.slug}`, `/sandbox/${p.slug}/`]) {
        const res = await fetch(`${served.url}${path}`);
        expect([path, res.status, res.headers.get('content-type')]).toEqual([path, 200, 'text/html; charset=utf-8']);
        const body = await res.text();
        expect(body).toContain(`<h1>${p.displayName} sandbox</h1>`);
        expect(body).toContain(`/sandbox/${p.slug}${p.simulator.authorizationPath}`);
        expect(body).toContain(`provider: ${p.id}`);
      }
    }
    // An unknown simulator still answers 404.
    expect((await fetch(`${served.url}/sandbox/nope/`)).status).toBe(404);
  });
});
