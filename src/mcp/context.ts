/**
 * One MCP request's view of the gateway: who asks, the read services (the same ones GraphQL's
 * resolvers use, with a fresh set of loaders per request) and how a tool names a user.
 */
import type { AccessBoundary } from '../auth/boundary.js';
import type { Principal } from '../auth/principal.js';
import type { AppServices } from '../graphql/context.js';
import { createLoaders } from '../graphql/context.js';
import { addLocalDays } from '../normalize/time.js';
import { dateRange } from '../graphql/dates.js';
import type { ReadContext } from '../services/context.js';

/** Who calls: an API key (every user) or a user token (its one user); resolved as for GraphQL. */
export type McpPrincipal = Principal;

export interface McpDeps {
  services: Pick<AppServices, 'prisma' | 'config' | 'principals' | 'boundaries'>;
  /** Today's local date (tests pin it); windows end here by default. */
  today: () => string;
}

export interface McpCall extends ReadContext {
  principal: McpPrincipal;
  /** The same boundary GraphQL's context gets: `prisma` is its client (one user for a user token). */
  boundary: AccessBoundary;
  today: string;
}

export function createCall(deps: McpDeps, principal: McpPrincipal): McpCall {
  const { prisma, config, boundaries } = deps.services;
  const boundary = boundaries.for(principal);
  return { prisma: boundary.prisma, config, loaders: createLoaders(prisma, boundary), principal, boundary, today: deps.today() };
}

/** A problem with the caller's input: answered as a tool error naming the argument and the limit. */
export class ToolInputError extends Error {
  override name = 'ToolInputError';
}

export const toGlobalId = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64');

function fromGlobalId(value: string, type: string): string | null {
  if (!/^[A-Za-z0-9+/=]+$/.test(value)) return null;
  const decoded = Buffer.from(value, 'base64').toString();
  return decoded.startsWith(`${type}:`) ? decoded.slice(type.length + 1) : null;
}

export interface ResolvedUser {
  id: string;
  externalId: string | null;
}

/**
 * The user a tool is about: a global ID (as GraphQL and users_find give it) or an externalId. A
 * user token may only name its own user (and may leave `user` out); another user's id is answered
 * exactly like an unknown one.
 */
export async function resolveUser(call: McpCall, user: string | undefined): Promise<ResolvedUser> {
  const principal = call.principal;
  if (!user) {
    if (principal.kind === 'user') return findUser(call, principal.userId, null, 'your user');
    throw new ToolInputError('user: required with an API key (a global ID from users_find, or an externalId).');
  }
  const id = fromGlobalId(user, 'User');
  const found = await findUser(call, id, id ? null : user, `"${user}"`);
  if (principal.kind === 'user' && found.id !== principal.userId) throw noSuchUser(`"${user}"`);
  return found;
}

const noSuchUser = (what: string) => new ToolInputError(`user: no user ${what} (pass a global ID from users_find, or an externalId).`);

async function findUser(call: McpCall, id: string | null, externalId: string | null, what: string): Promise<ResolvedUser> {
  const row = await call.prisma.user.findFirst({ where: id ? { id } : { externalId: externalId! }, select: { id: true, externalId: true } });
  if (!row) throw noSuchUser(what);
  return row;
}

/** A from/to window of local dates: defaults end today and span `defaultDays`; at most `maxDays`. */
export function dateWindow(call: McpCall, args: { from?: string; to?: string }, defaultDays: number, maxDays: number): { from: string; to: string; days: number } {
  const to = args.to ?? (args.from ? addLocalDays(args.from, defaultDays - 1) : call.today);
  const from = args.from ?? addLocalDays(to, -(defaultDays - 1));
  try {
    const range = dateRange(from, to, maxDays);
    return { from, to, days: Math.round((range.to.getTime() - range.from.getTime()) / 86_400_000) + 1 };
  } catch (error) {
    throw new ToolInputError(`from/to: ${(error as Error).message} (this tool allows at most ${maxDays} days).`);
  }
}
