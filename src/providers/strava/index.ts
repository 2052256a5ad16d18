/** The Strava API v3 provider. */
import { defineProvider } from '../define.js';
import { ProviderAuthError } from '../http.js';
import { alignedUsageWindows } from '../rate-limit.js';
import type { ProviderAdapter } from '../types.js';
import { deauthorize } from './client.js';
import { createStravaDataTypes, type StravaFetchOptions } from './fetchers.js';
import { stravaDeclaration } from './settings.js';
import { stravaWebhookRegistrar } from './webhook-registration.js';
import { stravaWebhookHandler } from './webhooks.js';

export function createStravaAdapter(options: StravaFetchOptions = {}): ProviderAdapter {
  return defineProvider({
    ...stravaDeclaration,
    /** The token response names the athlete: its id is what events carry as owner_id. */
    providerUserIdFromToken(tokenResponse) {
      const athlete = tokenResponse.athlete as { id?: unknown } | undefined;
      return typeof athlete?.id === 'number' || (typeof athlete?.id === 'string' && athlete.id !== '') ? String(athlete.id) : null;
    },
    /** POST /oauth/deauthorize on disconnect; a token already refused (401) is deauthorized already. */
    async deregister(connection) {
      try {
        await deauthorize(connection.http, connection.settings.oauth.tokenUrl, connection.accessToken);
      } catch (error) {
        if (!(error instanceof ProviderAuthError)) throw error;
      }
    },
    dataTypes: createStravaDataTypes(options),
    webhooks: stravaWebhookHandler,
    webhookRegistrar: stravaWebhookRegistrar,
    // Per application: 15 minutes and a day, overall and for reads; no reset header, the windows follow the clock.
    rateLimit: alignedUsageWindows({
      pairs: [
        { limit: 'X-RateLimit-Limit', usage: 'X-RateLimit-Usage' },
        { limit: 'X-ReadRateLimit-Limit', usage: 'X-ReadRateLimit-Usage' },
      ],
      periodsSeconds: [900, 86_400],
      periodsSetting: 'rateLimitPeriods',
    }),
  });
}

export const stravaAdapter: ProviderAdapter = createStravaAdapter();

export { stravaDeclaration, STRAVA_SCOPES } from './settings.js';
export { mapActivity, stravaLocalDate } from './mappers.js';
export { STRAVA_DATA_TYPES, createStravaDataTypes } from './fetchers.js';
export { stravaWebhookHandler } from './webhooks.js';
