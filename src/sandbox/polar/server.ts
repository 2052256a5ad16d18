/**
 * A fake of Polar's OAuth server and AccessLink v3 API on loopback, for tests.
 * See README.md in this folder for what is faithful and what deviates.
 */
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import { followAuthorization, listenOnLoopback, logRequest } from '../shared/http.js';
import type { SandboxMode } from '../tokens.js';
import { accessLinkRoutes } from './accesslink.js';
import {
  SPORTS,
  computeCardioLoad,
  firstDayOf,
  makeActivity,
  makeExercise,
  makeNightlyRecharge,
  makeSkinTemperature,
  makeSleep,
  rngFor,
  userContext,
  type FakeActivity,
  type FakePhysicalInformation,
  type FakeProfile,
  type PolarCardioLoad,
  type PolarContinuousHeartRate,
  type PolarExercise,
  type PolarNightlyRecharge,
  type PolarSkinTemperature,
  type PolarSleep,
} from './data.js';
import { FaultInjector, type PolarFaults } from './faults.js';
import { readBody, sendPolarError, sendText } from './http.js';
import { oauthRoutes } from './oauth.js';
import { match, type Route } from './router.js';
import { PolarStore, type FakeUser, type RequestLogEntry, type WebhookRecord } from './store.js';
import { dateToMs, isDate, todayUtc } from './time.js';
import { transactionRoutes } from './transactions.js';
import { clientRoutes, completeEvent, deliverSigned, type WebhookEventInput } from './webhooks.js';

export interface PolarFakeOptions {
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
  /** Default UTC offset in minutes of every user's device (default 120). */
  timeZoneOffsetMinutes?: number;
  /** Per-user override of the offset, keyed by polar user id. */
  userTimeZoneOffsets?: Record<number, number>;
  /** First polar user id handed out (default 10000001). */
  firstUserId?: number;
  /** Allowed redirect URIs; when omitted any absolute URL is accepted. The first is the default. */
  redirectUris?: string[];
  /** Short-term (default 500 + 20 x users per 15 min) and long-term (5000 + 100 x users per 24 h) limits; shortTermSeconds shortens the short window (tests). */
  rateLimit?: { shortTerm?: number; longTerm?: number; shortTermSeconds?: number };
  /**
   * Sandbox mode (the gateway's built-in simulator, src/sandbox/runtime.ts): the authorization
   * endpoint serves a consent page with "Allow" and "Deny" buttons instead of redirecting at once,
   * `login_hint` picks a deterministic user, and tokens verify themselves (they survive a restart).
   */
  sandbox?: SandboxMode;
}

export interface FakeUserInfo {
  polarUserId: number;
  memberId: string | null;
  registered: boolean;
  registrationDate: string | null;
  timeZoneOffsetMinutes: number;
}

export interface PolarUserDataView {
  profile: FakeProfile;
  device: string;
  deviceId: string;
  timeZoneOffsetMinutes: number;
  /** Full exercises (zones, samples, route included), sorted by start_time. */
  exercises: PolarExercise[];
  /** Transactional numeric id of each exercise, keyed by hashed id. */
  exerciseNumericIds: Map<string, number>;
  sleeps: PolarSleep[];
  nightlyRecharges: PolarNightlyRecharge[];
  /** Includes fake-internal `date`, `id`, `created` besides the API fields. */
  activities: FakeActivity[];
  continuousHeartRate: PolarContinuousHeartRate[];
  /** One entry per day from the first day of history to today. */
  cardioLoad: PolarCardioLoad[];
  physicalInformation: FakePhysicalInformation[];
  skinTemperature: PolarSkinTemperature[];
}

/** Generation hints for addExercise besides the field overrides. */
export interface AddExerciseOptions {
  /** One of running, cycling, indoor_cycling, strength, walking. */
  kind?: keyof typeof SPORTS | string;
  /** Local date of the start (default: today). */
  date?: string;
  /** Local start as minutes after midnight (default 06:00, +90 min per added exercise). */
  startMinute?: number;
}

