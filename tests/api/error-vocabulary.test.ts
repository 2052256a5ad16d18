import { randomBytes } from 'node:crypto';
import { databaseVariants } from '../support/databases.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

// One error vocabulary: missing records are null (Relay), bad input is BAD_USER_INPUT naming the
// argument (extensions.argument) and the limit, refused before anything runs, nothing written, no
// ERROR log line. Issue 13 items 1 and 15, issue 14 item 11.
const gid = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64');
const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

describe.each(databaseVariants())('error vocabulary (%s)', (variant) => {
  let t: TestApp;
  let userId: string;
  let connectionId: string;
  beforeAll(async () => {
    t = await createTestApp(variant);
    userId = (await t.graphql('mutation { createUser(input: { externalId: "vocab" }) { id } }')).body.data.createUser.id;
    const user = await t.database.prisma.user.findUniqueOrThrow({ where: { externalId: 'vocab' } });
    const connection = await t.database.prisma.connection.create({
      data: { userId: user.id, provider: 'POLAR', status: 'ACTIVE', providerUserId: 'p-vocab', scopes: [], accessTokenEncrypted: 'x' } as never,
    });
    connectionId = gid('Connection', connection.id);
  });
  afterAll(() => t.close());

  const errorLogs = () => t.logLines.filter((line) => /^\S+ ERROR /.test(line));

  const expectBadInput = (res: Awaited<ReturnType<TestApp['graphql']>>, argument: string, message: RegExp) => {
    expect(res.body.errors).toHaveLength(1);
    const [error] = res.body.errors!;
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
    expect(error.message).toMatch(message);
    expect(res.body.data).toBeUndefined(); // refused before anything ran: no parent nulled, nothing half-done
  };

  it('node(id)/nodes(ids) answer null for a well-formed ID of a record that does not exist, and no error', async () => {
    const before = errorLogs().length;
    const missingUser = gid('User', ZERO_UUID);
    const single = await t.graphql('query($id: ID!) { node(id: $id) { id } }', { id: missingUser });
    expect(single.body).toEqual({ data: { node: null } });
    const many = await t.graphql('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', {
      ids: [userId, gid('Workout', ZERO_UUID), gid('Connection', 'deleted-long-ago'), userId],
    });
    expect(many.body).toEqual({ data: { nodes: [{ id: userId }, null, null, { id: userId }] } });
    expect(errorLogs().length).toBe(before);
  });

  it('an ID of an unknown or non-Node type, or not an ID at all, is BAD_USER_INPUT naming the argument', async () => {
    expectBadInput(await t.graphql('query($id: ID!) { node(id: $id) { id } }', { id: gid('Nope', 'x') }), 'id', /global ID of a Node.*Nope/);
    expectBadInput(await t.graphql('query($id: ID!) { node(id: $id) { id } }', { id: gid('Source', 'x') }), 'id', /Source/);
    expectBadInput(await t.graphql('{ node(id: "garbage") { id } }'), 'id', /not a global ID/);
    expectBadInput(await t.graphql('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: [userId, 'garbage'] }), 'ids[1]', /not a global ID/);
    expectBadInput(await t.graphql('query($id: ID!) { user(id: $id) { id } }', { id: connectionId }), 'id', /global ID of a User.*Connection/);
  });

  it('a cursor this API did not give out is BAD_USER_INPUT on the connection argument, not a nulled user', async () => {
    const res = await t.graphql('query($id: ID!) { user(id: $id) { workouts(from: "2026-01-01", to: "2026-01-02", after: "zzz") { edges { cursor } } } }', { id: userId });
    expectBadInput(res, 'after', /cursor/);
  });

  it('a reversed or too wide range names the argument and the limit', async () => {
    const q = (field: string) => `query($id: ID!, $from: LocalDate!, $to: LocalDate!) { user(id: $id) { id ${field}(from: $from, to: $to) { __typename } } }`;
    for (const field of ['workouts', 'sleepSessions', 'recoveries', 'dailyActivities', 'vo2MaxEstimates']) {
      expectBadInput(await t.graphql(q(field), { id: userId, from: '2026-01-05', to: '2026-01-02' }), 'to', /"to" \(2026-01-02\) is before "from" \(2026-01-05\)/);
      // 2025-01-01..2026-01-02 is 365 + 2 = 367 days, inclusive.
      expectBadInput(await t.graphql(q(field), { id: userId, from: '2025-01-01', to: '2026-01-02' }), 'to', /at most 366 days \(asked for 367\)/);
      expect((await t.graphql(q(field), { id: userId, from: '2025-01-02', to: '2026-01-02' })).body.errors).toBeUndefined();
    }
    const hr = 'query($id: ID!, $from: DateTime!, $to: DateTime!) { user(id: $id) { heartRate(from: $from, to: $to) { edges { cursor } } } }';
    expectBadInput(await t.graphql(hr, { id: userId, from: '2026-01-05T00:00:00Z', to: '2026-01-02T00:00:00Z' }), 'to', /is before "from"/);
    expectBadInput(await t.graphql(hr, { id: userId, from: '2016-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }), 'to', /at most 366 days \(asked for 3653\)/);
    expect((await t.graphql(hr, { id: userId, from: '2025-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' })).body.errors).toBeUndefined();
    expectBadInput(
      await t.graphql('mutation($id: ID!) { resyncConnection(connectionId: $id, from: "2020-01-01", to: "2026-01-01") { id } }', { id: connectionId }),
      'to',
      /at most 730 days/,
    );
  });

  it('dates the database cannot hold (year 0) and NUL characters are refused at the edge, nothing written, no ERROR log', async () => {
    const before = errorLogs().length;
    const users = await t.database.prisma.user.count();
    const keys = await t.database.prisma.apiKey.count();
    const runs = await t.database.prisma.syncRun.count();
    expectBadInput(await t.graphql('query($id: ID!) { user(id: $id) { days(from: "0000-01-01", to: "0000-01-02") { date } } }', { id: userId }), 'from', /0001-01-01 to 9999-12-31 \(got 0000-01-01\)/);
    expectBadInput(await t.graphql('query($id: ID!, $d: LocalDate!) { user(id: $id) { workouts(from: $d, to: "0000-12-31") { __typename } } }', { id: userId, d: '0000-01-01' }), 'from', /got 0000-01-01/);
    expectBadInput(
      await t.graphql('query($id: ID!) { user(id: $id) { heartRate(from: "0000-01-01T00:00:00Z", to: "0000-01-02T00:00:00Z") { __typename } } }', { id: userId }),
      'from',
      /instant from 0001-01-01/,
    );
    expectBadInput(await t.graphql('mutation($id: ID!) { resyncConnection(connectionId: $id, from: "0000-01-01", to: "0000-01-05") { id } }', { id: connectionId }), 'from', /got 0000-01-01/);
    expectBadInput(await t.graphql('query($e: String!) { userByExternalId(externalId: $e) { id } }', { e: 'a\u0000b' }), 'externalId', /must not contain NUL/);
    expectBadInput(await t.graphql('mutation($e: String!) { createUser(input: { externalId: $e }) { id } }', { e: 'a\u0000b' }), 'input.externalId', /NUL/);
    expectBadInput(await t.graphql('mutation($n: String!) { createApiKey(input: { name: $n, scopes: [READ] }) { key } }', { n: 'k\u0000' }), 'input.name', /NUL/);
    expectBadInput(await t.graphql('query($id: ID!) { node(id: $id) { id } }', { id: gid('User', 'a\u0000b') }), 'id', /NUL/);
    // Random characters do not compress: 3,000 of them overflow the unique index's b-tree entry.
    const huge = randomBytes(1500).toString('hex');
    expectBadInput(await t.graphql('mutation($e: String!) { createUser(input: { externalId: $e }) { id } }', { e: huge }), 'input.externalId', /at most 255 characters long \(got 3000\)/);
    expect(await t.database.prisma.user.count()).toBe(users);
    expect(await t.database.prisma.apiKey.count()).toBe(keys);
    expect(await t.database.prisma.syncRun.count()).toBe(runs);
    expect(errorLogs().length).toBe(before);
  });

  it('a missing scope is FORBIDDEN naming the field and the scope', async () => {
    const reader = (await t.graphql('mutation { createApiKey(input: { name: "vocab-reader", scopes: [READ] }) { key } }')).body.data.createApiKey.key;
    const res = await t.graphql('mutation { createUser(input: { externalId: "nope" }) { id } }', undefined, reader);
    expect(res.body.errors?.[0].message).toBe('Forbidden: Mutation.createUser needs an API key with the WRITE scope');
    expect(res.body.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', requiredScopes: ['WRITE'] });
    const admin = await t.graphql('mutation { createApiKey(input: { name: "x", scopes: [READ] }) { key } }', undefined, reader);
    expect(admin.body.errors?.[0].message).toMatch(/needs an API key with the ADMIN scope/);
  });
});
