/** SERVER_URL (the API's own URL for the CLI and `npm run mcp`), GATEWAY_URL its deprecated alias (issue 13 item 14). */
import { loadConfig, reportDeprecations } from '../../src/config.js';

it('SERVER_URL, else GATEWAY_URL (deprecated, one warning per process), else http://localhost:$PORT', () => {
  expect(loadConfig({ PORT: '5100' }).client).toEqual({ serverUrl: 'http://localhost:5100', serverUrlSet: false, apiKey: null });
  expect(loadConfig({ SERVER_URL: 'http://api.internal:4000/', API_KEY: 'whg_k' }).client).toEqual({ serverUrl: 'http://api.internal:4000', serverUrlSet: true, apiKey: 'whg_k' });
  const old = loadConfig({ GATEWAY_URL: 'http://old.internal:4000' });
  expect(old.client).toMatchObject({ serverUrl: 'http://old.internal:4000', serverUrlSet: true });
  expect(old.deprecations).toEqual([expect.stringMatching(/^GATEWAY_URL is deprecated: call it SERVER_URL/)]);
  // Both: SERVER_URL wins, the old name still earns its warning.
  const both = loadConfig({ GATEWAY_URL: 'http://old.internal:4000', SERVER_URL: 'http://new.internal:4000' });
  expect(both.client.serverUrl).toBe('http://new.internal:4000');
  expect(both.deprecations).toHaveLength(1);
  expect(loadConfig({}).deprecations).toEqual([]);
  expect(() => loadConfig({ SERVER_URL: 'not a url' })).toThrow('SERVER_URL must be an absolute URL (got "not a url")');
  expect(() => loadConfig({ GATEWAY_URL: 'nope' })).toThrow('GATEWAY_URL must be an absolute URL');

  const warnings: string[] = [];
  reportDeprecations(old, (m) => warnings.push(m));
  reportDeprecations(both, (m) => warnings.push(m));
  reportDeprecations(loadConfig({ GATEWAY_URL: 'http://x.internal' }), (m) => warnings.push(m));
  expect(warnings).toHaveLength(1);
});
