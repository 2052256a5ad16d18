/**
 * The API as a mobile app uses it with a user token: the app asks the operator's backend
 * (examples/operator-backend.ts, the only holder of a WRITE key) for a token, then a real Apollo
 * Client reads `me { days }` over HTTP from the gateway with it. Everything over loopback.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloClient, CombinedGraphQLErrors, HttpLink, InMemoryCache } from '@apollo/client';
import { createOperatorBackend } from '../../examples/operator-backend.js';
import { databaseVariants } from '../support/databases.js';
import { seedTwoProviders, userGlobalId } from '../support/seed.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { graphql } from './__generated__/gql.js';

const MyDaysQuery = graphql(`
  query MyDays($from: LocalDate!, $to: LocalDate!) {
    me {
      id
      externalId
      days(from: $from, to: $to) {
        date
        workouts { id distanceMeters source { provider } }
        sleep { id totalSleepSeconds }
      }
    }
  }
`);

const OtherUserQuery = graphql(`
  query OtherUser($id: ID!) {
    user(id: $id) { id externalId }
  }
`);

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe.each(databaseVariants())('a mobile app with a user token, through Apollo Client (%s)', (variant) => {
  let t: TestApp;
  let gateway: http.Server;
  let backend: http.Server;
  let gatewayUrl: string;
  let backendUrl: string;
  let alice: string;
  let bob: string;

  beforeAll(async () => {
    t = await createTestApp(variant);
    [alice, bob] = await seedTwoProviders(t.database.prisma, { users: 2, days: 4, from: '2026-01-01' });
    gateway = http.createServer(t.app.yoga);
    gatewayUrl = await listen(gateway);
    const writeKey = (await t.graphql('mutation { createApiKey(input: { name: "operator backend", scopes: [WRITE] }) { key } }')).body.data.createApiKey.key;
    backend = createOperatorBackend({ gatewayUrl, writeKey, ttlSeconds: 900 });
    backendUrl = await listen(backend);
  }, 60_000);
  afterAll(async () => {
    for (const server of [backend, gateway]) {
      server?.closeAllConnections();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    }
    await t?.close();
  });

  it("gets a token from the operator's backend and reads me { days } with it; nobody else's data", async () => {
    const externalId = (await t.database.prisma.user.findUniqueOrThrow({ where: { id: alice } })).externalId!;
    const session = await fetch(`${backendUrl}/health-token`, { method: 'POST', headers: { 'x-demo-user': externalId } });
    expect(session.status).toBe(200);
    const { token, expiresAt } = (await session.json()) as { token: string; expiresAt: string };
    expect(Math.abs(Date.parse(expiresAt) - (Date.now() + 900_000))).toBeLessThan(10_000);

    const client = new ApolloClient({
      link: new HttpLink({ uri: `${gatewayUrl}/graphql`, headers: { Authorization: `Bearer ${token}` } }),
      cache: new InMemoryCache(),
    });
    try {
      const { data } = await client.query({ query: MyDaysQuery, variables: { from: '2026-01-01', to: '2026-01-04' } });
      const me = data!.me!;
      expect(me.id).toBe(userGlobalId(alice));
      expect(me.externalId).toBe(externalId);
      // tests/support/seed.ts, user 0: a 10,000 m + day run on even days; 7 h + day seconds of sleep every night.
      expect(me.days.map((d) => d.date)).toEqual(['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-04']);
      expect(me.days.map((d) => d.workouts.map((w) => w.distanceMeters))).toEqual([[10_000], [], [10_002], []]);
      expect(me.days.map((d) => d.sleep.map((s) => s.totalSleepSeconds))).toEqual([[25_200], [25_201], [25_202], [25_203]]);
      // Normalized in the cache under its global ID, like any entity.
      expect(client.cache.identify({ __typename: 'User', id: me.id })).toBe(`User:${me.id}`);

      // Another user's id reads as missing.
      const other = await client.query({ query: OtherUserQuery, variables: { id: userGlobalId(bob) }, fetchPolicy: 'network-only' });
      expect(other.data?.user).toBeNull();
    } finally {
      client.stop();
    }

    // Without a member session, the backend hands out nothing; a bad token gets a 401 in Apollo's error.
    expect((await fetch(`${backendUrl}/health-token`, { method: 'POST' })).status).toBe(404);
    const stranger = new ApolloClient({ link: new HttpLink({ uri: `${gatewayUrl}/graphql`, headers: { Authorization: `Bearer ${token}x` } }), cache: new InMemoryCache() });
    try {
      const failed = await stranger.query({ query: MyDaysQuery, variables: { from: '2026-01-01', to: '2026-01-02' } }).catch((error: unknown) => error);
      expect(failed).toBeInstanceOf(Error);
      expect(CombinedGraphQLErrors.is(failed) ? failed.errors[0].extensions?.code : String((failed as Error).message)).toMatch(/UNAUTHENTICATED|401/);
    } finally {
      stranger.stop();
    }
  }, 60_000);
});
