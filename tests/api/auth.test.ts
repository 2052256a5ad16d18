import { databaseVariants } from '../support/databases.js';
import { createTestApp, TEST_ADMIN_KEY, type TestApp } from '../support/test-app.js';

describe.each(databaseVariants())('API keys and auth (%s)', (variant) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(variant);
  });
  afterAll(() => t.close());

  it('answers 401 with a GraphQL-shaped error when the key is missing, unknown or malformed', async () => {
    for (const key of [null, 'whg_not_a_real_key_000000000000', 'x']) {
      const res = await t.graphql('{ __typename }', undefined, key);
      expect(res.status).toBe(401);
      expect(res.body.data).toBeUndefined();
      expect(res.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    }
  });

  it('accepts the INITIAL_API_KEY registered on the empty database', async () => {
    const res = await t.graphql('{ __typename }');
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ __typename: 'Query' });
  });

  it('stores only a hash, shows the key once, enforces scopes and revokes at once', async () => {
    const created = await t.graphql(`mutation { createApiKey(input: { name: "reader", scopes: [READ] }) { key apiKey { id scopes prefix } } }`);
    const { key, apiKey } = created.body.data.createApiKey;
    expect(apiKey.scopes).toEqual(['READ']);
    expect(key.startsWith(apiKey.prefix)).toBe(true);
    const stored = await t.database.prisma.apiKey.findMany();
    expect(stored.some((row) => JSON.stringify(row).includes(key))).toBe(false);

    expect((await t.graphql('{ users(first: 1) { edges { node { id } } } }', undefined, key)).status).toBe(200);
    const forbidden = await t.graphql('mutation { createUser(input: { externalId: "r1" }) { id } }', undefined, key);
    expect(forbidden.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await t.database.prisma.user.count({ where: { externalId: 'r1' } })).toBe(0);
    const noKeys = await t.graphql('mutation { createApiKey(input: { name: "x", scopes: [ADMIN] }) { key } }', undefined, key);
    expect(noKeys.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');

    const revoked = await t.graphql(`mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }`, { id: apiKey.id });
    expect(revoked.body.data.revokeApiKey.revokedAt).toBeTruthy();
    expect((await t.graphql('{ __typename }', undefined, key)).status).toBe(401);
    expect((await t.graphql('{ __typename }', undefined, TEST_ADMIN_KEY)).status).toBe(200);
  });

  it('WRITE keys create users but cannot delete them; ADMIN deletes every record of a user', async () => {
    const writer = (await t.graphql(`mutation { createApiKey(input: { name: "app", scopes: [WRITE] }) { key } }`)).body.data.createApiKey.key;
    const created = await t.graphql('mutation { createUser(input: { externalId: "w1" }) { id externalId } }', undefined, writer);
    expect(created.body.data.createUser.externalId).toBe('w1');
    const duplicate = await t.graphql('mutation { createUser(input: { externalId: "w1" }) { id } }', undefined, writer);
    expect(duplicate.body.errors?.[0].extensions?.code).toBe('CONFLICT');
    const userId = created.body.data.createUser.id;
    const denied = await t.graphql('mutation($id: ID!) { deleteUser(id: $id) }', { id: userId }, writer);
    expect(denied.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const deleted = await t.graphql('mutation($id: ID!) { deleteUser(id: $id) }', { id: userId });
    expect(deleted.body.data.deleteUser).toBe(userId);
    expect(await t.database.prisma.user.count({ where: { externalId: 'w1' } })).toBe(0);
  });

  it('never writes a key to the log', async () => {
    const created = await t.graphql(`mutation { createApiKey(input: { name: "secret-check", scopes: [READ] }) { key } }`);
    await t.graphql('{ __typename }', undefined, created.body.data.createApiKey.key);
    await t.graphql('{ nope }', undefined, created.body.data.createApiKey.key);
    const log = t.logLines.join('\n');
    expect(log).not.toContain(created.body.data.createApiKey.key);
    expect(log).not.toContain(TEST_ADMIN_KEY);
  });
});
