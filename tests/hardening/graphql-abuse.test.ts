/**
 * GraphQL abuse: static limits (depth, aliases, tokens, cost), batching, page size, request
 * timeout, CSRF prevention, CORS and introspection switching. Each refusal is a clear error with a
 * code, answered quickly, and the server keeps serving.
 */
import { createSchema, createYoga } from 'graphql-yoga';
import { ConfigError, loadConfig } from '../../src/config.js';
import { useRequestTimeout } from '../../src/http/use-request-timeout.js';
import { databaseVariants } from '../support/databases.js';
import { createTestApp, TEST_ADMIN_KEY, type TestApp } from '../support/test-app.js';


async function post(t: TestApp, body: unknown, headers: Record<string, string> = {}) {
  const response = await t.app.yoga.fetch('http://localhost/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_KEY}`, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: await response.json().catch(() => null) };
}

describe.each(databaseVariants())('GraphQL abuse limits (%s)', (variant) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(variant, { GRAPHQL_MAX_DEPTH: '7', GRAPHQL_MAX_ALIASES: '5', GRAPHQL_MAX_TOKENS: '400', GRAPHQL_MAX_COST: '5000' });
  });
  afterAll(() => t.close());

  const code = (res: { body: { errors?: { extensions?: { code?: string } }[] } | null }) => res.body?.errors?.[0]?.extensions?.code;

  it('refuses a query nested deeper than GRAPHQL_MAX_DEPTH with QUERY_TOO_COMPLEX', async () => {
    const ok = await t.graphql('{ users(first: 1) { edges { node { connections { syncRuns(first: 1) { edges { cursor } } } } } } }');
    expect(ok.body.errors).toBeUndefined();
    const tooDeep = await t.graphql('{ users(first: 1) { edges { node { connections { syncRuns(first: 1) { edges { node { skippedReasons { reason } } } } } } } } }');
    expect(tooDeep.status).toBe(400);
    expect(code(tooDeep)).toBe('QUERY_TOO_COMPLEX');
    expect(tooDeep.body.errors?.[0].message).toMatch(/depth limit of 7/);
    expect(tooDeep.body.data).toBeUndefined();
  });

  it('counts depth through fragments too', async () => {
    const res = await t.graphql(
      'query { ...A } fragment A on Query { users(first: 1) { edges { node { ...B } } } } fragment B on User { connections { syncRuns(first: 1) { edges { node { skippedReasons { reason } } } } } }',
    );
    expect(res.body.errors?.[0].message).toMatch(/depth limit of 7 exceeded, found 9/);
    expect(code(res)).toBe('QUERY_TOO_COMPLEX');
  });

  it('refuses more aliases than GRAPHQL_MAX_ALIASES', async () => {
    const ok = await t.graphql(`{ ${[1, 2, 3, 4, 5].map((i) => `a${i}: __typename`).join(' ')} }`);
    expect(ok.body.errors).toBeUndefined();
    const many = await t.graphql(`{ ${Array.from({ length: 50 }, (_, i) => `a${i}: providers { id }`).join(' ')} }`);
    expect(code(many)).toBe('QUERY_TOO_COMPLEX');
    expect(many.body.errors?.[0].message).toMatch(/Aliases limit of 5/i);
  });

  it('stops parsing a document over GRAPHQL_MAX_TOKENS, even a huge one, quickly', async () => {
    // 80,000 tokens (880 KB): a bigger body is refused with 413 before parsing (the 1 MB body limit).
    const huge = `{ ${'__typename '.repeat(80_000)} }`;
    const started = Date.now();
    const res = await t.graphql(huge);
    expect(code(res)).toBe('QUERY_TOO_COMPLEX');
    expect(res.body.errors?.[0].message).toMatch(/Token limit of 400/);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('refuses a query whose estimated cost exceeds GRAPHQL_MAX_COST', async () => {
    const costly = await t.graphql('{ users(first: 100) { edges { node { id workouts(from: "2026-01-01", to: "2026-12-31", first: 100) { edges { node { id sport } } } } } } }');
    expect(code(costly)).toBe('QUERY_TOO_COMPLEX');
    expect(costly.body.errors?.[0].message).toMatch(/cost limit of 5000/i);
  });

  it('refuses batched operations (a JSON array) and runs only the named operation of a multi-operation document', async () => {
    const batch = await post(t, [{ query: '{ __typename }' }, { query: '{ __typename }' }]);
    expect(batch.status).toBeGreaterThanOrEqual(400);
    expect(batch.status).toBeLessThan(500);
    const multi = await post(t, { query: 'query A { a: __typename } query B { b: __typename }', operationName: 'B' });
    expect(multi.body.data).toEqual({ b: 'Query' });
    const unnamed = await post(t, { query: 'query A { a: __typename } query B { b: __typename }' });
    expect(unnamed.body.errors?.[0].message).toMatch(/operation/i);
  });

  it('caps page sizes: first above the maximum is a BAD_USER_INPUT error, literal or variable', async () => {
    const literal = await t.graphql('{ users(first: 101) { edges { node { id } } } }');
    expect(code(literal)).toBe('BAD_USER_INPUT');
    const variable = await t.graphql('query($n: Int) { users(first: $n) { edges { node { id } } } }', { n: 101 });
    expect(code(variable)).toBe('BAD_USER_INPUT');
  });

  it('keeps serving normal requests right after a volley of refused ones', async () => {
    const abusive = Array.from({ length: 30 }, () => t.graphql(`{ ${'__typename '.repeat(5000)} }`));
    const results = await Promise.all(abusive);
    expect(results.every((r) => code(r) === 'QUERY_TOO_COMPLEX')).toBe(true);
    const res = await t.graphql('{ __typename }');
    expect(res.body.data).toEqual({ __typename: 'Query' });
  });

  describe('CSRF prevention', () => {
    it('accepts POST with content-type application/json and no extra header (curl, Apollo, GraphiQL)', async () => {
      const res = await post(t, { query: '{ __typename }' });
      expect(res.status).toBe(200);
    });

    it('refuses simple requests (GET, text/plain, form bodies) without a CSRF header with 403, before running anything', async () => {
      const get = await t.app.yoga.fetch('http://localhost/graphql?query=%7B__typename%7D', { headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, accept: 'application/json' } });
      expect(get.status).toBe(403);
      expect((await get.json()).errors[0].extensions.code).toBe('CSRF_PREVENTED');
      const usersBefore = await t.database.prisma.user.count();
      for (const contentType of ['text/plain', 'application/x-www-form-urlencoded']) {
        const res = await post(t, JSON.stringify({ query: 'mutation { createUser(input: { externalId: "csrf" }) { id } }' }), { 'content-type': contentType });
        expect(res.status).toBe(403);
      }
      expect(await t.database.prisma.user.count()).toBe(usersBefore);
    });

    it('accepts a GET query that carries x-graphql-csrf (or apollo-require-preflight)', async () => {
      for (const header of ['x-graphql-csrf', 'apollo-require-preflight']) {
        const get = await t.app.yoga.fetch('http://localhost/graphql?query=%7B__typename%7D', {
          headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, accept: 'application/json', [header]: '1' },
        });
        expect(get.status).toBe(200);
        expect((await get.json()).data).toEqual({ __typename: 'Query' });
      }
    });

    it('still serves the GraphiQL page to a browser GET', async () => {
      const page = await t.app.yoga.fetch('http://localhost/graphql', { headers: { accept: 'text/html' } });
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
    });
  });

  describe('introspection', () => {
    it('is on by default: __schema works and GraphiQL is served', async () => {
      const res = await t.graphql('{ __schema { queryType { name } } }');
      expect(res.body.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    });
  });
});

