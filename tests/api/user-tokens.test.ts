/**
 * User tokens minted by createUserToken: `me`, scopes, expiry, revocation, signing-key rotation,
 * and the three kinds of bearer credential told apart (API key, minted token, foreign JWT).
 */
import { UserTokenSigner } from '../../src/auth/user-tokens.js';
import { databaseVariants } from '../support/databases.js';
import { seedTwoProviders, userGlobalId } from '../support/seed.js';
import { createTestApp, TEST_ADMIN_KEY, type TestApp } from '../support/test-app.js';

const MINT = `mutation($u: ID!, $s: [UserTokenScope!]!, $ttl: Int) {
  createUserToken(input: { userId: $u, scopes: $s, ttlSeconds: $ttl }) { token expiresAt scopes user { id } }
}`;
const ME_DAYS = `{ me { id externalId days(from: "2026-03-01", to: "2026-03-03") { date workouts { distanceMeters } sleep { totalSleepSeconds } } } }`;

describe.each(databaseVariants())('user tokens (%s)', (variant) => {
  let t: TestApp;
  let alice: string;
  let bob: string;
  const mint = async (userId: string, scopes: string[] = ['SELF_READ'], ttl?: number) => {
    const res = await t.graphql(MINT, { u: userGlobalId(userId), s: scopes, ttl });
    expect(res.body.errors).toBeUndefined();
    return res.body.data.createUserToken.token as string;
  };

  beforeAll(async () => {
    t = await createTestApp(variant, { PUBLIC_URL: 'https://health.example.com' });
    [alice, bob] = await seedTwoProviders(t.database.prisma, { users: 2, days: 3, from: '2026-03-01' });
  });
  afterAll(() => t.close());

  it("reads its own user's me { days } with a minted token; an API key's me is null", async () => {
    const res = await t.graphql(MINT, { u: userGlobalId(alice), s: ['SELF_READ'] });
    const minted = res.body.data.createUserToken;
    expect(minted.scopes).toEqual(['SELF_READ']);
    expect(minted.user.id).toBe(userGlobalId(alice));
    // Default lifetime: one hour.
    expect(Math.abs(new Date(minted.expiresAt).getTime() - (Date.now() + 3600_000))).toBeLessThan(5_000);
    expect(minted.token.split('.')).toHaveLength(3);

    const me = await t.graphql(ME_DAYS, undefined, minted.token);
    expect(me.status).toBe(200);
    expect(me.body.errors).toBeUndefined();
    expect(me.body.data.me.id).toBe(userGlobalId(alice));
    // Seeded by hand (tests/support/seed.ts): user 0 runs 10,000 m + day index on even days, sleeps 7 h + day index seconds.
    expect(me.body.data.me.days.map((d: any) => d.date)).toEqual(['2026-03-01', '2026-03-02', '2026-03-03']);
    expect(me.body.data.me.days.map((d: any) => d.workouts.map((w: any) => w.distanceMeters))).toEqual([[10_000], [], [10_002]]);
    expect(me.body.data.me.days.map((d: any) => d.sleep.map((s: any) => s.totalSleepSeconds))).toEqual([[25_200], [25_201], [25_202]]);

    const asKey = await t.graphql('{ me { id } }');
    expect(asKey.body.data).toEqual({ me: null });
  });

  it('a user token lists no users, mints nothing, creates nothing; another user reads as missing', async () => {
    const token = await mint(alice);
    const users = await t.graphql('{ users(first: 5) { edges { node { id } } } }', undefined, token);
    expect(users.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(users.body.data).toBeNull();
    for (const mutation of [
      'mutation { createUser(input: { externalId: "from-app" }) { id } }',
      `mutation { createUserToken(input: { userId: "${userGlobalId(alice)}", scopes: [SELF_READ] }) { token } }`,
      `mutation { revokeUserTokens(userId: "${userGlobalId(bob)}") }`,
      'mutation { createApiKey(input: { name: "x", scopes: [READ] }) { key } }',
    ]) {
      const res = await t.graphql(mutation, undefined, token);
      expect(res.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    }
    expect(await t.database.prisma.user.count({ where: { externalId: 'from-app' } })).toBe(0);

    const bobsUser = await t.graphql('query($id: ID!) { user(id: $id) { id } }', { id: userGlobalId(bob) }, token);
    const missing = await t.graphql('query($id: ID!) { user(id: $id) { id } }', { id: userGlobalId('00000000-0000-4000-8000-000000000000') }, token);
    expect(bobsUser.body).toEqual({ data: { user: null } });
    expect(bobsUser.body).toEqual(missing.body);
  });

  it('scopes: a SELF_INGEST-only token cannot read; SELF_READ cannot connect', async () => {
    const ingest = await mint(alice, ['SELF_INGEST']);
    const read = await t.graphql('{ me { id } }', undefined, ingest);
    expect(read.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    // Not through federation's _entities either (it sits outside the Query type's scope check).
    const entities = await t.graphql('query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id } } }', { r: [{ __typename: 'User', id: userGlobalId(alice) }] }, ingest);
    expect(entities.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(JSON.stringify(entities.body.data ?? null)).not.toContain(userGlobalId(alice));
    const reader = await mint(alice, ['SELF_READ']);
    const connect = await t.graphql('mutation { connectProvider(input: { provider: POLAR, redirectUri: "https://health.example.com/done" }) { authorizationUrl } }', undefined, reader);
    expect(connect.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    // Named as a user token knows its scopes; what no user token may do says it needs an API key.
    expect(connect.body.errors?.[0].message).toBe('Forbidden: Mutation.connectProvider needs a user token with the SELF_CONNECT scope');
    const create = await t.graphql('mutation { createUser(input: { externalId: "nope" }) { id } }', undefined, reader);
    expect(create.body.errors?.[0].message).toBe('Forbidden: Mutation.createUser needs an API key with the WRITE scope (a user token cannot use it)');
  });

  it('createUserToken checks its arguments: BAD_USER_INPUT naming the argument and the limit', async () => {
    for (const [ttl, scopes] of [[59, ['SELF_READ']], [30 * 24 * 3600 + 1, ['SELF_READ']], [3600, []]] as const) {
      const res = await t.graphql(MINT, { u: userGlobalId(alice), s: scopes, ttl });
      expect(res.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(res.body.errors?.[0].message).toMatch(scopes.length ? /ttlSeconds must be between 60 and 2592000/ : /scopes/);
    }
    const unknown = await t.graphql(MINT, { u: userGlobalId('00000000-0000-4000-8000-000000000000'), s: ['SELF_READ'] });
    expect(unknown.body.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  it('refuses expired, tampered and foreign tokens with a clear 401', async () => {
    const expired = await t.app.principals.signer.mint({ userId: alice, scopes: ['SELF_READ'], ttlSeconds: 60, revision: 0, now: Date.now() - 3600_000 });
    const tokenOk = await mint(alice);
    const [h, p, s] = tokenOk.split('.');
    const tampered = [h, Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), sub: bob })).toString('base64url'), s].join('.');
    const otherDeployment = new UserTokenSigner({ keys: [Buffer.alloc(32, 7)], publicUrl: 'https://health.example.com' });
    const forged = (await otherDeployment.mint({ userId: alice, scopes: ['SELF_READ'], ttlSeconds: 600, revision: 0 })).token;
    const cases: [string, RegExp][] = [
      [expired.token, /expired/],
      [tampered, /not valid/],
      [forged, /not valid/],
      ['eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.', /API key or user token/],
    ];
    for (const [token, message] of cases) {
      const res = await t.graphql('{ me { id } }', undefined, token);
      expect(res.status).toBe(401);
      expect(res.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
      expect(res.body.errors?.[0].message).toMatch(message);
      expect(res.body.data).toBeUndefined();
    }
  });

  it('revokeUserTokens ends every earlier token of that user at once, and only that user', async () => {
    const before = await mint(alice);
    const bobs = await mint(bob);
    const revoked = await t.graphql('mutation($u: ID!) { revokeUserTokens(userId: $u) }', { u: userGlobalId(alice) });
    expect(new Date(revoked.body.data.revokeUserTokens).getTime()).toBeLessThanOrEqual(Date.now());
    const res = await t.graphql('{ me { id } }', undefined, before);
    expect(res.status).toBe(401);
    expect(res.body.errors?.[0].message).toMatch(/revoked/);
    expect((await t.graphql('{ me { id } }', undefined, bobs)).body.data.me.id).toBe(userGlobalId(bob));
    const after = await mint(alice);
    expect((await t.graphql('{ me { id } }', undefined, after)).body.data.me.id).toBe(userGlobalId(alice));
  });

  it('never writes a user token to the log', async () => {
    const token = await mint(alice);
    await t.graphql('{ me { id nope } }', undefined, token);
    await t.graphql('{ me { id } }', undefined, token + 'x');
    expect(t.logLines.join('\n')).not.toContain(token);
    expect(t.logLines.join('\n')).not.toContain(TEST_ADMIN_KEY);
  });
});

describe('user-token signing keys rotate without downtime', () => {
  const k1 = Buffer.alloc(32, 1);
  const k2 = Buffer.alloc(32, 2);
  const publicUrl = 'https://health.example.com';

  it('a token signed with the previous key still verifies; one whose key is gone does not', async () => {
    const before = await new UserTokenSigner({ keys: [k1], publicUrl }).mint({ userId: 'u1', scopes: ['SELF_READ'], ttlSeconds: 600, revision: 0 });
    const rotating = new UserTokenSigner({ keys: [k2, k1], publicUrl });
    expect((await rotating.verify(before.token)).userId).toBe('u1');
    const after = await rotating.mint({ userId: 'u2', scopes: ['SELF_CONNECT'], ttlSeconds: 600, revision: 5 });
    expect(await new UserTokenSigner({ keys: [k2], publicUrl }).verify(after.token)).toMatchObject({ userId: 'u2', scopes: ['SELF_CONNECT'], revision: 5 });
    await expect(new UserTokenSigner({ keys: [k2], publicUrl }).verify(before.token)).rejects.toMatchObject({ reason: 'invalid' });
    // Another deployment (another PUBLIC_URL) with the same key: wrong issuer and audience.
    await expect(new UserTokenSigner({ keys: [k1], publicUrl: 'https://other.example.com' }).verify(before.token)).rejects.toMatchObject({ reason: 'invalid' });
  });
});

describe('browser and fairness: CORS and per-user rate limits for user tokens', () => {
  let t: TestApp;
  let alice: string;
  let bob: string;
  const mint = async (userId: string) =>
    (await t.graphql(MINT, { u: userGlobalId(userId), s: ['SELF_READ'] })).body.data.createUserToken.token as string;
  beforeAll(async () => {
    t = await createTestApp('pglite', { CORS_ORIGINS: 'https://app.example.com', USER_TOKEN_RATE_LIMIT_PER_MINUTE: '3', RATE_LIMIT_PER_MINUTE: '1000' });
    [alice, bob] = await seedTwoProviders(t.database.prisma, { users: 2, days: 1, from: '2026-03-01' });
  });
  afterAll(() => t.close());

  it('a browser front end on an allowed origin sends its user token (preflight allows Authorization, no cookies)', async () => {
    const token = await mint(alice);
    const preflight = await t.app.yoga.fetch('http://localhost/graphql', {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/authorization/i);
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
    const actual = await t.app.yoga.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { origin: 'https://app.example.com', 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ me { id } }' }),
    });
    expect(actual.status).toBe(200);
    expect(actual.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect((await actual.json()).data.me.id).toBe(userGlobalId(alice));
    const foreign = await t.app.yoga.fetch('http://localhost/graphql', {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
    });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });

  it("one user's tokens share a bucket; other users and API keys are not slowed", async () => {
    const [first, second] = [await mint(bob), await mint(bob)];
    const statuses = [];
    for (const token of [first, first, second, second]) statuses.push((await t.graphql('{ me { id } }', undefined, token)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await t.graphql('{ me { id } }', undefined, first);
    expect(limited.body.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
    expect(limited.body.errors?.[0].message).toMatch(/for this user/);
    expect((await t.graphql('{ me { id } }', undefined, await mint(alice))).status).toBe(200);
    expect((await t.graphql('{ __typename }')).status).toBe(200);
  });
});
