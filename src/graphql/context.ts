import type { AccessBoundary, BoundaryFactory } from '../auth/boundary.js';
import type { Principal, PrincipalResolver } from '../auth/principal.js';
import type { Config } from '../config.js';
import type { ConnectionService } from '../connections/service.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { TokenCipher } from '../security/crypto.js';
import type { ScoresEngine } from '../derived/jobs.js';
import type { SyncEngine } from '../sync/engine.js';
import { createDayLoader } from './loaders/days.js';
import { createScoresLoader } from './loaders/scores.js';
import { createSeriesLoaders } from './loaders/series.js';

/** Long-lived services the resolvers may use. */
export interface AppServices {
  prisma: PrismaClient;
  config: Config;
  cipher: TokenCipher;
  sync: SyncEngine;
  scores: ScoresEngine;
  connections: ConnectionService;
  /** Resolves bearer credentials (API keys, user tokens) to principals. */
  principals: PrincipalResolver;
  boundaries: BoundaryFactory;
}

export interface GraphQLContext extends AppServices {
  /** Who asks (src/auth/principal.ts). */
  principal: Principal;
  /** What it may see; `prisma` below is `boundary.prisma`, confined to one user for a user token. */
  boundary: AccessBoundary;
  loaders: ReturnType<typeof createLoaders>;
}

/** `prisma`: the unconfined client (the days loader reads its driver directly); user ids pass the boundary first. */
export function createLoaders(prisma: PrismaClient, boundary: AccessBoundary) {
  return { days: createDayLoader(prisma, boundary), scores: createScoresLoader(prisma, boundary), ...createSeriesLoaders(prisma, boundary) };
}
