/** Non-transactional AccessLink endpoints authenticated with a user's Bearer token. */
import { computeCardioLoad, firstDayOf, type PolarExercise } from './data.js';
import { isTrue, parseJson, sendEmpty, sendJson, sendPolarError, sendText } from './http.js';
import { renderActivity, renderExercise, renderGpx } from './render.js';
import { bearerUser, checkPathUser, route, type RequestContext, type Route } from './router.js';
import type { FakeUser } from './store.js';
import { addDays, daysBetween, isDate } from './time.js';

const MAX_RANGE_DAYS = 28;

export function userJson(user: FakeUser): Record<string, unknown> {
  const p = user.data.profile;
  return {
    'polar-user-id': user.polarUserId,
    'member-id': user.memberId,
    'registration-date': user.registrationDate,
    'first-name': p.firstName,
    'last-name': p.lastName,
    birthdate: p.birthdate,
    gender: p.gender,
    weight: p.weight,
    height: p.height,
    'extra-info': [],
  };
}

/** Exercises the non-transactional API shows: uploaded within the last 30 days of `today`. */
export function visibleExercises(ctx: RequestContext, user: FakeUser): PolarExercise[] {
  const since = addDays(ctx.store.today, -30);
  return user.data.exercises.filter((e) => e.upload_time.slice(0, 10) >= since);
}

/**
 * Reads an inclusive from/to range (at most 28 days, from not older than 365
 * days). Sends 400 and returns null when invalid.
 */
function readRange(ctx: RequestContext, opts: { fromRequired: boolean; toRequired: boolean }): { from: string; to: string } | null {
  const fromQ = ctx.query.get('from');
  const toQ = ctx.query.get('to');
  if (!fromQ && !toQ && !opts.fromRequired) return ctx.store.lastDays(MAX_RANGE_DAYS);
  const from = fromQ ?? undefined;
  const to = toQ ?? (opts.toRequired ? undefined : ctx.store.today);
  if (!isDate(from) || !isDate(to)) {
    sendPolarError(ctx.res, 400, 'Invalid or missing from/to date (YYYY-MM-DD)');
    return null;
  }
  if (from > to) {
    sendPolarError(ctx.res, 400, 'from must not be after to');
    return null;
  }
  if (daysBetween(from, to) + 1 > MAX_RANGE_DAYS) {
    sendPolarError(ctx.res, 400, `Maximum range between from and to is ${MAX_RANGE_DAYS} days`);
    return null;
  }
  if (ctx.store.isTooOld(from)) {
    sendPolarError(ctx.res, 400, 'Date cannot be older than 365 days');
    return null;
  }
  return { from, to };
}

function readDateParam(ctx: RequestContext, value: string): string | null {
  if (!isDate(value)) {
    sendPolarError(ctx.res, 400, 'Invalid date');
    return null;
  }
  return value;
}

const inRange = (date: string, r: { from: string; to: string }): boolean => date >= r.from && date <= r.to;

// ------------------------------------------------------------------ users

async function registerUser(ctx: RequestContext): Promise<void> {
  const user = bearerUser(ctx, false);
  if (!user) return;
  const body = parseJson(ctx.body) as Record<string, unknown> | undefined;
  const memberId = body?.['member-id'];
  if (typeof memberId !== 'string' || !memberId) {
    sendPolarError(ctx.res, 400, 'member-id is required');
    return;
  }
  const duplicate = [...ctx.store.users.values()].some((u) => u.registered && u.memberId === memberId && u !== user);
  if (user.registered || duplicate) {
    sendPolarError(ctx.res, 409, 'User already registered to partner or duplicated member-id');
    return;
  }
  user.registered = true;
  user.memberId = memberId;
  user.registrationDate = ctx.store.nowIso();
  sendJson(ctx.res, 200, userJson(user));
}

function getUser(ctx: RequestContext, [id]: string[]): void {
  const user = bearerUser(ctx);
  if (!user || !checkPathUser(ctx, user, id)) return;
  sendJson(ctx.res, 200, userJson(user));
}

/** De-registration also revokes the user's access tokens (as AccessLink documents): later calls get 401. */
function deleteUser(ctx: RequestContext, [id]: string[]): void {
  const user = bearerUser(ctx);
  if (!user || !checkPathUser(ctx, user, id)) return;
  user.registered = false;
  user.memberId = null;
  user.registrationDate = null;
  ctx.store.revokeTokensOf(user.polarUserId);
  sendEmpty(ctx.res, 204);
}

// ------------------------------------------------------------------ exercises

const exerciseFlags = (ctx: RequestContext) => ({
  samples: isTrue(ctx.query.get('samples')),
  zones: isTrue(ctx.query.get('zones')),
  route: isTrue(ctx.query.get('route')),
});