describe('introspection switched off (GRAPHQL_INTROSPECTION=false)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('pglite', { GRAPHQL_INTROSPECTION: 'false' });
  });
  afterAll(() => t.close());

  it('refuses __schema and __type but keeps __typename', async () => {
    for (const query of ['{ __schema { types { name } } }', '{ __type(name: "User") { fields { name } } }']) {
      const res = await t.graphql(query);
      expect(res.body.data).toBeUndefined();
      expect(res.body.errors?.[0].message).toMatch(/introspection/i);
    }
    expect((await t.graphql('{ __typename }')).body.data).toEqual({ __typename: 'Query' });
  });

  it('refuses _service { sdl } too (it would hand out the whole schema, admin mutations included)', async () => {
    const reader = (await t.graphql('mutation { createApiKey(input: { name: "sdl", scopes: [READ] }) { key } }')).body.data.createApiKey.key;
    for (const key of [reader, undefined]) {
      const res = await t.graphql('{ _service { sdl } }', undefined, key);
      expect(res.body.data).toBeUndefined();
      expect(res.body.errors?.[0].message).toMatch(/introspection has been disabled, and so has _service/);
      expect(JSON.stringify(res.body)).not.toMatch(/createApiKey/);
    }
  });

  it('serves no GraphiQL page', async () => {
    const page = await t.app.yoga.fetch('http://localhost/graphql', { headers: { accept: 'text/html' } });
    expect(page.headers.get('content-type') ?? '').not.toMatch(/text\/html/);
  });

  it('does not suggest field names ("Did you mean") in validation errors', async () => {
    const res = await t.graphql('{ user(id: "x") { externalI } }');
    expect(res.body.errors?.[0].message).toMatch(/Cannot query field "externalI"/);
    expect(JSON.stringify(res.body.errors)).not.toMatch(/Did you mean/);
  });
});

