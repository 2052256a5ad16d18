/**
 * The built-in sandbox: with no provider credentials the gateway serves simulators of Polar and
 * Oura under /sandbox/<slug>/, connectProvider points at their consent pages, and the backfill runs
 * through the normal code path. Also: `npm run cli -- demo`'s flow, determinism, restart-proof
 * sandbox tokens, and SANDBOX=false.
 */
import { demoInstructions, followSandboxConsent, runDemo } from '../../src/cli/demo.js';
import { startOuraFake } from '../../src/sandbox/oura/index.js';
import { startPolarFake } from '../../src/sandbox/polar/index.js';
import { DEVICE_PROVIDERS, PROVIDERS } from '../../src/providers/registry.js';
import { databaseVariants } from '../support/databases.js';
import { listeningTestApp, type ListeningApp } from '../support/listening-app.js';
import { createTestApp, TEST_ADMIN_KEY, type TestApp } from '../support/test-app.js';

const fromGlobalId = (id: string) => Buffer.from(id, 'base64').toString().split(':')[1];

describe.each(databaseVariants())('sandbox providers (%s)', (variant) => {
  let served: ListeningApp;
  let t: TestApp;
  let url: string;
  beforeAll(async () => {
    served = await listeningTestApp(variant, { SANDBOX: 'true', SANDBOX_SEED: '7', SYNC_BACKFILL_DAYS: '14' }, { workers: true });
    ({ t, url } = served);
  }, 60_000);
  afterAll(() => served?.close());

  it('lists every provider as an available sandbox', async () => {
    const res = await t.graphql('{ providers { id available sandbox } }');
    // Cloud providers on their simulators; the phones (device providers) need nothing and have no simulator.
    expect(res.body.data.providers).toEqual([
      ...PROVIDERS.map((p) => ({ id: p.id, available: true, sandbox: true })),
      ...DEVICE_PROVIDERS.map((p) => ({ id: p.id, available: true, sandbox: false })),
    ]);
  });

  it('connectProvider returns the simulator consent page: a real page with Allow (and Deny) that redirects to the callback', async () => {
    const created = await t.graphql('mutation { createUser(input: { externalId: "consent" }) { id } }');
    const userId = created.body.data.createUser.id;
    const res = await t.graphql('mutation($u: ID!) { connectProvider(input: { userId: $u, provider: POLAR, redirectUri: $r }) { authorizationUrl } }'.replace('$r', JSON.stringify(`${url}/health`)), { u: userId });
    const authorizationUrl = new URL(res.body.data.connectProvider.authorizationUrl);
    expect(authorizationUrl.origin + authorizationUrl.pathname).toBe(`${url}/sandbox/polar/oauth2/authorization`);
    expect(authorizationUrl.searchParams.get('login_hint')).toBe(fromGlobalId(userId));
    expect(authorizationUrl.searchParams.get('redirect_uri')).toBe(`${url}/oauth/polar/callback`);

    const page = await fetch(authorizationUrl);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toMatch(/SANDBOX/);
    expect(html.match(/<button/g)).toHaveLength(2);
    expect(html).toContain('id="deny"');
    expect(html).toMatch(/<form method="post">/);

    const allowed = await fetch(authorizationUrl, { method: 'POST', body: new URLSearchParams({ decision: 'allow' }), redirect: 'manual' });
    expect(allowed.status).toBe(302);
    const callback = new URL(allowed.headers.get('location')!);
    expect(callback.origin + callback.pathname).toBe(`${url}/oauth/polar/callback`);
    expect(callback.searchParams.get('code')).toBeTruthy();
    expect(callback.searchParams.get('state')).toBe(authorizationUrl.searchParams.get('state'));

    const done = await fetch(callback, { redirect: 'manual' });
    expect(done.status).toBe(302);
    const final = new URL(done.headers.get('location')!);
    expect(final.searchParams.get('status')).toBe('connected');
  }, 60_000);

  it("without redirectUri the browser lands on the gateway's own page (\"Connected Oura — you can close this tab\", or the error); / says what the server is", async () => {
    const created = await t.graphql('mutation { createUser(input: { externalId: "landing" }) { id } }');
    const started = await t.graphql('mutation($u: ID!) { connectProvider(input: { userId: $u, provider: OURA }) { authorizationUrl } }', { u: created.body.data.createUser.id });
    expect(started.body.errors).toBeUndefined();
    const consent = started.body.data.connectProvider.authorizationUrl;
    const allowed = await fetch(consent, { method: 'POST', body: new URLSearchParams({ decision: 'allow' }), redirect: 'manual' });
    const done = await fetch(allowed.headers.get('location')!, { redirect: 'manual' });
    const final = new URL(done.headers.get('location')!);
    expect(final.origin + final.pathname).toBe(`${url}/connected`);
    expect(final.searchParams.get('provider')).toBe('oura');
    const landed = await fetch(final);
    expect(landed.status).toBe(200);
    expect(landed.headers.get('content-type')).toContain('text/html');
    expect(await landed.text()).toContain('<h1>Connected Oura — you can close this tab</h1>');

    const failed = await (await fetch(`${url}/connected?status=error&provider=polar&reason=${encodeURIComponent('access_denied<script>')}`)).text();
    expect(failed).toContain('Connecting Polar failed');
    expect(failed).toContain('access_denied&#60;script&#62;');
    expect(failed).not.toContain('<script>');
    const home = await fetch(`${url}/`);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain(`${url}/graphql`);

    const refused = await t.graphql('mutation($u: ID!) { connectProvider(input: { userId: $u, provider: OURA, redirectUri: "https://elsewhere.example/done" }) { authorizationUrl } }', { u: created.body.data.createUser.id });
    expect(refused.body.errors![0].message).toContain(`(${url}/)`);
    expect(refused.body.errors![0].message).toContain(`left out for ${url}/connected`);
  }, 60_000);

  it('the demo flow connects both sandboxes, backfills, and days() shows Polar workouts next to Oura sleep', async () => {
    const remote = { url, key: TEST_ADMIN_KEY };
    const lines: string[] = [];
    const result = await runDemo(remote, { externalId: 'demo', days: 14, log: (line) => lines.push(line) });
    expect(result.connections.map((c) => c.provider)).toEqual(PROVIDERS.map((p) => p.id));
    expect(lines.join('\n')).toMatch(/POLAR .*100%/);
    expect(lines.join('\n')).toMatch(/STRAVA .*100%/);
    expect(lines.join('\n')).toMatch(/OURA .*100%/);
    expect(demoInstructions(remote, result)).toContain('query Days(');

    const res = await t.graphql(
      `query($u: ID!, $from: LocalDate!, $to: LocalDate!) { user(id: $u) {
        connections { provider sandbox status }
        days(from: $from, to: $to) { date workouts { source { provider } } sleep { source { provider } } }
      } }`,
      { u: result.variables.userId, from: result.variables.from, to: result.variables.to },
    );
    expect(res.body.errors).toBeUndefined();
    const user = res.body.data.user;
    expect(user.connections).toEqual(
      expect.arrayContaining([
        { provider: 'POLAR', sandbox: true, status: 'ACTIVE' },
        { provider: 'OURA', sandbox: true, status: 'ACTIVE' },
        { provider: 'WHOOP', sandbox: true, status: 'ACTIVE' },
        { provider: 'STRAVA', sandbox: true, status: 'ACTIVE' },
      ]),
    );
    expect(user.days.flatMap((d: any) => d.workouts).filter((w: any) => w.source.provider === 'STRAVA').length).toBeGreaterThan(3);
    const polarWorkouts = user.days.flatMap((d: any) => d.workouts).filter((w: any) => w.source.provider === 'POLAR');
    const ouraSleep = user.days.flatMap((d: any) => d.sleep).filter((s: any) => s.source.provider === 'OURA');
    expect(polarWorkouts.length).toBeGreaterThan(3);
    expect(ouraSleep.length).toBeGreaterThan(7);
    // The WHOOP simulator: a night per day of the window (the newest one included).
    expect(user.days.flatMap((d: any) => d.sleep).filter((s: any) => s.source.provider === 'WHOOP').length).toBeGreaterThan(7);
    // Sandbox connections are marked in the logs.
    expect(t.logLines.some((l) => /provider connected/.test(l) && /"sandbox":true/.test(l))).toBe(true);
    expect(t.logLines.some((l) => /sync planned/.test(l) && /"sandbox":true/.test(l))).toBe(true);
  }, 240_000);

  it('connecting the same user again yields the same simulated account (data per user, deterministic)', async () => {
    const prisma = t.database.prisma;
    const demo = await prisma.user.findFirstOrThrow({ where: { externalId: 'demo' }, include: { connections: true } });
    const before = Object.fromEntries(demo.connections.map((c) => [c.provider, c.providerUserId]));
    const userId = Buffer.from(`User:${demo.id}`).toString('base64');
    const res = await t.graphql(`mutation($u: ID!) { connectProvider(input: { userId: $u, provider: OURA, redirectUri: "${url}/health" }) { authorizationUrl } }`, { u: userId });
    await followSandboxConsent({ url, key: TEST_ADMIN_KEY }, res.body.data.connectProvider.authorizationUrl);
    const after = await prisma.connection.findMany({ where: { userId: demo.id } });
    expect(Object.fromEntries(after.map((c) => [c.provider, c.providerUserId]))).toEqual(before);
    // Another user gets another account.
    const other = await prisma.connection.findFirst({ where: { user: { externalId: 'consent' }, provider: 'POLAR' } });
    expect(other?.providerUserId).toBeTruthy();
    expect(other?.providerUserId).not.toBe(before.POLAR);
  }, 120_000);
});

