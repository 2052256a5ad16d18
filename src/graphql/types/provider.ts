import { ingestPath } from '../../ingest/contract.js';
import { DEVICE_PROVIDERS, PROVIDERS } from '../../providers/registry.js';
import type { DeviceProvider, ProviderAdapter } from '../../providers/types.js';
import { builder } from '../builder.js';
import { ProviderEnum } from './enums.js';

type AnyProvider = ProviderAdapter | DeviceProvider;
const isDevice = (p: AnyProvider): p is DeviceProvider => 'delivery' in p && p.delivery === 'device';

export const ProviderKindEnum = builder.enumType('ProviderKind', {
  description: 'How a provider\'s data reaches the gateway.',
  values: {
    CLOUD: { description: 'A cloud API: the user connects by OAuth (connectProvider); the gateway syncs (fetches, webhooks, or data pushed by the provider).' },
    DEVICE: {
      description:
        'No cloud API (Apple Health, Health Connect, Samsung Health): the data stays on the phone; the user\'s app pushes it with a SELF_INGEST user token (`ingestPath`), or an export file is imported.',
    },
  } as const,
});

/** Export files the gateway imports, per device provider. */
const IMPORTS: Partial<Record<DeviceProvider['id'], string[]>> = {
  APPLE_HEALTH: ['export.zip (Health app: Export All Health Data), by POST /ingest/v1/apple-health/export or npm run cli -- import apple-health'],
  SAMSUNG_HEALTH: ['Samsung Health "Download personal data" folder or its zip (CSV files), by npm run cli -- import samsung-health'],
};

export const ProviderInfoRef = builder.objectRef<AnyProvider>('ProviderInfo');
ProviderInfoRef.implement({
  description: 'A provider this gateway integrates with, and whether it can be connected here.',
  fields: (t) => ({
    id: t.field({ type: ProviderEnum, description: 'The provider.', resolve: (p) => p.id }),
    name: t.string({ description: 'Display name.', resolve: (p) => p.displayName }),
    kind: t.field({ type: ProviderKindEnum, description: 'CLOUD (OAuth and the provider\'s API) or DEVICE (pushed from the phone or imported).', resolve: (p) => (isDevice(p) ? 'DEVICE' : 'CLOUD') }),
    available: t.boolean({
      description:
        'True when users can connect it here: the operator configured client credentials, or the sandbox simulator stands in (see `sandbox`). Device providers need no configuration: always true.',
      resolve: (p, _args, ctx) => (isDevice(p) ? true : p.settings(ctx.config).credentials !== null),
    }),
    sandbox: t.boolean({
      description:
        'True when new connections go to the built-in simulator of this provider (no credentials configured and SANDBOX is not false): generated data, no real account. Always false for device providers.',
      resolve: (p, _args, ctx) => (isDevice(p) ? false : p.settings(ctx.config).sandbox === true),
    }),
    scopes: t.stringList({ description: 'OAuth scopes requested from users (device providers: none; the phone app uses a user token with SELF_INGEST).', resolve: (p, _args, ctx) => (isDevice(p) ? [] : p.settings(ctx.config).oauth.scopes) }),
    dataTypes: t.stringList({
      description: "The provider's data types this gateway syncs (device providers: the platform's record types it maps; others are kept raw).",
      resolve: (p) => (isDevice(p) ? [...p.dataTypes] : p.dataTypes.map((d) => d.name)),
    }),
    ingestPath: t.string({
      nullable: true,
      description: 'Device providers: where the phone app POSTs batches of the push contract (docs/ingest/README.md). Null for cloud providers.',
      resolve: (p) => (isDevice(p) ? ingestPath(p.slug) : null),
    }),
    imports: t.stringList({ description: 'Export files of this provider the gateway imports (empty: none).', resolve: (p) => (isDevice(p) ? (IMPORTS[p.id] ?? []) : []) }),
  }),
});

builder.queryField('providers', (t) =>
  t.field({
    type: [ProviderInfoRef],
    description: 'Every provider the gateway knows, available or not: cloud providers first, then device providers (registry order).',
    args: { kind: t.arg({ type: ProviderKindEnum, required: false, description: 'Only this kind.' }) },
    resolve: (_root, { kind }) => [...PROVIDERS, ...DEVICE_PROVIDERS].filter((p) => !kind || (isDevice(p) ? 'DEVICE' : 'CLOUD') === kind),
  }),
);
