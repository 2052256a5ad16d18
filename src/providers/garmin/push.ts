/**
 * Garmin deliveries (push and ping). Garmin does not sign them: a delivery is taken only on the
 * secret webhook path (the route checks it) with our client id in `garmin-client-id` (checked
 * here, in constant time), and its entries only for users we know (the push intake).
 *
 * A body holds summary types as keys, each an array of entries of several users:
 *   push:  the summary itself, with `userId`
 *   ping:  `{userId, callbackURL}`: the summaries are at the URL, to GET once (activity files are
 *          always pings: a FIT file, downloadable once, a second GET is 410)
 *   lifecycle: `deregistrations` (the user removed our access) and `userPermissionsChange`.
 */
import { Decoder, Stream } from '@garmin/fitsdk';
import type { Json } from '../../normalize/records.js';
import { constantTimeEqual } from '../../security/compare.js';
import { asObj, type Obj } from '../../normalize/payload.js';
import type { ConnectionContext, PushedEntry, PushHandler, RawItem } from '../types.js';
import { GarminClient } from './client.js';
import { GARMIN_DATA_KEYS } from './fetchers.js';

/** Garmin requires partners to take at least 100 MB (activity details); a little headroom. */
export const GARMIN_MAX_DELIVERY_BYTES = 110 * 1024 * 1024;

const HEALTH_EXPORT = 'HEALTH_EXPORT';
const ACTIVITY_EXPORT = 'ACTIVITY_EXPORT';

/**
 * The key a re-sent summary keeps: "updates replace" (same user, type and start supersedes), so
 * the raw payload of a type is keyed by its start (activities by their id; epochs by start and
 * activity type, one per type per slot; userMetrics by calendar date).
 */
export function garminRecordId(key: string, summary: Obj): string | null {
  const id = (value: unknown) => (typeof value === 'number' || (typeof value === 'string' && value !== '') ? String(value) : null);
  if (key === 'activities') return id(summary.activityId ?? summary.summaryId);
  if (key === 'activityDetails') {
    const activity = id(summary.activityId ?? asObj(summary.summary)?.activityId);
    return activity ? `${activity}-detail` : id(summary.summaryId);
  }
  if (key === 'userMetrics') return id(summary.calendarDate) ?? id(summary.summaryId);
  const start = id(summary.startTimeInSeconds ?? summary.measurementTimeInSeconds);
  if (key === 'epochs') return start ? `${start}:${id(summary.activityType) ?? ''}` : id(summary.summaryId);
  return start ?? id(summary.summaryId);
}

/** Permissions as an array, or (some deliveries) a map of booleans. */
function permissionList(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((p): p is string => typeof p === 'string');
  const map = asObj(value);
  return map ? Object.entries(map).filter(([, on]) => on === true).map(([name]) => name) : [];
}

/** A line for the connection when the user shares less than the data types need (null: all shared). */
export function permissionNote(permissions: string[]): string | null {
  const missing = [HEALTH_EXPORT, ACTIVITY_EXPORT].filter((p) => !permissions.includes(p));
  if (!missing.length) return null;
  return `The user does not share ${missing.join(' or ')} with this app at Garmin: the connection stays valid but that data does not arrive until they turn it on again.`;
}

export const garminPushHandler: PushHandler = {
  maxBodyBytes: GARMIN_MAX_DELIVERY_BYTES,

  authenticate(headers, settings) {
    const expected = settings.credentials?.clientId;
    if (!expected) return { ok: false, reason: 'no Garmin client configured' };
    const given = headers.get('garmin-client-id');
    if (!given || !constantTimeEqual(given, expected)) return { ok: false, reason: 'garmin-client-id is missing or not ours' };
    return { ok: true };
  },

  entry(key, element): PushedEntry {
    const e = asObj(element);
    const userId = e && typeof e.userId === 'string' && e.userId !== '' ? e.userId : null;
    if (!e || !userId) return { kind: 'ignored', reason: `${key}: an entry without userId` };
    if (key === 'deregistrations') return { kind: 'revoke', providerUserId: userId, reason: 'The user removed this app\'s access at Garmin (deregistration); connect again to resume.' };
    if (key === 'userPermissionsChange') {
      const scopes = permissionList(e.permissions);
      return { kind: 'permissions', providerUserId: userId, scopes, note: permissionNote(scopes) };
    }
    if (!GARMIN_DATA_KEYS.includes(key)) return { kind: 'ignored', reason: `${key}: not a summary type we keep` };
    // A ping: the summaries are at the callback URL (activity files always are).
    if (typeof e.callbackURL === 'string' && (key === 'activityFiles' || e.summaryId === undefined)) {
      const { callbackURL, ...meta } = e;
      return { kind: 'fetch', providerUserId: userId, dataType: key, url: callbackURL, meta: meta as Json };
    }
    const { userId: _user, userAccessToken: _token, ...summary } = e;
    const providerRecordId = garminRecordId(key, summary);
    if (!providerRecordId) return { kind: 'ignored', reason: `${key}: an entry without id or start` };
    return { kind: 'item', providerUserId: userId, item: { dataType: key, providerRecordId, payload: summary as Json } };
  },

  async fetchPushed(connection: ConnectionContext, entry): Promise<RawItem[]> {
    const client = new GarminClient(connection.http, connection.settings.apiUrl, connection.accessToken);
    if (entry.dataType === 'activityFiles') {
      const meta = asObj(entry.meta) ?? {};
      if (meta.fileType !== undefined && meta.fileType !== 'FIT') return [];
      const { bytes } = await client.callback(entry.url, true);
      const payload = decodeActivityFile(bytes ?? Buffer.alloc(0), meta);
      const id = garminRecordId('activityFiles', meta) ?? String(meta.summaryId ?? '');
      return payload && id ? [{ dataType: 'activityFiles', providerRecordId: id, payload }] : [];
    }
    const { json } = await client.callback(entry.url, false);
    const items: RawItem[] = [];
    for (const element of Array.isArray(json) ? json : []) {
      const pushed = garminPushHandler.entry(entry.dataType, { userId: entry.providerUserId, ...(asObj(element) ?? {}) });
      if (pushed.kind === 'item' && pushed.providerUserId === entry.providerUserId) items.push(pushed.item);
    }
    return items;
  },
};

/** A FIT activity file -> what is kept of it: the ping's fields, the session and each record's time and heart rate. */
export function decodeActivityFile(bytes: Buffer, meta: Obj): Json | null {
  const decoder = new Decoder(Stream.fromByteArray([...bytes]));
  if (!decoder.isFIT() || !decoder.checkIntegrity()) return null;
  const { messages, errors } = new Decoder(Stream.fromByteArray([...bytes])).read();
  if (errors.length && !messages.recordMesgs?.length) return null;
  const records = (messages.recordMesgs ?? []).flatMap((r) => (r.timestamp instanceof Date && typeof r.heartRate === 'number' ? [{ time: r.timestamp.toISOString(), heartRate: r.heartRate }] : []));
  const session = messages.sessionMesgs?.[0];
  return {
    ...(meta as Record<string, Json>),
    session: session ? { sport: String(session.sport ?? ''), totalElapsedTime: Number(session.totalElapsedTime ?? 0), totalDistance: Number(session.totalDistance ?? 0) } : null,
    records,
  };
}
