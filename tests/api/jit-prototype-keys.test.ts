/**
 * Issue 14, item 14: graphql-jit builds answers as plain objects, so an alias named `__proto__`
 * set the answer's prototype (the field vanished, `{ __proto__: __typename }` answered `{}`) and
 * reordered the keys around it. Such documents run on graphql-js; the answers below are written
 * by hand as graphql-js gives them (its answers are prototype-less objects, keys in document order).
 */
import { DEVICE_PROVIDERS, PROVIDERS } from '../../src/providers/registry.js';
import { createTestApp, TEST_ADMIN_KEY, type TestApp } from '../support/test-app.js';

/** What `providers` lists: the cloud providers, then the phones. */
const ALL_PROVIDERS = [...PROVIDERS, ...DEVICE_PROVIDERS];

describe('response keys named like Object.prototype members', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('pglite');
  });
  afterAll(() => t?.close());

  const raw = async (query: string) => {
    const res = await t.app.yoga.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_KEY}` },
      body: JSON.stringify({ query }),
    });
    return res.text();
  };

  it.each([
    ['{ __proto__: __typename }', '{"data":{"__proto__":"Query"}}'],
    ['{ a: __typename __proto__: __typename b: __typename }', '{"data":{"a":"Query","__proto__":"Query","b":"Query"}}'],
    ['{ providers { __proto__: id constructor: id } }', JSON.stringify({ data: { providers: ALL_PROVIDERS.map((p) => JSON.parse(`{"__proto__":"${p.id}","constructor":"${p.id}"}`)) } })],
    ['{ constructor: __typename toString: __typename hasOwnProperty: __typename valueOf: __typename }', '{"data":{"constructor":"Query","toString":"Query","hasOwnProperty":"Query","valueOf":"Query"}}'],
    ['{ p: providers { id __proto__: name } }', JSON.stringify({ data: { p: ALL_PROVIDERS.map((p) => JSON.parse(`{"id":"${p.id}","__proto__":"${p.displayName}"}`)) } })],
  ])('%s answers %s', async (query, expected) => {
    expect(await raw(query)).toBe(expected);
  });

  it('ordinary documents still run compiled', async () => {
    const compiled = () => t.logLines.filter((l) => l.includes('graphql-jit compiled an operation')).length;
    const before = compiled();
    expect(await raw('{ plain: providers { id } }')).toBe(JSON.stringify({ data: { plain: ALL_PROVIDERS.map((p) => ({ id: p.id })) } }));
    expect(compiled()).toBe(before + 1);
  });
});
