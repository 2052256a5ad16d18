import { createHttpClient } from '../../src/providers/http.js';
import { authorize, startPolarFake, type PolarFake } from '../fakes/polar/index.js';
import type { DatabaseVariant } from './databases.js';
import { createTestApp, type TestApp } from './test-app.js';

export const TODAY = '2026-11-20';
export const REDIRECT = 'https://app.example.com/connected';
export const ENCRYPTION_KEY = 'a'.repeat(64);

/** A gateway wired to a Polar fake on loopback, configured only through environment variables. */
export async function startPolarStack(
  variant: DatabaseVariant,
  env: Record<string, string> = {},
  fakeOptions: Parameters<typeof startPolarFake>[0] = {},
  httpOptions: Parameters<typeof createHttpClient>[0] = {},
) {
  const fake = await startPolarFake({ today: TODAY, days: 60, seed: 7, ...fakeOptions });
  const t = await createTestApp(
    variant,
    {
      POLAR_CLIENT_ID: fake.clientId,
      POLAR_CLIENT_SECRET: fake.clientSecret,
      POLAR_AUTHORIZATION_URL: fake.authorizationUrl,
      POLAR_TOKEN_URL: fake.tokenUrl,
      POLAR_API_URL: fake.apiUrl,
      PUBLIC_URL: 'http://gateway.test',
      OAUTH_REDIRECT_ALLOWLIST: 'https://app.example.com/',
      ENCRYPTION_KEY,
      SYNC_BACKFILL_DAYS: '60',
      SYNC_POLLING_INTERVAL_SECONDS: '1',
      SYNC_INTERVAL_SECONDS: '0',
      ...env,
    },
    { http: createHttpClient({ baseDelayMs: 5, maxDelayMs: 2000, ...httpOptions }), today: () => TODAY },
  );
  return { fake, t };
}

/** connectProvider -> the fake's consent redirect -> our callback. Returns the callback's redirect. */
export async function connectPolar(fake: PolarFake, t: TestApp, userGlobalId: string): Promise<URL> {
  const started = await t.graphql(
    `mutation($input: ConnectProviderInput!) { connectProvider(input: $input) { authorizationUrl } }`,
    { input: { userId: userGlobalId, provider: 'POLAR', redirectUri: REDIRECT } },
  );
  if (started.body.errors) throw new Error(JSON.stringify(started.body.errors));
  const callback = new URL(await authorize(fake, started.body.data.connectProvider.authorizationUrl));
  const response = await t.app.yoga.fetch(`http://gateway.test${callback.pathname}${callback.search}`, { redirect: 'manual' });
  if (response.status !== 302) throw new Error(`callback answered ${response.status}: ${await response.text()}`);
  return new URL(response.headers.get('location')!);
}

export async function stopPolarStack(stack: { fake: PolarFake; t: TestApp }) {
  await stack.t.close();
  await stack.fake.close();
}
