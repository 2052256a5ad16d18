/**
 * /v2/usercollection endpoints (Bearer user token): personal_info, the
 * document collections (list with start_date/end_date/next_token, single
 * document by id) and heartrate (start_datetime/end_datetime, at most 30 days).
 */
import { sendJson, sendOuraError } from './http.js';
import { bearerUser, route, type RequestContext, type Route } from './router.js';
import { addDays, isDate, parseDateTime } from './time.js';
import { COLLECTIONS, type CollectionType, type OuraDocument } from './types.js';

/**
 * Scopes that open each endpoint (any one of them suffices). `personal_info`
 * answers with the fields the token's scopes cover: `id` always, `email` with
 * `email`, age/weight/height/biological_sex with `personal`.
 */
export const SCOPES_FOR: Readonly<Record<CollectionType | 'heartrate' | 'personal_info', readonly string[]>> = {
  personal_info: ['personal', 'email'],
  daily_activity: ['daily'],
  daily_readiness: ['daily'],
  daily_sleep: ['daily'],
  sleep: ['daily'],
  daily_spo2: ['spo2'],
  daily_stress: ['stress'],
  daily_resilience: ['stress'],
  vO2_max: ['heart_health'],
  workout: ['workout'],
  session: ['session'],
  heartrate: ['heartrate'],
};

/** Collections Oura has that the fake does not generate: always served empty (still scope-checked). */
export const EMPTY_COLLECTIONS: Readonly<Record<string, readonly string[]>> = {
  tag: ['tag'],
  enhanced_tag: ['tag'],
  sleep_time: ['daily'],
  rest_mode_period: ['daily'],
  daily_cardiovascular_age: ['heart_health'],
  ring_configuration: ['ring_configuration'],
};

export const HEARTRATE_MAX_RANGE_MS = 30 * 86_400_000;

interface PageToken {
  /** collection */
  t: string;
  /** user */
  u: string;
  s: string | number;
  e: string | number;
  /** offset */
  o: number;
}

const encodeToken = (t: PageToken): string => Buffer.from(JSON.stringify(t)).toString('base64url');

function decodeToken(raw: string, type: string, userId: string): PageToken | null {
  try {
    const t = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as PageToken;
    if (t.t !== type || t.u !== userId || !Number.isInteger(t.o) || t.o < 0) return null;
    return t;
  } catch {
    return null;
  }
}

function personalInfo(ctx: RequestContext): void {
  const auth = bearerUser(ctx, SCOPES_FOR.personal_info);
  if (!auth) return;
  const info = auth.user.data.personalInfo;
  const personal = auth.token.scopes.includes('personal');
  sendJson(ctx.res, 200, {
    id: info.id,
    age: personal ? info.age : null,
    weight: personal ? info.weight : null,
    height: personal ? info.height : null,
    biological_sex: personal ? info.biological_sex : null,
    email: auth.token.scopes.includes('email') ? info.email : null,
  });
}

/**
 * Resolves [start, end) days. end_date is EXCLUSIVE (a document is returned
 * when start_date <= day < end_date). Defaults: end_date = today + 1 (so
 * today is included), start_date = end_date - 7 days.
 */
function dayRange(ctx: RequestContext): { start: string; end: string } | string {
  const startRaw = ctx.query.get('start_date');
  const endRaw = ctx.query.get('end_date');
  if (startRaw !== null && !isDate(startRaw)) return `start_date must be YYYY-MM-DD, got ${startRaw}`;
  if (endRaw !== null && !isDate(endRaw)) return `end_date must be YYYY-MM-DD, got ${endRaw}`;
  const end = endRaw ?? addDays(ctx.store.today, 1);
  const start = startRaw ?? addDays(end, -7);
  if (start > end) return 'start_date must not be after end_date';
  return { start, end };
}

function listCollection(ctx: RequestContext, type: string): void {
  const scopes = (SCOPES_FOR as Record<string, readonly string[]>)[type] ?? EMPTY_COLLECTIONS[type];
  const auth = bearerUser(ctx, scopes);
  if (!auth) return;
  const userId = auth.user.ouraUserId;
  let start: string;
  let end: string;
  let offset = 0;
  const nextToken = ctx.query.get('next_token');
  if (nextToken) {
    const t = decodeToken(nextToken, type, userId);
    if (!t || typeof t.s !== 'string' || typeof t.e !== 'string') return sendOuraError(ctx.res, 400, 'Invalid next_token');
    ({ s: start, e: end, o: offset } = t as PageToken & { s: string; e: string });
  } else {
    const range = dayRange(ctx);
    if (typeof range === 'string') return sendOuraError(ctx.res, 400, range);
    ({ start, end } = range);
  }
  const all: OuraDocument[] = (COLLECTIONS as readonly string[]).includes(type) ? auth.user.data[type as CollectionType] : [];
  const matching = all.filter((d) => d.day >= start && d.day < end);
  const size = ctx.store.config.pageSize;
  const page = matching.slice(offset, offset + size);
  const more = offset + size < matching.length;
  sendJson(ctx.res, 200, { data: page, next_token: more ? encodeToken({ t: type, u: userId, s: start, e: end, o: offset + size }) : null });
}

