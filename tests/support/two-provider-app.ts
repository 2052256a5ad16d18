import { createHttpClient } from '../../src/providers/http.js';
import { authorize as authorizeOura, startOuraFake, type OuraFake } from '../fakes/oura/index.js';
import { startPolarFake, type PolarFake } from '../fakes/polar/index.js';
import type { DatabaseVariant } from './databases.js';
import { ENCRYPTION_KEY, REDIRECT, TODAY } from './polar-app.js';
import { createTestApp, type TestApp } from './test-app.js';

export const OURA_VERIFICATION_TOKEN = 'oura-verify-0123456789';

/** A gateway wired to a Polar fake and an Oura fake on loopback, configured only through environment variables. */
export async function startTwoProviderStack(
  variant: DatabaseVariant,
  env: Record<string, string> | ((fakes: { polar: PolarFake; oura: OuraFake }) => Promise<Record<string, string>>) = {},
) {
  const polar = await startPolarFake({ today: TODAY, days: 40, seed: 11 });
  const oura = await startOuraFake({ today: TODAY, days: 40, seed: 11 });
  const extra = typeof env === 'function' ? await env({ polar, oura }) : env;
  const t = await createTestApp(
    variant,
    {
      POLAR_CLIENT_ID: polar.clientId,
      POLAR_CLIENT_SECRET: polar.clientSecret,
      POLAR_AUTHORIZATION_URL: polar.authorizationUrl,
      POLAR_TOKEN_URL: polar.tokenUrl,
      POLAR_API_URL: polar.apiUrl,
      OURA_CLIENT_ID: oura.clientId,
      OURA_CLIENT_SECRET: oura.clientSecret,
      OURA_AUTHORIZATION_URL: oura.authorizationUrl,
      OURA_TOKEN_URL: oura.tokenUrl,
      OURA_API_URL: oura.apiUrl,
      OURA_WEBHOOK_VERIFICATION_TOKEN: OURA_VERIFICATION_TOKEN,
      PUBLIC_URL: 'http://gateway.test',
      OAUTH_REDIRECT_ALLOWLIST: 'https://app.example.com/',
      ENCRYPTION_KEY,
      SYNC_BACKFILL_DAYS: '30',
      SYNC_POLLING_INTERVAL_SECONDS: '1',
      SYNC_INTERVAL_SECONDS: '0',
      ...extra,
    },
    { http: createHttpClient({ baseDelayMs: 5, maxDelayMs: 2000 }), today: () => TODAY },
  );
  return { polar, oura, t };
}

export async function connectOura(oura: OuraFake, t: TestApp, userGlobalId: string): Promise<URL> {
  const started = await t.graphql(
    `mutation($input: ConnectProviderInput!) { connectProvider(input: $input) { authorizationUrl } }`,
    { input: { userId: userGlobalId, provider: 'OURA', redirectUri: REDIRECT } },
  );
  if (started.body.errors) throw new Error(JSON.stringify(started.body.errors));
  const callback = new URL(await authorizeOura(oura, started.body.data.connectProvider.authorizationUrl));
  const response = await t.app.yoga.fetch(`http://gateway.test${callback.pathname}${callback.search}`, { redirect: 'manual' });
  if (response.status !== 302) throw new Error(`callback answered ${response.status}: ${await response.text()}`);
  return new URL(response.headers.get('location')!);
}

export async function stopTwoProviderStack(stack: { polar: PolarFake; oura: OuraFake; t: TestApp }) {
  await stack.t.close();
  await Promise.all([stack.polar.close(), stack.oura.close()]);
}
