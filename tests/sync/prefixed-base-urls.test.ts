/**
 * Every provider base URL keeps its path prefix (an operator's proxy at https://proxy/polar):
 * authorization, token exchange, registration, the whole backfill and the de-registration go
 * through a prefix-only proxy in front of each provider's simulator; a call that drops the
 * prefix gets a 404 there and is counted.
 */
import { databaseVariants } from '../support/databases.js';
import { connectPolar } from '../support/polar-app.js';
import { createUser, fromGlobalId } from '../support/polar-oauth-helpers.js';
import { startPrefixProxy, type PrefixProxy } from '../support/prefix-proxy.js';
import { waitForSyncIdle } from '../support/sync.js';
import { connectOura, startTwoProviderStack, stopTwoProviderStack } from '../support/two-provider-app.js';
import { connectWhoop } from '../support/whoop.js';
import { startWhoopFake, type WhoopFake } from '../../src/sandbox/whoop/index.js';
import { TODAY } from '../support/polar-app.js';

describe.each(databaseVariants())('provider base URLs with a path prefix (%s)', (variant) => {
  let stack: Awaited<ReturnType<typeof startTwoProviderStack>>;
  const proxies: Record<'polar' | 'oura' | 'whoop', PrefixProxy[]> = { polar: [], oura: [], whoop: [] };
  let whoop: WhoopFake;

  beforeAll(async () => {
    stack = await startTwoProviderStack(variant, async ({ polar, oura }) => {
      // One proxy per URL kind, each with its own prefix, as separate gateways would be.
      const [pAuth, pToken, pApi, oAuth, oToken, oApi] = await Promise.all([
        startPrefixProxy(polar.url, '/edge/polar-auth'),
        startPrefixProxy(polar.url, '/edge/polar-token'),
        startPrefixProxy(polar.url, '/edge/polar/api/v1'),
        startPrefixProxy(oura.url, '/edge/oura-auth'),
        startPrefixProxy(oura.url, '/edge/oura-token'),
        startPrefixProxy(oura.url, '/edge/oura/api'),
      ]);
      proxies.polar.push(pAuth, pToken, pApi);
      proxies.oura.push(oAuth, oToken, oApi);
      whoop = await startWhoopFake({ today: TODAY, days: 40, seed: 11 });
      const [wAuth, wToken, wApi] = await Promise.all([
        startPrefixProxy(whoop.url, '/edge/whoop-auth'),
        startPrefixProxy(whoop.url, '/edge/whoop-token'),
        startPrefixProxy(whoop.url, '/edge/whoop/api'),
      ]);
      proxies.whoop.push(wAuth, wToken, wApi);
      return {
        POLAR_AUTHORIZATION_URL: `${pAuth.base}${new URL(polar.authorizationUrl).pathname}`,
        POLAR_TOKEN_URL: `${pToken.base}${new URL(polar.tokenUrl).pathname}`,
        POLAR_API_URL: `${pApi.base}/`,
        OURA_AUTHORIZATION_URL: `${oAuth.base}${new URL(oura.authorizationUrl).pathname}`,
        OURA_TOKEN_URL: `${oToken.base}${new URL(oura.tokenUrl).pathname}`,
        OURA_API_URL: oApi.base,
        WHOOP_CLIENT_ID: whoop.clientId,
        WHOOP_CLIENT_SECRET: whoop.clientSecret,
        WHOOP_AUTHORIZATION_URL: `${wAuth.base}${new URL(whoop.authorizationUrl).pathname}`,
        WHOOP_TOKEN_URL: `${wToken.base}${new URL(whoop.tokenUrl).pathname}`,
        // WHOOP's own base has a path too (/developer): both prefixes stay.
        WHOOP_API_URL: `${wApi.base}${new URL(whoop.apiUrl).pathname}`,
      };
    });
  }, 60_000);
  afterAll(async () => {
    await stopTwoProviderStack(stack);
    await Promise.all([...proxies.polar, ...proxies.oura, ...proxies.whoop].map((p) => p.close()));
    await whoop.close();
  });

  it('Polar: connect, register, backfill (transaction URLs included) and de-register, all under the prefix', async () => {
    const [auth, token, api] = proxies.polar;
    const user = await createUser(stack.t, 'prefixed-polar');
    const redirect = await connectPolar(stack.polar, stack.t, user.gid);
    expect(redirect.searchParams.get('status')).toBe('connected');
    const connectionId = fromGlobalId(redirect.searchParams.get('connectionId')!);
    const runs = await waitForSyncIdle(stack.t.database.prisma, connectionId, { timeoutMs: 120_000 });
    expect(runs.map((r) => [r.status, r.error])).toEqual([['SUCCEEDED', null]]);

    expect(auth.forwarded).toEqual(['/edge/polar-auth/oauth2/authorization']);
    expect(token.forwarded).toEqual(['/edge/polar-token/v2/oauth2/token']);
    expect(api.forwarded).toContain('/edge/polar/api/v1/v3/users');
    // Listing URLs Polar hands out name its own host: they were fetched through the prefix too.
    expect(api.forwarded.some((p) => /^\/edge\/polar\/api\/v1\/v3\/users\/\d+\/exercise-transactions\/\d+\/exercises\//.test(p))).toBe(true);
    expect([...auth.outside, ...token.outside, ...api.outside]).toEqual([]);

    // The fake's own data arrived: every exercise (the listing's 30 days, the transaction the older ones).
    const polarUserId = Number((await stack.t.database.prisma.connection.findUniqueOrThrow({ where: { id: connectionId } })).providerUserId);
    const exercises = stack.polar.dataFor(polarUserId).exercises;
    expect(exercises.filter((e) => e.start_time.slice(0, 10) < '2026-10-22').length).toBeGreaterThan(0);
    expect(await stack.t.database.prisma.workout.count({ where: { userId: user.id, provider: 'POLAR' } })).toBe(exercises.length);

    const disconnected = await stack.t.graphql(`mutation($id: ID!) { disconnectProvider(connectionId: $id, deleteData: true) }`, {
      id: redirect.searchParams.get('connectionId'),
    });
    expect(disconnected.body.errors).toBeUndefined();
    expect(api.forwarded).toContain(`/edge/polar/api/v1/v3/users/${polarUserId}`);
    expect(api.outside).toEqual([]);
  }, 150_000);

  it('Oura: connect, personal info and the backfill, all under the prefix', async () => {
    const [auth, token, api] = proxies.oura;
    const user = await createUser(stack.t, 'prefixed-oura');
    const redirect = await connectOura(stack.oura, stack.t, user.gid);
    expect(redirect.searchParams.get('status')).toBe('connected');
    const connectionId = fromGlobalId(redirect.searchParams.get('connectionId')!);
    const runs = await waitForSyncIdle(stack.t.database.prisma, connectionId, { timeoutMs: 120_000 });
    expect(runs.map((r) => [r.status, r.error])).toEqual([['SUCCEEDED', null]]);

    expect(auth.forwarded).toEqual(['/edge/oura-auth/oauth/authorize']);
    expect(token.forwarded).toEqual(['/edge/oura-token/oauth/token']);
    expect(api.forwarded).toContain('/edge/oura/api/v2/usercollection/personal_info');
    expect(api.forwarded).toContain('/edge/oura/api/v2/usercollection/sleep');
    expect([...auth.outside, ...token.outside, ...api.outside]).toEqual([]);

    const ouraUserId = (await stack.t.database.prisma.connection.findUniqueOrThrow({ where: { id: connectionId } })).providerUserId!;
    const sleeps = (stack.oura.dataFor(ouraUserId).sleep as { day: string; type: string }[]).filter((s) => s.day >= '2026-10-22' && s.day <= '2026-11-20' && s.type !== 'deleted');
    expect(sleeps.length).toBeGreaterThan(10);
    expect(await stack.t.database.prisma.sleepSession.count({ where: { userId: user.id, provider: 'OURA' } })).toBe(sleeps.length);
  }, 150_000);

  it('WHOOP: connect, profile, the backfill and DELETE /v2/user/access, all under both prefixes', async () => {
    const [auth, token, api] = proxies.whoop;
    const user = await createUser(stack.t, 'prefixed-whoop');
    const redirect = await connectWhoop(whoop, stack.t, user.gid);
    expect(redirect.searchParams.get('status')).toBe('connected');
    const connectionId = fromGlobalId(redirect.searchParams.get('connectionId')!);
    const runs = await waitForSyncIdle(stack.t.database.prisma, connectionId, { timeoutMs: 120_000 });
    expect(runs.map((r) => [r.status, r.error])).toEqual([['SUCCEEDED', null]]);

    expect(auth.forwarded).toEqual(['/edge/whoop-auth/oauth/oauth2/auth']);
    expect(token.forwarded).toEqual(['/edge/whoop-token/oauth/oauth2/token']);
    for (const path of ['user/profile/basic', 'cycle', 'recovery', 'activity/sleep', 'activity/workout']) expect(api.forwarded).toContain(`/edge/whoop/api/developer/v2/${path}`);
    const whoopUserId = Number((await stack.t.database.prisma.connection.findUniqueOrThrow({ where: { id: connectionId } })).providerUserId);
    const nights = whoop.dataFor(whoopUserId).sleeps.filter((s) => !s.nap && s.end.slice(0, 10) >= '2026-10-22' && s.end.slice(0, 10) <= '2026-11-20');
    expect(await stack.t.database.prisma.sleepSession.count({ where: { userId: user.id, provider: 'WHOOP', type: 'MAIN' } })).toBe(nights.length);

    const disconnected = await stack.t.graphql(`mutation($id: ID!) { disconnectProvider(connectionId: $id, deleteData: true) }`, { id: redirect.searchParams.get('connectionId') });
    expect(disconnected.body).toEqual({ data: { disconnectProvider: true } });
    expect(api.forwarded).toContain('/edge/whoop/api/developer/v2/user/access');
    expect([...auth.outside, ...token.outside, ...api.outside]).toEqual([]);
  }, 150_000);
});
