import { authorizeWhoop, type WhoopFake } from '../../src/sandbox/whoop/index.js';
import { REDIRECT } from './polar-app.js';
import type { TestApp } from './test-app.js';

/** connectProvider(WHOOP) -> the simulator's authorization -> the gateway's callback; returns the final redirect. */
export async function connectWhoop(whoop: WhoopFake, t: TestApp, userGlobalId: string): Promise<URL> {
  const started = await t.graphql(`mutation($input: ConnectProviderInput!) { connectProvider(input: $input) { authorizationUrl } }`, {
    input: { userId: userGlobalId, provider: 'WHOOP', redirectUri: REDIRECT },
  });
  if (started.body.errors) throw new Error(JSON.stringify(started.body.errors));
  const callback = new URL(await authorizeWhoop(whoop, started.body.data.connectProvider.authorizationUrl));
  const response = await t.app.yoga.fetch(`http://gateway.test${callback.pathname}${callback.search}`, { redirect: 'manual' });
  if (response.status !== 302) throw new Error(`callback answered ${response.status}: ${await response.text()}`);
  return new URL(response.headers.get('location')!);
}
