/** WHOOP's declaration: configuration variables, endpoints, OAuth, priorities and its simulator. */
import type { ProviderDeclaration } from '../types.js';

/**
 * Scopes requested at authorization: `offline` (without it WHOOP issues no refresh token), one
 * per synced collection, and `read:profile` (its user_id is what webhook deliveries name).
 * `read:body_measurement` is not requested: nothing stores height or weight yet.
 */
export const WHOOP_SCOPES = ['offline', 'read:profile', 'read:cycles', 'read:recovery', 'read:sleep', 'read:workout'] as const;

export const whoopDeclaration: ProviderDeclaration = {
  id: 'WHOOP',
  slug: 'whoop',
  displayName: 'WHOOP',
  envPrefix: 'WHOOP',
  endpoints: {
    authorizationUrl: 'https://api.prod.whoop.com/oauth/oauth2/auth',
    tokenUrl: 'https://api.prod.whoop.com/oauth/oauth2/token',
    apiUrl: 'https://api.prod.whoop.com/developer',
  },
  oauth: {
    scopes: [...WHOOP_SCOPES],
    // WHOOP's clients send client_id / client_secret in the form body.
    clientAuth: 'client_secret_post',
    pkce: false,
    // Access tokens live an hour; refresh tokens rotate on every refresh (the old one is refused).
    issuesRefreshTokens: true,
  },
  // Ranked after the providers already there, so their documented defaults stand; PROVIDER_PRIORITY_* reorders.
  priority: { sleep: 3, recovery: 3, activity: 3, workout: 3 },
  simulator: {
    authorizationPath: '/oauth/oauth2/auth',
    tokenPath: '/oauth/oauth2/token',
    apiPath: '/developer',
    start: async (options) => (await import('../../sandbox/whoop/index.js')).startWhoopFake(options),
  },
};
