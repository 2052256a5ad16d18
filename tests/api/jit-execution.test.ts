import { databaseVariants } from '../support/databases.js';
import { seedTwoProviders, userGlobalId } from '../support/seed.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

const compiledLines = (t: TestApp) => t.logLines.filter((line) => line.includes('graphql-jit compiled an operation')).length;

describe.each(databaseVariants())('compiled execution (graphql-jit) answers as graphql-js did (%s)', (variant) => {
  let t: TestApp;
  let id: string;
  beforeAll(async () => {
    t = await createTestApp(variant);
    const [userId] = await seedTwoProviders(t.database.prisma, { users: 1, days: 3, from: '2026-01-01' });
    id = userGlobalId(userId);
  });
  afterAll(() => t.close());

  it('compiles a query text once and reuses it', async () => {
    const q = `query Once($id: ID!) { user(id: $id) { days(from: "2026-01-01", to: "2026-01-02") { date sleep { score } } } }`;
    const before = compiledLines(t);
    const first = await t.graphql(q, { id });
    const second = await t.graphql(q, { id });
    expect(second.body).toEqual(first.body);
    expect(first.body.data.user.days).toEqual([
      { date: '2026-01-01', sleep: [{ score: 70 }] },
      { date: '2026-01-02', sleep: [{ score: 71 }] },
    ]);
    expect(compiledLines(t) - before).toBe(1);
  });

  it('reports field errors with message, code, path and locations, and propagates null', async () => {
    // (Bad arguments are refused before execution now; a resolver's own error is what this checks.)
    const missing = Buffer.from('User:00000000-0000-0000-0000-000000000000').toString('base64');
    const res = await t.graphql(`mutation($id: ID!) {
  deleteUser(id: $id)
}`, { id: missing });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      errors: [
        {
          message: 'No such user',
          locations: [{ line: 2, column: 3 }],
          path: ['deleteUser'],
          extensions: { code: 'NOT_FOUND' },
        },
      ],
      data: null,
    });
  });

  it('refuses invalid variables with HTTP 400 and the scalar\'s own message', async () => {
    const q = `query($id: ID!, $from: LocalDate!) { user(id: $id) { days(from: $from, to: "2026-01-02") { date } } }`;
    const invalid = await t.graphql(q, { id, from: 'nope' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors?.[0].message).toBe('Variable "$from" got invalid value "nope"; Value is not a valid LocalDate: nope');
    const missing = await t.graphql(q, { id });
    expect(missing.status).toBe(400);
    expect(missing.body.errors?.[0].message).toBe('Variable "$from" of required type "LocalDate!" was not provided.');
    const valid = await t.graphql(q, { id, from: '2026-01-02' });
    expect(valid.body.data.user.days).toEqual([{ date: '2026-01-02' }]);
  });
});
