import type { RunningSimulator, SimulatorOptions } from '../../providers/types.js';
import { startGarminFake } from './server.js';

export { GarminFake, startGarminFake, authorize, DEFAULT_PERMISSIONS, type GarminFakeOptions, type DeliveryLogEntry } from './server.js';
export { BACKFILL_PATHS, HEALTH_KEYS, ACTIVITY_KEYS, generateUser, type Summary, type SummaryKey } from './data.js';
export { activityFit } from './fit.js';

/** The sandbox's simulator: pushes to the deployment's own webhook URL only. */
export async function startGarminSimulator(options: SimulatorOptions): Promise<RunningSimulator> {
  const fake = await startGarminFake({
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    seed: options.seed,
    days: options.days,
    redirectUris: options.redirectUris,
    sandbox: options.sandbox,
    pushDelayMs: 200,
    retryDelayMs: 2_000,
  });
  return { url: fake.url, close: () => fake.close() };
}
