/**
 * A Strava simulator on loopback: OAuth (comma-separated scopes, approval_prompt, unticked scopes,
 * six-hour access tokens, rotating refresh tokens, deauthorization), API v3 under /api/v3 (athlete,
 * activities list/detail/streams), the application's 15-minute and daily limits with their headers
 * and 429s, the push subscription with its hub.challenge handshake, and event deliveries. The test
 * fake and the sandbox's simulator. See README.md for what is faithful and what is simplified.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { authorizationTarget, followAuthorization, listenOnLoopback, logRequest, parseBearer, parseJson, readBody, sendEmpty, sendJsonAs, sendTextAs, type RequestLogEntry } from '../shared/http.js';
import { matchRoute, type RequestContextOf, type RouteOf } from '../shared/router.js';
import { isDate, todayUtc } from '../shared/calendar.js';
import { callbackAllowed, consentDenied, consentPage, type SandboxMode } from '../tokens.js';
import { detailOf, makeActivity, STREAM_TYPES, summaryOf, type StravaActivity, type StreamType } from './data.js';
import { randomToken, StravaStore, type AccessToken, type DeliveryLogEntry, type RateLimitOptions, type Subscription } from './store.js';

export const STRAVA_SCOPES = ['read', 'read_all', 'profile:read_all', 'profile:write', 'activity:read', 'activity:read_all', 'activity:write'] as const;
const CODE_TTL_MS = 10 * 60_000;
/** Strava gives the callback two seconds to echo the challenge. */
export const CHALLENGE_TIMEOUT_MS = 2_000;

/** A request: its parameters from query and body, and the rate-limit headers of an API request (empty outside /api/v3). */
type Ctx = RequestContextOf<StravaStore> & { form: URLSearchParams; rate: Record<string, string> };
type Route = RouteOf<StravaStore>;

const sendJson = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => sendJsonAs(res, 'application/json; charset=utf-8', status, body, headers);

/** Strava's error body: a message and a list of {resource, field, code}. */
function fault(res: ServerResponse, status: number, message: string, resource: string, field: string, code: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { message, errors: [{ resource, field, code }] }, headers);
}

/** Parameters from the query and the body (form or JSON), as Strava reads both. */
function paramsOf(query: URLSearchParams, req: IncomingMessage, body: Buffer): URLSearchParams {
  const params = new URLSearchParams(query);
  const type = String(req.headers['content-type'] ?? '');
  if (type.startsWith('application/json')) {
    const json = parseJson(body);
    if (json && typeof json === 'object') for (const [k, v] of Object.entries(json)) if (v !== null && v !== undefined) params.set(k, String(v));
  } else if (body.length) {
    for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params.set(k, v);
  }
  return params;
}

function redirect(res: ServerResponse, target: string, params: Record<string, string | null>): void {
  const url = new URL(target);
  for (const [k, v] of Object.entries(params)) if (v !== null) url.searchParams.set(k, v);
  res.writeHead(302, { Location: url.toString(), 'Content-Length': 0 });
  res.end();
}

// ------------------------------------------------------------------ OAuth

function authorization(ctx: Ctx): void {
  const { store, query, res } = ctx;
  const target = authorizationTarget(res, query, { clientId: store.config.clientId, redirectUris: store.config.redirectUris }, (r, status, text) =>
    fault(r, status, 'Bad Request', 'Application', text.includes('client_id') ? 'client_id' : 'redirect_uri', 'invalid'),
  );
  if (!target) return;
  const state = query.get('state');
  if (query.get('response_type') !== 'code') return fault(res, 400, 'Bad Request', 'Authorize', 'response_type', 'invalid');
  const prompt = query.get('approval_prompt') ?? 'auto';
  if (prompt !== 'auto' && prompt !== 'force') return fault(res, 400, 'Bad Request', 'Authorize', 'approval_prompt', 'invalid');
  // Comma-separated; a space-separated list is one unknown scope, as at Strava.
  const requested = (query.get('scope') ?? 'read').split(',').filter(Boolean);
  if (!requested.length || !requested.every((s) => (STRAVA_SCOPES as readonly string[]).includes(s))) return fault(res, 400, 'Bad Request', 'Authorize', 'scope', 'invalid');
  if (store.config.sandbox && ctx.method === 'GET') {
    return sendTextAs(res, 200, consentPage({ provider: 'Strava', scopes: requested, redirectUri: target, color: '#fc4c02', query }), 'text/html; charset=utf-8');
  }
  if (consentDenied(query) || store.denyNext > 0) {
    if (!consentDenied(query)) store.denyNext--;
    return redirect(res, target, { state, error: 'access_denied' });
  }
  // The user may untick optional scopes (e.g. activity:read_all); the callback's scope says what is left.
  const granted = store.nextGrantedScopes ? requested.filter((s) => store.nextGrantedScopes!.includes(s)) : requested;
  store.nextGrantedScopes = null;
  const athlete = store.athleteForAuthorization(query.get('login_hint'));
  const code = randomToken(16);
  store.codes.set(code, { athleteId: athlete.profile.id, scopes: granted, redirectUri: target, expiresAt: store.now() + CODE_TTL_MS, used: false });
  redirect(res, target, { state, code, scope: granted.join(',') });
}

