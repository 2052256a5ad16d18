/**
 * A simulator of WHOOP's OAuth server and Developer API v2 on loopback: the tests' fake and the
 * no-credentials sandbox. See README.md in this folder for what it covers.
 */
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import { followAuthorization, listenOnLoopback, logRequest, readBody } from '../shared/http.js';
import { FaultInjector, type SimulatorFaults } from '../shared/faults.js';
import { todayUtc } from '../shared/calendar.js';
import { callbackAllowed, type SandboxMode } from '../tokens.js';
import { API_PREFIX, serveApi } from './api.js';
import type { WhoopRecovery, WhoopUserData, WhoopWorkout } from './data.js';
import { AUTHORIZE_PATH, TOKEN_PATH, authorization, sendJson, token } from './oauth.js';
import { WhoopStore, type DeliveryLogEntry, type RequestLogEntry } from './store.js';
import { deliverWhoopWebhook, type WhoopWebhookType } from './webhooks.js';

export interface WhoopFakeOptions {
  clientId?: string;
  clientSecret?: string;
  port?: number;
  seed?: number;
  /** Days of history per user, ending today (default 90). */
  days?: number;
  /** 'YYYY-MM-DD' the simulator treats as today (default: the UTC date). */
  today?: string;
  /** UTC offset of new users' `timezone_offset`, minutes (default -300, i.e. "-05:00"). */
  offsetMinutes?: number;
  /** expires_in of access tokens (default 3600, WHOOP's hour). */
  accessTokenTtlSeconds?: number;
  redirectUris?: string[];
  /** The client's rate limits (default 100 a minute, 10,000 a day). */
  perMinute?: number;
  perDay?: number;
  /** Length of the perMinute window in seconds (default 60); tests shorten it. */
  minuteWindowSeconds?: number;
  /** The webhook URL registered in the developer dashboard (sendWebhook's default target). */
  webhookUrl?: string;
  sandbox?: SandboxMode;
}

export interface WhoopFake {
  readonly url: string;
  readonly authorizationUrl: string;
  readonly tokenUrl: string;
  /** The API base, with WHOOP's /developer prefix. */
  readonly apiUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly requests: RequestLogEntry[];
  readonly deliveries: DeliveryLogEntry[];
  readonly faults: SimulatorFaults;
  readonly today: string;
  now(): number;
  advanceClock(ms: number): void;
  close(): Promise<void>;
  /** The user (and time zone) the next authorization yields. */
  setNextUser(next: { userId?: number; offsetMinutes?: number }): void;
  /** The user's live documents (mutate through the methods below). */
  dataFor(userId: number): WhoopUserData;
  /** Refresh tokens issued to the user, oldest first, with their status. */
  refreshTokensOf(userId: number): { token: string; status: string }[];
  /** Whether the user's access was revoked (DELETE /v2/user/access). */
  accessRevoked(userId: number): boolean;
  expireAccessTokens(userId?: number): void;
  /** Scores (or re-scores) the recovery of a sleep; returns it. */
  scoreRecovery(userId: number, sleepId: string, score: NonNullable<WhoopRecovery['score']>): WhoopRecovery;
  /** Removes a workout (GET by id answers 404 afterwards). */
  deleteWorkout(userId: number, workoutId: string): WhoopWorkout;
  /** POSTs a signed delivery to `target` (default: the registered webhook URL); returns the HTTP status (0: unreachable). */
  sendWebhook(event: { type: WhoopWebhookType | string; id: string; user_id: number }, target?: string, options?: { secret?: string; timestamp?: string }): Promise<number>;
}

