/** Strava's declaration: configuration variables, endpoints, OAuth, priorities and its simulator. */
import type { ProviderDeclaration } from '../types.js';

/**
 * Scopes requested (comma-separated, as Strava wants them):
 *   read               the athlete's public profile (every token has it)
 *   activity:read      activities visible to followers or everyone
 *   activity:read_all  also private ("only me") activities and their streams
 * The user may untick activity:read_all on Strava's page: the callback's `scope` then lacks it,
 * the connection's scopes show what was granted, and only the non-private activities arrive (the
 * list leaves the others out). activity:read is asked too so that unticking read_all still leaves
 * the activities readable.
 */
export const STRAVA_SCOPES = ['read', 'activity:read', 'activity:read_all'] as const;
export const STRAVA_FULL_ACTIVITY_SCOPE = 'activity:read_all';

export const stravaDeclaration: ProviderDeclaration = {
  id: 'STRAVA',
  slug: 'strava',
  displayName: 'Strava',
  envPrefix: 'STRAVA',
  endpoints: {
    authorizationUrl: 'https://www.strava.com/oauth/authorize',
    tokenUrl: 'https://www.strava.com/oauth/token',
    apiUrl: 'https://www.strava.com/api/v3',
  },
  oauth: {
    scopes: [...STRAVA_SCOPES],
    scopeSeparator: ',',
    // "auto": a user who authorized before is not asked again.
    authorizationParams: { approval_prompt: 'auto' },
    // client_id and client_secret in the form body.
    clientAuth: 'client_secret_post',
    pkce: false,
    // Six-hour access tokens; each refresh may hand out a new refresh token (kept by compare-and-swap).
    issuesRefreshTokens: true,
  },
  extraSettings: {
    // STRAVA_WEBHOOK_VERIFY_TOKEN: what our subscription's hub.challenge handshake must present.
    webhookVerificationToken: { env: 'WEBHOOK_VERIFY_TOKEN', secret: true },
    // STRAVA_RATE_LIMIT_PERIODS: the two rate-limit periods in seconds (default "900,86400").
    rateLimitPeriods: { env: 'RATE_LIMIT_PERIODS' },
  },
  // Training only: after a watch maker's own data, before a ring.
  priority: { sleep: 5, recovery: 5, activity: 5, workout: 3 },
  simulator: {
    authorizationPath: '/oauth/authorize',
    tokenPath: '/oauth/token',
    apiPath: '/api/v3',
    start: async (options) => {
      const { startStravaFake } = await import('../../sandbox/strava/index.js');
      return startStravaFake({ clientId: options.clientId, clientSecret: options.clientSecret, seed: options.seed, days: options.days, redirectUris: options.redirectUris, sandbox: options.sandbox });
    },
  },
};