function athleteSummary(store: StravaStore, athleteId: number): Record<string, unknown> {
  const { profile } = store.athlete(athleteId);
  return { id: profile.id, resource_state: 2, firstname: profile.firstname, lastname: profile.lastname, city: null, country: null, sex: null, premium: false, summit: false, created_at: '2019-04-01T08:00:00Z', updated_at: '2026-01-01T08:00:00Z' };
}

function token(ctx: Ctx): void {
  const { store, form, res } = ctx;
  if (form.get('client_id') !== store.config.clientId) return fault(res, 400, 'Bad Request', 'Application', 'client_id', 'invalid');
  if (form.get('client_secret') !== store.config.clientSecret) return fault(res, 401, 'Authorization Error', 'Application', 'client_secret', 'invalid');
  const grant = form.get('grant_type');
  const expiry = (access: AccessToken) => ({ expires_at: Math.floor(access.expiresAt / 1000), expires_in: Math.round((access.expiresAt - store.now()) / 1000) });
  if (grant === 'authorization_code') {
    const code = store.codes.get(form.get('code') ?? '');
    if (!code || code.used || code.expiresAt < store.now()) return fault(res, 400, 'Bad Request', 'AuthorizationCode', 'code', 'invalid');
    code.used = true;
    const { access, refresh } = store.issueTokens(code.athleteId, code.scopes);
    return sendJson(res, 200, { token_type: 'Bearer', ...expiry(access), refresh_token: refresh.token, access_token: access.token, athlete: athleteSummary(store, code.athleteId) });
  }
  if (grant === 'refresh_token') {
    const raw = form.get('refresh_token') ?? '';
    const old = store.refreshTokens.get(raw) ?? (store.restore(raw, 'r') as ReturnType<StravaStore['refreshTokens']['get']>);
    if (!old || old.status !== 'active') return fault(res, 400, 'Bad Request', 'RefreshToken', 'refresh_token', 'invalid');
    // Rotating: the old refresh token is spent, the new pair replaces it.
    old.status = 'used';
    const { access, refresh } = store.issueTokens(old.athleteId, old.scopes);
    return sendJson(res, 200, { token_type: 'Bearer', access_token: access.token, ...expiry(access), refresh_token: refresh.token });
  }
  fault(res, 400, 'Bad Request', 'Token', 'grant_type', 'invalid');
}

/** The access token of the request (Bearer, or access_token as a parameter); 401 when it does not work. */
function authenticated(ctx: Ctx, headers: Record<string, string> = {}): AccessToken | null {
  const raw = parseBearer(ctx.req.headers.authorization) ?? ctx.form.get('access_token');
  const found = raw ? (ctx.store.accessTokens.get(raw) ?? (ctx.store.restore(raw, 'a') as AccessToken | undefined)) : undefined;
  if (!found || found.revoked || found.expiresAt <= ctx.store.now()) {
    fault(ctx.res, 401, 'Authorization Error', 'Athlete', 'access_token', 'invalid', headers);
    return null;
  }
  return found;
}

function deauthorize(ctx: Ctx): void {
  const access = authenticated(ctx);
  if (!access) return;
  ctx.store.revokeAthlete(access.athleteId);
  sendJson(ctx.res, 200, { access_token: access.token });
  // Strava then tells the subscription, as for a user revoking access in their settings.
  void deliver(ctx.store, { object_type: 'athlete', object_id: access.athleteId, aspect_type: 'update', owner_id: access.athleteId, updates: { authorized: 'false' } });
}

