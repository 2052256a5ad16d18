/**
 * `_entities` is how a gateway reaches this subgraph: all representations of one call must load in
 * a fixed number of SQL statements (like `days`), whatever their number.
 */
import { databaseVariants } from '../support/databases.js';
import type { PrismaClient } from '../../src/generated/prisma/client.js';
import { userGlobalId } from '../support/seed.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

const gid = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64');

/** n users (externalId acct-00..), each with a Polar run on Jan 1, Oura sleep and Polar recovery on Jan 1-2, a Polar connection: 3 statements with days. */
async function seedBulk(prisma: PrismaClient, n: number) {
  const externalIds = Array.from({ length: n }, (_, i) => `acct-${String(i).padStart(2, '0')}`);
  await prisma.user.createMany({ data: externalIds.map((externalId) => ({ externalId })) });
  const users = await prisma.user.findMany({ where: { externalId: { in: externalIds } } });
  const at = (date: string, hour: number) => new Date(`${date}T${String(hour).padStart(2, '0')}:00:00Z`);
  const base = (userId: string, date: string) => ({ userId, utcOffsetMinutes: 0, localDate: new Date(`${date}T00:00:00Z`) });
  const days = ['2026-01-01', '2026-01-02'];
  await prisma.workout.createMany({
    data: users.map((u) => ({
      ...base(u.id, '2026-01-01'), provider: 'POLAR' as const, providerRecordId: `ex-${u.id}`, startTime: at('2026-01-01', 18), endTime: at('2026-01-01', 19),
      sport: 'RUNNING' as const, providerSport: 'RUNNING', durationSeconds: 3600,
    })),
  });
  await prisma.sleepSession.createMany({
    data: users.flatMap((u) => days.map((d, i) => ({ ...base(u.id, d), provider: 'OURA' as const, providerRecordId: `sl-${u.id}-${d}`, startTime: at(d, 0), endTime: at(d, 7), score: 70 + i }))),
  });
  await prisma.recovery.createMany({
    data: users.flatMap((u) => days.map((d) => ({ ...base(u.id, d), provider: 'POLAR' as const, providerRecordId: `nr-${u.id}-${d}`, startTime: at(d, 0), hrvRmssdMs: 40 }))),
  });
  await prisma.connection.createMany({ data: users.map((u) => ({ userId: u.id, provider: 'POLAR' as const, scopes: [] })) });
}

const USER_ENTITIES = `query($representations: [_Any!]!) {
  _entities(representations: $representations) {
    __typename
    ... on User { id externalId days(from: "2026-01-01", to: "2026-01-02") { date workouts { sport } sleep { score } } }
  }
}`;

const RECORD_ENTITIES = `query($representations: [_Any!]!) {
  _entities(representations: $representations) {
    __typename
    ... on Workout { id sport }
    ... on SleepSession { id score }
    ... on Recovery { id provider }
    ... on Connection { id provider }
  }
}`;

