/**
 * A fake of Oura's OAuth server and API v2 on loopback, for tests.
 * See README.md in this folder for what is faithful and what deviates.
 */
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import { followAuthorization, listenOnLoopback, logRequest } from '../shared/http.js';
import type { SandboxMode } from '../tokens.js';
import { contextOf, makeDocument, rngFor, sortCollection } from './data.js';
import { FaultInjector, type OuraFaults } from './faults.js';
import { readBody, sendJson, sendOuraError, sendText } from './http.js';
import { DEFAULT_SCOPES, oauthRoutes } from './oauth.js';
import { match, type Route } from './router.js';
import { OuraStore, type DeliveryLogEntry, type FakeUser, type RequestLogEntry } from './store.js';
import { formatUtcOffset, isDate, todayUtc } from './time.js';
import { COLLECTIONS, type CollectionType, type DocumentOf, type OuraHeartRate, type OuraPersonalInfo, type UserCollections } from './types.js';
import { userCollectionRoutes } from './usercollection.js';
import { deliverSigned, view, webhookRoutes, webhookTimestamp, type WebhookEventInput } from './webhooks.js';

export interface OuraFakeOptions {
  clientId?: string;
  clientSecret?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Seed for all generated data (default 1). */
  seed?: number;
  /** Days of history per user, ending today (default 90). */
  days?: number;
  /** 'YYYY-MM-DD' the fake treats as today (default: current UTC date). */
  today?: string;
  /** UTC offset in minutes of every new user's ring (default 60). */
  timeZoneOffsetMinutes?: number;
  /** expires_in of access tokens (default 86400). */
  accessTokenTtlSeconds?: number;
  /** Allowed redirect URIs; when omitted any absolute URL is accepted. The first is the default. */
  redirectUris?: string[];
  /** Documents per page of a collection (default 25). */
  pageSize?: number;
  /** Samples per page of heartrate (default 1000). */
  heartRatePageSize?: number;
  /** Lifetime of a webhook subscription, from creation or renewal (default 30 days). */
  subscriptionTtlDays?: number;
  /**
   * Sandbox mode (the gateway's built-in simulator, src/sandbox/runtime.ts): the authorization
   * endpoint serves a consent page with "Allow" and "Deny" buttons instead of redirecting at once,
   * `login_hint` picks a deterministic user, and tokens verify themselves (they survive a restart).
   */
  sandbox?: SandboxMode;
}

export interface FakeTokenInfo {
  accessToken: string;
  /** False once expired on the fake's clock or by expireAccessTokens(). */
  accessTokenValid: boolean;
  accessTokenExpiresAt: string;
  refreshToken: string;
  /** False once rotated away (used) or revoked. */
  refreshTokenValid: boolean;
  refreshTokenStatus: 'active' | 'used' | 'revoked';
  scopes: string[];
}

export interface FakeUserInfo {
  ouraUserId: string;
  email: string | null;
  timeZoneOffsetMinutes: number;
  /** Every token pair issued to the user, oldest first. */
  tokens: FakeTokenInfo[];
  hasValidAccessToken: boolean;
  hasValidRefreshToken: boolean;
}

export interface OuraUserDataView extends UserCollections {
  personalInfo: OuraPersonalInfo;
  timeZoneOffsetMinutes: number;
  heartrate: OuraHeartRate[];
}

export interface SubscriptionInfo {
  id: string;
  callback_url: string;
  event_type: string;
  data_type: string;
  expiration_time: string;
  verification_token: string;
}

export interface ConnectedUser {
  ouraUserId: string;
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  /** Space-separated granted scopes, as in the token response. */
  scope: string;
}

