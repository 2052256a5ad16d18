/**
 * A Garmin Connect Developer Program simulator on loopback (tests and the no-credentials sandbox):
 * OAuth 2.0 with PKCE, the user endpoints, backfill requests, and an outbound pusher that POSTs
 * the summaries to the partner's webhook as Garmin does. README.md says what is faithful.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { addDays, todayUtc } from '../shared/calendar.js';
import { authorizationTarget, followAuthorization, listenOnLoopback, logRequest, parseBearer, readBody, sendEmpty, sendJsonAs, sendTextAs, type RequestLogEntry } from '../shared/http.js';
import { callbackAllowed, consentDenied, consentPage, hintNumber, issueSandboxToken, verifySandboxToken, type SandboxMode } from '../tokens.js';
import { BACKFILL_PATHS, generateUser, isActivityKey, type GeneratedUser, type Summary, type SummaryKey } from './data.js';
import { activityFit } from './fit.js';

export interface GarminFakeOptions {
  clientId?: string;
  clientSecret?: string;
  port?: number;
  seed?: number;
  /** Days of generated history per user, ending today (default 40). */
  days?: number;
  /** 'YYYY-MM-DD' the simulator treats as today (default: the current UTC date). */
  today?: string;
  /** Where deliveries go (the partner's endpoint configured in Garmin's portal). */
  webhookUrl?: string;
  /** Deliveries carry summaries (push, default) or callback URLs to GET once (ping). */
  mode?: 'push' | 'ping';
  /** Summaries per delivery at most (several users and types per body; default 40). */
  batchItems?: number;
  /** Delay before the pusher sends what is queued (default 10 ms). */
  pushDelayMs?: number;
  /** First retry delay after a non-200 (doubles each time; default 50 ms) and attempts before a delivery is dropped (default 8). */
  retryDelayMs?: number;
  maxAttempts?: number;
  /** Display offset of new users' devices, in seconds (default 3600). */
  offsetSeconds?: number;
  redirectUris?: string[];
  sandbox?: SandboxMode;
}

interface FakeUser {
  userId: string;
  permissions: string[];
  registered: boolean;
  data: GeneratedUser;
  /** Backfill ranges already requested, as `<path>:<start>:<end>` (a repeat is 409). */
  backfills: Set<string>;
}

export interface DeliveryLogEntry {
  status: number | 'error';
  keys: string[];
  users: string[];
  items: number;
  attempt: number;
}

interface Queued {
  userId: string;
  key: string;
  body: Record<string, unknown>;
}

const HEALTH_PERMISSION = 'HEALTH_EXPORT';
const ACTIVITY_PERMISSION = 'ACTIVITY_EXPORT';
const HISTORICAL_PERMISSION = 'HISTORICAL_DATA_EXPORT';
export const DEFAULT_PERMISSIONS = [ACTIVITY_PERMISSION, HEALTH_PERMISSION, HISTORICAL_PERMISSION, 'WORKOUT_IMPORT'];
const MAX_HEALTH_RANGE_S = 90 * 86_400;
const MAX_ACTIVITY_RANGE_S = 30 * 86_400;
const ACCESS_TTL_S = 86_400;
const REFRESH_TTL_S = 7_775_998;

const sendJson = (res: ServerResponse, status: number, body: unknown) => sendJsonAs(res, 'application/json;charset=UTF-8', status, body);
const sendError = (res: ServerResponse, status: number, message: string) => sendJson(res, status, { errorMessage: message });
const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

