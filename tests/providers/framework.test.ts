/**
 * The provider framework: a provider is declared as data (variables, endpoints, priorities, its
 * simulator) and the configuration, settings and sandbox need no edit for it. Checked with a
 * made-up provider that exists only in this test.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { defineProvider, providerSettings } from '../../src/providers/define.js';
import type { PrismaClient } from '../../src/generated/prisma/client.js';
import { startAuthorization } from '../../src/oauth/flow.js';
import type { TokenCipher } from '../../src/security/crypto.js';
import { constantTimeEqual } from '../../src/security/compare.js';
import { DEVICE_PROVIDERS, PROVIDERS } from '../../src/providers/registry.js';
import type { ProviderDeclaration } from '../../src/providers/types.js';
import { startSandbox } from '../../src/sandbox/runtime.js';

const started: string[] = [];

const acme: ProviderDeclaration = {
  id: 'ACME' as ProviderDeclaration['id'],
  slug: 'acme',
  displayName: 'Acme',
  envPrefix: 'ACME',
  endpoints: { authorizationUrl: 'https://auth.acme.test/authorize', tokenUrl: 'https://auth.acme.test/token', apiUrl: 'https://api.acme.test' },
  oauth: { scopes: ['read'], clientAuth: 'client_secret_post', pkce: false, issuesRefreshTokens: true },
  extraSettings: { webhookVerificationToken: { env: 'WEBHOOK_VERIFY_TOKEN', secret: true }, region: { env: 'REGION' } },
  priority: { sleep: 3, recovery: 0, activity: 3, workout: 3 },
  simulator: {
    authorizationPath: '/consent',
    tokenPath: '/oauth/token',
    async start(options) {
      started.push(`${options.clientId}:${options.clientSecret}:${options.seed}`);
      const server = http.createServer((_req, res) => res.end('acme'));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
    },
  },
};
const declarations = [...PROVIDERS, acme];
/** The phones, in registry order (they rank after every cloud provider unless named). */
const devices = DEVICE_PROVIDERS.map((p) => p.id);

describe('provider declarations drive the configuration', () => {
  test('a declared provider gets its variables, defaults and extras parsed', () => {
    const config = loadConfig(
      { ACME_CLIENT_ID: 'id', ACME_CLIENT_SECRET: 's3cret', ACME_API_URL: 'http://127.0.0.1:9/acme/v1/', ACME_WEBHOOK_VERIFY_TOKEN: 'vt', SANDBOX: 'false' },
      declarations,
    );
    expect(config.providers.acme).toEqual({
      credentials: { clientId: 'id', clientSecret: 's3cret' },
      authorizationUrl: 'https://auth.acme.test/authorize',
      tokenUrl: 'https://auth.acme.test/token',
      apiUrl: 'http://127.0.0.1:9/acme/v1',
      extras: { webhookVerificationToken: 'vt', region: null },
      secrets: ['vt', 's3cret'],
    });
    // The registered ones are parsed by the same code.
    expect(config.providers.polar.apiUrl).toBe('https://www.polaraccesslink.com');
    expect(config.providers.oura.credentials).toBeNull();
  });

  test('bad values name the declared variable', () => {
    expect(() => loadConfig({ ACME_CLIENT_ID: 'id' }, declarations)).toThrow(new ConfigError('ACME_CLIENT_ID and ACME_CLIENT_SECRET must be set together'));
    expect(() => loadConfig({ ACME_TOKEN_URL: 'not a url' }, declarations)).toThrow(/ACME_TOKEN_URL must be an absolute URL/);
  });

  test('default priorities follow the declared ranks, ties in registry order; overrides must name known providers', () => {
    const config = loadConfig({}, declarations);
    // Device providers (phones) rank after the cloud ones by default.
    expect(config.providerPriority.recovery).toEqual(['ACME', 'OURA', 'POLAR', 'GARMIN', 'WHOOP', 'STRAVA', ...devices]);
    expect(config.providerPriority.sleep).toEqual(['OURA', 'POLAR', 'GARMIN', 'WHOOP', 'ACME', 'STRAVA', ...devices]);
    expect(config.providerPriority.workout).toEqual(['POLAR', 'GARMIN', 'OURA', 'WHOOP', 'STRAVA', 'ACME', ...devices]);
    // Listed ones first, the rest in the default order.
    expect(loadConfig({ PROVIDER_PRIORITY_WORKOUT: 'acme' }, declarations).providerPriority.workout).toEqual(['ACME', 'POLAR', 'GARMIN', 'OURA', 'WHOOP', 'STRAVA', ...devices]);
    expect(() => loadConfig({ PROVIDER_PRIORITY_SLEEP: 'acme,suunto' }, declarations)).toThrow(
      `PROVIDER_PRIORITY_SLEEP names unknown providers: SUUNTO (known: polar, oura, whoop, garmin, strava, acme, ${DEVICE_PROVIDERS.map((p) => p.slug).join(', ')})`,
    );
  });

  test('PROVIDER_PRIORITY_* can name device providers, by slug or by id', () => {
    const config = loadConfig({ PROVIDER_PRIORITY_ACTIVITY: 'apple-health, polar', PROVIDER_PRIORITY_SLEEP: 'SAMSUNG_HEALTH,health-connect,oura' });
    expect(config.providerPriority.activity).toEqual(['APPLE_HEALTH', 'POLAR', 'GARMIN', 'OURA', 'WHOOP', 'STRAVA', 'HEALTH_CONNECT', 'SAMSUNG_HEALTH']);
    expect(config.providerPriority.sleep).toEqual(['SAMSUNG_HEALTH', 'HEALTH_CONNECT', 'OURA', 'POLAR', 'GARMIN', 'WHOOP', 'STRAVA', 'APPLE_HEALTH']);
    expect(() => loadConfig({ PROVIDER_PRIORITY_WORKOUT: 'apple_watch' })).toThrow(/PROVIDER_PRIORITY_WORKOUT names unknown providers: APPLE_WATCH \(known: .*apple-health, health-connect, samsung-health\)/);
  });

  test('the registered providers keep their documented defaults', () => {
    const config = loadConfig({});
    expect(config.providerPriority).toEqual({
      sleep: ['OURA', 'POLAR', 'GARMIN', 'WHOOP', 'STRAVA', ...devices],
      recovery: ['OURA', 'POLAR', 'GARMIN', 'WHOOP', 'STRAVA', ...devices],
      activity: ['POLAR', 'GARMIN', 'OURA', 'WHOOP', 'STRAVA', ...devices],
      workout: ['POLAR', 'GARMIN', 'OURA', 'WHOOP', 'STRAVA', ...devices],
    });
    expect(config.providers.oura.extras).toEqual({ webhookVerificationToken: null });
  });
});