// ------------------------------------------------------------------ API v3 (rate limited)

const canRead = (t: AccessToken) => t.scopes.includes('activity:read') || t.scopes.includes('activity:read_all');
const visible = (t: AccessToken, a: StravaActivity) => t.scopes.includes('activity:read_all') || a.visibility !== 'only_me';

function epochParam(ctx: Ctx, name: string, headers: Record<string, string>): number | null | undefined {
  const raw = ctx.query.get(name);
  if (raw === null) return null;
  if (!/^\d+$/.test(raw)) {
    fault(ctx.res, 400, 'Bad Request', 'Activity', name, 'invalid', headers);
    return undefined;
  }
  return Number(raw) * 1000;
}

function api(handler: (ctx: Ctx, params: string[], token: AccessToken, headers: Record<string, string>) => void): (ctx: Ctx, params: string[]) => void {
  return (ctx, params) => {
    const token = authenticated(ctx, ctx.rate);
    if (token) handler(ctx, params, token, ctx.rate);
  };
}

const getAthlete = api((ctx, _p, token, headers) => sendJson(ctx.res, 200, athleteSummary(ctx.store, token.athleteId), headers));

const listActivities = api((ctx, _p, token, headers) => {
  if (!canRead(token)) return fault(ctx.res, 401, 'Authorization Error', 'AccessToken', 'activity:read_permission', 'missing', headers);
  const before = epochParam(ctx, 'before', headers);
  const after = epochParam(ctx, 'after', headers);
  if (before === undefined || after === undefined) return;
  const page = Number(ctx.query.get('page') ?? '1');
  const perPage = Math.min(200, Number(ctx.query.get('per_page') ?? '30'));
  if (!Number.isInteger(page) || page < 1 || !Number.isInteger(perPage) || perPage < 1) return fault(ctx.res, 400, 'Bad Request', 'Activity', 'page', 'invalid', headers);
  let list = ctx.store.athlete(token.athleteId).activities.filter((a) => {
    const at = Date.parse(a.start_date);
    return visible(token, a) && (after === null || at > after) && (before === null || at < before);
  });
  // Newest first, except with `after` alone: then oldest first (as Strava answers).
  if (!(after !== null && before === null)) list = [...list].reverse();
  sendJson(ctx.res, 200, list.slice((page - 1) * perPage, page * perPage).map(summaryOf), headers);
});

function ownActivity(ctx: Ctx, token: AccessToken, id: string, headers: Record<string, string>): StravaActivity | null {
  const activity = /^\d+$/.test(id) ? ctx.store.findActivity(Number(id)) : undefined;
  if (!activity || activity.athleteId !== token.athleteId || !visible(token, activity) || !canRead(token)) {
    fault(ctx.res, 404, 'Record Not Found', 'Activity', 'id', 'invalid', headers);
    return null;
  }
  return activity;
}

const getActivity = api((ctx, [id], token, headers) => {
  const activity = ownActivity(ctx, token, id, headers);
  if (activity) sendJson(ctx.res, 200, detailOf(activity), headers);
});

const getStreams = api((ctx, [id], token, headers) => {
  const activity = ownActivity(ctx, token, id, headers);
  if (!activity) return;
  // A manual activity has nothing recorded.
  if (!activity.streams) return fault(ctx.res, 404, 'Record Not Found', 'Stream', 'activity', 'not found', headers);
  const asked = (ctx.query.get('keys') ?? '').split(',').filter((k): k is StreamType => (STREAM_TYPES as readonly string[]).includes(k));
  // The distance stream comes with every answer.
  const keys = [...new Set<StreamType>([...asked, 'distance'])];
  const streams = activity.streams as unknown as Partial<Record<StreamType, number[]>>;
  const list = keys
    .filter((k) => streams[k])
    .map((type) => ({ type, data: streams[type]!, series_type: 'distance', original_size: streams[type]!.length, resolution: 'high' }));
  if (ctx.query.get('key_by_type') === 'true') return sendJson(ctx.res, 200, Object.fromEntries(list.map(({ type, ...rest }) => [type, rest])), headers);
  sendJson(ctx.res, 200, list, headers);
});

