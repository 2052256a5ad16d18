/**
 * Transactional AccessLink API (exercise-, activity- and
 * physical-information-transactions). A new transaction holds every item of
 * the user not yet committed (regardless of age; activity transactions hold at
 * most 50 summaries, as documented). PUT commits: those items never appear in
 * a later transaction, and the committed transaction answers 404.
 */
import { sendExerciseFile } from './accesslink.js';
import { sendEmpty, sendJson, sendPolarError } from './http.js';
import { renderPhysicalInformation, renderTransactionalActivity, renderTransactionalExercise } from './render.js';
import { bearerUser, checkPathUser, route, type RequestContext, type Route } from './router.js';
import type { FakeUser, Transaction, TransactionKind } from './store.js';

const SEGMENT: Record<TransactionKind, string> = {
  exercise: 'exercise-transactions',
  activity: 'activity-transactions',
  physical: 'physical-information-transactions',
};
const LIST_KEY: Record<TransactionKind, string> = {
  exercise: 'exercises',
  activity: 'activity-log',
  physical: 'physical-informations',
};
const ITEM_SEGMENT: Record<TransactionKind, string> = {
  exercise: 'exercises',
  activity: 'activities',
  physical: 'physical-informations',
};
const MAX_ITEMS: Record<TransactionKind, number> = { exercise: Infinity, activity: 50, physical: Infinity };

function kindOf(segment: string): TransactionKind {
  return (Object.keys(SEGMENT) as TransactionKind[]).find((k) => SEGMENT[k] === segment)!;
}

function pendingItems(user: FakeUser, kind: TransactionKind): Array<string | number> {
  switch (kind) {
    case 'exercise':
      return user.data.exercises.map((e) => e.id).filter((id) => !user.committed.exercise.has(id));
    case 'activity':
      return user.data.activities.map((a) => a.id).filter((id) => !user.committed.activity.has(id));
    case 'physical':
      return user.data.physicalInformation.map((p) => p.id).filter((id) => !user.committed.physical.has(id));
  }
}

export function hasPending(user: FakeUser, kind: TransactionKind): boolean {
  return pendingItems(user, kind).length > 0;
}

const txUrl = (ctx: RequestContext, user: FakeUser, tx: Transaction): string =>
  `${ctx.store.apiUrl}/v3/users/${user.polarUserId}/${SEGMENT[tx.kind]}/${tx.id}`;

function authorize(ctx: RequestContext, userId: string): FakeUser | null {
  const user = bearerUser(ctx);
  if (!user || !checkPathUser(ctx, user, userId)) return null;
  return user;
}

function openTransaction(ctx: RequestContext, user: FakeUser, kind: TransactionKind, tid: string): Transaction | null {
  const tx = ctx.store.transactions.get(Number(tid));
  if (!tx || tx.kind !== kind || tx.polarUserId !== user.polarUserId || tx.committed) {
    sendPolarError(ctx.res, 404, 'No transaction was found with given transaction id');
    return null;
  }
  return tx;
}

function create(ctx: RequestContext, [userId, segment]: string[]): void {
  const user = authorize(ctx, userId);
  if (!user) return;
  const kind = kindOf(segment);
  const items = pendingItems(user, kind).slice(0, MAX_ITEMS[kind]);
  if (!items.length) return sendEmpty(ctx.res, 204);
  const tx = ctx.store.newTransaction(kind, user.polarUserId, items);
  sendJson(ctx.res, 201, { 'transaction-id': tx.id, 'resource-uri': txUrl(ctx, user, tx) });
}

function itemNumericId(user: FakeUser, kind: TransactionKind, item: string | number): number {
  return kind === 'exercise' ? user.data.exerciseNumericIds.get(item as string)! : (item as number);
}

function list(ctx: RequestContext, [userId, segment, tid]: string[]): void {
  const user = authorize(ctx, userId);
  if (!user) return;
  const kind = kindOf(segment);
  const tx = openTransaction(ctx, user, kind, tid);
  if (!tx) return;
  const base = txUrl(ctx, user, tx);
  sendJson(ctx.res, 200, {
    [LIST_KEY[kind]]: tx.items.map((item) => `${base}/${ITEM_SEGMENT[kind]}/${itemNumericId(user, kind, item)}`),
  });
}

function commit(ctx: RequestContext, [userId, segment, tid]: string[]): void {
  const user = authorize(ctx, userId);
  if (!user) return;
  const kind = kindOf(segment);
  const tx = openTransaction(ctx, user, kind, tid);
  if (!tx) return;
  tx.committed = true;
  const set = user.committed[kind] as Set<string | number>;
  for (const item of tx.items) set.add(item);
  sendEmpty(ctx.res, 200);
}

