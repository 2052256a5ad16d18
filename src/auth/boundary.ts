/**
 * The user boundary: what data a principal may see, enforced in ONE place, below every API.
 *
 * Every resolver, loader, node()/nodes(), _entities reference, subscription (and any later API such
 * as MCP or exports) reads through `boundary.prisma`. For an API key that is the plain client (it
 * reads every user). For a user token it is the same client extended so that every model operation
 * is confined to the token's user:
 *
 * - a model with a `userId` column is filtered on it, `User` on its id, and a model without one
 *   that belongs to such a model through a required relation (SyncRun -> Connection) is filtered
 *   through that relation. The map is worked out from the Prisma datamodel, so a model added
 *   later is covered without editing this file;
 * - a model with no path to a user (API keys, provider webhooks, delivery keys, anything new and
 *   app-wide) reads as empty and cannot be written;
 * - creates must name the token's user; raw SQL through this client is refused (it would bypass
 *   the filters): a loader that needs raw SQL filters its user ids with `visibleUserIds`.
 *
 * So another user's row is not "forbidden", it is not there: the answer is exactly the one a
 * missing id gets (null, an empty list, the same NOT_FOUND), which reveals nothing about existence.
 */
import type { PrismaClient } from '../generated/prisma/client.js';
import { getDatamodel } from '../generated/pothos-types.js';
import { can, type Capability, type Principal } from './principal.js';

type Where = Record<string, unknown>;
/** How a model reaches its owner: a where clause for one user id, or null (no owner: app-wide data). */
type OwnerFilter = ((userId: string) => Where) | null;

/** A boundary check failed in code (not in input): a bug, reported as an internal error. */
export class BoundaryViolation extends Error {
  override name = 'BoundaryViolation';
}

interface ModelField {
  name: string;
  kind: string;
  type: string;
  isRequired: boolean;
  isList: boolean;
  relationFromFields?: string[];
}

/** Owner filters of every model, from the datamodel (depth-limited walk over required to-one relations). */
export function ownerFilters(models: Record<string, { fields: ModelField[] }> = getDatamodel().datamodel.models as never): Map<string, OwnerFilter> {
  const filters = new Map<string, OwnerFilter>();
  const resolve = (model: string, depth: number): OwnerFilter => {
    if (model === 'User') return (userId) => ({ id: userId });
    const fields = models[model]?.fields ?? [];
    if (fields.some((f) => f.kind === 'scalar' && f.name === 'userId')) return (userId) => ({ userId });
    if (depth >= 3) return null;
    for (const field of fields) {
      if (field.kind !== 'object' || field.isList || !field.isRequired || !field.relationFromFields?.length) continue;
      const parent = resolve(field.type, depth + 1);
      if (parent) return (userId) => ({ [field.name]: { is: parent(userId) } });
    }
    return null;
  };
  for (const model of Object.keys(models)) filters.set(model, resolve(model, 0));
  return filters;
}

const READS = new Set(['findUnique', 'findUniqueOrThrow', 'findFirst', 'findFirstOrThrow', 'findMany', 'count', 'aggregate', 'groupBy']);
const FILTERED_WRITES = new Set(['update', 'updateMany', 'updateManyAndReturn', 'delete', 'deleteMany', 'upsert']);
const CREATES = new Set(['create', 'createMany', 'createManyAndReturn']);

function emptyResult(operation: string, model: string): unknown {
  switch (operation) {
    case 'findMany':
    case 'groupBy':
      return [];
    case 'count':
      return 0;
    case 'findUnique':
    case 'findFirst':
      return null;
    case 'aggregate':
      return {};
    default:
      // *OrThrow: the same failure a missing row gives.
      throw Object.assign(new Error(`No ${model} found`), { code: 'P2025', name: 'NotFoundError' });
  }
}

function scopedClient(prisma: PrismaClient, userId: string, filters: Map<string, OwnerFilter>): PrismaClient {
  const checkData = (model: string, data: unknown) => {
    for (const row of Array.isArray(data) ? data : [data]) {
      const record = (row ?? {}) as Record<string, unknown>;
      if (model === 'User' || !filters.get(model)) throw new BoundaryViolation(`A user token may not create ${model} rows`);
      const connected = (record.user as { connect?: { id?: string } } | undefined)?.connect?.id;
      if ((record.userId !== undefined && record.userId !== userId) || (connected !== undefined && connected !== userId)) {
        throw new BoundaryViolation(`A user token may only write its own user's ${model} rows`);
      }
    }
  };
  return prisma.$extends({
    name: 'user-boundary',
    query: {
      async $allOperations({ model, operation, args, query }) {
        if (!model) throw new BoundaryViolation(`${operation} is not available through a user boundary: raw SQL would bypass it`);
        const filter = filters.get(model);
        const a = (args ?? {}) as { where?: Where; data?: unknown; create?: unknown; update?: unknown };
        if (READS.has(operation)) {
          if (!filter) return emptyResult(operation, model);
          return query({ ...a, where: a.where ? { ...a.where, AND: [filter(userId)] } : filter(userId) } as never);
        }
        if (FILTERED_WRITES.has(operation)) {
          if (!filter) throw new BoundaryViolation(`A user token may not write ${model} rows`);
          if (a.data && !Array.isArray(a.data) && (a.data as Where).userId !== undefined) checkData(model, a.data);
          if (a.create) checkData(model, a.create);
          return query({ ...a, where: a.where ? { ...a.where, AND: [filter(userId)] } : filter(userId) } as never);
        }
        if (CREATES.has(operation)) {
          checkData(model, a.data);
          return query(args);
        }
        throw new BoundaryViolation(`${model}.${operation} is not available through a user boundary`);
      },
    },
  }) as unknown as PrismaClient;
}

export class AccessBoundary {
  constructor(
    readonly principal: Principal,
    /** What every resolver and loader reads through (confined to one user for a user token). */
    readonly prisma: PrismaClient,
  ) {}

  /** The one user this principal may see; null: every user (an API key). */
  get userId(): string | null {
    return this.principal.kind === 'user' ? this.principal.userId : null;
  }

  can(capability: Capability): boolean {
    return can(this.principal, capability);
  }

  mayReadUser(userId: string): boolean {
    return this.userId === null || this.userId === userId;
  }

  /** For loaders that query by user id with raw SQL: the ids this principal may read. */
  visibleUserIds(userIds: readonly string[]): string[] {
    return this.userId === null ? [...userIds] : userIds.filter((id) => id === this.userId);
  }
}

/** Builds boundaries; keeps one confined client per recently seen user (building one costs a little). */
export class BoundaryFactory {
  private readonly filters = ownerFilters();
  private readonly clients = new Map<string, PrismaClient>();

  constructor(private readonly prisma: PrismaClient, private readonly cacheSize = 1000) {}

  for(principal: Principal): AccessBoundary {
    if (principal.kind === 'apiKey') return new AccessBoundary(principal, this.prisma);
    let client = this.clients.get(principal.userId);
    if (client) {
      this.clients.delete(principal.userId);
    } else {
      client = scopedClient(this.prisma, principal.userId, this.filters);
      if (this.clients.size >= this.cacheSize) this.clients.delete(this.clients.keys().next().value!);
    }
    this.clients.set(principal.userId, client);
    return new AccessBoundary(principal, client);
  }
}
