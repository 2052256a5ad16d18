/**
 * Apollo Federation v2: the health graph as a subgraph.
 *
 * - `User @key(fields: "id") @key(fields: "externalId")`: an accounts subgraph that knows its users
 *   by its own id (our `externalId`) can extend User and reach `days`, `workouts`, ... from there.
 * - `Connection`, `Workout`, `SleepSession`, `Recovery` are entities keyed by `id` (the global ID).
 *
 * Reference resolvers are batched: @apollo/subgraph calls `resolveReference` once per
 * representation, synchronously, so a per-request DataLoader turns all representations of one
 * `_entities` call into one `findMany` per entity type (a test counts the statements).
 */
import { decodeGlobalID } from '@pothos/plugin-relay';
import DataLoader from 'dataloader';
import { createGraphQLError } from 'graphql-yoga';
import type { PrismaClient } from '../generated/prisma/client.js';
import { builder } from './builder.js';
import type { GraphQLContext } from './context.js';
import { ConnectionRef } from './types/connection.js';
import { RecoveryRef } from './types/recovery.js';
import { SleepSessionRef } from './types/sleep-session.js';
import { UserRef } from './types/user.js';
import { WorkoutRef } from './types/workout.js';

type UserKey = { by: 'id' | 'externalId'; value: string };

/** The local id behind a global ID of `typename`, or null for anything else. */
function localId(globalId: unknown, typename: string): string | null {
  if (typeof globalId !== 'string') return null;
  try {
    const { typename: decodedType, id } = decodeGlobalID(globalId);
    return decodedType === typename && id ? id : null;
  } catch {
    return null;
  }
}

function byIdLoader<T extends { id: string }>(findMany: (ids: string[]) => Promise<T[]>) {
  return new DataLoader<string, T | null>(async (ids) => {
    const rows = await findMany([...ids]);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

function createEntityLoaders(prisma: PrismaClient) {
  return {
    user: new DataLoader<UserKey, Awaited<ReturnType<PrismaClient['user']['findFirst']>>, string>(
      async (keys) => {
        const ids = keys.filter((k) => k.by === 'id').map((k) => k.value);
        const externalIds = keys.filter((k) => k.by === 'externalId').map((k) => k.value);
        const users = await prisma.user.findMany({
          where: {
            OR: [...(ids.length ? [{ id: { in: ids } }] : []), ...(externalIds.length ? [{ externalId: { in: externalIds } }] : [])],
          },
        });
        const byId = new Map(users.map((u) => [u.id, u]));
        const byExternalId = new Map(users.filter((u) => u.externalId !== null).map((u) => [u.externalId!, u]));
        return keys.map((k) => (k.by === 'id' ? byId.get(k.value) : byExternalId.get(k.value)) ?? null);
      },
      { cacheKeyFn: (k) => `${k.by}:${k.value}` },
    ),
    connection: byIdLoader((ids) => prisma.connection.findMany({ where: { id: { in: ids } } })),
    workout: byIdLoader((ids) => prisma.workout.findMany({ where: { id: { in: ids } } })),
    sleepSession: byIdLoader((ids) => prisma.sleepSession.findMany({ where: { id: { in: ids } } })),
    recovery: byIdLoader((ids) => prisma.recovery.findMany({ where: { id: { in: ids } } })),
  };
}

// One set of loaders per request (the context object lives exactly as long as the request).
const loadersByContext = new WeakMap<object, ReturnType<typeof createEntityLoaders>>();
function entityLoaders(ctx: GraphQLContext) {
  // `_entities` is added outside the Query type's scope check: it reads, so it needs the read scope
  // (a SELF_INGEST-only token reads nothing). What it reads is confined by ctx.prisma (the boundary).
  if (!ctx.boundary.can('read')) {
    const needs = ctx.principal.kind === 'user' ? 'a user token with the SELF_READ scope' : 'an API key with the READ scope';
    throw createGraphQLError(`Forbidden: Query._entities needs ${needs}`, { extensions: { code: 'FORBIDDEN' } });
  }
  let loaders = loadersByContext.get(ctx);
  if (!loaders) {
    loaders = createEntityLoaders(ctx.prisma);
    loadersByContext.set(ctx, loaders);
  }
  return loaders;
}

builder.asEntity(UserRef, {
  key: [builder.selection<{ id: string }>('id'), builder.selection<{ externalId: string }>('externalId')],
  resolveReference: async (ref: { id?: string; externalId?: string }, ctx) => {
    if (typeof ref.externalId === 'string') return entityLoaders(ctx).user.load({ by: 'externalId', value: ref.externalId });
    const id = localId(ref.id, 'User');
    return id ? entityLoaders(ctx).user.load({ by: 'id', value: id }) : null;
  },
});

builder.asEntity(ConnectionRef, {
  key: builder.selection<{ id: string }>('id'),
  resolveReference: async (ref, ctx) => {
    const id = localId(ref.id, 'Connection');
    return id ? entityLoaders(ctx).connection.load(id) : null;
  },
});

builder.asEntity(WorkoutRef, {
  key: builder.selection<{ id: string }>('id'),
  resolveReference: async (ref, ctx) => {
    const id = localId(ref.id, 'Workout');
    return id ? entityLoaders(ctx).workout.load(id) : null;
  },
});

builder.asEntity(SleepSessionRef, {
  key: builder.selection<{ id: string }>('id'),
  resolveReference: async (ref, ctx) => {
    const id = localId(ref.id, 'SleepSession');
    return id ? entityLoaders(ctx).sleepSession.load(id) : null;
  },
});

builder.asEntity(RecoveryRef, {
  key: builder.selection<{ id: string }>('id'),
  resolveReference: async (ref, ctx) => {
    const id = localId(ref.id, 'Recovery');
    return id ? entityLoaders(ctx).recovery.load(id) : null;
  },
});
