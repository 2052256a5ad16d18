/**
 * The sandbox: the Polar and Oura simulators (the same code as the test fakes) run inside the
 * gateway process on loopback ports and are mounted on the gateway's origin at /sandbox/<slug>/
 * (src/http/routes/sandbox.ts). New connections of a provider without credentials go to its
 * simulator (src/sandbox/settings.ts); data is generated per user from SANDBOX_SEED.
 */
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { startOuraFake, type OuraFake } from './oura/index.js';
import { startPolarFake, type PolarFake } from './polar/index.js';
import { registerSandboxEndpoint, SANDBOX_CLIENTS, sandboxPublicUrl, sandboxTokenSecret } from './settings.js';

export interface SandboxRuntime {
  /** slug -> loopback URL of the running simulator. */
  readonly endpoints: ReadonlyMap<string, string>;
  readonly polar: PolarFake;
  readonly oura: OuraFake;
  close(): Promise<void>;
}

/** Starts both simulators (SANDBOX is not false): also when credentials exist, so earlier sandbox connections keep syncing. */
export async function startSandbox(config: Config, logger: Logger): Promise<SandboxRuntime> {
  const sandbox = { tokenSecret: sandboxTokenSecret(config) };
  // History a little longer than the backfill, so the first sync finds data in every window.
  const days = Math.min(365, Math.max(30, config.sync.backfillDays));
  const polar = await startPolarFake({ ...SANDBOX_CLIENTS.polar, seed: config.sandbox.seed, days, sandbox });
  let oura: OuraFake;
  try {
    oura = await startOuraFake({ ...SANDBOX_CLIENTS.oura, seed: config.sandbox.seed, days, sandbox });
  } catch (error) {
    await polar.close();
    throw error;
  }
  const endpoints = new Map([
    ['polar', polar.url],
    ['oura', oura.url],
  ]);
  for (const [slug, url] of endpoints) registerSandboxEndpoint(config, slug, url);
  logger.info('sandbox simulators running', {
    polar: sandboxPublicUrl(config, 'polar'),
    oura: sandboxPublicUrl(config, 'oura'),
    seed: config.sandbox.seed,
    days,
  });
  return {
    endpoints,
    polar,
    oura,
    async close() {
      for (const slug of endpoints.keys()) registerSandboxEndpoint(config, slug, null);
      await Promise.all([polar.close(), oura.close()]);
    },
  };
}
