/** Garmin (Connect Developer Program: Health and Activity APIs), a push provider. */
import { defineProvider } from '../define.js';
import type { ProviderAdapter } from '../types.js';
import { GarminClient } from './client.js';
import { GARMIN_DATA_TYPES } from './fetchers.js';
import { garminPushHandler, permissionNote } from './push.js';
import { garminDeclaration } from './settings.js';

export const garminAdapter: ProviderAdapter = defineProvider({
  ...garminDeclaration,
  providerUserIdFromToken: () => null,
  /** The Garmin user id (what every delivery names) and the permissions the user granted. */
  async register(connection) {
    const client = new GarminClient(connection.http, connection.settings.apiUrl, connection.accessToken);
    const providerUserId = await client.userId();
    const scopes = await client.permissions();
    return { providerUserId, scopes, note: permissionNote(scopes) };
  },
  /** DELETE of the registration: Garmin stops every delivery for the user. */
  async deregister(connection) {
    await new GarminClient(connection.http, connection.settings.apiUrl, connection.accessToken).deleteRegistration();
  },
  dataTypes: GARMIN_DATA_TYPES,
  push: garminPushHandler,
});

export { garminDeclaration } from './settings.js';
export { GarminClient } from './client.js';
export { GARMIN_DATA_TYPES, GARMIN_DATA_KEYS, GARMIN_BACKFILL_AWAIT_SECONDS } from './fetchers.js';
export { garminPushHandler, garminRecordId, decodeActivityFile, GARMIN_MAX_DELIVERY_BYTES } from './push.js';
export * as garminMappers from './mappers.js';
