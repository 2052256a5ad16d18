import {
  ApiKeyScope,
  ConnectionStatus,
  Provider,
  SleepType,
  WorkoutSport,
} from '../../generated/prisma/enums.js';
import { builder } from '../builder.js';

export const ProviderEnum = builder.enumType(Provider, {
  name: 'Provider',
  description: 'A wearable data provider the gateway integrates with.',
});

export const ConnectionStatusEnum = builder.enumType(ConnectionStatus, {
  name: 'ConnectionStatus',
  description:
    'ACTIVE: syncing. NEEDS_REAUTH: the provider refused our token; the user must connect again. ' +
    'REVOKED: the user withdrew access at the provider. ERROR: syncing failed repeatedly, see lastError.',
});

export const ApiKeyScopeEnum = builder.enumType(ApiKeyScope, {
  name: 'ApiKeyScope',
  description: 'READ: queries. WRITE: also create users, connect providers, resync. ADMIN: also API keys and deleting users.',
});

export const WorkoutSportEnum = builder.enumType(WorkoutSport, {
  name: 'WorkoutSport',
  description: "Normalized sport. The provider's own sport name is kept in Workout.providerSport.",
});

export const SleepTypeEnum = builder.enumType(SleepType, {
  name: 'SleepType',
  description: 'MAIN: the night\'s main sleep. NAP: a daytime nap. REST: rest without sleep (Oura).',
});
