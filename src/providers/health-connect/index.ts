/** Android Health Connect: no cloud API. The user's Android app pushes its records (src/ingest/). */
import { withBundles } from '../bundle.js';
import type { DeviceProvider } from '../types.js';
import { HEALTH_CONNECT_MAPPED_TYPES, mapHealthConnect } from './mappers.js';

export const healthConnectProvider: DeviceProvider = {
  id: 'HEALTH_CONNECT',
  slug: 'health-connect',
  displayName: 'Health Connect',
  delivery: 'device',
  // After the cloud providers unless PROVIDER_PRIORITY_* names it.
  priority: { sleep: 10, recovery: 10, activity: 10, workout: 10 },
  dataTypes: HEALTH_CONNECT_MAPPED_TYPES,
  map: withBundles(mapHealthConnect),
};
