/** Registers or removes this deployment's webhook at a provider and keeps the stored secret. */
import type { Config } from '../config.js';
import type { PrismaClient, ProviderWebhook } from '../generated/prisma/client.js';
import type { HttpClient } from '../providers/http.js';
import type { ProviderAdapter, ProviderDeclaration } from '../providers/types.js';
import { sandboxWebhookPathSecret, type SettingsMode } from '../sandbox/settings.js';
import type { TokenCipher } from '../security/crypto.js';

export interface WebhookAdminDeps {
  prisma: PrismaClient;
  config: Config;
  cipher: TokenCipher;
  http: HttpClient;
}

/**
 * Where providers deliver webhooks for this deployment: ${PUBLIC_URL}/webhooks/<slug>, plus the
 * secret path segment for providers that need one (ProviderDeclaration.webhookPathSecret): the
 * configured one, or the sandbox's with `{ sandbox: true }`. Throws when the secret is not configured.
 */
export function webhookUrl(config: Config, provider: Pick<ProviderDeclaration, 'slug' | 'webhookPathSecret' | 'envPrefix'>, side: SettingsMode = { sandbox: false }): string {
  const base = `${config.publicUrl}/webhooks/${provider.slug}`;
  if (!provider.webhookPathSecret) return base;
  const secret = webhookPathSecret(config, provider, side);
  if (!secret) throw new Error(`${provider.envPrefix}_WEBHOOK_PATH_SECRET is not set: it is the secret last segment of the webhook URL`);
  return `${base}/${secret}`;
}

/** The secret path segment deliveries of one side must carry (null: none configured). */
export function webhookPathSecret(config: Config, provider: Pick<ProviderDeclaration, 'slug'>, side: SettingsMode): string | null {
  if (side.sandbox) return sandboxWebhookPathSecret(config, provider.slug);
  return config.providers[provider.slug]?.extras.webhookPathSecret ?? null;
}

function registrarOf(adapter: ProviderAdapter) {
  if (!adapter.webhookRegistrar) throw new Error(`${adapter.displayName} has no webhook registration API`);
  return adapter.webhookRegistrar;
}

export async function registerProviderWebhook(deps: WebhookAdminDeps, adapter: ProviderAdapter): Promise<ProviderWebhook> {
  const { prisma, config, cipher, http } = deps;
  const existing = await prisma.providerWebhook.findUnique({ where: { provider: adapter.id } });
  const url = webhookUrl(config, adapter);
  const registration = await registrarOf(adapter).register({ http, settings: adapter.settings(config, { sandbox: false }), url, existing });
  const secretEncrypted = registration.secret ? cipher.encrypt(registration.secret) : (existing?.secretEncrypted ?? null);
  const data = { externalId: registration.externalId, url: registration.url, events: registration.events, secretEncrypted };
  return prisma.providerWebhook.upsert({ where: { provider: adapter.id }, create: { provider: adapter.id, ...data }, update: data });
}

export async function unregisterProviderWebhook(deps: WebhookAdminDeps, adapter: ProviderAdapter): Promise<ProviderWebhook | null> {
  const existing = await deps.prisma.providerWebhook.findUnique({ where: { provider: adapter.id } });
  if (!existing) return null;
  await registrarOf(adapter).unregister({ http: deps.http, settings: adapter.settings(deps.config, { sandbox: false }), externalId: existing.externalId });
  await deps.prisma.providerWebhook.delete({ where: { provider: adapter.id } });
  return existing;
}
