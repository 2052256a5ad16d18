/** Minimal regex router shared by the route modules. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeUser, PolarStore } from './store.js';
import { parseBearer, sendPolarError } from './http.js';

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  store: PolarStore;
  method: string;
  path: string;
  query: URLSearchParams;
  body: Buffer;
}

export type Handler = (ctx: RequestContext, params: string[]) => void | Promise<void>;

export interface Route {
  method: string;
  pattern: RegExp;
  handler: Handler;
}

export const route = (method: string, pattern: RegExp, handler: Handler): Route => ({ method, pattern, handler });

/** Resolves a route; `null` means no path matched, `'method'` means the path exists with another method. */
export function match(routes: Route[], method: string, path: string): { route: Route; params: string[] } | null | 'method' {
  let pathMatched = false;
  for (const r of routes) {
    const m = r.pattern.exec(path);
    if (!m) continue;
    pathMatched = true;
    if (r.method === method) return { route: r, params: m.slice(1) };
  }
  return pathMatched ? 'method' : null;
}

/**
 * Authenticates a Bearer user token. Missing/unknown/revoked token -> 401.
 * With requireRegistered (default), a user that is not registered -> 403.
 */
export function bearerUser(ctx: RequestContext, requireRegistered = true): FakeUser | null {
  const token = parseBearer(ctx.req.headers.authorization);
  const rec = token ? (ctx.store.tokens.get(token) ?? ctx.store.restoreToken(token)) : undefined;
  if (!rec || rec.revoked) {
    sendPolarError(ctx.res, 401, 'Unauthorized');
    return null;
  }
  const user = ctx.store.users.get(rec.polarUserId);
  if (!user) {
    sendPolarError(ctx.res, 401, 'Unauthorized');
    return null;
  }
  if (requireRegistered && !user.registered) {
    sendPolarError(ctx.res, 403, 'User is not registered to this client');
    return null;
  }
  return user;
}

/** The {user-id} in a path must be the token's user; otherwise 403. */
export function checkPathUser(ctx: RequestContext, user: FakeUser, userIdParam: string): boolean {
  if (Number(userIdParam) !== user.polarUserId) {
    sendPolarError(ctx.res, 403, 'Access token does not belong to this user');
    return false;
  }
  return true;
}