// ------------------------------------------------------------------ push subscriptions (client credentials)

function clientOk(ctx: Ctx, headers: Record<string, string>): boolean {
  if (ctx.form.get('client_id') === ctx.store.config.clientId && ctx.form.get('client_secret') === ctx.store.config.clientSecret) return true;
  fault(ctx.res, 401, 'Authorization Error', 'Application', 'client_id', 'invalid', headers);
  return false;
}

const viewOf = (s: Subscription, store: StravaStore) => ({ id: s.id, resource_state: 2, application_id: Number(store.config.clientId.replace(/\D/g, '')) || 1, callback_url: s.callback_url, created_at: s.created_at, updated_at: s.created_at });

async function createSubscription(ctx: Ctx): Promise<void> {
  const { store, form, res } = ctx;
  const headers = ctx.rate;
  if (!clientOk(ctx, headers)) return;
  const callback = form.get('callback_url');
  const verifyToken = form.get('verify_token');
  if (!callback || !/^https?:\/\//.test(callback)) return fault(res, 400, 'Bad Request', 'PushSubscription', 'callback url', 'invalid', headers);
  if (!verifyToken) return fault(res, 400, 'Bad Request', 'PushSubscription', 'verify_token', 'invalid', headers);
  if (store.subscription) return fault(res, 400, 'Bad Request', 'PushSubscription', '', 'already exists', headers);
  if (!callbackAllowed(store.config.sandbox, callback)) return fault(res, 400, 'Bad Request', 'PushSubscription', 'callback url', 'not allowed', headers);
  // The handshake: GET the callback with a challenge; it must echo it within two seconds.
  const challenge = randomToken(12);
  const url = new URL(callback);
  url.searchParams.set('hub.mode', 'subscribe');
  url.searchParams.set('hub.challenge', challenge);
  url.searchParams.set('hub.verify_token', verifyToken);
  let echoed = false;
  try {
    const answer = await fetch(url, { signal: AbortSignal.timeout(CHALLENGE_TIMEOUT_MS) });
    const body = (await answer.json().catch(() => null)) as Record<string, unknown> | null;
    echoed = answer.status === 200 && body?.['hub.challenge'] === challenge;
  } catch {
    echoed = false;
  }
  if (!echoed) return fault(res, 400, 'Bad Request', 'PushSubscription', 'callback url', 'GET to callback URL does not return 200', headers);
  store.subscription = { id: store.nextSubscriptionId++, callback_url: callback, verify_token: verifyToken, created_at: new Date(store.now()).toISOString() };
  sendJson(res, 201, { id: store.subscription.id }, headers);
}

function listSubscriptions(ctx: Ctx): void {
  if (!clientOk(ctx, ctx.rate)) return;
  sendJson(ctx.res, 200, ctx.store.subscription ? [viewOf(ctx.store.subscription, ctx.store)] : [], ctx.rate);
}

function deleteSubscription(ctx: Ctx, [id]: string[]): void {
  if (!clientOk(ctx, ctx.rate)) return;
  if (!ctx.store.subscription || String(ctx.store.subscription.id) !== id) return fault(ctx.res, 404, 'Record Not Found', 'PushSubscription', 'id', 'invalid', ctx.rate);
  ctx.store.subscription = null;
  sendEmpty(ctx.res, 204, ctx.rate);
}

// ------------------------------------------------------------------ events

export interface StravaEventInput {
  object_type: 'activity' | 'athlete';
  object_id: number;
  aspect_type: 'create' | 'update' | 'delete';
  owner_id: number;
  updates?: Record<string, string>;
  event_time?: number;
}

/** POSTs an event to the subscription's callback (one attempt; Strava retries up to three times); the status, 0 when unreachable, null without a subscription. */
async function deliver(store: StravaStore, event: StravaEventInput, subscriptionId?: number): Promise<number | null> {
  const subscription = store.subscription;
  if (!subscription) return null;
  const body = { ...event, updates: event.updates ?? {}, event_time: event.event_time ?? Math.floor(store.now() / 1000), subscription_id: subscriptionId ?? subscription.id };
  const entry: DeliveryLogEntry = { url: subscription.callback_url, status: 0, body };
  store.deliveries.push(entry);
  try {
    const answer = await fetch(subscription.callback_url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(CHALLENGE_TIMEOUT_MS) });
    await answer.arrayBuffer();
    entry.status = answer.status;
  } catch {
    entry.status = 0;
  }
  return entry.status;
}

