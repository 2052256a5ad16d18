/** Polar's OAuth and API settings, resolved once from the configuration. */
import type { Config } from '../../config.js';
import { SANDBOX_CLIENTS, sandboxPublicUrl, sandboxServerUrl, usesSandbox, type SettingsMode } from '../../sandbox/settings.js';
import type { ProviderSettings } from '../types.js';

export const POLAR_SCOPE = 'accesslink.read_all';

/** Polar itself, or the built-in simulator (src/sandbox/settings.ts explains the choice). */
export function polarSettings(config: Config, mode?: SettingsMode): ProviderSettings {
  const sandbox = usesSandbox(config, config.polar.credentials, mode);
  return {
    credentials: sandbox ? SANDBOX_CLIENTS.polar : config.polar.credentials,
    oauth: {
      authorizationUrl: sandbox ? `${sandboxPublicUrl(config, 'polar')}/oauth2/authorization` : config.polar.authorizationUrl,
      tokenUrl: sandbox ? `${sandboxServerUrl(config, 'polar')}/v2/oauth2/token` : config.polar.tokenUrl,
      scopes: [POLAR_SCOPE],
      // The token endpoint takes HTTP Basic client credentials only.
      clientAuth: 'client_secret_basic',
      pkce: false,
      // Polar access tokens live for years; there is no refresh token. A 401 means revoked.
      issuesRefreshTokens: false,
    },
    apiUrl: sandbox ? sandboxServerUrl(config, 'polar') : config.polar.apiUrl,
    sandbox,
  };
}
