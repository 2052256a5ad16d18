/** The WHOOP Developer API v2 provider. */
import { defineProvider } from '../define.js';
import { commaSeparatedWindows } from '../rate-limit.js';
import type { ProviderAdapter } from '../types.js';
import { WhoopClient } from './client.js';
import { createWhoopDataTypes } from './fetchers.js';
import { whoopDeclaration } from './settings.js';
import { whoopWebhookHandler } from './webhooks.js';

export const whoopAdapter: ProviderAdapter = defineProvider({
  ...whoopDeclaration,
  /** WHOOP's token response names no user: register() reads it from the profile. */
  providerUserIdFromToken: () => null,
  /** GET /v2/user/profile/basic: its `user_id` is what webhook deliveries name. */
  async register(connection) {
    const profile = await new WhoopClient(connection.http, connection.settings.apiUrl, connection.accessToken).profile();
    const id = profile?.user_id;
    if ((typeof id !== 'number' || !Number.isSafeInteger(id)) && (typeof id !== 'string' || id === '')) throw new Error('WHOOP profile has no user_id');
    return { providerUserId: String(id) };
  },
  /** Disconnect: DELETE /v2/user/access revokes our access at WHOOP and stops the user's webhooks. */
  async deregister(connection) {
    await new WhoopClient(connection.http, connection.settings.apiUrl, connection.accessToken).revokeAccess();
  },
  dataTypes: createWhoopDataTypes(),
  webhooks: whoopWebhookHandler,
  // "X-RateLimit-Limit: 100, 100;window=60, 10000;window=86400", X-RateLimit-Remaining, X-RateLimit-Reset (seconds).
  rateLimit: commaSeparatedWindows({ limit: 'x-ratelimit-limit', remaining: 'x-ratelimit-remaining', resetSeconds: 'x-ratelimit-reset' }),
});

export { whoopDeclaration, WHOOP_SCOPES } from './settings.js';
export { WhoopClient } from './client.js';
export { WHOOP_DATA_TYPES, createWhoopDataTypes } from './fetchers.js';
export { whoopWebhookHandler, createWhoopWebhookHandler, signWhoopWebhook } from './webhooks.js';
export { mapCycle, mapRecovery, mapSleep, mapWorkout } from './mappers.js';
