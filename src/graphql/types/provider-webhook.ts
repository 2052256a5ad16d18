/**
 * The deployment's webhook subscription at a provider (one per provider): register and remove it
 * through the API, as `npm run cli -- webhooks register|unregister <provider>` does on the
 * database (the CLI uses these while `npm start` holds the embedded database).
 */
import { createGraphQLError } from 'graphql-yoga';
import { registerProviderWebhook, unregisterProviderWebhook, webhookUrl } from '../../connections/webhook-admin.js';
import type { ProviderWebhook } from '../../generated/prisma/client.js';
import type { Provider } from '../../generated/prisma/enums.js';
import { createHttpClient } from '../../providers/http.js';
import { PROVIDERS } from '../../providers/registry.js';
import { builder } from '../builder.js';
import type { GraphQLContext } from '../context.js';
import { ProviderEnum } from './enums.js';

const ProviderWebhookRef = builder.objectRef<ProviderWebhook>('ProviderWebhook');
ProviderWebhookRef.implement({
  description: "This deployment's webhook subscription at a provider.",
  fields: (t) => ({
    provider: t.expose('provider', { type: ProviderEnum, description: 'The provider it is registered at.' }),
    externalId: t.exposeString('externalId', { description: "The subscription's id at the provider." }),
    url: t.exposeString('url', { description: 'Where the provider delivers.' }),
    events: t.exposeStringList('events', { description: 'What it delivers.' }),
    signed: t.boolean({ description: 'Whether a signature secret is stored (deliveries are checked against it).', resolve: (w) => w.secretEncrypted !== null }),
  }),
});

/** The cloud provider with a registration API, or a BAD_USER_INPUT naming what to do instead. */
function registrable(provider: Provider, ctx: GraphQLContext) {
  const adapter = PROVIDERS.find((p) => p.id === provider);
  if (!adapter) throw createGraphQLError(`provider: ${provider} has no webhooks (a device platform pushes through /ingest)`, { extensions: { code: 'BAD_USER_INPUT' } });
  if (!adapter.webhookRegistrar) {
    const where = adapter.push ? ` Enter ${webhookUrl(ctx.config, adapter)} in its developer portal.` : '';
    throw createGraphQLError(`provider: ${adapter.displayName} has no webhook registration API.${where}`, { extensions: { code: 'BAD_USER_INPUT' } });
  }
  return adapter;
}

/** A refusal by the provider (or a missing setting) is the operator's to read, not "Unexpected error.". */
async function atProvider<T>(displayName: string, action: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw createGraphQLError(`provider: ${displayName} webhook ${action} failed: ${(error as Error).message}`, { extensions: { code: 'PROVIDER_UNAVAILABLE' } });
  }
}

builder.mutationFields((t) => ({
  registerProviderWebhook: t.field({
    type: ProviderWebhookRef,
    description: "Creates or updates this deployment's webhook subscription at the provider (PUBLIC_URL/webhooks/<provider>). Needs an ADMIN key.",
    authScopes: { admin: true },
    args: { provider: t.arg({ type: ProviderEnum, required: true }) },
    resolve: async (_root, { provider }, ctx) => {
      const adapter = registrable(provider, ctx);
      return atProvider(adapter.displayName, 'registration', () => registerProviderWebhook({ prisma: ctx.prisma, config: ctx.config, cipher: ctx.cipher, http: createHttpClient() }, adapter));
    },
  }),
  unregisterProviderWebhook: t.field({
    type: ProviderWebhookRef,
    nullable: true,
    description: "Removes this deployment's webhook subscription at the provider; null when none is registered. Needs an ADMIN key.",
    authScopes: { admin: true },
    args: { provider: t.arg({ type: ProviderEnum, required: true }) },
    resolve: async (_root, { provider }, ctx) => {
      const adapter = registrable(provider, ctx);
      return atProvider(adapter.displayName, 'removal', () => unregisterProviderWebhook({ prisma: ctx.prisma, config: ctx.config, cipher: ctx.cipher, http: createHttpClient() }, adapter));
    },
  }),
}));
