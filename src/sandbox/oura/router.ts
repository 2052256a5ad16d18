/** Minimal regex router shared by the route modules. */
import { matchRoute, type HandlerOf, type RequestContextOf, type RouteOf } from '../shared/router.js';
import type { AccessTokenRecord, FakeUser, OuraStore } from './store.js';
import { parseBearer, sendOuraError } from './http.js';

export type RequestContext = RequestContextOf<OuraStore>;
export type Handler = HandlerOf<OuraStore>;
export type Route = RouteOf<OuraStore>;

export const route = (method: string, pattern: RegExp, handler: Handler): Route => ({ method, pattern, handler });

export const match = (routes: Route[], method: string, path: string) => matchRoute(routes, method, path, true);

/**
 * Authenticates a Bearer access token: missing, unknown, expired (fake clock)
 * or force-expired -> 401. When `scopes` is given the token must hold at least
 * one of them, else 403.
 */
export function bearerUser(ctx: RequestContext, scopes?: readonly string[]): { user: FakeUser; token: AccessTokenRecord } | null {
  const raw = parseBearer(ctx.req.headers.authorization);
  const token = raw ? (ctx.store.accessTokens.get(raw) ?? ctx.store.restoreAccessToken(raw)) : undefined;
  const user = token ? ctx.store.users.get(token.ouraUserId) : undefined;
  if (!token || !user || !ctx.store.accessTokenValid(token)) {
    sendOuraError(ctx.res, 401, 'Unauthorized', { 'WWW-Authenticate': 'Bearer' });
    return null;
  }
  if (scopes && !scopes.some((s) => token.scopes.includes(s))) {
    sendOuraError(ctx.res, 403, `Access token lacks the required scope (${scopes.join(' or ')})`);
    return null;
  }
  return { user, token };
}