export interface OuraFake {
  /** http://127.0.0.1:PORT: the authorization base and the API base. */
  readonly url: string;
  readonly authorizationUrl: string;
  readonly tokenUrl: string;
  readonly apiUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Every request served: method, path, query, status, headers. */
  readonly requests: RequestLogEntry[];
  /** Every webhook delivery attempted by sendWebhook (url, status, headers, raw body). */
  readonly deliveries: DeliveryLogEntry[];
  readonly faults: OuraFaults;
  /** Current webhook subscriptions (with their verification tokens). */
  readonly subscriptions: SubscriptionInfo[];
  /** All users the fake knows, keyed by Oura user id (personal_info.id). */
  readonly users: ReadonlyMap<string, FakeUserInfo>;
  /** The date the fake treats as today. */
  readonly today: string;
  setToday(date: string): void;
  /** Moves the fake's clock (code/token/subscription expiry, event_time, x-oura-timestamp). */
  advanceClock(ms: number): void;
  /** The fake's clock in ms. */
  now(): number;
  close(): Promise<void>;
  /** The next authorization redirects with error=access_denied. */
  denyNextAuthorization(): void;
  /** The next authorization grants only the requested scopes that are in this list (the user unticked the rest). */
  setNextGrantedScopes(scopes: string[]): void;
  /** Controls the user the next authorization yields (existing id to re-authorize, or a new user's offset). */
  setNextAuthorization(next: { ouraUserId?: string; timeZoneOffsetMinutes?: number }): void;
  /** Every access token issued so far (of one user, or all) answers 401 from now on. */
  expireAccessTokens(ouraUserId?: string): void;
  /** Every active refresh token (of one user, or all) answers 400 invalid_grant from now on. */
  revokeRefreshTokens(ouraUserId?: string): void;
  /** Creates a user with generated data without any OAuth; returns its Oura user id. */
  createUser(options?: { ouraUserId?: string; timeZoneOffsetMinutes?: number }): string;
  /** Shortcut that skips the browser flow: creates (or reuses) a user and issues a token pair. Default scopes: the classic eight. */
  connectUser(options?: { ouraUserId?: string; timeZoneOffsetMinutes?: number; scopes?: string[] }): ConnectedUser;
  /** Copies of every collection's documents (sorted as the API lists them). */
  dataFor(ouraUserId: string): OuraUserDataView;
  /**
   * Adds a generated document merged with `partial` (day defaults to today).
   * With an existing `partial.id`, that document is updated in place. Daily
   * collections keep one document per day: a second one for the same day
   * replaces the first and keeps its id (an update).
   */
  addDocument<K extends CollectionType>(ouraUserId: string, type: K, partial?: Partial<DocumentOf[K]>): DocumentOf[K];
  /** Removes a document (GET by id answers 404 afterwards); returns whether it existed. */
  deleteDocument(ouraUserId: string, type: CollectionType, id: string): boolean;
  /** Adds heart-rate samples (kept sorted by timestamp). */
  addHeartRate(ouraUserId: string, samples: OuraHeartRate[]): void;
  /**
   * POSTs a signed delivery `{event_type, data_type, object_id, event_time, user_id}`
   * to targetUrl, or to every unexpired subscription with the same event_type
   * and data_type. Returns the HTTP status (0 = unreachable); with several
   * targets, the first non-2xx status, else the first status. Throws when there is no target.
   */
  sendWebhook(event: WebhookEventInput, targetUrl?: string, options?: { secret?: string; timestamp?: string }): Promise<number>;
}

const ROUTES: Route[] = [...oauthRoutes, ...webhookRoutes, ...userCollectionRoutes];