export async function startWhoopFake(options: WhoopFakeOptions = {}): Promise<WhoopFake> {
  const store = new WhoopStore({
    clientId: options.clientId ?? 'whoop-client',
    clientSecret: options.clientSecret ?? 'whoop-secret',
    seed: options.seed ?? 1,
    days: options.days ?? 90,
    today: options.today ?? todayUtc(),
    offsetMinutes: options.offsetMinutes ?? -300,
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 3600,
    redirectUris: options.redirectUris ?? null,
    perMinute: options.perMinute ?? 100,
    perDay: options.perDay ?? 10_000,
    minuteWindowSeconds: options.minuteWindowSeconds ?? 60,
    sandbox: options.sandbox ?? null,
  });
  const faults = new FaultInjector(AUTHORIZE_PATH);
  const { server, url } = await listenOnLoopback((req, res) => handle(store, faults, req, res), (res) => sendJson(res, 500, { error: 'Internal Server Error' }), options.port);
  const userOf = (userId: number) => {
    const user = store.users.get(userId);
    if (!user) throw new Error(`WHOOP simulator: unknown user ${userId}`);
    return user;
  };
  return {
    url,
    authorizationUrl: `${url}${AUTHORIZE_PATH}`,
    tokenUrl: `${url}${TOKEN_PATH}`,
    apiUrl: `${url}${API_PREFIX}`,
    clientId: store.config.clientId,
    clientSecret: store.config.clientSecret,
    requests: store.requests,
    deliveries: store.deliveries,
    faults,
    get today() {
      return store.today;
    },
    now: () => store.now(),
    advanceClock(ms) {
      store.clockOffsetMs += ms;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
    setNextUser(next) {
      store.nextUser = { ...next };
    },
    dataFor: userOf,
    refreshTokensOf: (userId) => [...store.refreshTokens.values()].filter((t) => t.userId === userId).map((t) => ({ token: t.token, status: t.status })),
    accessRevoked: (userId) => store.revokedUsers.has(userId),
    expireAccessTokens(userId) {
      for (const t of store.accessTokens.values()) if (userId === undefined || t.userId === userId) t.expiresAt = 0;
    },
    scoreRecovery(userId, sleepId, score) {
      const recovery = userOf(userId).recoveries.find((r) => r.sleep_id === sleepId);
      if (!recovery) throw new Error(`WHOOP simulator: no recovery for sleep ${sleepId}`);
      Object.assign(recovery, { score_state: 'SCORED', score: { ...score }, updated_at: new Date(store.now()).toISOString() });
      return recovery;
    },
    deleteWorkout(userId, workoutId) {
      const workouts = userOf(userId).workouts;
      const i = workouts.findIndex((w) => w.id === workoutId);
      if (i < 0) throw new Error(`WHOOP simulator: no workout ${workoutId}`);
      return workouts.splice(i, 1)[0];
    },
    async sendWebhook(event, target, opts = {}) {
      const to = target ?? options.webhookUrl ?? options.sandbox?.webhookUrl;
      if (!to) throw new Error('WHOOP simulator: no webhook URL registered; pass a target');
      if (!callbackAllowed(store.config.sandbox, to)) throw new Error(`WHOOP simulator: may not call ${to}`);
      const delivery = await deliverWhoopWebhook(to, event, opts.secret ?? store.config.clientSecret, opts.timestamp ?? String(store.now()));
      store.deliveries.push(delivery);
      return delivery.status;
    },
  };
}

async function handle(store: WhoopStore, faults: FaultInjector, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { entry, url, method } = logRequest(req, res, store.requests);
  const path = url.pathname;
  const body = await readBody(req);
  const delay = faults.take(['delay'], path);
  if (delay) await new Promise((resolve) => setTimeout(resolve, delay.ms));
  const isApi = path.startsWith(`${API_PREFIX}/`);
  const fault = faults.take(['fail', 'reset'], path);
  if (fault?.kind === 'reset') {
    entry.aborted = true;
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': 4096 });
    res.write('{"records":[{"id":', () => res.socket?.destroy());
    return;
  }
  if (fault?.kind === 'fail') {
    // An injected 429 looks like WHOOP's own: the rate-limit headers with nothing remaining.
    const headers: Record<string, string> = fault.status === 429 ? { ...store.countRequest().headers, 'X-RateLimit-Remaining': '0' } : {};
    if (fault.options.retryAfterSeconds !== undefined) headers['Retry-After'] = String(fault.options.retryAfterSeconds);
    return sendJson(res, fault.status, { error: STATUS_CODES[fault.status] ?? 'Injected fault' }, headers);
  }
  if (path === AUTHORIZE_PATH && (method === 'GET' || method === 'POST')) return authorization(store, req, res, method, url.searchParams);
  if (path === TOKEN_PATH && method === 'POST') return token(store, req, res, body);
  if (!isApi) return sendJson(res, 404, { error: 'Not Found' });
  const limit = store.countRequest();
  if (!limit.allowed) return sendJson(res, 429, { error: 'Too Many Requests' }, limit.headers);
  serveApi(store, req, res, method, path.slice(API_PREFIX.length), url.searchParams, limit.headers);
}

/** The callback URL (code and state, or error) the authorization endpoint redirects to. */
export function authorizeWhoop(fake: Pick<WhoopFake, 'url'>, authorizationUrl: string): Promise<string> {
  return followAuthorization(fake.url, authorizationUrl, 'WHOOP');
}
