/**
 * Access: scopes against admin mutations, revocation taking effect at once, constant-time key
 * comparison, and the per-key rate limit (429 + Retry-After, GraphQL-shaped).
 */
import crypto from 'node:crypto';
import { jest } from '@jest/globals';
import { verifyApiKey } from '../../src/auth/api-keys.js';
import { RateLimiter } from '../../src/http/use-rate-limit.js';
import { databaseVariants } from '../support/databases.js';
import { createTestApp, TEST_ADMIN_KEY, type TestApp } from '../support/test-app.js';

describe.each(databaseVariants())('access hardening (%s)', (variant) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(variant, { RATE_LIMIT_PER_MINUTE: '30' });
  });
  afterAll(() => t.close());

  const newKey = async (scope: 'READ' | 'WRITE' | 'ADMIN') => {
    const res = await t.graphql(`mutation { createApiKey(input: { name: "k-${scope}-${Math.random()}", scopes: [${scope}] }) { key apiKey { id } } }`);
    return res.body.data.createApiKey as { key: string; apiKey: { id: string } };
  };

  it('a READ key cannot run any admin or write mutation, and nothing changes', async () => {
    const reader = await newKey('READ');
    const victim = await newKey('READ');
    const user = (await t.graphql('mutation { createUser(input: { externalId: "acc-victim" }) { id } }')).body.data.createUser.id;
    const before = { keys: await t.database.prisma.apiKey.count({ where: { revokedAt: null } }), users: await t.database.prisma.user.count() };
    const attempts: [string, Record<string, unknown>][] = [
      ['mutation { createApiKey(input: { name: "escalate", scopes: [ADMIN] }) { key } }', {}],
      ['mutation($id: ID!) { revokeApiKey(id: $id) { id } }', { id: victim.apiKey.id }],
      ['mutation($id: ID!) { deleteUser(id: $id) }', { id: user }],
      ['mutation { createUser(input: { externalId: "acc-new" }) { id } }', {}],
      ['mutation($id: ID!) { connectProvider(input: { userId: $id, provider: POLAR, redirectUri: "https://app.example.com/x" }) { authorizationUrl } }', { id: user }],
    ];
    for (const [query, variables] of attempts) {
      const res = await t.graphql(query, variables, reader.key);
      expect(res.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      expect(res.body.data ?? null).toBeNull();
    }
    expect(await t.database.prisma.apiKey.count({ where: { revokedAt: null } })).toBe(before.keys);
    expect(await t.database.prisma.user.count()).toBe(before.users);
  });

  it('a revoked key fails on the very next request (no cache), with 401', async () => {
    const { key, apiKey } = await newKey('WRITE');
    expect((await t.graphql('{ __typename }', undefined, key)).status).toBe(200);
    await t.graphql('mutation($id: ID!) { revokeApiKey(id: $id) { id } }', { id: apiKey.id });
    const after = await t.graphql('{ __typename }', undefined, key);
    expect(after.status).toBe(401);
    expect(after.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('looks keys up by hash and compares in constant time (crypto.timingSafeEqual)', async () => {
    const spy = jest.spyOn(crypto, 'timingSafeEqual');
    try {
      expect(await verifyApiKey(t.database.prisma, TEST_ADMIN_KEY)).not.toBeNull();
      expect(spy).toHaveBeenCalledTimes(1);
      // A key differing in its last character is not found by the hash lookup at all: no
      // character-by-character comparison ever happens.
      expect(await verifyApiKey(t.database.prisma, TEST_ADMIN_KEY.slice(0, -1) + 'x')).toBeNull();
      expect(await verifyApiKey(t.database.prisma, 'y'.repeat(300))).toBeNull();
    } finally {
      spy.mockRestore();
    }
  });

  it('rate-limits per key: 429 with Retry-After and a GraphQL error; other keys are unaffected', async () => {
    const { key } = await newKey('READ');
    const results = [];
    let raw: Response;
    // The bucket refills one token per 2 s: on a slow machine the 35 requests could earn refills,
    // so the limiter's clock stands still while they are sent.
    const frozen = Date.now();
    const clock = jest.spyOn(Date, 'now').mockImplementation(() => frozen);
    try {
      for (let i = 0; i < 35; i++) results.push(await t.graphql('{ __typename }', undefined, key));
      raw = await t.app.yoga.fetch('http://localhost/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
    } finally {
      clock.mockRestore();
    }
    const limited = results.filter((r) => r.status === 429);
    expect(results.filter((r) => r.status === 200)).toHaveLength(30);
    expect(limited).toHaveLength(5);
    expect(limited[0].body.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
    expect(raw.status).toBe(429);
    expect(Number(raw.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(raw.headers.get('retry-after'))).toBeLessThanOrEqual(2);
    // Another key has its own bucket.
    const other = await newKey('READ');
    expect((await t.graphql('{ __typename }', undefined, other.key)).status).toBe(200);
  });
});

describe('RateLimiter (token bucket)', () => {
  it('refills continuously: after Retry-After seconds the key may call again', () => {
    let now = 1_000_000;
    const limiter = new RateLimiter(60, () => now);
    for (let i = 0; i < 60; i++) expect(limiter.take('k')).toBe(0);
    const wait = limiter.take('k');
    expect(wait).toBe(1);
    now += wait * 1000;
    expect(limiter.take('k')).toBe(0);
    expect(limiter.take('k')).toBeGreaterThan(0);
    now += 60_000;
    for (let i = 0; i < 60; i++) expect(limiter.take('k')).toBe(0);
  });

  it('RATE_LIMIT_PER_MINUTE=0 disables the limit', async () => {
    const t = await createTestApp('pglite', { RATE_LIMIT_PER_MINUTE: '0' });
    try {
      const statuses = await Promise.all(Array.from({ length: 50 }, () => t.graphql('{ __typename }').then((r) => r.status)));
      expect(statuses.every((s) => s === 200)).toBe(true);
    } finally {
      await t.close();
    }
  });
});