/** Resolves an item of an open transaction, or answers 404. */
function findItem(ctx: RequestContext, userId: string, kind: TransactionKind, tid: string, itemId: string) {
  const user = authorize(ctx, userId);
  if (!user) return null;
  const tx = openTransaction(ctx, user, kind, tid);
  if (!tx) return null;
  const item = tx.items.find((i) => String(itemNumericId(user, kind, i)) === itemId);
  if (item === undefined) {
    sendPolarError(ctx.res, 404, 'Not found in transaction');
    return null;
  }
  return { user, tx, item };
}

function exerciseItem(ctx: RequestContext, userId: string, tid: string, eid: string) {
  const found = findItem(ctx, userId, 'exercise', tid, eid);
  if (!found) return null;
  const exercise = found.user.data.exercises.find((e) => e.id === found.item)!;
  return { ...found, exercise };
}

function getExercise(ctx: RequestContext, [userId, tid, eid]: string[]): void {
  const f = exerciseItem(ctx, userId, tid, eid);
  if (f) sendJson(ctx.res, 200, renderTransactionalExercise(f.exercise, Number(eid), f.tx.id));
}

function getExerciseZones(ctx: RequestContext, [userId, tid, eid]: string[]): void {
  const f = exerciseItem(ctx, userId, tid, eid);
  if (f) sendJson(ctx.res, 200, { zone: f.exercise.heart_rate_zones });
}

function listExerciseSamples(ctx: RequestContext, [userId, tid, eid]: string[]): void {
  const f = exerciseItem(ctx, userId, tid, eid);
  if (!f) return;
  const base = `${txUrl(ctx, f.user, f.tx)}/exercises/${eid}/samples`;
  sendJson(ctx.res, 200, { samples: f.exercise.samples.map((s) => `${base}/${s['sample-type']}`) });
}

function getExerciseSample(ctx: RequestContext, [userId, tid, eid, type]: string[]): void {
  const f = exerciseItem(ctx, userId, tid, eid);
  if (!f) return;
  const sample = f.exercise.samples.find((s) => s['sample-type'] === type);
  if (!sample) return sendEmpty(ctx.res, 204);
  sendJson(ctx.res, 200, sample);
}

function getExerciseFile(ctx: RequestContext, [userId, tid, eid, kind]: string[]): void {
  const f = exerciseItem(ctx, userId, tid, eid);
  if (f) sendExerciseFile(ctx, f.exercise, kind);
}

function getActivity(ctx: RequestContext, [userId, tid, aid]: string[]): void {
  const f = findItem(ctx, userId, 'activity', tid, aid);
  if (!f) return;
  const activity = f.user.data.activities.find((a) => a.id === f.item)!;
  sendJson(ctx.res, 200, renderTransactionalActivity(activity, `${ctx.store.apiUrl}/v3/users/${f.user.polarUserId}`, f.tx.id));
}

function getActivitySamples(ctx: RequestContext, [userId, tid, aid]: string[]): void {
  if (findItem(ctx, userId, 'activity', tid, aid)) sendEmpty(ctx.res, 204);
}

function getPhysical(ctx: RequestContext, [userId, tid, pid]: string[]): void {
  const f = findItem(ctx, userId, 'physical', tid, pid);
  if (!f) return;
  const info = f.user.data.physicalInformation.find((p) => p.id === f.item)!;
  sendJson(ctx.res, 200, renderPhysicalInformation(info, `${ctx.store.apiUrl}/v3/users/${f.user.polarUserId}`, f.tx.id));
}

const KINDS = '(exercise-transactions|activity-transactions|physical-information-transactions)';
const EX = '^/v3/users/(\\d+)/exercise-transactions/(\\d+)/exercises/(\\d+)';

export const transactionRoutes: Route[] = [
  route('POST', new RegExp(`^/v3/users/(\\d+)/${KINDS}/?$`), create),
  route('GET', new RegExp(`^/v3/users/(\\d+)/${KINDS}/(\\d+)$`), list),
  route('PUT', new RegExp(`^/v3/users/(\\d+)/${KINDS}/(\\d+)$`), commit),
  route('GET', new RegExp(`${EX}$`), getExercise),
  route('GET', new RegExp(`${EX}/heart-rate-zones$`), getExerciseZones),
  route('GET', new RegExp(`${EX}/samples$`), listExerciseSamples),
  route('GET', new RegExp(`${EX}/samples/([^/]+)$`), getExerciseSample),
  route('GET', new RegExp(`${EX}/(fit|tcx|gpx)$`), getExerciseFile),
  route('GET', /^\/v3\/users\/(\d+)\/activity-transactions\/(\d+)\/activities\/(\d+)$/, getActivity),
  route('GET', /^\/v3\/users\/(\d+)\/activity-transactions\/(\d+)\/activities\/(\d+)\/(?:step|zone)-samples$/, getActivitySamples),
  route('GET', /^\/v3\/users\/(\d+)\/physical-information-transactions\/(\d+)\/physical-informations\/(\d+)$/, getPhysical),
];
