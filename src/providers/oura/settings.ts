/** Oura's OAuth and API settings, resolved once from the configuration. */
import type { Config } from '../../config.js';
import { SANDBOX_CLIENTS, sandboxPublicUrl, sandboxServerUrl, usesSandbox, type SettingsMode } from '../../sandbox/settings.js';
import type { ProviderSettings } from '../types.js';

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

/** Oura itself, or the built-in simulator (src/sandbox/settings.ts explains the choice). */
export function ouraSettings(config: Config, mode?: SettingsMode): ProviderSettings {
  const sandbox = usesSandbox(config, config.oura.credentials, mode);
  return {
    credentials: sandbox ? SANDBOX_CLIENTS.oura : config.oura.credentials,
    oauth: {
      authorizationUrl: sandbox ? `${sandboxPublicUrl(config, 'oura')}/oauth/authorize` : config.oura.authorizationUrl,
      tokenUrl: sandbox ? `${sandboxServerUrl(config, 'oura')}/oauth/token` : config.oura.tokenUrl,
      scopes: [...OURA_SCOPES],
      // Oura's token endpoint takes client_id / client_secret in the form body.
      clientAuth: 'client_secret_post',
      // Oura does not document PKCE.
      pkce: false,
      // Access tokens live about a day; refresh tokens are single-use and rotate on every refresh.
      issuesRefreshTokens: true,
    },
    apiUrl: sandbox ? sandboxServerUrl(config, 'oura') : config.oura.apiUrl,
    webhookVerificationToken: sandbox ? null : config.oura.webhookVerificationToken,
    sandbox,
  };
}

/** The verification token Oura echoes on subscription verification (OURA_WEBHOOK_VERIFICATION_TOKEN). */
export function ouraWebhookVerificationToken(config: Config): string | null {
  return config.oura.webhookVerificationToken;
}