describe.each(databaseVariants())('federation _entities are batched (%s)', (variant) => {
  let t: TestApp;
  let users: { id: string; externalId: string | null }[];

  beforeAll(async () => {
    t = await createTestApp(variant, { RUN_WORKERS: 'false' });
    await seedBulk(t.database.prisma, 50);
    users = await t.database.prisma.user.findMany({ orderBy: { externalId: 'asc' } });
  }, 60_000);
  afterAll(() => t?.close());

  /** Runs one `_entities` call; returns its data and the SQL statements it cost. */
  async function entities(query: string, representations: object[]) {
    t.statements.length = 0;
    const res = await t.graphql(query, { representations });
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    // The API key's lastUsedAt bookkeeping is fire-and-forget, once a minute: not part of the query.
    const statements = t.statements.filter((sql) => !sql.startsWith('UPDATE "public"."ApiKey"'));
    return { data: res.body.data!._entities as any[], statements: statements.length };
  }

  it('loads 1 or 50 users by externalId, with their days, in the same number of statements', async () => {
    const one = await entities(USER_ENTITIES, [{ __typename: 'User', externalId: users[0].externalId }]);
    const fifty = await entities(USER_ENTITIES, users.map((u) => ({ __typename: 'User', externalId: u.externalId })));
    expect(one.data[0]).toMatchObject({ __typename: 'User', id: userGlobalId(users[0].id), externalId: users[0].externalId });
    expect(one.data[0].days[0]).toEqual({ date: '2026-01-01', workouts: [{ sport: 'RUNNING' }], sleep: [{ score: 70 }] });
    expect(fifty.data).toHaveLength(50);
    expect(fifty.data.map((u) => u.externalId)).toEqual(users.map((u) => u.externalId));
    // API key lookup + users (one findMany for every key) + the days loader (one statement for workouts, sleep, recovery, activity)
    expect(one.statements).toBe(3);
    expect(fifty.statements).toBe(one.statements);
    // Without days: API key lookup + users.
    const plain = `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on User { externalId } } }`;
    expect((await entities(plain, [{ __typename: 'User', externalId: users[0].externalId }])).statements).toBe(2);
    expect((await entities(plain, users.map((u) => ({ __typename: 'User', externalId: u.externalId })))).statements).toBe(2);
  });

  it('loads users by global id, and by both keys in one call, in the same number of statements', async () => {
    const one = await entities(USER_ENTITIES, [{ __typename: 'User', id: userGlobalId(users[0].id) }]);
    const mixed = await entities(
      USER_ENTITIES,
      users.map((u, i) => (i % 2 ? { __typename: 'User', id: userGlobalId(u.id) } : { __typename: 'User', externalId: u.externalId })),
    );
    expect(mixed.data.map((u) => u.id)).toEqual(users.map((u) => userGlobalId(u.id)));
    expect(one.statements).toBe(3);
    expect(mixed.statements).toBe(one.statements);
  });

  it('loads workouts, sleep, recovery and connections by id: one statement per type, whatever the count', async () => {
    const db = t.database.prisma;
    const [workouts, sleeps, recoveries, connections] = await Promise.all([
      db.workout.findMany({ take: 50, orderBy: { id: 'asc' } }),
      db.sleepSession.findMany({ take: 50, orderBy: { id: 'asc' } }),
      db.recovery.findMany({ take: 50, orderBy: { id: 'asc' } }),
      db.connection.findMany({ take: 50, orderBy: { id: 'asc' } }),
    ]);
    const reps = (n: number) => [
      ...workouts.slice(0, n).map((r) => ({ __typename: 'Workout', id: gid('Workout', r.id) })),
      ...sleeps.slice(0, n).map((r) => ({ __typename: 'SleepSession', id: gid('SleepSession', r.id) })),
      ...recoveries.slice(0, n).map((r) => ({ __typename: 'Recovery', id: gid('Recovery', r.id) })),
      ...connections.slice(0, n).map((r) => ({ __typename: 'Connection', id: gid('Connection', r.id) })),
    ];
    const one = await entities(RECORD_ENTITIES, reps(1));
    const fifty = await entities(RECORD_ENTITIES, reps(50));
    expect(one.data).toEqual([
      { __typename: 'Workout', id: gid('Workout', workouts[0].id), sport: 'RUNNING' },
      { __typename: 'SleepSession', id: gid('SleepSession', sleeps[0].id), score: sleeps[0].score },
      { __typename: 'Recovery', id: gid('Recovery', recoveries[0].id), provider: recoveries[0].provider },
      { __typename: 'Connection', id: gid('Connection', connections[0].id), provider: 'POLAR' },
    ]);
    expect(fifty.data).toHaveLength(200);
    expect(fifty.data.every((e) => e !== null)).toBe(true);
    // API key lookup + one findMany per entity type
    expect(one.statements).toBe(5);
    expect(fifty.statements).toBe(one.statements);
  });

  it('answers null for unknown or malformed references, without a statement for them', async () => {
    const res = await entities(RECORD_ENTITIES, [
      { __typename: 'Workout', id: gid('Workout', '00000000-0000-0000-0000-000000000000') },
      { __typename: 'Workout', id: gid('SleepSession', users[0].id) }, // another type's id
      { __typename: 'Workout', id: 'not base64 at all' },
    ]);
    expect(res.data).toEqual([null, null, null]);
    const user = await entities(USER_ENTITIES, [{ __typename: 'User', externalId: 'nobody' }, { __typename: 'User', id: 'garbage' }]);
    expect(user.data).toEqual([null, null]);
  });
});
