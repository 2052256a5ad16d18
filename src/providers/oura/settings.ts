/** Oura's declaration: configuration variables, endpoints, OAuth, priorities and its simulator. */
import type { ProviderDeclaration } from '../types.js';

/**
 * Scopes requested at authorization, only what the data types need:
 *   personal      personal_info: its `id` is the provider user id webhooks are matched against
 *   daily         sleep, daily_sleep, daily_readiness, daily_activity
 *   heartrate     heartrate
 *   workout       workout
 *   session       session
 *   spo2          daily_spo2
 *   stress        daily_stress, daily_resilience   (newer scope: verify against Oura's docs)
 *   heart_health  vO2_max                          (newer scope: verify against Oura's docs)
 * `email` is NOT requested: nothing reads personal_info.email (the id comes without it). `tag` and
 * `ring_configuration` are not requested either (not synced). The user may untick any scope; the
 * fetchers of the optional collections treat a 403 as "not granted" (see fetchers.ts). Should Oura
 * refuse `stress` / `heart_health` as unknown (invalid_scope), drop them here: their collections
 * then stay empty.
 */
export const OURA_SCOPES = ['personal', 'daily', 'heartrate', 'workout', 'session', 'spo2', 'stress', 'heart_health'] as const;

export const ouraDeclaration: ProviderDeclaration = {
  id: 'OURA',
  slug: 'oura',
  displayName: 'Oura',
  envPrefix: 'OURA',
  endpoints: {
    authorizationUrl: 'https://cloud.ouraring.com/oauth/authorize',
    tokenUrl: 'https://api.ouraring.com/oauth/token',
    apiUrl: 'https://api.ouraring.com',
  },
  oauth: {
    scopes: [...OURA_SCOPES],
    // Oura's token endpoint takes client_id / client_secret in the form body.
    clientAuth: 'client_secret_post',
    // Oura does not document PKCE.
    pkce: false,
    // Access tokens live about a day; refresh tokens are single-use and rotate on every refresh.
    issuesRefreshTokens: true,
  },
  // OURA_WEBHOOK_VERIFICATION_TOKEN: the token Oura's subscription challenge must present.
  extraSettings: { webhookVerificationToken: { env: 'WEBHOOK_VERIFICATION_TOKEN', secret: true } },
  // A ring: sleep and recovery first, training after a watch.
  priority: { sleep: 1, recovery: 1, activity: 2, workout: 2 },
  simulator: {
    authorizationPath: '/oauth/authorize',
    tokenPath: '/oauth/token',
    start: async (options) => (await import('../../sandbox/oura/index.js')).startOuraFake(options),
  },
};