describe('provider settings and the sandbox come from the declaration', () => {
  test('real side: configured endpoints and extras; sandbox side: the simulator, no extras', () => {
    const config = loadConfig({ ACME_CLIENT_ID: 'id', ACME_CLIENT_SECRET: 's', ACME_WEBHOOK_VERIFY_TOKEN: 'vt', PUBLIC_URL: 'http://gw.test:4000' }, declarations);
    const real = providerSettings(config, acme);
    expect(real).toMatchObject({
      sandbox: false,
      credentials: { clientId: 'id', clientSecret: 's' },
      apiUrl: 'https://api.acme.test',
      webhookVerificationToken: 'vt',
      oauth: { authorizationUrl: 'https://auth.acme.test/authorize', tokenUrl: 'https://auth.acme.test/token', scopes: ['read'], clientAuth: 'client_secret_post' },
    });
    const simulated = providerSettings(config, acme, { sandbox: true });
    // A declared API path on the simulator (Strava's /api/v3) is kept under its base.
    expect(providerSettings(config, { ...acme, simulator: { ...acme.simulator, apiPath: '/api/v3' } }, { sandbox: true }).apiUrl).toBe(`${simulated.apiUrl}/api/v3`);
    expect(simulated).toMatchObject({
      sandbox: true,
      credentials: { clientId: 'sandbox-acme-client', clientSecret: 'sandbox-acme-secret' },
      webhookVerificationToken: null,
      extras: { webhookVerificationToken: null, region: null },
      oauth: { authorizationUrl: 'http://gw.test:4000/sandbox/acme/consent' },
    });
  });

  test('the authorization request joins scopes with the declared separator and carries the declared extra parameters', async () => {
    const commaAcme = defineProvider({ ...acme, oauth: { ...acme.oauth, scopes: ['read', 'activity:read_all'], scopeSeparator: ',', authorizationParams: { approval_prompt: 'auto' } }, dataTypes: [] });
    const config = loadConfig({ ACME_CLIENT_ID: 'id', ACME_CLIENT_SECRET: 's', PUBLIC_URL: 'http://gw.test:4000', SANDBOX: 'false' }, [...PROVIDERS, commaAcme]);
    const states: unknown[] = [];
    const prisma = { oAuthState: { create: async (row: unknown) => states.push(row) } } as unknown as PrismaClient;
    const url = new URL(await startAuthorization({ prisma, config, cipher: null as unknown as TokenCipher }, commaAcme, { userId: 'u1', redirectUri: 'https://app.test/' }));
    expect(url.searchParams.get('scope')).toBe('read,activity:read_all');
    expect(url.searchParams.get('approval_prompt')).toBe('auto');
    expect(url.searchParams.get('redirect_uri')).toBe('http://gw.test:4000/oauth/acme/callback');
    expect(states).toHaveLength(1);
  });

  test('constantTimeEqual: equal strings only (same prefix, other length, empty)', () => {
    expect(constantTimeEqual('verify-token', 'verify-token')).toBe(true);
    expect(constantTimeEqual('verify-token', 'verify-tokem')).toBe(false);
    expect(constantTimeEqual('verify-token', 'verify-token2')).toBe(false);
    expect(constantTimeEqual('', 'verify-token')).toBe(false);
  });

  test('startSandbox starts every declared simulator and routes server-to-server calls to it', async () => {
    const config = loadConfig({ PUBLIC_URL: 'http://gw-sandbox.test:4000', SANDBOX_SEED: '7' }, [acme]);
    const runtime = await startSandbox(config, createLogger({ level: 'error' }), [acme]);
    try {
      expect(started).toContain('sandbox-acme-client:sandbox-acme-secret:7');
      const url = runtime.endpoints.get('acme');
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const settings = providerSettings(config, acme);
      expect(settings.sandbox).toBe(true);
      expect(settings.apiUrl).toBe(url);
      expect(settings.oauth.tokenUrl).toBe(`${url}/oauth/token`);
      expect(await (await fetch(settings.apiUrl)).text()).toBe('acme');
    } finally {
      await runtime.close();
    }
    // Closed: calls go through PUBLIC_URL again.
    expect(providerSettings(config, acme).apiUrl).toBe('http://gw-sandbox.test:4000/sandbox/acme');
  });
});
