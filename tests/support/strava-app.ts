/** A gateway configured only through STRAVA_* (and Polar's) variables, listening on loopback for the Strava simulator's handshake and events. */
import { createHttpClient } from '../../src/providers/http.js';
import { authorize, startStravaFake, type StravaFake, type StravaFakeOptions } from '../../src/sandbox/strava/index.js';
import type { DatabaseVariant } from './databases.js';
import { ENCRYPTION_KEY, REDIRECT } from './polar-app.js';
import { freePort, listenOn } from './polar-oauth-helpers.js';
import { createTestApp, type TestApp } from './test-app.js';

export const STRAVA_VERIFY_TOKEN = 'strava-verify-0123456789';

export async function startStravaStack(variant: DatabaseVariant, options: { env?: Record<string, string>; fake?: StravaFakeOptions; maxDelayMs?: number } = {}) {
  const strava = await startStravaFake({ days: 40, seed: 5, ...options.fake });
  const port = await freePort();
  const t = await createTestApp(
    variant,
    {
      STRAVA_CLIENT_ID: strava.clientId,
      STRAVA_CLIENT_SECRET: strava.clientSecret,
      STRAVA_AUTHORIZATION_URL: strava.authorizationUrl,
      STRAVA_TOKEN_URL: strava.tokenUrl,
      STRAVA_API_URL: strava.apiUrl,
      STRAVA_WEBHOOK_VERIFY_TOKEN: STRAVA_VERIFY_TOKEN,
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      OAUTH_REDIRECT_ALLOWLIST: 'https://app.example.com/',
      ENCRYPTION_KEY,
      SYNC_BACKFILL_DAYS: '14',
      SYNC_POLLING_INTERVAL_SECONDS: '1',
      SYNC_INTERVAL_SECONDS: '0',
      ...options.env,
    },
    { http: createHttpClient({ baseDelayMs: 5, maxDelayMs: options.maxDelayMs ?? 2000 }) },
  );
  const server = await listenOn(t, port);
  return {
    strava,
    t,
    async close() {
      await server.close();
      await t.close();
      await strava.close();
    },
  };
}

/** connectProvider -> the simulator's authorization redirect -> our callback; the callback's redirect. */
export async function connectStrava(strava: StravaFake, t: TestApp, userGlobalId: string): Promise<URL> {
  const started = await t.graphql(`mutation($input: ConnectProviderInput!) { connectProvider(input: $input) { authorizationUrl } }`, {
    input: { userId: userGlobalId, provider: 'STRAVA', redirectUri: REDIRECT },
  });
  if (started.body.errors) throw new Error(JSON.stringify(started.body.errors));
  const callback = new URL(await authorize(strava, started.body.data.connectProvider.authorizationUrl));
  const response = await t.app.yoga.fetch(`http://gateway.test${callback.pathname}${callback.search}`, { redirect: 'manual' });
  if (response.status !== 302) throw new Error(`callback answered ${response.status}: ${await response.text()}`);
  return new URL(response.headers.get('location')!);
}
