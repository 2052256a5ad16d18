/** Polar's declaration: configuration variables, endpoints, OAuth, priorities and its simulator. */
import type { ProviderDeclaration } from '../types.js';

export const POLAR_SCOPE = 'accesslink.read_all';

export const polarDeclaration: ProviderDeclaration = {
  id: 'POLAR',
  slug: 'polar',
  displayName: 'Polar',
  envPrefix: 'POLAR',
  endpoints: {
    authorizationUrl: 'https://flow.polar.com/oauth2/authorization',
    tokenUrl: 'https://polarremote.com/v2/oauth2/token',
    apiUrl: 'https://www.polaraccesslink.com',
  },
  oauth: {
    scopes: [POLAR_SCOPE],
    // The token endpoint takes HTTP Basic client credentials only.
    clientAuth: 'client_secret_basic',
    pkce: false,
    // Polar access tokens live for years; there is no refresh token. A 401 means revoked.
    issuesRefreshTokens: false,
  },
  // Training first (Polar watches), sleep and recovery after a ring.
  priority: { sleep: 2, recovery: 2, activity: 1, workout: 1 },
  simulator: {
    authorizationPath: '/oauth2/authorization',
    tokenPath: '/v2/oauth2/token',
    start: async (options) => (await import('../../sandbox/polar/index.js')).startPolarFake(options),
  },
};
