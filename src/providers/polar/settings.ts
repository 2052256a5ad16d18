/** Polar's OAuth and API settings, resolved once from the configuration. */
import type { Config } from '../../config.js';
import type { ProviderSettings } from '../types.js';

export const POLAR_SCOPE = 'accesslink.read_all';

export function polarSettings(config: Config): ProviderSettings {
  return {
    credentials: config.polar.credentials,
    oauth: {
      authorizationUrl: config.polar.authorizationUrl,
      tokenUrl: config.polar.tokenUrl,
      scopes: [POLAR_SCOPE],
      // The token endpoint takes HTTP Basic client credentials only.
      clientAuth: 'client_secret_basic',
      pkce: false,
      // Polar access tokens live for years; there is no refresh token. A 401 means revoked.
      issuesRefreshTokens: false,
    },
    apiUrl: config.polar.apiUrl,
  };
}