function listExercises(ctx: RequestContext): void {
  const user = bearerUser(ctx);
  if (!user) return;
  const list = visibleExercises(ctx, user);
  if (!list.length) return sendEmpty(ctx.res, 204);
  const flags = exerciseFlags(ctx);
  sendJson(ctx.res, 200, list.map((e) => renderExercise(e, flags)));
}

function findVisibleExercise(ctx: RequestContext, id: string): { user: FakeUser; exercise: PolarExercise } | null {
  const user = bearerUser(ctx);
  if (!user) return null;
  const exercise = visibleExercises(ctx, user).find((e) => e.id === id);
  if (!exercise) {
    sendPolarError(ctx.res, 404, 'Exercise not found');
    return null;
  }
  return { user, exercise };
}

function getExercise(ctx: RequestContext, [id]: string[]): void {
  const found = findVisibleExercise(ctx, id);
  if (found) sendJson(ctx.res, 200, renderExercise(found.exercise, exerciseFlags(ctx)));
}

/** GPX is generated from the route; FIT and TCX are not generated (204, as for an exercise without files). */
export function sendExerciseFile(ctx: RequestContext, exercise: PolarExercise, kind: string): void {
  if (kind === 'gpx') {
    const gpx = renderGpx(exercise);
    if (!gpx) return sendEmpty(ctx.res, 204);
    return sendText(ctx.res, 200, gpx, 'application/gpx+xml');
  }
  sendEmpty(ctx.res, 204);
}

function getExerciseFile(ctx: RequestContext, [id, kind]: string[]): void {
  const found = findVisibleExercise(ctx, id);
  if (found) sendExerciseFile(ctx, found.exercise, kind);
}

// ------------------------------------------------------------------ sleep & nightly recharge

function listSleep(ctx: RequestContext): void {
  const user = bearerUser(ctx);
  if (!user) return;
  const window = ctx.store.lastDays(28);
  sendJson(ctx.res, 200, { nights: user.data.sleeps.filter((s) => inRange(s.date, window)) });
}

function availableSleep(ctx: RequestContext): void {
  const user = bearerUser(ctx);
  if (!user) return;
  const window = ctx.store.lastDays(28);
  sendJson(ctx.res, 200, {
    available: user.data.sleeps
      .filter((s) => inRange(s.date, window))
      .map((s) => ({ date: s.date, start_time: s.sleep_start_time, end_time: s.sleep_end_time })),
  });
}

function getSleep(ctx: RequestContext, [date]: string[]): void {
  const user = bearerUser(ctx);
  if (!user || !readDateParam(ctx, date)) return;
  const sleep = user.data.sleeps.find((s) => s.date === date);
  if (!sleep) return sendPolarError(ctx.res, 404, 'No data found for date');
  sendJson(ctx.res, 200, sleep);
}

function listRecharges(ctx: RequestContext): void {
  const user = bearerUser(ctx);
  if (!user) return;
  const window = ctx.store.lastDays(28);
  sendJson(ctx.res, 200, { recharges: user.data.nightlyRecharges.filter((r) => inRange(r.date, window)) });
}

function getRecharge(ctx: RequestContext, [date]: string[]): void {
  const user = bearerUser(ctx);
  if (!user || !readDateParam(ctx, date)) return;
  const recharge = user.data.nightlyRecharges.find((r) => r.date === date);
  if (!recharge) return sendPolarError(ctx.res, 404, 'No data found for date');
  sendJson(ctx.res, 200, recharge);
}

// ------------------------------------------------------------------ daily activity

function listActivities(ctx: RequestContext): void {
  const user = bearerUser(ctx);
  if (!user) return;
  const range = readRange(ctx, { fromRequired: false, toRequired: false });
  if (!range) return;
  sendJson(ctx.res, 200, user.data.activities.filter((a) => inRange(a.date, range)).map(renderActivity));
}

function getActivity(ctx: RequestContext, [date]: string[]): void {
  const user = bearerUser(ctx);
  if (!user || !readDateParam(ctx, date)) return;
  if (ctx.store.isTooOld(date)) return sendPolarError(ctx.res, 400, 'Date cannot be older than 365 days');
  const activity = user.data.activities.find((a) => a.date === date);
  if (!activity) return sendEmpty(ctx.res, 204);
  sendJson(ctx.res, 200, renderActivity(activity));
}

// ------------------------------------------------------------------ continuous heart rate

function getContinuousHr(ctx: RequestContext, [date]: string[]): void {
  const user = bearerUser(ctx);
  if (!user || !readDateParam(ctx, date)) return;
  const day = user.data.continuousHeartRate.find((d) => d.date === date);
  if (!day) return sendPolarError(ctx.res, 404, 'No data found for date');
  sendJson(ctx.res, 200, day);
}

