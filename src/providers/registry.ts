/**
 * Every provider the gateway knows. Adding one: a folder under src/providers/<slug>/ exporting a
 * ProviderAdapter (cloud API: OAuth, fetch, webhooks) or a DeviceProvider (no cloud API: data
 * pushed from the phone, src/ingest/), and one line here.
 */
import type { Provider } from '../generated/prisma/enums.js';
import type { MapOutcome } from '../normalize/records.js';
import { appleHealthProvider } from './apple-health/index.js';
import { healthConnectProvider } from './health-connect/index.js';
import { garminAdapter } from './garmin/index.js';
import { ouraAdapter } from './oura/index.js';
import { polarAdapter } from './polar/index.js';
import { samsungHealthProvider } from './samsung-health/index.js';
import { stravaAdapter } from './strava/index.js';
import type { DeviceProvider, ProviderAdapter } from './types.js';
import { whoopAdapter } from './whoop/index.js';

/** Providers with a cloud API, synced by the engine. */
export const PROVIDERS: readonly ProviderAdapter[] = [polarAdapter, ouraAdapter, whoopAdapter, garminAdapter, stravaAdapter];

/** Providers whose data is pushed from the user's phone (or imported from its export files). */
export const DEVICE_PROVIDERS: readonly DeviceProvider[] = [appleHealthProvider, healthConnectProvider, samsungHealthProvider];

export function providerById(id: Provider): ProviderAdapter {
  const adapter = PROVIDERS.find((p) => p.id === id);
  if (!adapter) throw new Error(isDeviceProvider(id) ? `${deviceProviderById(id).displayName} has no cloud API: its data is pushed from the phone (POST /ingest/v1/...)` : `Provider ${id} is not implemented yet`);
  return adapter;
}

export function providerBySlug(slug: string): ProviderAdapter | undefined {
  return PROVIDERS.find((p) => p.slug === slug);
}

export const isDeviceProvider = (id: Provider): boolean => DEVICE_PROVIDERS.some((p) => p.id === id);

export function deviceProviderById(id: Provider): DeviceProvider {
  const provider = DEVICE_PROVIDERS.find((p) => p.id === id);
  if (!provider) throw new Error(`Provider ${id} is not a device provider`);
  return provider;
}

export const deviceProviderBySlug = (slug: string): DeviceProvider | undefined => DEVICE_PROVIDERS.find((p) => p.slug === slug);

/** The mapper of a stored raw payload's data type, whatever kind of provider it came from (null: none any more). */
export function mapperOf(id: Provider, dataType: string): ((payload: unknown) => MapOutcome) | null {
  const device = DEVICE_PROVIDERS.find((p) => p.id === id);
  if (device) return (payload) => device.map(dataType, payload);
  const definition = providerById(id).dataTypes.find((d) => d.name === dataType);
  return definition ? (payload) => definition.map(payload) : null;
}
