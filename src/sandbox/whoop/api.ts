/**
 * WHOOP Developer API v2 under /developer: the collections (cycle, recovery, activity/sleep,
 * activity/workout) with `limit` (default 10, at most 25), `start` (inclusive) / `end` (exclusive,
 * default now) on the record's start (a recovery: its sleep's start), `nextToken` paging and
 * newest-first order; the by-id routes; the user's profile and body measurements; and
 * DELETE /v2/user/access. Each route needs its scope (403 otherwise).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseBearer } from '../shared/http.js';
import type { WhoopRecovery, WhoopUserData } from './data.js';
import { sendJson } from './oauth.js';
import type { WhoopStore } from './store.js';

export const API_PREFIX = '/developer';
export const MAX_LIMIT = 25;
export const DEFAULT_LIMIT = 10;

const UUID = '([0-9a-fA-F-]{36})';
const INT = '(\\d{1,18})';

type Send = (status: number, body: unknown) => void;
type Handler = (ctx: { user: WhoopUserData; query: URLSearchParams; send: Send; store: WhoopStore }, params: string[]) => void;
interface Route {
  method: string;
  pattern: RegExp;
  scope: string | null;
  handler: Handler;
}

const notFound = (send: Send) => send(404, { error: 'Not Found' });

/** One page of a newest-first list, or a 400 naming the bad parameter. */
function page<T>(items: T[], startOf: (item: T) => number, query: URLSearchParams, send: Send, now: number): void {
  const limitRaw = query.get('limit');
  const limit = limitRaw === null ? DEFAULT_LIMIT : Number(limitRaw);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) return send(400, { error: `limit must be an integer from 1 to ${MAX_LIMIT}` });
  const bound = (name: string, fallback: number | null): number | null | undefined => {
    const v = query.get(name);
    if (v === null) return fallback;
    const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(v) ? Date.parse(v) : NaN;
    return Number.isNaN(ms) ? undefined : ms;
  };
  const start = bound('start', null);
  const end = bound('end', now);
  if (start === undefined) return send(400, { error: 'start must be an ISO 8601 date-time' });
  if (end === undefined) return send(400, { error: 'end must be an ISO 8601 date-time' });
  let offset = 0;
  const token = query.get('nextToken');
  if (token !== null) {
    const decoded = /^o(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
    if (!decoded) return send(400, { error: 'nextToken is invalid' });
    offset = Number(decoded[1]);
  }
  const matching = items.filter((item) => {
    const at = startOf(item);
    return (start === null || at >= start) && at < (end as number);
  });
  const records = matching.slice(offset, offset + limit);
  const next = offset + limit < matching.length ? Buffer.from(`o${offset + limit}`).toString('base64url') : undefined;
  send(200, { records, ...(next ? { next_token: next } : {}) });
}

const sleepStartOf = (user: WhoopUserData) => {
  const starts = new Map(user.sleeps.map((s) => [s.id, Date.parse(s.start)]));
  return (r: WhoopRecovery) => starts.get(r.sleep_id) ?? 0;
};

/** A by-id route: the first record the matcher accepts for the captured id, else 404. */
const byId =
  <T>(list: (user: WhoopUserData) => T[], matches: (item: T, id: string) => boolean): Handler =>
  ({ user, send }, [id]) => {
    const found = list(user).find((item) => matches(item, id));
    return found ? send(200, found) : notFound(send);
  };

const ROUTES: Route[] = [
  { method: 'GET', pattern: /^\/v2\/user\/profile\/basic$/, scope: 'read:profile', handler: ({ user, send }) => send(200, user.profile) },
  { method: 'GET', pattern: /^\/v2\/user\/measurement\/body$/, scope: 'read:body_measurement', handler: ({ user, send }) => send(200, user.body) },
  { method: 'GET', pattern: /^\/v2\/cycle$/, scope: 'read:cycles', handler: ({ user, query, send, store }) => page(user.cycles, (c) => Date.parse(c.start), query, send, store.now()) },
  {
    method: 'GET',
    pattern: new RegExp(`^/v2/cycle/${INT}$`),
    scope: 'read:cycles',
    handler: byId((u) => u.cycles, (c, id) => c.id === Number(id)),
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/v2/cycle/${INT}/sleep$`),
    scope: 'read:sleep',
    handler: byId((u) => u.sleeps, (s, id) => s.cycle_id === Number(id) && !s.nap),
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/v2/cycle/${INT}/recovery$`),
    scope: 'read:recovery',
    handler: byId((u) => u.recoveries, (r, id) => r.cycle_id === Number(id)),
  },
  { method: 'GET', pattern: /^\/v2\/recovery$/, scope: 'read:recovery', handler: ({ user, query, send, store }) => page(user.recoveries, sleepStartOf(user), query, send, store.now()) },
  { method: 'GET', pattern: /^\/v2\/activity\/sleep$/, scope: 'read:sleep', handler: ({ user, query, send, store }) => page(user.sleeps, (s) => Date.parse(s.start), query, send, store.now()) },
  {
    method: 'GET',
    pattern: new RegExp(`^/v2/activity/sleep/${UUID}$`),
    scope: 'read:sleep',
    handler: byId((u) => u.sleeps, (s, id) => s.id === id.toLowerCase()),
  },
  { method: 'GET', pattern: /^\/v2\/activity\/workout$/, scope: 'read:workout', handler: ({ user, query, send, store }) => page(user.workouts, (w) => Date.parse(w.start), query, send, store.now()) },
  {
    method: 'GET',
    pattern: new RegExp(`^/v2/activity/workout/${UUID}$`),
    scope: 'read:workout',
    handler: byId((u) => u.workouts, (w, id) => w.id === id.toLowerCase()),
  },
  {
    method: 'DELETE',
    pattern: /^\/v2\/user\/access$/,
    scope: null,
    handler: ({ user, send, store }) => {
      store.revokeUser(user.profile.user_id);
      send(204, null);
    },
  },
];

/** Serves one API request (path without the /developer prefix); the rate limit was counted by the caller. */
export function serveApi(store: WhoopStore, req: IncomingMessage, res: ServerResponse, method: string, path: string, query: URLSearchParams, headers: Record<string, string>): void {
  const send: Send = (status, body) => {
    if (status === 204) {
      res.writeHead(204, headers);
      res.end();
      return;
    }
    sendJson(res, status, body, headers);
  };
  const matching = ROUTES.filter((r) => r.pattern.test(path));
  if (!matching.length) return notFound(send);
  const route = matching.find((r) => r.method === method);
  if (!route) return send(405, { error: 'Method Not Allowed' });
  const raw = parseBearer(req.headers.authorization);
  const token = raw ? (store.accessTokens.get(raw) ?? (store.restore(raw, 'a') as ReturnType<typeof store.accessTokens.get>)) : undefined;
  const user = token ? store.users.get(token.userId) : undefined;
  if (!token || !user || token.revoked || store.now() >= token.expiresAt) {
    res.setHeader('WWW-Authenticate', 'Bearer');
    return send(401, { error: 'Authorization was not valid' });
  }
  if (route.scope && !token.scopes.includes(route.scope)) return send(403, { error: `The access token lacks the ${route.scope} scope` });
  route.handler({ user, query, send, store }, route.pattern.exec(path)!.slice(1));
}