export interface PolarFake {
  /** http://127.0.0.1:PORT: both the authorization base and the API base. */
  readonly url: string;
  readonly authorizationUrl: string;
  readonly tokenUrl: string;
  readonly apiUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Every request served: method, path, query, status, headers. */
  readonly requests: RequestLogEntry[];
  readonly faults: PolarFaults;
  /** Registered webhook (with its signature_secret_key), or null. */
  readonly webhook: WebhookRecord | null;
  /** All users the fake knows (created by an authorization or createUser). */
  readonly users: ReadonlyMap<number, FakeUserInfo>;
  /** The date the fake treats as today. */
  readonly today: string;
  setToday(date: string): void;
  /** Moves the fake's clock (code expiry, rate-limit windows, timestamps). */
  advanceClock(ms: number): void;
  close(): Promise<void>;
  /** Any call with this user's current tokens answers 401 afterwards. */
  revokeUser(polarUserId: number): void;
  /** The next authorization redirects with error=access_denied. */
  denyNextAuthorization(): void;
  /** Controls the user the next authorization yields (existing id to re-authorize, or a new user's offset). */
  setNextAuthorization(next: { polarUserId?: number; timeZoneOffsetMinutes?: number }): void;
  /** Creates a user with generated data without any OAuth; returns its polar user id. */
  createUser(options?: { polarUserId?: number; timeZoneOffsetMinutes?: number }): number;
  /** Shortcut for tests that skip OAuth: creates (or reuses) a user and issues a token; registers it when memberId is given. */
  connectUser(options?: { polarUserId?: number; timeZoneOffsetMinutes?: number; memberId?: string }): { polarUserId: number; accessToken: string };
  dataFor(polarUserId: number): PolarUserDataView;
  addExercise(polarUserId: number, partial?: Partial<PolarExercise>, options?: AddExerciseOptions): PolarExercise;
  /** Adds (or replaces) the night with wake-up date partial.date (default today). */
  addSleep(polarUserId: number, partial?: Partial<PolarSleep>): PolarSleep;
  /** Adds (or replaces) the Nightly Recharge of partial.date (default today). */
  addNightlyRecharge(polarUserId: number, partial?: Partial<PolarNightlyRecharge>): PolarNightlyRecharge;
  /** Adds (or replaces, with a new id) the daily activity of partial.date (default today). */
  addActivity(polarUserId: number, partial?: Partial<FakeActivity>): FakeActivity;
  /**
   * POSTs a webhook delivery signed as AccessLink signs it. `timestamp` and the
   * event's `url` are filled in when missing. Target defaults to the registered
   * webhook's url; the secret to the registered one. Returns the HTTP status (0 = unreachable).
   */
  sendWebhook(event: WebhookEventInput, targetUrl?: string, options?: { secret?: string }): Promise<number>;
}

const ROUTES: Route[] = [...oauthRoutes, ...clientRoutes, ...transactionRoutes, ...accessLinkRoutes];

