/** Apple Health (HealthKit): no cloud API. The iPhone app pushes samples (src/ingest/), or the user's export.zip is imported (src/ingest/apple-export.ts). */
import { withBundles } from '../bundle.js';
import type { DeviceProvider } from '../types.js';
import { APPLE_MAPPED_TYPES, mapAppleHealth } from './mappers.js';

export const appleHealthProvider: DeviceProvider = {
  id: 'APPLE_HEALTH',
  slug: 'apple-health',
  displayName: 'Apple Health',
  delivery: 'device',
  // After the cloud providers unless PROVIDER_PRIORITY_* names it.
  priority: { sleep: 10, recovery: 10, activity: 10, workout: 10 },
  dataTypes: APPLE_MAPPED_TYPES,
  map: withBundles(mapAppleHealth),
};
