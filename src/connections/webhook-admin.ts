/** Registers or removes this deployment's webhook at a provider and keeps the stored secret. */
import type { Config } from '../config.js';
import type { PrismaClient, ProviderWebhook } from '../generated/prisma/client.js';
import type { HttpClient } from '../providers/http.js';
import type { ProviderAdapter } from '../providers/types.js';
import type { TokenCipher } from '../security/crypto.js';

export interface WebhookAdminDeps {
  prisma: PrismaClient;
  config: Config;
  cipher: TokenCipher;
  http: HttpClient;
}

/** Where providers deliver webhooks for this deployment: ${PUBLIC_URL}/webhooks/<slug>. */
export function webhookUrl(config: Config, adapter: Pick<ProviderAdapter, 'slug'>): string {
  return `${config.publicUrl}/webhooks/${adapter.slug}`;
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