export class GarminFake {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly requests: RequestLogEntry[] = [];
  readonly deliveries: DeliveryLogEntry[] = [];
  url = '';
  webhookUrl: string | null;
  mode: 'push' | 'ping';
  /** Fake-only: the permissions the next consent grants. */
  nextPermissions: string[] | null = null;
  private readonly users = new Map<string, FakeUser>();
  private readonly codes = new Map<string, { userId: string; challenge: string; redirectUri: string | null; used: boolean }>();
  private readonly access = new Map<string, string>();
  private readonly refresh = new Map<string, { userId: string; used: boolean }>();
  private readonly pings = new Map<string, Summary[]>();
  private readonly files = new Map<string, { bytes: Uint8Array; downloaded: boolean }>();
  private queue: Queued[] = [];
  private timer: NodeJS.Timeout | null = null;
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];
  private closing = false;
  private close_: () => Promise<void> = async () => undefined;

  constructor(private readonly options: GarminFakeOptions) {
    this.clientId = options.clientId ?? 'garmin-fake-client';
    this.clientSecret = options.clientSecret ?? 'garmin-fake-secret';
    this.webhookUrl = options.webhookUrl ?? options.sandbox?.webhookUrl ?? null;
    this.mode = options.mode ?? 'push';
  }

  get today(): string {
    return this.options.today ?? todayUtc();
  }
  get authorizationUrl() {
    return `${this.url}/oauth2Confirm`;
  }
  get tokenUrl() {
    return `${this.url}/di-oauth2-service/oauth/token`;
  }
  get apiUrl() {
    return this.url;
  }

  async start(): Promise<this> {
    const { server, url } = await listenOnLoopback((req, res) => this.handle(req, res), (res) => sendError(res, 500, 'internal error'), this.options.port ?? 0);
    this.url = url;
    this.close_ = async () => {
      this.closing = true;
      if (this.timer) clearTimeout(this.timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    };
    return this;
  }

  close(): Promise<void> {
    return this.close_();
  }

  /** A user's generated summaries of one type (what the pusher sends for a backfill). */
  summaries(userId: string, key: SummaryKey): Summary[] {
    return this.userOf(userId).data.summaries.get(key)!;
  }

  userIds(): string[] {
    return [...this.users.keys()];
  }

  permissionsOf(userId: string): string[] {
    return [...this.userOf(userId).permissions];
  }

  /** Re-sends a summary with changed fields (Garmin's "updates replace": same user, type and start). */
  resend(userId: string, key: SummaryKey, summaryId: string, changes: Record<string, unknown>): Summary {
    const list = this.summaries(userId, key);
    const index = list.findIndex((s) => s.summaryId === summaryId);
    if (index < 0) throw new Error(`no ${key} ${summaryId}`);
    list[index] = { ...list[index], ...changes };
    this.enqueue(userId, key, [list[index]]);
    return list[index];
  }

  /** The user changes what they share: a userPermissionsChange delivery. */
  changePermissions(userId: string, permissions: string[]): void {
    const user = this.userOf(userId);
    user.permissions = [...permissions];
    this.queue.push({ userId, key: 'userPermissionsChange', body: { userId, summaryId: `x${userId.slice(0, 8)}-${Date.now().toString(16)}`, permissions, changeTimeInSeconds: Math.floor(Date.now() / 1000) } });
    this.schedule();
  }

  /** The user disconnects the app at Garmin: a deregistrations delivery; the tokens stop working. */
  deregister(userId: string): void {
    const user = this.userOf(userId);
    user.registered = false;
    this.queue.push({ userId, key: 'deregistrations', body: { userId } });
    this.schedule();
  }

  /** Posts a body as Garmin would (tests: oversize, wrong client id, ...); the status it got. */
  async deliverRaw(body: string | Buffer, headers: Record<string, string> = {}, url = this.webhookUrl!): Promise<number> {
    const response = await fetch(url, { method: 'POST', headers: { ...this.deliveryHeaders(), ...headers }, body: body as BodyInit });
    await response.arrayBuffer();
    return response.status;
  }

  /** Resolves when nothing is queued or being delivered. */
  idle(): Promise<void> {
    if (!this.queue.length && !this.inFlight && !this.timer) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  // ---- users, tokens ----

  private userOf(userId: string): FakeUser {
    const user = this.users.get(userId);
    if (!user) throw new Error(`no Garmin user ${userId}`);
    return user;
  }

  private createUser(userId: string): FakeUser {
    const existing = this.users.get(userId);
    if (existing) {
      existing.registered = true;
      return existing;
    }
    const seed = this.options.seed ?? 1;
    const user: FakeUser = {
      userId,
      permissions: [...DEFAULT_PERMISSIONS],
      registered: true,
      data: generateUser(seed, userId, this.options.offsetSeconds ?? 3600, this.today, this.options.days ?? 40),
      backfills: new Set(),
    };
    this.users.set(userId, user);
    return user;
  }

  private issue(userId: string): { access: string; refresh: string } {
    const sandbox = this.options.sandbox;
    const access = sandbox ? issueSandboxToken(sandbox, userId, 'a') : randomBytes(24).toString('base64url');
    const refresh = sandbox ? issueSandboxToken(sandbox, userId, 'r') : randomBytes(24).toString('base64url');
    this.access.set(access, userId);
    this.refresh.set(refresh, { userId, used: false });
    return { access, refresh };
  }

  /** The user a bearer token belongs to; sandbox tokens survive a restart of the simulator. */
  private bearerUser(req: IncomingMessage): FakeUser | null {
    const token = parseBearer(req.headers.authorization);
    if (!token) return null;
    let userId = this.access.get(token) ?? null;
    if (!userId && this.options.sandbox) {
      userId = verifySandboxToken(this.options.sandbox, token, 'a');
      if (userId) this.createUser(userId);
    }
    return userId ? (this.users.get(userId) ?? null) : null;
  }

  // ---- HTTP ----

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { url, method } = logRequest(req, res, this.requests);
    const path = url.pathname;
    const body = method === 'POST' ? await readBody(req) : Buffer.alloc(0);
    if (path === '/oauth2Confirm' && (method === 'GET' || method === 'POST')) return this.authorize(res, url.searchParams, method);
    if (path === '/di-oauth2-service/oauth/token' && method === 'POST') return this.token(req, res, body);
    const userPath = /^\/(?:wellness-api|partner-gateway)\/rest\/user\/(id|permissions|registration)$/.exec(path);
    if (userPath) return this.userEndpoint(req, res, userPath[1], method);
    const backfill = /^\/wellness-api\/rest\/backfill\/([A-Za-z]+)$/.exec(path);
    if (backfill && method === 'GET') return this.backfill(req, res, backfill[1], url.searchParams);
    if (path === '/wellness-api/rest/activityFile' && method === 'GET') return this.activityFile(res, url.searchParams);
    const ping = /^\/wellness-api\/rest\/([A-Za-z]+)$/.exec(path);
    if (ping && method === 'GET' && url.searchParams.has('token')) return this.pingCallback(res, url.searchParams);
    sendError(res, 404, `no such endpoint ${method} ${path}`);
  }

  private authorize(res: ServerResponse, query: URLSearchParams, method: string): void {
    const target = authorizationTarget(res, query, { clientId: this.clientId, redirectUris: this.options.redirectUris ?? null }, (r, status, text) => sendTextAs(r, status, text, 'text/plain'));
    if (!target) return;
    const state = query.get('state');
    const redirect = (params: Record<string, string | null>) => {
      const location = new URL(target);
      for (const [k, v] of Object.entries(params)) if (v !== null) location.searchParams.set(k, v);
      res.writeHead(302, { Location: location.toString(), 'Content-Length': 0 });
      res.end();
    };
    if (query.get('response_type') !== 'code') return redirect({ error: 'unsupported_response_type', state });
    // PKCE with S256 is mandatory at Garmin.
    const challenge = query.get('code_challenge');
    if (!challenge || query.get('code_challenge_method') !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(challenge)) return redirect({ error: 'invalid_request', error_description: 'code_challenge with code_challenge_method=S256 is required', state });
    if (this.options.sandbox && method === 'GET') {
      return sendTextAs(res, 200, consentPage({ provider: 'Garmin', scopes: this.nextPermissions ?? DEFAULT_PERMISSIONS, redirectUri: target, color: '#007cc3', query }), 'text/html; charset=utf-8');
    }
    if (consentDenied(query)) return redirect({ error: 'access_denied', state });
    const hint = query.get('login_hint');
    const userId = query.get('garmin_user_id') ?? createHash('sha256').update(`${this.options.seed ?? 1}:${hint !== null ? hintNumber(hint) : randomBytes(8).toString('hex')}`).digest('hex').slice(0, 32);
    const user = this.createUser(userId);
    if (this.nextPermissions) {
      user.permissions = [...this.nextPermissions];
      this.nextPermissions = null;
    }
    const code = randomBytes(16).toString('base64url');
    this.codes.set(code, { userId, challenge, redirectUri: query.get('redirect_uri'), used: false });
    redirect({ code, state });
  }

  private token(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
    if (!String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return sendJson(res, 400, { error: 'invalid_request', error_description: 'form body expected' });
    const form = new URLSearchParams(body.toString('utf8'));
    // Garmin takes the client credentials in the body only.
    if (form.get('client_id') !== this.clientId || form.get('client_secret') !== this.clientSecret) return sendJson(res, 401, { error: 'invalid_client', error_description: 'client_id/client_secret in the body do not match' });
    const grant = form.get('grant_type');
    let userId: string;
    if (grant === 'authorization_code') {
      const code = this.codes.get(form.get('code') ?? '');
      if (!code || code.used) return sendJson(res, 400, { error: 'invalid_grant', error_description: 'unknown or used code' });
      const verifier = form.get('code_verifier') ?? '';
      if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier) || s256(verifier) !== code.challenge) return sendJson(res, 400, { error: 'invalid_grant', error_description: 'code_verifier does not match the code_challenge' });
      if (code.redirectUri !== null && form.get('redirect_uri') !== code.redirectUri) return sendJson(res, 400, { error: 'invalid_grant', error_description: 'redirect_uri mismatch' });
      code.used = true;
      userId = code.userId;
    } else if (grant === 'refresh_token') {
      const raw = form.get('refresh_token') ?? '';
      let entry = this.refresh.get(raw);
      if (!entry && this.options.sandbox) {
        const restored = verifySandboxToken(this.options.sandbox, raw, 'r');
        if (restored) entry = { userId: restored, used: false };
      }
      if (!entry || entry.used) return sendJson(res, 400, { error: 'invalid_grant', error_description: 'Token is not active' });
      // Rotation: the old refresh token is spent.
      entry.used = true;
      this.refresh.set(raw, entry);
      userId = entry.userId;
      this.createUser(userId);
    } else {
      return sendJson(res, 400, { error: 'unsupported_grant_type' });
    }
    const { access, refresh } = this.issue(userId);
    sendJson(res, 200, {
      access_token: access,
      expires_in: ACCESS_TTL_S,
      token_type: 'bearer',
      refresh_token: refresh,
      scope: 'PARTNER_WRITE PARTNER_READ CONNECT_READ CONNECT_WRITE',
      jti: randomBytes(8).toString('hex'),
      refresh_token_expires_in: REFRESH_TTL_S,
    });
  }

  private userEndpoint(req: IncomingMessage, res: ServerResponse, what: string, method: string): void {
    const user = this.bearerUser(req);
    if (!user) return sendError(res, 401, 'Authentication failed');
    if (!user.registered) return sendError(res, 403, 'the user is not registered');
    if (what === 'id' && method === 'GET') return sendJson(res, 200, { userId: user.userId });
    if (what === 'permissions' && method === 'GET') return sendJson(res, 200, user.permissions);
    if (what === 'registration' && method === 'DELETE') {
      // Then the final deregistration notification, as Garmin sends it.
      this.deregister(user.userId);
      return sendEmpty(res, 204);
    }
    sendError(res, 405, 'method not allowed');
  }

  private backfill(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): void {
    const user = this.bearerUser(req);
    if (!user) return sendError(res, 401, 'Authentication failed');
    if (!user.registered) return sendError(res, 403, 'the user is not registered');
    const key = BACKFILL_PATHS[path];
    if (!key) return sendError(res, 404, `no backfill for ${path}`);
    const start = Number(query.get('summaryStartTimeInSeconds'));
    const end = Number(query.get('summaryEndTimeInSeconds'));
    if (!Number.isInteger(start) || !Number.isInteger(end) || end <= start) return sendError(res, 400, 'summaryStartTimeInSeconds and summaryEndTimeInSeconds are required, start before end');
    if (start > 1e11) return sendError(res, 400, `timestamp '${start}' appears to be in milliseconds. Please provide unix timestamps in seconds.`);
    const activity = isActivityKey(key);
    if (end - start > (activity ? MAX_ACTIVITY_RANGE_S : MAX_HEALTH_RANGE_S)) return sendError(res, 400, `the range may span at most ${activity ? 30 : 90} days`);
    const earliest = Date.parse(`${addDays(this.today, -(this.options.days ?? 40) - 365)}T00:00:00Z`) / 1000;
    if (start < earliest) return sendError(res, 400, `start is before the min start time ${earliest}`);
    const needed = activity ? ACTIVITY_PERMISSION : HEALTH_PERMISSION;
    if (!user.permissions.includes(needed) || !user.permissions.includes(HISTORICAL_PERMISSION)) {
      return sendError(res, 412, `the user has not granted ${!user.permissions.includes(needed) ? needed : HISTORICAL_PERMISSION}`);
    }
    const requested = `${path}:${start}:${end}`;
    if (user.backfills.has(requested)) return sendError(res, 409, 'duplicate backfill request for this period');
    user.backfills.add(requested);
    sendEmpty(res, 202);
    // Delivered later through the configured endpoint, as if newly synced.
    const inRange = user.data.summaries.get(key)!.filter((s) => (s.startTimeInSeconds ?? 0) >= start && (s.startTimeInSeconds ?? 0) < end);
    this.enqueue(user.userId, key, inRange);
    if (key === 'activities') this.enqueueFiles(user.userId, inRange);
  }

  private activityFile(res: ServerResponse, query: URLSearchParams): void {
    const file = this.files.get(`${query.get('id')}:${query.get('token')}`);
    if (!file) return sendError(res, 404, 'no such file');
    // Single download: a second GET is 410 Gone.
    if (file.downloaded) return sendError(res, 410, 'the file was downloaded already');
    file.downloaded = true;
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': file.bytes.length });
    res.end(file.bytes);
  }

  private pingCallback(res: ServerResponse, query: URLSearchParams): void {
    const token = query.get('token')!;
    const summaries = this.pings.get(token);
    if (!summaries) return sendError(res, 404, 'unknown callback');
    sendJson(res, 200, summaries);
  }

  // ---- the pusher ----

  private enqueue(userId: string, key: string, summaries: Summary[]): void {
    if (this.mode === 'ping' && summaries.length) {
      const token = randomBytes(12).toString('base64url');
      this.pings.set(token, summaries.map((s) => ({ userId, ...s })));
      const now = Math.floor(Date.now() / 1000);
      this.queue.push({ userId, key, body: { userId, callbackURL: `${this.url}/wellness-api/rest/${key}?uploadStartTimeInSeconds=${now - 60}&uploadEndTimeInSeconds=${now}&token=${token}` } });
    } else {
      for (const summary of summaries) this.queue.push({ userId, key, body: { userId, ...summary } });
    }
    this.schedule();
  }

  /** Activity files are pings only: a callback URL per file, valid for one download. */
  private enqueueFiles(userId: string, activities: Summary[]): void {
    for (const activity of activities) {
      const id = `${activity.summaryId}-file`;
      const token = randomBytes(12).toString('base64url');
      this.files.set(`${id}:${token}`, { bytes: activityFit(this.summaries(userId, 'activityDetails').find((d) => d.activityId === activity.activityId)!), downloaded: false });
      this.queue.push({
        userId,
        key: 'activityFiles',
        body: { userId, summaryId: id, fileType: 'FIT', callbackURL: `${this.url}/wellness-api/rest/activityFile?id=${id}&token=${token}`, activityId: activity.activityId, activityType: activity.activityType, startTimeInSeconds: activity.startTimeInSeconds, deviceName: activity.deviceName, manual: false },
      });
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.closing) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.options.pushDelayMs ?? 10);
  }

  private deliveryHeaders(): Record<string, string> {
    return { 'content-type': 'application/json;charset=UTF-8', 'garmin-client-id': this.clientId, 'user-agent': 'Garmin Health API' };
  }

  private async flush(): Promise<void> {
    while (this.queue.length && !this.closing) {
      const batch = this.queue.splice(0, this.options.batchItems ?? 40);
      const body: Record<string, unknown[]> = {};
      for (const q of batch) (body[q.key] ??= []).push(q.body);
      this.inFlight++;
      void this.send(body, batch, 1).finally(() => {
        this.inFlight--;
        this.checkIdle();
      });
    }
    this.checkIdle();
  }

  private async send(body: Record<string, unknown[]>, batch: Queued[], attempt: number): Promise<void> {
    const target = this.webhookUrl;
    if (!target || (this.options.sandbox && !callbackAllowed(this.options.sandbox, target))) return;
    let status: number | 'error';
    try {
      const response = await fetch(target, { method: 'POST', headers: this.deliveryHeaders(), body: JSON.stringify(body) });
      await response.arrayBuffer();
      status = response.status;
    } catch {
      status = 'error';
    }
    this.deliveries.push({ status, keys: Object.keys(body), users: [...new Set(batch.map((q) => q.userId))], items: batch.length, attempt });
    // Anything but 200 is a failure Garmin retries with growing back-off.
    if (status !== 200 && attempt < (this.options.maxAttempts ?? 8) && !this.closing) {
      await new Promise((resolve) => setTimeout(resolve, (this.options.retryDelayMs ?? 50) * 2 ** (attempt - 1)).unref?.());
      return this.send(body, batch, attempt + 1);
    }
  }

  private checkIdle(): void {
    if (this.queue.length || this.inFlight || this.timer) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}

export async function startGarminFake(options: GarminFakeOptions = {}): Promise<GarminFake> {
  return new GarminFake(options).start();
}

/** Runs the (headless) authorization and returns the callback URL with code and state. */
export function authorize(fake: GarminFake, authorizationUrl: string): Promise<string> {
  return followAuthorization(fake.url, authorizationUrl, 'Garmin');
}
