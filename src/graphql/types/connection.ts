import { builder } from '../builder.js';
import { ConnectionStatusEnum, ProviderEnum } from './enums.js';

export const ConnectionRef = builder.prismaNode('Connection', {
  id: { field: 'id' },
  nullable: true, // node(id) / nodes(ids) of a record that does not exist answer null, not an error
  description: "A user's link to one provider account. Tokens are stored encrypted and never exposed.",
  fields: (t) => ({
    provider: t.expose('provider', { type: ProviderEnum, description: 'The connected provider.' }),
    providerUserId: t.exposeString('providerUserId', { nullable: true, description: "The user's id at the provider." }),
    status: t.expose('status', { type: ConnectionStatusEnum, description: 'Whether the connection is syncing.' }),
    scopes: t.exposeStringList('scopes', { description: 'Scopes the user granted at the provider.' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true, description: 'When the current access token expires.' }),
    lastSyncedAt: t.expose('lastSyncedAt', { type: 'DateTime', nullable: true, description: 'End of the last successful sync.' }),
    lastError: t.exposeString('lastError', { nullable: true, description: 'The last sync error, if the last sync failed.' }),
    sandbox: t.exposeBoolean('sandbox', {
      description: "True when connected to the built-in simulator (SANDBOX), not the real provider: its data is generated, and it always syncs from the simulator.",
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the user connected.' }),
    user: t.relation('user', { description: 'The user this connection belongs to.' }),
  }),
});