describe('sandbox simulators outside the gateway', () => {
  it('the same seed and login hint generate the same data; tokens survive a simulator restart; forged ones do not', async () => {
    const sandbox = { tokenSecret: 'test-secret' };
    const first = await startPolarFake({ seed: 3, sandbox, today: '2026-03-01' });
    const second = await startPolarFake({ seed: 3, sandbox, today: '2026-03-01' });
    try {
      const a = first.connectUser({ polarUserId: 20_000_123, memberId: 'm' });
      second.createUser({ polarUserId: 20_000_123 });
      expect(first.dataFor(a.polarUserId).exercises.map((e) => e.start_time)).toEqual(second.dataFor(20_000_123).exercises.map((e) => e.start_time));
      await first.close();
      // A token issued by the first simulator works at the fresh one (same secret).
      const ok = await fetch(`${second.apiUrl}/v3/users/${a.polarUserId}`, { headers: { authorization: `Bearer ${a.accessToken}` } });
      expect(ok.status).toBe(200);
      const forged = a.accessToken.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
      const refused = await fetch(`${second.apiUrl}/v3/users/${a.polarUserId}`, { headers: { authorization: `Bearer ${forged}` } });
      expect(refused.status).toBe(401);
    } finally {
      await second.close();
    }

    const oura1 = await startOuraFake({ seed: 3, sandbox });
    const oura2 = await startOuraFake({ seed: 3, sandbox });
    try {
      const user = oura1.connectUser();
      await oura1.close();
      const ok = await fetch(`${oura2.apiUrl}/v2/usercollection/personal_info`, { headers: { authorization: `Bearer ${user.accessToken}` } });
      expect(ok.status).toBe(200);
      expect(((await ok.json()) as { id: string }).id).toBe(user.ouraUserId);
    } finally {
      await oura2.close();
    }
  });

  it('without sandbox mode the authorization stays headless (tests) and ignores login_hint', async () => {
    const fake = await startPolarFake();
    try {
      const res = await fetch(`${fake.authorizationUrl}?response_type=code&client_id=${fake.clientId}&redirect_uri=http://x.test/cb&login_hint=abc`, { redirect: 'manual' });
      expect(res.status).toBe(302);
      expect(fake.users.has(10_000_001)).toBe(true);
    } finally {
      await fake.close();
    }
  });
});

describe('SANDBOX=false', () => {
  it('providers without credentials are unavailable and nothing is mounted', async () => {
    const t = await createTestApp('pglite', { SANDBOX: 'false' });
    try {
      const res = await t.graphql('{ providers { id available sandbox } }');
      expect(res.body.data.providers).toEqual([
        ...PROVIDERS.map((p) => ({ id: p.id, available: false, sandbox: false })),
        ...DEVICE_PROVIDERS.map((p) => ({ id: p.id, available: true, sandbox: false })),
      ]);
      expect(t.app.sandbox).toBeNull();
      const mounted = await t.app.yoga.fetch('http://localhost/sandbox/polar/oauth2/authorization');
      expect(mounted.status).toBe(404);
    } finally {
      await t.close();
    }
  });
});
