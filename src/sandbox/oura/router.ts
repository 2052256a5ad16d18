/** Minimal regex router shared by the route modules. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AccessTokenRecord, FakeUser, OuraStore } from './store.js';
import { parseBearer, sendOuraError } from './http.js';

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  store: OuraStore;
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
    if (r.method === method) return { route: r, params: m.slice(1).map((p) => decodeURIComponent(p)) };
  }
  return pathMatched ? 'method' : null;
}

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