export async function startOuraFake(options: OuraFakeOptions = {}): Promise<OuraFake> {
  const today = options.today ?? todayUtc();
  if (!isDate(today)) throw new Error(`today must be YYYY-MM-DD, got ${today}`);
  const store = new OuraStore({
    clientId: options.clientId ?? 'oura-client',
    clientSecret: options.clientSecret ?? 'oura-secret',
    seed: options.seed ?? 1,
    days: options.days ?? 90,
    today,
    timeZoneOffsetMinutes: options.timeZoneOffsetMinutes ?? 60,
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 86_400,
    redirectUris: options.redirectUris ?? null,
    pageSize: options.pageSize ?? 25,
    heartRatePageSize: options.heartRatePageSize ?? 1000,
    subscriptionTtlDays: options.subscriptionTtlDays ?? 30,
    sandbox: options.sandbox ?? null,
  });
  const faults = new FaultInjector();

  const { server, url } = await listenOnLoopback((req, res) => handle(store, faults, req, res), (res) => sendOuraError(res, 500, 'Fake internal error'), options.port);
  store.apiUrl = url;

  const userOf = (ouraUserId: string): FakeUser => {
    const user = store.users.get(ouraUserId);
    if (!user) throw new Error(`Oura fake: unknown user ${ouraUserId}`);
    return user;
  };
  /** object id -> owner, for documents removed by deleteDocument (delete events). */
  const tombstones = new Map<string, string>();
  const ownerOf = (objectId: string, dataType: string): string | undefined => {
    for (const user of store.users.values()) {
      const docs = (user.data as unknown as Record<string, Array<{ id: string }> | undefined>)[dataType === 'vo2_max' ? 'vO2_max' : dataType];
      if (Array.isArray(docs) && docs.some((d) => d.id === objectId)) return user.ouraUserId;
    }
    return tombstones.get(objectId);
  };
  let added = 0;

  const fake: OuraFake = {
    url,
    authorizationUrl: `${url}/oauth/authorize`,
    tokenUrl: `${url}/oauth/token`,
    apiUrl: url,
    clientId: store.config.clientId,
    clientSecret: store.config.clientSecret,
    requests: store.requests,
    deliveries: store.deliveries,
    faults,
    get subscriptions() {
      return [...store.subscriptions.values()].map((s) => ({ ...view(s), verification_token: s.verification_token }));
    },
    get users() {
      const refreshByUser = new Map<string, FakeTokenInfo[]>();
      for (const r of store.refreshTokens.values()) {
        const access = store.accessTokens.get(r.accessToken);
        if (!access) continue; // a refresh token restored after a sandbox restart
        const list = refreshByUser.get(r.ouraUserId) ?? [];
        list.push({
          accessToken: access.token,
          accessTokenValid: store.accessTokenValid(access),
          accessTokenExpiresAt: formatUtcOffset(access.expiresAt),
          refreshToken: r.token,
          refreshTokenValid: r.status === 'active',
          refreshTokenStatus: r.status,
          scopes: [...r.scopes],
        });
        refreshByUser.set(r.ouraUserId, list);
      }
      return new Map(
        [...store.users.values()].map((u) => {
          const tokens = refreshByUser.get(u.ouraUserId) ?? [];
          return [
            u.ouraUserId,
            {
              ouraUserId: u.ouraUserId,
              email: u.data.personalInfo.email,
              timeZoneOffsetMinutes: u.data.timeZoneOffsetMinutes,
              tokens,
              hasValidAccessToken: tokens.some((t) => t.accessTokenValid),
              hasValidRefreshToken: tokens.some((t) => t.refreshTokenValid),
            },
          ];
        }),
      );
    },
    get today() {
      return store.today;
    },
    setToday(date) {
      if (!isDate(date)) throw new Error(`today must be YYYY-MM-DD, got ${date}`);
      store.today = date;
    },
    advanceClock(ms) {
      store.clockOffsetMs += ms;
    },
    now() {
      return store.now();
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
    denyNextAuthorization() {
      store.denyNext++;
    },
    setNextGrantedScopes(scopes) {
      store.nextGrantedScopes = [...scopes];
    },
    setNextAuthorization(next) {
      store.nextAuthorization = { ...next };
    },
    expireAccessTokens(ouraUserId) {
      for (const t of store.accessTokens.values()) if (!ouraUserId || t.ouraUserId === ouraUserId) t.expired = true;
    },
    revokeRefreshTokens(ouraUserId) {
      for (const t of store.refreshTokens.values()) {
        if ((!ouraUserId || t.ouraUserId === ouraUserId) && t.status === 'active') t.status = 'revoked';
      }
    },
    createUser(opts) {
      return store.createUser(opts).ouraUserId;
    },
    connectUser(opts = {}) {
      const user = store.createUser(opts);
      const { access, refresh } = store.issueTokens(user.ouraUserId, store.config.clientId, opts.scopes ?? [...DEFAULT_SCOPES]);
      return {
        ouraUserId: user.ouraUserId,
        accessToken: access.token,
        refreshToken: refresh.token,
        expiresIn: store.config.accessTokenTtlSeconds,
        scope: access.scopes.join(' '),
      };
    },
    dataFor(ouraUserId) {
      const { data } = userOf(ouraUserId);
      const copy = Object.fromEntries(COLLECTIONS.map((c) => [c, [...data[c]]])) as unknown as UserCollections;
      return { ...copy, personalInfo: { ...data.personalInfo }, timeZoneOffsetMinutes: data.timeZoneOffsetMinutes, heartrate: [...data.heartrate] };
    },
    addDocument<K extends CollectionType>(ouraUserId: string, type: K, partial: Partial<DocumentOf[K]> = {}): DocumentOf[K] {
      const user = userOf(ouraUserId);
      const docs = user.data[type] as Array<DocumentOf[K]>;
      const p = partial as Partial<DocumentOf[K]> & { id?: string; day?: string };
      const existingById = p.id ? docs.find((d) => d.id === p.id) : undefined;
      if (existingById) {
        Object.assign(existingById, partial);
        sortCollection(type, docs);
        return existingById;
      }
      const day = p.day ?? store.today;
      const generated = makeDocument(type, rngFor(store.config.seed, ouraUserId, 'added', type, day, added++), contextOf(store.config.seed, user.data), day);
      const doc = { ...generated, ...partial, day } as DocumentOf[K];
      const daily = type !== 'sleep' && type !== 'workout' && type !== 'session';
      const sameDay = daily ? docs.findIndex((d) => d.day === day) : -1;
      if (sameDay >= 0) {
        if (!p.id) doc.id = docs[sameDay].id;
        docs.splice(sameDay, 1);
      }
      docs.push(doc);
      sortCollection(type, docs);
      return doc;
    },
    deleteDocument(ouraUserId, type, id) {
      const user = userOf(ouraUserId);
      const docs = user.data[type] as Array<{ id: string }>;
      const i = docs.findIndex((d) => d.id === id);
      if (i < 0) return false;
      docs.splice(i, 1);
      tombstones.set(id, ouraUserId);
      return true;
    },
    addHeartRate(ouraUserId, samples) {
      const user = userOf(ouraUserId);
      user.data.heartrate.push(...samples.map((s) => ({ ...s })));
      user.data.heartrate.sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
    },
    async sendWebhook(event, targetUrl, opts = {}) {
      let userId = event.user_id ?? ownerOf(event.object_id, event.data_type);
      if (userId === undefined && store.users.size === 1) userId = [...store.users.keys()][0];
      if (userId === undefined) throw new Error(`Oura fake: cannot tell whose object ${event.object_id} is; pass user_id`);
      const payload = {
        event_type: event.event_type,
        data_type: event.data_type,
        object_id: event.object_id,
        event_time: event.event_time ?? store.nowIso(),
        user_id: userId,
      };
      const targets = targetUrl
        ? [targetUrl]
        : [...store.subscriptions.values()]
            .filter((s) => s.event_type === event.event_type && s.data_type === event.data_type && s.expiresAt > store.now())
            .map((s) => s.callback_url);
      if (!targets.length) throw new Error(`Oura fake: no subscription for ${event.event_type} ${event.data_type}; pass targetUrl`);
      const secret = opts.secret ?? store.config.clientSecret;
      const statuses: number[] = [];
      for (const target of targets) {
        const result = await deliverSigned(target, payload, secret, opts.timestamp ?? webhookTimestamp(store));
        store.deliveries.push(result);
        statuses.push(result.status);
      }
      return statuses.find((s) => s < 200 || s > 299) ?? statuses[0];
    },
  };
  return fake;
}

async function handle(store: OuraStore, faults: FaultInjector, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { entry, url: parsed, method } = logRequest(req, res, store.requests);
  const path = parsed.pathname;

  const body = await readBody(req);
  const delay = faults.take(['delay'], path);
  if (delay) await new Promise((r) => setTimeout(r, delay.ms));

  const fault = faults.take(['fail', 'reset'], path);
  if (fault?.kind === 'reset') {
    entry.aborted = true;
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': 4096 });
    res.write('{"data":[{"id":"partial","day":"20', () => res.socket?.destroy());
    return;
  }
  if (fault?.kind === 'fail') {
    const { status, options } = fault;
    const extra: Record<string, string | number> = {};
    if (options.retryAfterSeconds !== undefined) extra['Retry-After'] = options.retryAfterSeconds;
    if (options.body !== undefined) {
      return sendText(res, status, options.body, options.contentType ?? (status >= 500 ? 'text/plain; charset=utf-8' : 'application/json'), extra);
    }
    if (status >= 500) return sendText(res, status, STATUS_CODES[status] ?? 'Server Error', 'text/plain; charset=utf-8', extra);
    if (path === '/oauth/token') {
      return sendJson(res, status, { error: status === 401 ? 'invalid_client' : 'invalid_request' }, extra);
    }
    return sendOuraError(res, status, status === 429 ? 'Request Rate Limit Exceeded.' : STATUS_CODES[status] ?? 'Injected fault', extra);
  }

  const found = match(ROUTES, method, path);
  if (found === null) return sendOuraError(res, 404, 'Not Found');
  if (found === 'method') return sendOuraError(res, 405, 'Method Not Allowed');
  await found.route.handler({ req, res, store, method, path, query: parsed.searchParams, body }, found.params);
}

/** The callback URL (with code and state, or error) the authorization endpoint redirects to. */
export function authorize(fake: Pick<OuraFake, 'url'>, authorizationUrl: string): Promise<string> {
  return followAuthorization(fake.url, authorizationUrl, 'Oura');
}
