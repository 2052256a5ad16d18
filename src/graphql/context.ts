import type { AuthenticatedKey } from '../auth/api-keys.js';
import type { Config } from '../config.js';
import type { ConnectionService } from '../connections/service.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { TokenCipher } from '../security/crypto.js';
import type { SyncEngine } from '../sync/engine.js';
import { createDayLoader } from './loaders/days.js';

/** Long-lived services the resolvers may use. */
export interface AppServices {
  prisma: PrismaClient;
  config: Config;
  cipher: TokenCipher;
  sync: SyncEngine;
  connections: ConnectionService;
}

export interface GraphQLContext extends AppServices {
  apiKey: AuthenticatedKey;
  loaders: ReturnType<typeof createLoaders>;
}

export function createLoaders(prisma: PrismaClient) {
  return { days: createDayLoader(prisma) };
}
