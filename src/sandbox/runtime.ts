/**
 * The sandbox: every registered provider's simulator (the same code as the test fakes, declared by
 * the provider: ProviderDeclaration.simulator) runs inside the gateway process on a loopback port
 * and is mounted on the gateway's origin at /sandbox/<slug>/ (src/http/routes/sandbox.ts). New
 * connections of a provider without credentials go to its simulator (src/sandbox/settings.ts);
 * data is generated per user from SANDBOX_SEED.
 */
import type { Config } from '../config.js';
import { webhookUrl } from '../connections/webhook-admin.js';
import type { Logger } from '../logger.js';
import { callbackUrl } from '../oauth/flow.js';
import { PROVIDERS } from '../providers/registry.js';
import type { ProviderDeclaration, RunningSimulator } from '../providers/types.js';
import { registerSandboxEndpoint, sandboxClient, sandboxPublicUrl, sandboxTokenSecret } from './settings.js';

export interface SandboxRuntime {
  /** slug -> loopback URL of the running simulator. */
  readonly endpoints: ReadonlyMap<string, string>;
  close(): Promise<void>;
}

/**
 * Starts every simulator (SANDBOX is not false): also when credentials exist, so earlier sandbox
 * connections keep syncing. `servedOverHttp: false` (`npm run worker`): the simulators only answer
 * this process's own syncs of sandbox connections; /sandbox/ is the API process's.
 */
export async function startSandbox(
  config: Config,
  logger: Logger,
  providers: readonly ProviderDeclaration[] = PROVIDERS,
  { servedOverHttp = true }: { servedOverHttp?: boolean } = {},
): Promise<SandboxRuntime> {
  // The simulators redirect browsers and call back only to this deployment's own routes: their
  // client credentials are public, so any address a caller could choose would make the gateway an
  // open redirect and a request forger into the operator's network.
  const own = (provider: ProviderDeclaration) => ({
    redirectUris: [callbackUrl(config, provider)],
    sandbox: { tokenSecret: sandboxTokenSecret(config), webhookUrl: webhookUrl(config, provider, { sandbox: true }) },
  });
  // History a little longer than the backfill, so the first sync finds data in every window.
  const days = Math.min(365, Math.max(30, config.sync.backfillDays));
  const running = new Map<string, RunningSimulator>();
  const closeAll = () => Promise.all([...running.values()].map((s) => s.close()));
  try {
    for (const provider of providers) {
      running.set(provider.slug, await provider.simulator.start({ ...sandboxClient(provider.slug), seed: config.sandbox.seed, days, ...own(provider) }));
    }
  } catch (error) {
    await closeAll();
    throw error;
  }
  const endpoints = new Map([...running].map(([slug, simulator]) => [slug, simulator.url]));
  for (const [slug, url] of endpoints) registerSandboxEndpoint(config, slug, url);
  if (servedOverHttp) {
    logger.info('sandbox simulators running', {
      ...Object.fromEntries([...endpoints.keys()].map((slug) => [slug, sandboxPublicUrl(config, slug)])),
      seed: config.sandbox.seed,
      days,
    });
  } else {
    logger.info('sandbox simulators loaded for the sandbox connections this process syncs (not served over HTTP: the API serves /sandbox/)', {
      providers: [...endpoints.keys()],
      seed: config.sandbox.seed,
      days,
    });
  }
  return {
    endpoints,
    async close() {
      for (const slug of endpoints.keys()) registerSandboxEndpoint(config, slug, null);
      await closeAll();
    },
  };
}
