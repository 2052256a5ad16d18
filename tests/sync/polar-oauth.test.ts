/**
 * The OAuth callback's failure modes against the Polar fake: every rejected or failed callback
 * answers the browser the documented way AND leaves the Connection / OAuthState rows as they were.
 * Plus: connectProvider's input checks, the providers query, state binding, and no secrets in logs.
 */
import crypto from 'node:crypto';
import { authorize, signWebhookBody } from '../fakes/polar/index.js';
import { databaseVariants } from '../support/databases.js';
import { connectPolar, REDIRECT, startPolarStack, stopPolarStack } from '../support/polar-app.js';
import {
  callGatewayCallback,
  CONNECT_PROVIDER,
  createUser,
  fromGlobalId,
  globalId,
  oauthSnapshot,
  stateHash,
} from '../support/polar-oauth-helpers.js';
import { waitForSyncIdle } from '../support/sync.js';
import { TEST_ADMIN_KEY } from '../support/test-app.js';

describe.each(databaseVariants())('Polar OAuth callback failure modes (%s)', (variant) => {
  let stack: Awaited<ReturnType<typeof startPolarStack>>;
  let counter = 0;

  beforeAll(async () => {
    // A short backfill: the connections made here start real syncs in the background.
    stack = await startPolarStack(variant, { SYNC_BACKFILL_DAYS: '5' }, { days: 20 });
  }, 60_000);
  afterAll(() => stopPolarStack(stack));

  const newUser = () => createUser(stack.t, `oauth-${variant}-${counter++}`);
  const tokenCalls = () => stack.fake.requests.filter((r) => r.path === '/v2/oauth2/token').length;

  /** connectProvider + the fake's consent: the callback URL the browser would bring back. */
  async function consentedCallback(userGid: string): Promise<URL> {
    const started = await stack.t.graphql(CONNECT_PROVIDER, { input: { userId: userGid, provider: 'POLAR', redirectUri: REDIRECT } });
    expect(started.body.errors).toBeUndefined();
    const url = started.body.data.connectProvider.authorizationUrl as string;
    try {
      return new URL(await authorize(stack.fake, url));
    } catch (error) {
      // authorize() goes through Node's keep-alive agent; a pooled socket the fake's server is
      // just closing can answer ECONNRESET (seen once in ~10 runs). That is transport, not OAuth.
      if ((error as NodeJS.ErrnoException).code !== 'ECONNRESET') throw error;
      return new URL(await authorize(stack.fake, url));
    }
  }

  async function expectErrorPage(response: Response) {
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const body = await response.text();
    expect(body).toContain('Connection failed');
    expect(response.headers.get('location')).toBeNull();
    return body;
  }

  function expectErrorRedirect(response: Response, reason: string) {
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    expect(location.searchParams.get('status')).toBe('error');
    expect(location.searchParams.get('reason')).toBe(reason);
    expect(location.searchParams.get('provider')).toBe('polar');
    expect(location.searchParams.get('connectionId')).toBeNull();
  }

  it('a callback without state answers a 400 page and changes nothing', async () => {
    const before = await oauthSnapshot(stack.t);
    const response = await callGatewayCallback(stack.t, '/oauth/polar/callback?code=some-code');
    const body = await expectErrorPage(response);
    expect(body).toMatch(/no state/i);
    expect(await oauthSnapshot(stack.t)).toEqual(before);
  });

  it('a forged state (with a genuine code) answers 400, the genuine state stays usable, no token exchange', async () => {
    const user = await newUser();
    const callback = await consentedCallback(user.gid);
    const before = await oauthSnapshot(stack.t);
    const calls = tokenCalls();
    const forged = new URL(callback);
    forged.searchParams.set('state', crypto.randomBytes(32).toString('base64url'));
    await expectErrorPage(await callGatewayCallback(stack.t, forged.toString()));
    expect(await oauthSnapshot(stack.t)).toEqual(before);
    expect(tokenCalls()).toBe(calls);
    // The real state was not consumed by the forgery.
    const genuine = await stack.t.database.prisma.oAuthState.findUniqueOrThrow({ where: { stateHash: stateHash(callback.searchParams.get('state')!) } });
    expect(genuine.consumedAt).toBeNull();
  });

  it('an expired state answers 400 and stores no connection; the code is never exchanged', async () => {
    const user = await newUser();
    const callback = await consentedCallback(user.gid);
    const hash = stateHash(callback.searchParams.get('state')!);
    await stack.t.database.prisma.oAuthState.update({ where: { stateHash: hash }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const before = await oauthSnapshot(stack.t);
    const calls = tokenCalls();
    const body = await expectErrorPage(await callGatewayCallback(stack.t, callback.toString()));
    expect(body).toMatch(/expired/);
    expect(await oauthSnapshot(stack.t)).toEqual(before);
    expect(tokenCalls()).toBe(calls);
    expect(await stack.t.database.prisma.connection.count({ where: { userId: user.id } })).toBe(0);
  });

  it('a replayed callback answers 400 the second time and leaves the first connection unchanged', async () => {
    const user = await newUser();
    const callback = await consentedCallback(user.gid);
    const first = await callGatewayCallback(stack.t, callback.toString());
    expect(first.status).toBe(302);
    const location = new URL(first.headers.get('location')!);
    expect(location.searchParams.get('status')).toBe('connected');
    const connectionId = fromGlobalId(location.searchParams.get('connectionId')!);
    const connection = await stack.t.database.prisma.connection.findUniqueOrThrow({ where: { id: connectionId } });
    expect(connection.userId).toBe(user.id);

    const before = await oauthSnapshot(stack.t);
    const calls = tokenCalls();
    await expectErrorPage(await callGatewayCallback(stack.t, callback.toString()));
    // The tokens, the connection and the state rows are exactly as after the first callback.
    expect(await oauthSnapshot(stack.t)).toEqual(before);
    expect(await stack.t.database.prisma.connection.findUniqueOrThrow({ where: { id: connectionId } })).toMatchObject({
      accessTokenEncrypted: connection.accessTokenEncrypted,
      providerUserId: connection.providerUserId,
      status: 'ACTIVE',
      createdAt: connection.createdAt,
    });
    expect(tokenCalls()).toBe(calls);
    expect(await stack.t.database.prisma.connection.count({ where: { userId: user.id } })).toBe(1);
  });

  it('a state issued for another provider (OURA) is rejected by the Polar callback and not consumed', async () => {
    const user = await newUser();
    const state = crypto.randomBytes(32).toString('base64url');
    await stack.t.database.prisma.oAuthState.create({
      data: { stateHash: stateHash(state), userId: user.id, provider: 'OURA', redirectUri: REDIRECT, expiresAt: new Date(Date.now() + 60_000) },
    });
    const before = await oauthSnapshot(stack.t);
    const calls = tokenCalls();
    await expectErrorPage(await callGatewayCallback(stack.t, `/oauth/polar/callback?code=whatever&state=${state}`));
    expect(await oauthSnapshot(stack.t)).toEqual(before);
    expect(tokenCalls()).toBe(calls);
    const row = await stack.t.database.prisma.oAuthState.findUniqueOrThrow({ where: { stateHash: stateHash(state) } });
    expect(row.consumedAt).toBeNull();
  });

  it('the user denying at Polar is sent back with status=error&reason=access_denied, and the state is spent', async () => {
    const user = await newUser();
    stack.fake.denyNextAuthorization();
    const callback = await consentedCallback(user.gid);
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('code')).toBeNull();
    const connectionsBefore = (await oauthSnapshot(stack.t)).connections;
    const calls = tokenCalls();
    expectErrorRedirect(await callGatewayCallback(stack.t, callback.toString()), 'access_denied');
    expect((await oauthSnapshot(stack.t)).connections).toEqual(connectionsBefore);
    expect(tokenCalls()).toBe(calls);
    expect(await stack.t.database.prisma.connection.count({ where: { userId: user.id } })).toBe(0);
    // Single use even on the error path.
    await expectErrorPage(await callGatewayCallback(stack.t, callback.toString()));
  });

  it.each([
    ['a 500 from the token endpoint', 500, undefined, undefined],
    ['a 200 with a non-JSON body', 200, 'this is <b>not</b> json', 'text/html'],
    ['a 200 JSON body without access_token', 200, JSON.stringify({ token_type: 'bearer', expires_in: 3600 }), 'application/json'],
    ['a 200 with a body claiming JSON that is not', 200, '{"access_token": "abc', 'application/json'],
  ])('%s -> status=error&reason=token_exchange_failed, no connection', async (_name, status, body, contentType) => {
    const user = await newUser();
    const callback = await consentedCallback(user.gid);
    stack.fake.faults.failNext(1, status, { pathPrefix: '/v2/oauth2/token', ...(body !== undefined ? { body, contentType } : {}) });
    const connectionsBefore = (await oauthSnapshot(stack.t)).connections;
    const calls = tokenCalls();
    expectErrorRedirect(await callGatewayCallback(stack.t, callback.toString()), 'token_exchange_failed');
    expect(stack.fake.faults.pending).toBe(0);
    expect(tokenCalls()).toBe(calls + 1);
    expect((await oauthSnapshot(stack.t)).connections).toEqual(connectionsBefore);
    expect(await stack.t.database.prisma.connection.count({ where: { userId: user.id } })).toBe(0);
    // The polar user was never registered with our member id.
    expect([...stack.fake.users.values()].some((u) => u.memberId === user.id)).toBe(false);
  });

  it.each([
    'https://evil.example.com/connected',
    'https://app.example.com.evil.com/connected',
    'http://app.example.com/connected',
    'javascript:alert(1)',
    'not a url',
  ])('connectProvider with redirectUri %s outside the allowlist -> BAD_USER_INPUT, no state row', async (redirectUri) => {
    const user = await newUser();
    const states = await stack.t.database.prisma.oAuthState.count();
    const res = await stack.t.graphql(CONNECT_PROVIDER, { input: { userId: user.gid, provider: 'POLAR', redirectUri } });
    expect(res.body.data?.connectProvider ?? null).toBeNull();
    expect(res.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.body.errors?.[0].message).toMatch(/redirectUri/);
    expect(await stack.t.database.prisma.oAuthState.count()).toBe(states);
  });

  it('connectProvider for an unknown user -> NOT_FOUND, no state row', async () => {
    const states = await stack.t.database.prisma.oAuthState.count();
    const res = await stack.t.graphql(CONNECT_PROVIDER, {
      input: { userId: globalId('User', crypto.randomUUID()), provider: 'POLAR', redirectUri: REDIRECT },
    });
    expect(res.body.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect(await stack.t.database.prisma.oAuthState.count()).toBe(states);
  });

  it('providers: POLAR available with its scope; OURA (no credentials) is not available and connecting it fails clearly', async () => {
    const res = await stack.t.graphql('{ providers { id name available scopes } }');
    expect(res.body.errors).toBeUndefined();
    const providers = res.body.data.providers as { id: string; name: string; available: boolean; scopes: string[] }[];
    const polar = providers.find((p) => p.id === 'POLAR');
    expect(polar).toEqual({ id: 'POLAR', name: 'Polar', available: true, scopes: ['accesslink.read_all'] });
    // OURA may not be in the registry yet; when it is, it must say it cannot be connected here.
    const oura = providers.find((p) => p.id === 'OURA');
    if (oura) expect(oura.available).toBe(false);

    const user = await newUser();
    const states = await stack.t.database.prisma.oAuthState.count();
    const connect = await stack.t.graphql(CONNECT_PROVIDER, { input: { userId: user.gid, provider: 'OURA', redirectUri: REDIRECT } });
    expect(connect.status).toBe(200);
    expect(connect.body.data?.connectProvider ?? null).toBeNull();
    const error = connect.body.errors?.[0];
    expect(error).toBeDefined();
    expect(error!.message).not.toMatch(/unexpected error/i);
    expect(error!.message).toMatch(/oura/i);
    expect(error!.extensions?.code).toBe('PROVIDER_UNAVAILABLE');
    expect(await stack.t.database.prisma.oAuthState.count()).toBe(states);
    // And the gateway is still fine afterwards.
    expect((await stack.t.graphql('{ providers { id } }')).body.errors).toBeUndefined();
  });

  it('the state is bound to the user of connectProvider: the connection belongs to that user only', async () => {
    const alice = await newUser();
    const bob = await newUser();
    const callback = await consentedCallback(bob.gid);
    const state = callback.searchParams.get('state')!;
    const row = await stack.t.database.prisma.oAuthState.findUniqueOrThrow({ where: { stateHash: stateHash(state) } });
    expect(row).toMatchObject({ userId: bob.id, provider: 'POLAR', redirectUri: REDIRECT, consumedAt: null });
    // The raw state is never stored.
    expect(JSON.stringify(await stack.t.database.prisma.oAuthState.findMany())).not.toContain(state);

    const response = await callGatewayCallback(stack.t, callback.toString());
    expect(response.status).toBe(302);
    const connectionId = fromGlobalId(new URL(response.headers.get('location')!).searchParams.get('connectionId')!);
    const connection = await stack.t.database.prisma.connection.findUniqueOrThrow({ where: { id: connectionId } });
    expect(connection.userId).toBe(bob.id);
    expect(connection.provider).toBe('POLAR');
    expect(await stack.t.database.prisma.connection.count({ where: { userId: alice.id } })).toBe(0);
    const polarUser = [...stack.fake.users.values()].find((u) => String(u.polarUserId) === connection.providerUserId);
    expect(polarUser?.memberId).toBe(bob.id);
    expect((await stack.t.database.prisma.oAuthState.findUniqueOrThrow({ where: { stateHash: stateHash(state) } })).consumedAt).not.toBeNull();
  });

  it('no secret reaches the logs after a connect, a sync and webhooks', async () => {
    const user = await newUser();
    const redirect = await connectPolar(stack.fake, stack.t, user.gid);
    const connectionId = fromGlobalId(redirect.searchParams.get('connectionId')!);
    await waitForSyncIdle(stack.t.database.prisma, connectionId, { timeoutMs: 90_000 });
    const connection = await stack.t.database.prisma.connection.findUniqueOrThrow({ where: { id: connectionId } });
    const accessToken = stack.t.app.cipher.decrypt(connection.accessTokenEncrypted!);

    const webhookSecret = `whsec-${crypto.randomBytes(12).toString('hex')}`;
    await stack.t.database.prisma.providerWebhook.upsert({
      where: { provider: 'POLAR' },
      create: { provider: 'POLAR', externalId: 'wh-logs', url: 'http://gateway.test/webhooks/polar', events: ['EXERCISE'], secretEncrypted: stack.t.app.cipher.encrypt(webhookSecret) },
      update: { secretEncrypted: stack.t.app.cipher.encrypt(webhookSecret) },
    });
    const polarUserId = Number(connection.providerUserId);
    const exercise = stack.fake.addExercise(polarUserId);
    const body = JSON.stringify({ event: 'EXERCISE', user_id: polarUserId, entity_id: exercise.id, timestamp: `${stack.fake.today}T10:00:00Z` });
    const post = (signature: string) =>
      stack.t.app.yoga.fetch('http://gateway.test/webhooks/polar', {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', 'polar-webhook-event': 'EXERCISE', 'polar-webhook-signature': signature },
      });
    expect((await post('ab'.repeat(32))).status).toBe(401);
    const runsBefore = await stack.t.database.prisma.syncRun.count({ where: { connectionId } });
    expect((await post(signWebhookBody(body, webhookSecret))).status).toBe(200);
    await waitForSyncIdle(stack.t.database.prisma, connectionId, { minRuns: runsBefore + 1, timeoutMs: 60_000 });
    // A failing token exchange logs the error too.
    const failing = await consentedCallback((await newUser()).gid);
    stack.fake.faults.failNext(1, 401, { pathPrefix: '/v2/oauth2/token' });
    expectErrorRedirect(await callGatewayCallback(stack.t, failing.toString()), 'token_exchange_failed');

    const logs = stack.t.logLines.join('\n');
    expect(logs.length).toBeGreaterThan(0);
    expect(logs).toContain('provider connected');
    for (const [name, secret] of [
      ['access token', accessToken],
      ['Polar client secret', stack.fake.clientSecret],
      ['admin API key', TEST_ADMIN_KEY],
      ['webhook secret', webhookSecret],
      ['webhook signature', signWebhookBody(body, webhookSecret)],
    ] as const) {
      expect({ name, leaked: logs.includes(secret) }).toEqual({ name, leaked: false });
    }
  }, 120_000);
});
