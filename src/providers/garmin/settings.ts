/** Garmin's declaration: configuration variables, endpoints, OAuth, priorities and its simulator. */
import type { ProviderDeclaration } from '../types.js';

export const garminDeclaration: ProviderDeclaration = {
  id: 'GARMIN',
  slug: 'garmin',
  displayName: 'Garmin',
  envPrefix: 'GARMIN',
  endpoints: {
    authorizationUrl: 'https://connect.garmin.com/oauth2Confirm',
    tokenUrl: 'https://diauth.garmin.com/di-oauth2-service/oauth/token',
    apiUrl: 'https://apis.garmin.com',
  },
  oauth: {
    // Garmin takes no scope parameter: what the user shares are permissions (read after connecting).
    scopes: [],
    // OAuth 2.0 with PKCE (S256), client_id and client_secret in the form body.
    clientAuth: 'client_secret_post',
    pkce: true,
    // 24-hour access tokens; refresh tokens (~90 days) rotate on every refresh.
    issuesRefreshTokens: true,
  },
  // GARMIN_WEBHOOK_PATH_SECRET: Garmin does not sign deliveries; they must come to
  // ${PUBLIC_URL}/webhooks/garmin/<secret> with our client id in garmin-client-id.
  extraSettings: { webhookPathSecret: { env: 'WEBHOOK_PATH_SECRET', secret: true } },
  webhookPathSecret: true,
  // A watch: training first, sleep and recovery after a ring.
  priority: { sleep: 2, recovery: 2, activity: 1, workout: 1 },
  simulator: {
    authorizationPath: '/oauth2Confirm',
    tokenPath: '/di-oauth2-service/oauth/token',
    start: async (options) => (await import('../../sandbox/garmin/index.js')).startGarminSimulator(options),
  },
};
