/**
 * Turns a provider's declaration and behaviour into its ProviderAdapter: the settings come from
 * the generic per-provider block of the configuration (config.providers[slug], parsed by
 * src/config.ts from the declaration), or from the built-in simulator (src/sandbox/settings.ts
 * explains the choice).
 */
import type { Config } from '../config.js';
import { sandboxClient, sandboxPublicUrl, sandboxServerUrl, usesSandbox, type SettingsMode } from '../sandbox/settings.js';
import type { ProviderAdapter, ProviderDeclaration, ProviderSettings } from './types.js';

export function providerSettings(config: Config, declaration: ProviderDeclaration, mode?: SettingsMode): ProviderSettings {
  const block = config.providers[declaration.slug];
  if (!block) throw new Error(`No configuration for provider "${declaration.slug}" (is it in src/providers/registry.ts?)`);
  const sandbox = usesSandbox(config, block.credentials, mode);
  // The simulators have no webhook handshake secrets: extra settings stay unset there.
  const extras = sandbox ? Object.fromEntries(Object.keys(block.extras).map((key) => [key, null])) : { ...block.extras };
  return {
    credentials: sandbox ? sandboxClient(declaration.slug) : block.credentials,
    oauth: {
      ...declaration.oauth,
      scopes: [...declaration.oauth.scopes],
      authorizationUrl: sandbox ? `${sandboxPublicUrl(config, declaration.slug)}${declaration.simulator.authorizationPath}` : block.authorizationUrl,
      tokenUrl: sandbox ? `${sandboxServerUrl(config, declaration.slug)}${declaration.simulator.tokenPath}` : block.tokenUrl,
    },
    apiUrl: sandbox ? `${sandboxServerUrl(config, declaration.slug)}${declaration.simulator.apiPath ?? ''}` : block.apiUrl,
    ...('webhookVerificationToken' in extras ? { webhookVerificationToken: extras.webhookVerificationToken } : {}),
    extras,
    sandbox,
  };
}

/** A provider module's export: its declaration plus behaviour; `settings` is derived. */
export function defineProvider(spec: Omit<ProviderAdapter, 'settings'>): ProviderAdapter {
  return { ...spec, settings: (config, mode) => providerSettings(config, spec, mode) };
}