function rangeContinuousHr(ctx: RequestContext): void {
  const user = bearerUser(ctx);
  if (!user) return;
  const range = readRange(ctx, { fromRequired: true, toRequired: true });
  if (!range) return;
  sendJson(ctx.res, 200, { heart_rates: user.data.continuousHeartRate.filter((d) => inRange(d.date, range)) });
}

// ------------------------------------------------------------------ cardio load

function cardio(ctx: RequestContext, user: FakeUser, from: string, to: string): void {
  const first = firstDayOf({ today: ctx.store.config.today, days: ctx.store.config.days });
  sendJson(ctx.res, 200, computeCardioLoad(user.data.exercises, first, from, to));
}

function listCardio(ctx: RequestContext): void {
  const user = bearerUser(ctx);
  if (!user) return;
  const w = ctx.store.lastDays(28);
  cardio(ctx, user, w.from, w.to);
}

function cardioByDate(ctx: RequestContext, [date]: string[]): void {
  const user = bearerUser(ctx);
  if (!user || !readDateParam(ctx, date)) return;
  cardio(ctx, user, date, date);
}

function cardioRange(ctx: RequestContext): void {
  const user = bearerUser(ctx);
  if (!user) return;
  const from = ctx.query.get('from');
  const to = ctx.query.get('to');
  if (!isDate(from) || !isDate(to) || from > to) return sendPolarError(ctx.res, 400, 'Invalid from/to');
  cardio(ctx, user, from, to);
}

function cardioPeriod(ctx: RequestContext, [unit, n]: string[]): void {
  const user = bearerUser(ctx);
  if (!user) return;
  const count = Number(n);
  if (!Number.isInteger(count) || count < 1 || count > (unit === 'days' ? 365 : 12)) {
    return sendPolarError(ctx.res, 400, 'Invalid period');
  }
  const days = unit === 'days' ? count : count * 30;
  cardio(ctx, user, addDays(ctx.store.today, -(days - 1)), ctx.store.today);
}

// ------------------------------------------------------------------ biosensing

function skinTemperature(ctx: RequestContext): void {
  const user = bearerUser(ctx);
  if (!user) return;
  const range = readRange(ctx, { fromRequired: false, toRequired: false });
  if (!range) return;
  const list = user.data.skinTemperature.filter((t) => inRange(t.sleep_date, range));
  if (!list.length) return sendEmpty(ctx.res, 204);
  sendJson(ctx.res, 200, list);
}

function noBiosensingData(ctx: RequestContext): void {
  const user = bearerUser(ctx);
  if (!user) return;
  if (!readRange(ctx, { fromRequired: false, toRequired: false })) return;
  sendEmpty(ctx.res, 204);
}

const DATE = '(\\d{4}-\\d{2}-\\d{2}|[^/]+)';

export const accessLinkRoutes: Route[] = [
  route('POST', /^\/v3\/users\/?$/, registerUser),
  route('GET', /^\/v3\/users\/(\d+)$/, getUser),
  route('DELETE', /^\/v3\/users\/(\d+)$/, deleteUser),

  route('GET', /^\/v3\/exercises\/?$/, listExercises),
  route('GET', /^\/v3\/exercises\/([^/]+)\/(fit|tcx|gpx)$/, getExerciseFile),
  route('GET', /^\/v3\/exercises\/([^/]+)$/, getExercise),

  route('GET', /^\/v3\/users\/sleep\/?$/, listSleep),
  route('GET', /^\/v3\/users\/sleep\/available$/, availableSleep),
  route('GET', new RegExp(`^/v3/users/sleep/${DATE}$`), getSleep),
  route('GET', /^\/v3\/users\/nightly-recharge\/?$/, listRecharges),
  route('GET', new RegExp(`^/v3/users/nightly-recharge/${DATE}$`), getRecharge),

  route('GET', /^\/v3\/users\/activities\/?$/, listActivities),
  route('GET', new RegExp(`^/v3/users/activities/${DATE}$`), getActivity),

  route('GET', /^\/v3\/users\/continuous-heart-rate\/?$/, rangeContinuousHr),
  route('GET', new RegExp(`^/v3/users/continuous-heart-rate/${DATE}$`), getContinuousHr),

  route('GET', /^\/v3\/users\/cardio-load\/?$/, listCardio),
  route('GET', /^\/v3\/users\/cardio-load\/date\/?$/, cardioRange),
  route('GET', /^\/v3\/users\/cardio-load\/period\/(days|months)\/([^/]+)$/, cardioPeriod),
  route('GET', new RegExp(`^/v3/users/cardio-load/${DATE}$`), cardioByDate),

  route('GET', /^\/v3\/users\/biosensing\/skintemperature\/?$/, skinTemperature),
  route('GET', /^\/v3\/users\/biosensing\/(?:bodytemperature|skincontacts|ecg|spo2)\/?$/, noBiosensingData),
];