function getDocument(ctx: RequestContext, type: string, id: string): void {
  const scopes = (SCOPES_FOR as Record<string, readonly string[]>)[type] ?? EMPTY_COLLECTIONS[type];
  const auth = bearerUser(ctx, scopes);
  if (!auth) return;
  const docs: OuraDocument[] = (COLLECTIONS as readonly string[]).includes(type) ? auth.user.data[type as CollectionType] : [];
  const doc = docs.find((d) => d.id === id);
  if (!doc) return sendOuraError(ctx.res, 404, 'Document not found');
  sendJson(ctx.res, 200, doc);
}

/**
 * Heart rate over [start_datetime, end_datetime) (UTC instants; a datetime
 * without offset is UTC). Defaults: end = now on the fake's clock, start = end - 1 day.
 * More than 30 days -> 400.
 */
function heartrate(ctx: RequestContext): void {
  const auth = bearerUser(ctx, SCOPES_FOR.heartrate);
  if (!auth) return;
  const userId = auth.user.ouraUserId;
  let start: number;
  let end: number;
  let offset = 0;
  const nextToken = ctx.query.get('next_token');
  if (nextToken) {
    const t = decodeToken(nextToken, 'heartrate', userId);
    if (!t || typeof t.s !== 'number' || typeof t.e !== 'number') return sendOuraError(ctx.res, 400, 'Invalid next_token');
    ({ s: start, e: end, o: offset } = t as PageToken & { s: number; e: number });
  } else {
    const startRaw = ctx.query.get('start_datetime');
    const endRaw = ctx.query.get('end_datetime');
    const parsedStart = startRaw === null ? null : parseDateTime(startRaw);
    const parsedEnd = endRaw === null ? null : parseDateTime(endRaw);
    if (startRaw !== null && parsedStart === null) return sendOuraError(ctx.res, 400, `start_datetime is not an ISO 8601 datetime: ${startRaw}`);
    if (endRaw !== null && parsedEnd === null) return sendOuraError(ctx.res, 400, `end_datetime is not an ISO 8601 datetime: ${endRaw}`);
    end = parsedEnd ?? ctx.store.now();
    start = parsedStart ?? end - 86_400_000;
    if (start > end) return sendOuraError(ctx.res, 400, 'start_datetime must not be after end_datetime');
    if (end - start > HEARTRATE_MAX_RANGE_MS) return sendOuraError(ctx.res, 400, 'Start and end datetime range must be no more than 30 days');
  }
  const samples = auth.user.data.heartrate;
  // Samples are sorted by timestamp: binary-search the window.
  const lowerBound = (t: number) => {
    let lo = 0;
    let hi = samples.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (Date.parse(samples[mid].timestamp) < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const from = lowerBound(start);
  const to = lowerBound(end);
  const size = ctx.store.config.heartRatePageSize;
  const pageStart = from + offset;
  const pageEnd = Math.min(to, pageStart + size);
  const page = pageStart < to ? samples.slice(pageStart, pageEnd) : [];
  sendJson(ctx.res, 200, {
    data: page,
    next_token: pageEnd < to ? encodeToken({ t: 'heartrate', u: userId, s: start, e: end, o: offset + size }) : null,
  });
}

const NAMES = [...COLLECTIONS, ...Object.keys(EMPTY_COLLECTIONS)].join('|');

export const userCollectionRoutes: Route[] = [
  route('GET', /^\/v2\/usercollection\/personal_info\/?$/, personalInfo),
  route('GET', /^\/v2\/usercollection\/heartrate\/?$/, heartrate),
  route('GET', new RegExp(`^/v2/usercollection/(${NAMES})/?$`), (ctx, [type]) => listCollection(ctx, type)),
  route('GET', new RegExp(`^/v2/usercollection/(${NAMES})/([^/]+)$`), (ctx, [type, id]) => getDocument(ctx, type, id)),
];
