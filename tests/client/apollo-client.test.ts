/**
 * The API as a front-end or mobile app uses it: a real Apollo Client (normalized InMemoryCache,
 * relay-style pagination, HttpLink) with operations typed by the GraphQL Code Generator client
 * preset (`npm run codegen` regenerates ./__generated__ from schema.graphql and the documents below).
 */
import { ApolloClient, CombinedGraphQLErrors, HttpLink, InMemoryCache, ServerError } from '@apollo/client';
import { relayStylePagination } from '@apollo/client/utilities';
import { filter, firstValueFrom, timeout } from 'rxjs';
import { databaseVariants } from '../support/databases.js';
import { seedTwoProviders, userGlobalId } from '../support/seed.js';
import { createTestApp, TEST_ADMIN_KEY, type TestApp } from '../support/test-app.js';
import { graphql } from './__generated__/gql.js';
import type { WorkoutSummaryFragment } from './__generated__/graphql.js';

const WorkoutSummary = graphql(`
  fragment WorkoutSummary on Workout {
    id
    sport
    startTime
    distanceMeters
    source { provider }
  }
`);

const UserWorkoutsQuery = graphql(`
  query UserWorkouts($id: ID!, $from: LocalDate!, $to: LocalDate!, $first: Int!, $after: String) {
    user(id: $id) {
      id
      externalId
      workouts(from: $from, to: $to, first: $first, after: $after) {
        edges { cursor node { ...WorkoutSummary } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
`);

const WorkoutNodeQuery = graphql(`
  query WorkoutNode($id: ID!) {
    node(id: $id) {
      id
      ... on Workout { ...WorkoutSummary }
    }
  }
`);

const UserDaysQuery = graphql(`
  query UserDays($id: ID!, $from: LocalDate!, $to: LocalDate!) {
    user(id: $id) {
      id
      days(from: $from, to: $to) {
        date
        workouts { id sport distanceMeters source { provider device } }
        sleep { id totalSleepSeconds score source { provider device } }
      }
    }
  }
`);

const CreateUserMutation = graphql(`
  mutation CreateUser($input: CreateUserInput!) {
    createUser(input: $input) { id externalId createdAt }
  }
`);

const FirstUsersQuery = graphql(`
  query FirstUsers($first: Int!) {
    users(first: $first) { edges { node { id externalId } } }
  }
`);

const ENDPOINT = 'http://localhost/graphql';
const globalId = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64');
/** The type name inside one of the API's global IDs (base64 of "Type:id"). */
const typenameOf = (id: string) => Buffer.from(id, 'base64').toString('utf8').split(':')[0];

interface Recorded { operationName: string; status: number }

/** An Apollo Client talking to the in-process yoga app; records every HTTP exchange. */
function apolloClient(t: TestApp, key: string | null) {
  const requests: Recorded[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const response = await t.app.yoga.fetch(String(input), init ?? {});
    requests.push({ operationName: JSON.parse(String(init?.body ?? '{}')).operationName, status: response.status });
    return response;
  };
  const cache = new InMemoryCache({
      typePolicies: {
        User: { fields: { workouts: relayStylePagination(['from', 'to', 'provider']) } },
        Query: {
          fields: {
            // Global IDs name their type, so node(id) can be answered from the normalized cache.
            node: {
              read: (existing, { args, toReference }) =>
                existing ?? (typeof args?.id === 'string' ? toReference({ __typename: typenameOf(args.id), id: args.id }) : undefined),
            },
          },
        },
      },
  });
  const client = new ApolloClient({
    link: new HttpLink({ uri: ENDPOINT, fetch, headers: key ? { Authorization: `Bearer ${key}` } : {} }),
    cache,
  });
  return { client, cache, requests };
}

