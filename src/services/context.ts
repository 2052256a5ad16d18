/**
 * What the read services need. GraphQL's context has this shape (its `prisma`, `config` and
 * per-request `loaders`), and MCP builds the same per request, so both APIs read through the same
 * services and the same loaders: there is no second data-access layer.
 */
import type { Config } from '../config.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { createDayLoader } from '../graphql/loaders/days.js';
import type { createScoresLoader } from '../graphql/loaders/scores.js';
import type { createSeriesLoaders } from '../graphql/loaders/series.js';

export interface ReadContext {
  prisma: PrismaClient;
  config: Config;
  loaders: { days: ReturnType<typeof createDayLoader>; scores: ReturnType<typeof createScoresLoader> } & ReturnType<typeof createSeriesLoaders>;
}