// ------------------------------------------------------------------ server

const route = (method: string, pattern: RegExp, handler: (ctx: Ctx, params: string[]) => void | Promise<void>): Route => ({ method, pattern, handler: handler as Route['handler'] });

const ROUTES: Route[] = [
  route('GET', /^\/oauth\/authorize$/, authorization),
  route('POST', /^\/oauth\/authorize$/, authorization),
  route('POST', /^\/(?:api\/v3\/)?oauth\/token$/, token),
  route('POST', /^\/oauth\/deauthorize$/, deauthorize),
  route('GET', /^\/api\/v3\/athlete$/, getAthlete),
  route('GET', /^\/api\/v3\/athlete\/activities$/, listActivities),
  route('GET', /^\/api\/v3\/activities\/([^/]+)$/, getActivity),
  route('GET', /^\/api\/v3\/activities\/([^/]+)\/streams$/, getStreams),
  route('POST', /^\/api\/v3\/push_subscriptions$/, createSubscription),
  route('GET', /^\/api\/v3\/push_subscriptions$/, listSubscriptions),
  route('DELETE', /^\/api\/v3\/push_subscriptions\/(\d+)$/, deleteSubscription),
];

async function handle(store: StravaStore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { url, method } = logRequest(req, res, store.requests);
  const body = await readBody(req);
  const path = url.pathname;
  const found = matchRoute(ROUTES, method, path, true);
  let rate: Record<string, string> = {};
  if (path.startsWith('/api/v3/') && !path.endsWith('/oauth/token')) {
    const counted = store.countRequest(method);
    rate = counted.headers;
    if (counted.limited) return fault(res, 429, 'Rate Limit Exceeded', 'Application', 'rate limit', 'exceeded', rate);
  }
  if (found === null) return fault(res, 404, 'Resource Not Found', 'Path', path, 'invalid', rate);
  if (found === 'method') return fault(res, 405, 'Method Not Allowed', 'Path', path, 'invalid', rate);
  const form = paramsOf(url.searchParams, req, body);
  await found.route.handler({ req, res, store, method, path, query: url.searchParams, body, rate, form } as Ctx, found.params);
}

export interface StravaFakeOptions {
  clientId?: string;
  clientSecret?: string;
  port?: number;
  seed?: number;
  /** Days of history per athlete, ending today (default 60). */
  days?: number;
  /** 'YYYY-MM-DD' the fake treats as today (default: the current UTC date). */
  today?: string;
  /** expires_in of access tokens (default 21600: six hours). */
  accessTokenTtlSeconds?: number;
  redirectUris?: string[];
  rateLimit?: RateLimitOptions;
  sandbox?: SandboxMode;
}

export interface StravaFake {
  readonly url: string;
  readonly authorizationUrl: string;
  readonly tokenUrl: string;
  /** The API base, with Strava's /api/v3 path (STRAVA_API_URL). */
  readonly apiUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly requests: RequestLogEntry[];
  readonly deliveries: DeliveryLogEntry[];
  /** Requests answered 429 so far. */
  readonly rateLimited: number;
  readonly subscription: Subscription | null;
  /** The athlete's activities as the simulator holds them (list order: oldest first). */
  activitiesFor(athleteId: number): StravaActivity[];
  /** Athletes that authorized, by id. */
  athleteIds(): number[];
  /** A new activity of the athlete starting `minutesAgo` before now (default 90), as a fresh upload. */
  addActivity(athleteId: number, options?: { minutesAgo?: number; overrides?: Partial<StravaActivity> }): StravaActivity;
  updateActivity(activityId: number, changes: Partial<StravaActivity>): StravaActivity;
  deleteActivity(activityId: number): void;
  /** The user revokes access in their Strava settings: tokens stop working, the subscription hears athlete update authorized "false". */
  revokeAthlete(athleteId: number): Promise<number | null>;
  /** Delivers an event to the subscription as Strava would (subscription_id overridable, for forgeries). */
  sendEvent(event: StravaEventInput, options?: { subscriptionId?: number }): Promise<number | null>;
  denyNextAuthorization(): void;
  /** The next authorization grants only these of the requested scopes (the user unticked the rest). */
  setNextGrantedScopes(scopes: string[]): void;
  /** The next authorization is by this athlete (a re-connection). */
  setNextAthlete(athleteId: number): void;
  expireAccessTokens(athleteId?: number): void;
  close(): Promise<void>;
}

