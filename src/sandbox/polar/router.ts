/** Minimal regex router shared by the route modules. */
import { matchRoute, type HandlerOf, type RequestContextOf, type RouteOf } from '../shared/router.js';
import type { FakeUser, PolarStore } from './store.js';
import { parseBearer, sendPolarError } from './http.js';

export type RequestContext = RequestContextOf<PolarStore>;
export type Handler = HandlerOf<PolarStore>;
export type Route = RouteOf<PolarStore>;

export const route = (method: string, pattern: RegExp, handler: Handler): Route => ({ method, pattern, handler });

export const match = (routes: Route[], method: string, path: string) => matchRoute(routes, method, path, false);

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
