/**
 * Issue 14, item 12: OAUTH_REDIRECT_ALLOWLIST entries matched as string prefixes, so with
 * `<PUBLIC_URL>/done` allowed, `/donex`, `/done-evil` and `/done%2F..%2Fadmin` were accepted. Now:
 * the origin exactly, the path on segment boundaries, after normalisation.
 */
import { loadConfig } from '../../src/config.js';
import { isAllowedRedirect } from '../../src/oauth/flow.js';

describe('OAUTH_REDIRECT_ALLOWLIST', () => {
  const config = loadConfig({ PUBLIC_URL: 'http://localhost:4000', OAUTH_REDIRECT_ALLOWLIST: 'http://localhost:4000/done, https://app.example.com/cb/' });

  it.each([
    'http://localhost:4000/done',
    'http://localhost:4000/done/',
    'http://localhost:4000/done/connected?user=1#top',
    'http://localhost:4000/done/./x', // normalised to /done/x
    'https://app.example.com/cb/',
    'https://app.example.com/cb/deeper/still',
    'https://APP.example.com:443/cb/x', // the same origin, spelled otherwise
  ])('accepts %s', (uri) => {
    expect(isAllowedRedirect(config, uri)).toBe(true);
  });

  it.each([
    'http://localhost:4000/donex',
    'http://localhost:4000/done-evil',
    'http://localhost:4000/done%2F..%2Fadmin',
    'http://localhost:4000/done/..%2Fadmin',
    'http://localhost:4000/done/%5C..%5Cadmin',
    'http://localhost:4000/done/../admin', // normalised to /admin
    'http://localhost:4000/done/%2e%2e/admin', // likewise
    'http://localhost:4000/',
    'http://localhost:4001/done',
    'https://localhost:4000/done',
    'http://user:pw@localhost:4000/done',
    'http://localhost:4000.evil.example/done',
    'https://app.example.com/cb', // the entry's path is /cb/: /cb alone is another resource
    'https://app.example.com/cbx/',
    'javascript:alert(1)//localhost:4000/done',
    'not a url',
  ])('refuses %s', (uri) => {
    expect(isAllowedRedirect(config, uri)).toBe(false);
  });

  it('defaults to PUBLIC_URL\'s origin, matched as an origin, not a prefix', () => {
    const defaults = loadConfig({ PUBLIC_URL: 'http://localhost:4000' });
    expect(isAllowedRedirect(defaults, 'http://localhost:4000/anything')).toBe(true);
    expect(isAllowedRedirect(defaults, 'http://localhost:40000/anything')).toBe(false);
    expect(isAllowedRedirect(defaults, 'http://localhost:4000@evil.example/')).toBe(false);
  });
});
