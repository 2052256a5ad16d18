/** The Oura API v2 provider. */
import { ProviderForbiddenError } from '../http.js';
import type { ProviderAdapter } from '../types.js';
import { OuraClient } from './client.js';
import { createOuraDataTypes, type OuraFetchOptions } from './fetchers.js';
import { defineProvider } from '../define.js';
import { ouraDeclaration } from './settings.js';
import { ouraWebhookHandler, verifyChallenge } from './webhooks.js';
import { ouraWebhookRegistrar } from './webhook-registration.js';

export function createOuraAdapter(options: OuraFetchOptions = {}): ProviderAdapter {
  return defineProvider({
    ...ouraDeclaration,
    /** Oura's token response names no user. register() finds the id instead. */
    providerUserIdFromToken: () => null,
    /**
     * GET personal_info and use its `id` as the provider user id: webhook deliveries carry it as
     * `user_id`. Without the `personal` scope (the user unticked it) Oura answers 403: the
     * connection still syncs by polling, only webhooks cannot be matched to it (null id).
     */
    async register(connection) {
      const client = new OuraClient(connection.http, connection.settings.apiUrl, connection.accessToken);
      try {
        const info = await client.personalInfo();
        const id = info?.id;
        if (typeof id !== 'string' || id === '') throw new Error('Oura personal_info has no id');
        return { providerUserId: id };
      } catch (error) {
        if (error instanceof ProviderForbiddenError) return { providerUserId: connection.providerUserId };
        throw error;
      }
    },
    dataTypes: createOuraDataTypes(options),
    webhooks: {
      ...ouraWebhookHandler,
      answerChallenge: (query, settings) => verifyChallenge(query, settings.webhookVerificationToken ?? null),
    },
    webhookRegistrar: ouraWebhookRegistrar,
  });
}

export const ouraAdapter: ProviderAdapter = createOuraAdapter();

export { ouraDeclaration, OURA_SCOPES } from './settings.js';
export { OuraClient } from './client.js';
export { OURA_DATA_TYPES, createOuraDataTypes } from './fetchers.js';
export { ouraWebhookHandler, createOuraWebhookHandler, signOuraWebhook, verifyChallenge, OURA_WEBHOOK_DATA_TYPES } from './webhooks.js';
export { ouraWebhookRegistrar, createOuraWebhookRegistrar, renewSubscriptions, listSubscriptions } from './webhook-registration.js';
