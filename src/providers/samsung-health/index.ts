/** Samsung Health (Data SDK): no cloud API. The user's Android app pushes data points (src/ingest/). */
import { withBundles } from '../bundle.js';
import type { DeviceProvider } from '../types.js';
import { mapSamsungHealth, SAMSUNG_MAPPED_TYPES } from './mappers.js';

export const samsungHealthProvider: DeviceProvider = {
  id: 'SAMSUNG_HEALTH',
  slug: 'samsung-health',
  displayName: 'Samsung Health',
  delivery: 'device',
  // After the cloud providers unless PROVIDER_PRIORITY_* names it.
  priority: { sleep: 10, recovery: 10, activity: 10, workout: 10 },
  dataTypes: SAMSUNG_MAPPED_TYPES,
  map: withBundles(mapSamsungHealth),
};
