/**
 * A user token with SELF_CONNECT connects its own user's (sandbox) provider: connectProvider
 * without a userId, the consent page, the callback; the connection is the token's user's.
 */
import http from 'node:http';
import { followSandboxConsent } from '../../src/cli/demo.js';
import { databaseVariants } from '../support/databases.js';
import { userGlobalId } from '../support/seed.js';
import { freePort } from '../support/server-process.js';
import { createTestApp, TEST_ADMIN_KEY, type TestApp } from '../support/test-app.js';

describe.each(databaseVariants())('a user token connects its own provider (%s)', (variant) => {
  let t: TestApp;
  let server: http.Server;
  let url: string;
  beforeAll(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    t = await createTestApp(variant, { SANDBOX: 'true', PUBLIC_URL: url, SYNC_BACKFILL_DAYS: '3' });
    server = http.createServer(t.app.yoga);
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  }, 60_000);
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await t?.close();
  });

  it('connectProvider with no userId connects the token\'s user; another user\'s id is "No such user"', async () => {
    const alice = (await t.graphql('mutation { createUser(input: { externalId: "app-alice" }) { id } }')).body.data.createUser.id;
    const bob = (await t.graphql('mutation { createUser(input: { externalId: "app-bob" }) { id } }')).body.data.createUser.id;
    const token = (await t.graphql(`mutation($u: ID!) { createUserToken(input: { userId: $u, scopes: [SELF_READ, SELF_CONNECT] }) { token } }`, { u: alice })).body.data.createUserToken.token;
    const connect = `mutation($u: ID) { connectProvider(input: { userId: $u, provider: POLAR, redirectUri: "${url}/health" }) { authorizationUrl } }`;

    const forBob = await t.graphql(connect, { u: bob }, token);
    const forNobody = await t.graphql(connect, { u: userGlobalId('00000000-0000-4000-8000-000000000000') }, token);
    expect(forBob.body.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect(forBob.body).toEqual(forNobody.body);

    const started = await t.graphql(connect, {}, token);
    expect(started.body.errors).toBeUndefined();
    const connectionId = await followSandboxConsent({ url, key: TEST_ADMIN_KEY }, started.body.data.connectProvider.authorizationUrl);
    const me = await t.graphql('{ me { id connections { id provider sandbox status } } }', undefined, token);
    expect(me.body.data.me.id).toBe(alice);
    expect(me.body.data.me.connections).toEqual([{ id: connectionId, provider: 'POLAR', sandbox: true, status: 'ACTIVE' }]);
    expect(await t.database.prisma.connection.count({ where: { user: { externalId: 'app-bob' } } })).toBe(0);

    // Its own connection: resync and disconnect work with the token; an API key without userId is refused.
    const resync = await t.graphql('mutation($c: ID!) { resyncConnection(connectionId: $c) { status } }', { c: connectionId }, token);
    expect(resync.body.errors).toBeUndefined();
    const keyWithoutUser = await t.graphql(`mutation { connectProvider(input: { provider: POLAR, redirectUri: "${url}/health" }) { authorizationUrl } }`);
    expect(keyWithoutUser.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(keyWithoutUser.body.errors?.[0].message).toMatch(/userId/);
  }, 120_000);
});
