/** The Polar AccessLink v3 provider. */
import { ProviderAuthError } from '../http.js';
import { commaSeparatedWindows } from '../rate-limit.js';
import type { ProviderAdapter } from '../types.js';
import { PolarClient } from './client.js';
import { createPolarDataTypes, type PolarFetchOptions } from './fetchers.js';
import { defineProvider } from '../define.js';
import { polarDeclaration } from './settings.js';
import { polarWebhookHandler } from './webhooks.js';
import { polarWebhookRegistrar } from './webhook-registration.js';

export function createPolarAdapter(options: PolarFetchOptions = {}): ProviderAdapter {
  return defineProvider({
    ...polarDeclaration,
    providerUserIdFromToken(tokenResponse) {
      const id = tokenResponse.x_user_id;
      return typeof id === 'number' || (typeof id === 'string' && id !== '') ? String(id) : null;
    },
    /** POST /v3/users with our user id as member-id; 409 (already registered) is fine. */
    async register(connection) {
      const client = new PolarClient(connection.http, connection.settings.apiUrl, connection.accessToken);
      const result = await client.registerUser(connection.userId);
      return { providerUserId: result.polarUserId ?? connection.providerUserId };
    },
    /** DELETE /v3/users/{id}; a token that is already revoked (401) or a user already gone (404) is done. */
    async deregister(connection) {
      if (!connection.providerUserId) return;
      const client = new PolarClient(connection.http, connection.settings.apiUrl, connection.accessToken);
      try {
        await client.deleteUser(connection.providerUserId);
      } catch (error) {
        if (!(error instanceof ProviderAuthError)) throw error;
      }
    },
    dataTypes: createPolarDataTypes(options),
    webhooks: polarWebhookHandler,
    webhookRegistrar: polarWebhookRegistrar,
    // Per client: a 15-minute and a 24-hour window, as "short, long" lists; resets in seconds.
    rateLimit: commaSeparatedWindows({ limit: 'RateLimit-Limit', usage: 'RateLimit-Usage', resetSeconds: 'RateLimit-Reset' }),
  });
}

export const polarAdapter: ProviderAdapter = createPolarAdapter();

export { polarDeclaration, POLAR_SCOPE } from './settings.js';
export { PolarClient } from './client.js';
export { POLAR_DATA_TYPES, createPolarDataTypes } from './fetchers.js';
export { polarWebhookHandler, POLAR_WEBHOOK_EVENT_TYPES, signPolarWebhook } from './webhooks.js';