export async function startPolarFake(options: PolarFakeOptions = {}): Promise<PolarFake> {
  const today = options.today ?? todayUtc();
  if (!isDate(today)) throw new Error(`today must be YYYY-MM-DD, got ${today}`);
  const store = new PolarStore({
    clientId: options.clientId ?? 'polar-client',
    clientSecret: options.clientSecret ?? 'polar-secret',
    seed: options.seed ?? 1,
    days: options.days ?? 90,
    today,
    timeZoneOffsetMinutes: options.timeZoneOffsetMinutes ?? 120,
    userTimeZoneOffsets: options.userTimeZoneOffsets ?? {},
    firstUserId: options.firstUserId ?? 10_000_001,
    redirectUris: options.redirectUris ?? null,
    rateLimit: options.rateLimit ?? {},
    sandbox: options.sandbox ?? null,
  });
  const faults = new FaultInjector();

  const { server, url } = await listenOnLoopback((req, res) => handle(store, faults, req, res), (res) => sendPolarError(res, 500, 'Fake internal error'), options.port);
  store.apiUrl = url;

  const userOf = (polarUserId: number): FakeUser => {
    const user = store.users.get(polarUserId);
    if (!user) throw new Error(`Polar fake: unknown user ${polarUserId}`);
    return user;
  };
  let added = 0;

  const fake: PolarFake = {
    url,
    authorizationUrl: `${url}/oauth2/authorization`,
    tokenUrl: `${url}/v2/oauth2/token`,
    apiUrl: url,
    clientId: store.config.clientId,
    clientSecret: store.config.clientSecret,
    requests: store.requests,
    faults,
    get webhook() {
      return store.webhook ? { ...store.webhook, events: [...store.webhook.events] } : null;
    },
    get users() {
      return new Map(
        [...store.users.values()].map((u) => [
          u.polarUserId,
          {
            polarUserId: u.polarUserId,
            memberId: u.memberId,
            registered: u.registered,
            registrationDate: u.registrationDate,
            timeZoneOffsetMinutes: u.data.timeZoneOffsetMinutes,
          },
        ]),
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
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
    revokeUser(polarUserId) {
      userOf(polarUserId);
      store.revokeTokensOf(polarUserId);
    },
    denyNextAuthorization() {
      store.denyNext++;
    },
    setNextAuthorization(next) {
      store.nextAuthorization = { ...next };
    },
    createUser(opts) {
      return store.createUser(opts).polarUserId;
    },
    connectUser(opts = {}) {
      const user = store.createUser(opts);
      const token = store.issueToken(user.polarUserId);
      if (opts.memberId !== undefined && !user.registered) {
        user.registered = true;
        user.memberId = opts.memberId;
        user.registrationDate = store.nowIso();
      }
      return { polarUserId: user.polarUserId, accessToken: token.token };
    },
    dataFor(polarUserId) {
      const { data } = userOf(polarUserId);
      const first = firstDayOf({ today: store.config.today, days: store.config.days });
      const last = store.today > store.config.today ? store.today : store.config.today;
      return {
        profile: { ...data.profile },
        device: data.device,
        deviceId: data.deviceId,
        timeZoneOffsetMinutes: data.timeZoneOffsetMinutes,
        exercises: [...data.exercises],
        exerciseNumericIds: new Map(data.exerciseNumericIds),
        sleeps: [...data.sleeps],
        nightlyRecharges: [...data.nightlyRecharges],
        activities: [...data.activities],
        continuousHeartRate: [...data.continuousHeartRate],
        cardioLoad: computeCardioLoad(data.exercises, first, first, last),
        physicalInformation: [...data.physicalInformation],
        skinTemperature: [...data.skinTemperature],
      };
    },
    addExercise(polarUserId, partial = {}, opts = {}) {
      const user = userOf(polarUserId);
      const n = added++;
      const rng = rngFor(store.config.seed, polarUserId, 'added-exercise', n);
      const kind =
        opts.kind ??
        Object.values(SPORTS).find((s) => s.detailed === partial.detailed_sport_info)?.key ??
        Object.values(SPORTS).find((s) => s.sport === partial.sport)?.key ??
        'running';
      const date = opts.date ?? partial.start_time?.slice(0, 10) ?? store.today;
      const startMinute =
        opts.startMinute ??
        (partial.start_time ? Math.round((Date.parse(`${partial.start_time}Z`) - dateToMs(date)) / 60_000) : 6 * 60 + ((n * 90) % (17 * 60)));
      const generated = makeExercise(rng, userContext(user.data, store.apiUrl, polarUserId), { date, startMinute, sport: kind });
      while (user.data.exercises.some((e) => e.id === generated.id)) generated.id += 'x';
      const exercise: PolarExercise = { ...generated, ...partial };
      user.data.exercises.push(exercise);
      user.data.exercises.sort((a, b) => a.start_time.localeCompare(b.start_time));
      const maxNumeric = Math.max(100_000_000, ...user.data.exerciseNumericIds.values());
      user.data.exerciseNumericIds.set(exercise.id, maxNumeric + 1);
      return exercise;
    },
    addSleep(polarUserId, partial = {}) {
      const user = userOf(polarUserId);
      const date = partial.date ?? store.today;
      const rng = rngFor(store.config.seed, polarUserId, 'added-sleep', date, added++);
      const sleep: PolarSleep = { ...makeSleep(rng, userContext(user.data, store.apiUrl, polarUserId), { date }), ...partial, date };
      user.data.sleeps = user.data.sleeps.filter((s) => s.date !== date).concat(sleep).sort((a, b) => a.date.localeCompare(b.date));
      if (!user.data.skinTemperature.some((t) => t.sleep_date === date)) {
        user.data.skinTemperature.push(makeSkinTemperature(rng, date));
        user.data.skinTemperature.sort((a, b) => a.sleep_date.localeCompare(b.sleep_date));
      }
      return sleep;
    },
    addNightlyRecharge(polarUserId, partial = {}) {
      const user = userOf(polarUserId);
      const date = partial.date ?? store.today;
      const rng = rngFor(store.config.seed, polarUserId, 'added-recharge', date, added++);
      const ctx = userContext(user.data, store.apiUrl, polarUserId);
      const night = user.data.sleeps.find((s) => s.date === date) ?? makeSleep(rng, ctx, { date });
      const recharge: PolarNightlyRecharge = { ...makeNightlyRecharge(rng, ctx, night), ...partial, date };
      user.data.nightlyRecharges = user.data.nightlyRecharges
        .filter((r) => r.date !== date)
        .concat(recharge)
        .sort((a, b) => a.date.localeCompare(b.date));
      return recharge;
    },
    addActivity(polarUserId, partial = {}) {
      const user = userOf(polarUserId);
      const date = partial.date ?? store.today;
      const rng = rngFor(store.config.seed, polarUserId, 'added-activity', date, added++);
      const id = Math.max(5_000_000, ...user.data.activities.map((a) => a.id)) + 1;
      const activity: FakeActivity = { ...makeActivity(rng, date, id, false, user.data.timeZoneOffsetMinutes), ...partial, date, id };
      user.data.activities = user.data.activities
        .filter((a) => a.date !== date)
        .concat(activity)
        .sort((a, b) => a.date.localeCompare(b.date));
      return activity;
    },
    async sendWebhook(event, targetUrl, opts = {}) {
      const target = targetUrl ?? store.webhook?.url;
      const secret = opts.secret ?? store.webhook?.signature_secret_key;
      if (!target || !secret) throw new Error('Polar fake: no webhook registered; pass targetUrl and options.secret');
      const result = await deliverSigned(target, completeEvent(store, event), secret);
      return result.status;
    },
  };
  return fake;
}

async function handle(store: PolarStore, faults: FaultInjector, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { entry, url: parsed, method } = logRequest(req, res, store.requests);
  const path = parsed.pathname;

  const body = await readBody(req);
  const delay = faults.take(['delay'], path);
  if (delay) await new Promise((r) => setTimeout(r, delay.ms));

  const isApi = path.startsWith('/v3/');
  let limited = false;
  let shortReset = 0;
  if (isApi) {
    const rate = store.countRequest();
    for (const [k, v] of Object.entries(rate.headers)) res.setHeader(k, v);
    limited = rate.limited;
    shortReset = Number(rate.headers['RateLimit-Reset'].split(',')[0]);
  }

  const fault = faults.take(['fail', 'reset'], path);
  if (fault?.kind === 'reset') {
    entry.aborted = true;
    res.writeHead(200, { 'Content-Type': 'application/json;charset=UTF-8', 'Content-Length': 4096 });
    res.write('[{"id":"partial","upload_time":"20', () => res.socket?.destroy());
    return;
  }
  if (fault?.kind === 'fail') {
    const { status, options } = fault;
    const extra: Record<string, string | number> = {};
    if (options.retryAfterSeconds !== undefined) extra['Retry-After'] = options.retryAfterSeconds;
    if (options.body !== undefined) {
      return sendText(res, status, options.body, options.contentType ?? (status >= 500 ? 'text/plain;charset=UTF-8' : 'application/json;charset=UTF-8'), extra);
    }
    if (status >= 500) return sendText(res, status, STATUS_CODES[status] ?? 'Server Error', 'text/plain;charset=UTF-8', extra);
    if (path === '/v2/oauth2/token') {
      return sendText(res, status, JSON.stringify({ error: status === 401 ? 'invalid_client' : 'invalid_request' }), 'application/json', extra);
    }
    return sendPolarError(res, status, STATUS_CODES[status] ?? 'Injected fault', extra);
  }
  if (limited) return sendPolarError(res, 429, 'Rate limit exceeded', { 'Retry-After': shortReset });

  const found = match(ROUTES, method, path);
  if (found === null) return sendPolarError(res, 404, `No such resource: ${method} ${path}`);
  if (found === 'method') return sendPolarError(res, 405, `Method ${method} not allowed on ${path}`);
  await found.route.handler({ req, res, store, method, path, query: parsed.searchParams, body }, found.params);
}

/** The callback URL (with code and state, or error) the authorization endpoint redirects to. */
export function authorize(fake: Pick<PolarFake, 'url'>, authorizationUrl: string): Promise<string> {
  return followAuthorization(fake.url, authorizationUrl, 'Polar');
}