describe.each(databaseVariants())('Apollo Client against the API (%s)', (variant) => {
  let t: TestApp;
  let userId: string;
  let api: ReturnType<typeof apolloClient>;
  const range = { from: '2026-01-01', to: '2026-03-01' };

  beforeAll(async () => {
    t = await createTestApp(variant);
    [userId] = await seedTwoProviders(t.database.prisma, { users: 1, days: 60, ...range });
    api = apolloClient(t, TEST_ADMIN_KEY);
  }, 60_000);
  afterAll(async () => {
    api?.client.stop();
    await t?.close();
  });

  let workouts: WorkoutSummaryFragment[] = [];

  it('pages through all workouts with fetchMore, merged in the cache by relayStylePagination', async () => {
    const total = await t.database.prisma.workout.count({ where: { userId } });
    expect(total).toBe(30);
    const variables = { id: userGlobalId(userId), ...range, first: 10 };
    const observable = api.client.watchQuery({ query: UserWorkoutsQuery, variables });
    // The watched query re-emits from the cache once a fetchMore page is merged in.
    const merged = (edges: number) =>
      firstValueFrom(
        observable.pipe(
          filter((result) => result.dataState === 'complete' && result.data.user!.workouts.edges.length === edges),
          timeout(5_000),
        ),
      );
    const subscription = observable.subscribe(() => {});
    try {
      const first = await merged(10);
      if (first.dataState !== 'complete') throw new Error('unreachable');
      expect(first.data.user?.externalId).toMatch(/^seed-0-/);

      let pages = 1;
      let connection = first.data.user!.workouts;
      while (connection.pageInfo.hasNextPage) {
        const more = await observable.fetchMore({ variables: { after: connection.pageInfo.endCursor } });
        expect(more.data?.user?.workouts.edges.length).toBeGreaterThan(0);
        pages++;
        const current = await merged(Math.min(pages * 10, total));
        if (current.dataState !== 'complete') throw new Error('unreachable');
        connection = current.data.user!.workouts;
        expect(pages).toBeLessThanOrEqual(3);
      }

      // The list cached under the first page's variables holds every page, in order, once.
      const cached = api.client.readQuery({ query: UserWorkoutsQuery, variables });
      workouts = cached!.user!.workouts.edges.map((edge) => edge.node);
      const rows = await t.database.prisma.workout.findMany({ where: { userId }, orderBy: [{ startTime: 'asc' }, { id: 'asc' }] });
      expect(workouts.map((w) => w.id)).toEqual(rows.map((row) => globalId('Workout', row.id)));
      expect(new Set(workouts.map((w) => w.id)).size).toBe(workouts.length);
      expect(workouts.map((w) => Date.parse(w.startTime))).toEqual(rows.map((row) => row.startTime.getTime()));
      expect(workouts.every((w) => w.sport === 'RUNNING' && w.source.provider === 'POLAR')).toBe(true);
      expect(cached!.user!.workouts.pageInfo.hasNextPage).toBe(false);

      expect(pages).toBe(3);
      expect(api.requests.filter((r) => r.operationName === 'UserWorkouts')).toEqual(Array.from({ length: 3 }, () => ({ operationName: 'UserWorkouts', status: 200 })));
      // One normalized entity per workout.
      const workoutKeys = Object.keys(api.cache.extract()).filter((key) => key.startsWith('Workout:'));
      expect(workoutKeys.sort()).toEqual(workouts.map((w) => `Workout:${w.id}`).sort());
    } finally {
      subscription.unsubscribe();
    }
  });

  it('normalizes workouts by global ID and answers node(id) from the cache', async () => {
    const workout = workouts[3];
    expect(workout).toBeDefined();
    const cacheId = api.client.cache.identify({ __typename: 'Workout', id: workout.id });
    expect(cacheId).toBe(`Workout:${workout.id}`);
    expect(api.client.readFragment({ fragment: WorkoutSummary, fragmentName: 'WorkoutSummary', id: cacheId })).toEqual(workout);

    const before = api.requests.length;
    const result = await api.client.query({ query: WorkoutNodeQuery, variables: { id: workout.id }, fetchPolicy: 'cache-only' });
    expect(api.requests.length).toBe(before);
    expect(result.data?.node).toEqual(workout);

    // The same entity from the network is written to the same cache key, which cache-only then sees.
    const fresh = await api.client.query({ query: WorkoutNodeQuery, variables: { id: workout.id }, fetchPolicy: 'network-only' });
    expect(api.requests.length).toBe(before + 1);
    expect(fresh.data?.node).toEqual(workout);
  });

  it('joins Polar workouts and Oura sleep per day, sharing workout entities with the list', async () => {
    const { data } = await api.client.query({ query: UserDaysQuery, variables: { id: userGlobalId(userId), from: '2026-01-01', to: '2026-01-04' } });
    const days = data!.user!.days;
    expect(days.map((d) => d.date)).toEqual(['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-04']);
    const [jan1, jan2] = days;
    expect(jan1.workouts).toEqual([{ __typename: 'Workout', id: workouts[0].id, sport: 'RUNNING', distanceMeters: 10000, source: { __typename: 'Source', provider: 'POLAR', device: 'Polar Vantage V3' } }]);
    expect(jan1.sleep).toEqual([
      { __typename: 'SleepSession', id: expect.any(String), totalSleepSeconds: 25200, score: 70, source: { __typename: 'Source', provider: 'OURA', device: 'Oura Ring Gen3' } },
    ]);
    expect(jan2.workouts).toEqual([]);
    expect(jan2.sleep.map((s) => s.source.provider)).toEqual(['OURA']);
    // The day's workout is the entity the paginated list cached, not a copy.
    expect(api.client.cache.identify(jan1.workouts[0])).toBe(`Workout:${workouts[0].id}`);
    expect(api.client.readFragment({ fragment: WorkoutSummary, fragmentName: 'WorkoutSummary', id: `Workout:${workouts[0].id}` })).toEqual(workouts[0]);
  });

  it('creates a user through a mutation and caches it', async () => {
    const externalId = `apollo-${variant}-${Date.now()}`;
    const { data, error } = await api.client.mutate({ mutation: CreateUserMutation, variables: { input: { externalId } } });
    expect(error).toBeUndefined();
    const created = data!.createUser;
    expect(created.externalId).toBe(externalId);
    expect(Number.isNaN(Date.parse(created.createdAt))).toBe(false);
    expect(typenameOf(created.id)).toBe('User');
    expect(api.cache.extract()[`User:${created.id}`]).toMatchObject({ __typename: 'User', id: created.id, externalId });
    expect(await t.database.prisma.user.count({ where: { externalId } })).toBe(1);
  });

  it('reports a missing or unknown key as UNAUTHENTICATED with HTTP 401', async () => {
    for (const key of [null, 'whg_not_a_real_key_000000000000']) {
      const anonymous = apolloClient(t, key);
      try {
        const error = await anonymous.client.query({ query: FirstUsersQuery, variables: { first: 1 } }).then(
          () => undefined,
          (e: unknown) => e,
        );
        // Apollo 4 negotiates application/graphql-response+json, so a 401 that carries a GraphQL
        // body surfaces as CombinedGraphQLErrors (not ServerError); the error has no HTTP status,
        // which is why the link's fetch records it.
        expect(anonymous.requests).toEqual([{ operationName: 'FirstUsers', status: 401 }]);
        expect(CombinedGraphQLErrors.is(error)).toBe(true);
        if (!CombinedGraphQLErrors.is(error)) return;
        expect(ServerError.is(error)).toBe(false);
        expect(error.data).toBeUndefined();
        expect(error.errors).toHaveLength(1);
        expect(error.errors[0].extensions?.code).toBe('UNAUTHENTICATED');
        expect(anonymous.cache.extract()).toEqual({});
      } finally {
        anonymous.client.stop();
      }
    }
  });
});
