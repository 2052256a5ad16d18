import { PROVIDERS } from '../../providers/registry.js';
import type { ProviderAdapter } from '../../providers/types.js';
import { builder } from '../builder.js';
import { ProviderEnum } from './enums.js';

export const ProviderInfoRef = builder.objectRef<ProviderAdapter>('ProviderInfo');
ProviderInfoRef.implement({
  description: 'A provider this gateway integrates with, and whether it can be connected here.',
  fields: (t) => ({
    id: t.field({ type: ProviderEnum, description: 'The provider.', resolve: (p) => p.id }),
    name: t.string({ description: 'Display name.', resolve: (p) => p.displayName }),
    available: t.boolean({
      description: 'True when users can connect it here: the operator configured client credentials, or the sandbox simulator stands in (see `sandbox`).',
      resolve: (p, _args, ctx) => p.settings(ctx.config).credentials !== null,
    }),
    sandbox: t.boolean({
      description:
        'True when new connections go to the built-in simulator of this provider (no credentials configured and SANDBOX is not false): generated data, no real account.',
      resolve: (p, _args, ctx) => p.settings(ctx.config).sandbox === true,
    }),
    scopes: t.stringList({ description: 'OAuth scopes requested from users.', resolve: (p, _args, ctx) => p.settings(ctx.config).oauth.scopes }),
    dataTypes: t.stringList({ description: "The provider's data types this gateway syncs.", resolve: (p) => p.dataTypes.map((d) => d.name) }),
  }),
});

builder.queryField('providers', (t) =>
  t.field({
    type: [ProviderInfoRef],
    description: 'Every provider the gateway knows, available or not.',
    resolve: () => [...PROVIDERS],
  }),
);
