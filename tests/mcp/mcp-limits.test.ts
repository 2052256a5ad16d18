/** /mcp shares GraphQL's per-key rate limit (one bucket per key across both APIs). */
import { databaseVariants } from '../support/databases.js';
import { createTestApp, TEST_ADMIN_KEY, type TestApp } from '../support/test-app.js';

describe.each(databaseVariants())('MCP limits (%s)', (variant) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(variant, { RATE_LIMIT_PER_MINUTE: '3', PUBLIC_URL: 'http://gateway.test' });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  const mcp = () =>
    t.app.yoga.fetch('http://gateway.test/mcp', {
      method: 'POST',
      headers: { host: 'gateway.test', 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${TEST_ADMIN_KEY}` },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'x', version: '1' } } }),
    });

  it('two GraphQL requests and one MCP request use up a bucket of 3; the next of either is refused with 429 and Retry-After', async () => {
    expect((await t.graphql('{ __typename }')).status).toBe(200);
    expect((await t.graphql('{ __typename }')).status).toBe(200);
    expect((await mcp()).status).toBe(200);
    const refused = await mcp();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await t.graphql('{ __typename }')).status).toBe(429);
  });
});