describe('CORS (CORS_ORIGINS)', () => {
  const preflight = (t: TestApp, origin: string) =>
    t.app.yoga.fetch('http://localhost/graphql', {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });

  it('default (*): any origin may call, never with credentials', async () => {
    const t = await createTestApp('pglite');
    try {
      const res = await preflight(t, 'https://anywhere.example');
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe('https://anywhere.example');
      expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    } finally {
      await t.close();
    }
  });

  it('a list allows only those origins; others get no CORS headers', async () => {
    const t = await createTestApp('pglite', { CORS_ORIGINS: 'https://app.example.com, https://admin.example.com' });
    try {
      const allowed = await preflight(t, 'https://admin.example.com');
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://admin.example.com');
      expect(allowed.headers.get('access-control-allow-headers')).toMatch(/authorization/);
      const refused = await preflight(t, 'https://evil.example');
      expect(refused.headers.get('access-control-allow-origin')).toBeNull();
      const actual = await t.app.yoga.fetch('http://localhost/graphql', {
        method: 'POST',
        headers: { origin: 'https://evil.example', 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_KEY}` },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      expect(actual.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await t.close();
    }
  });

  it('none switches CORS off; a bad value stops the start naming the variable', async () => {
    const t = await createTestApp('pglite', { CORS_ORIGINS: 'none' });
    try {
      const res = await preflight(t, 'https://app.example.com');
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await t.close();
    }
    expect(() => loadConfig({ CORS_ORIGINS: 'not a url' })).toThrow(ConfigError);
    expect(() => loadConfig({ CORS_ORIGINS: 'not a url' })).toThrow(/CORS_ORIGINS/);
    expect(() => loadConfig({ GRAPHQL_INTROSPECTION: 'maybe' })).toThrow(/GRAPHQL_INTROSPECTION/);
    expect(() => loadConfig({ RATE_LIMIT_PER_MINUTE: '-1' })).toThrow(/RATE_LIMIT_PER_MINUTE/);
  });
});

describe('request timeout (GRAPHQL_REQUEST_TIMEOUT_SECONDS)', () => {
  it('answers an operation still running after the timeout with TIMEOUT (504); fast ones are unaffected', async () => {
    const yoga = createYoga({
      schema: createSchema({
        typeDefs: 'type Query { slow: String fast: String }',
        resolvers: { Query: { slow: () => new Promise((resolve) => setTimeout(() => resolve('late'), 3000).unref()), fast: () => 'ok' } },
      }),
      plugins: [useRequestTimeout(200)],
      logging: false,
    });
    const ask = (query: string) =>
      yoga.fetch('http://localhost/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    const started = Date.now();
    const slow = await ask('{ slow }');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(slow.status).toBe(504);
    const body = await slow.json();
    expect(body.errors[0].extensions.code).toBe('TIMEOUT');
    const fast = await ask('{ fast }');
    expect(await fast.json()).toEqual({ data: { fast: 'ok' } });
  });

  it('defaults to 30 s and can be switched off with 0', () => {
    expect(loadConfig({}).graphql.requestTimeoutSeconds).toBe(30);
    expect(loadConfig({ GRAPHQL_REQUEST_TIMEOUT_SECONDS: '0' }).graphql.requestTimeoutSeconds).toBe(0);
  });
});