export async function startStravaFake(options: StravaFakeOptions = {}): Promise<StravaFake> {
  const today = options.today ?? todayUtc();
  if (!isDate(today)) throw new Error(`today must be YYYY-MM-DD, got ${today}`);
  const store = new StravaStore({
    clientId: options.clientId ?? '4242',
    clientSecret: options.clientSecret ?? 'strava-secret',
    seed: options.seed ?? 1,
    days: options.days ?? 60,
    today,
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 21_600,
    redirectUris: options.redirectUris ?? null,
    rateLimit: { overall: options.rateLimit?.overall ?? [200, 2000], read: options.rateLimit?.read ?? [100, 1000], periodsSeconds: options.rateLimit?.periodsSeconds ?? [900, 86_400] },
    sandbox: options.sandbox ?? null,
  });
  const { server, url } = await listenOnLoopback((req, res) => handle(store, req, res), (res) => fault(res, 500, 'Internal Server Error', 'Server', '', 'error'), options.port);
  const activity = (id: number) => {
    const found = store.findActivity(id);
    if (!found) throw new Error(`Strava fake: no activity ${id}`);
    return found;
  };
  return {
    url,
    authorizationUrl: `${url}/oauth/authorize`,
    tokenUrl: `${url}/oauth/token`,
    apiUrl: `${url}/api/v3`,
    clientId: store.config.clientId,
    clientSecret: store.config.clientSecret,
    requests: store.requests,
    deliveries: store.deliveries,
    get rateLimited() {
      return store.rateLimited;
    },
    get subscription() {
      return store.subscription;
    },
    activitiesFor: (athleteId) => [...store.athlete(athleteId).activities],
    athleteIds: () => [...store.athletes.keys()],
    addActivity(athleteId, opts = {}) {
      const athlete = store.athlete(athleteId);
      const startMs = store.now() - (opts.minutesAgo ?? 90) * 60_000;
      const localDay = new Date(startMs + athlete.profile.utcOffsetSeconds * 1000).toISOString().slice(0, 10);
      const generated = makeActivity(store.config.seed, athlete.profile, localDay, 5_000 + athlete.added++, { manual: false });
      // Moved to the asked instant, keeping its wall-clock relation to UTC.
      const shift = startMs - Date.parse(generated.start_date);
      const moved = { ...generated, start_date: new Date(Date.parse(generated.start_date) + shift).toISOString().replace(/\.\d{3}Z$/, 'Z'), start_date_local: new Date(Date.parse(generated.start_date_local) + shift).toISOString().replace(/\.\d{3}Z$/, 'Z'), visibility: 'everyone' as const, private: false, ...opts.overrides };
      athlete.activities.push(moved);
      return moved;
    },
    updateActivity(id, changes) {
      return Object.assign(activity(id), changes);
    },
    deleteActivity(id) {
      const owner = store.athlete(activity(id).athleteId);
      owner.activities = owner.activities.filter((a) => a.id !== id);
    },
    async revokeAthlete(athleteId) {
      store.revokeAthlete(athleteId);
      return deliver(store, { object_type: 'athlete', object_id: athleteId, aspect_type: 'update', owner_id: athleteId, updates: { authorized: 'false' } });
    },
    sendEvent: (event, opts = {}) => deliver(store, event, opts.subscriptionId),
    denyNextAuthorization() {
      store.denyNext++;
    },
    setNextGrantedScopes(scopes) {
      store.nextGrantedScopes = [...scopes];
    },
    setNextAthlete(athleteId) {
      store.nextAthleteId = athleteId;
    },
    expireAccessTokens(athleteId) {
      for (const t of store.accessTokens.values()) if (athleteId === undefined || t.athleteId === athleteId) t.expiresAt = store.now() - 1;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The callback URL (with code, scope and state, or error) the authorization endpoint redirects to. */
export function authorize(fake: Pick<StravaFake, 'url'>, authorizationUrl: string): Promise<string> {
  return followAuthorization(fake.url, authorizationUrl, 'Strava');
}
