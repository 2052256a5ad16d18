import type { AuthenticatedKey } from '../auth/api-keys.js';
import type { Config } from '../config.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { createDayLoader } from './loaders/days.js';

/** Long-lived services the resolvers may use; later issues add the sync engine and providers. */
export interface AppServices {
  prisma: PrismaClient;
  config: Config;
}

export interface GraphQLContext extends AppServices {
  apiKey: AuthenticatedKey;
  loaders: ReturnType<typeof createLoaders>;
}

export function createLoaders(prisma: PrismaClient) {
  return { days: createDayLoader(prisma) };
}
