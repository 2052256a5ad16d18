/**
 * One DataTypeDefinition per Oura collection: what to call for a window of local dates, and the
 * mapper for what comes back.
 *
 * Date windows: the engine's windows are inclusive local dates. Oura's docs do not say whether
 * `end_date` is inclusive, so every call asks for `start_date=from&end_date=to+1` and keeps only
 * documents whose `day` lies in [from, to]: correct under both readings, at the price of one
 * extra day per call. Pages follow `next_token` until it is null.
 *
 * Heart rate is asked by instant (`start_datetime`/`end_datetime`, at most 30 days per call) and
 * stored raw in groups per UTC day ("heartrate:YYYY-MM-DD"). A local date can start 14 h before
 * and end 12 h after its UTC date, so a window [from, to] asks for the whole UTC days from-1 ..
 * to+1, and every group yielded is complete (re-fetching a day gives an identical payload).
 * Oura's heartrate timestamps are UTC: the wearer's offset is injected per group from the sleep
 * periods of the same (or nearest) day (bedtime_end carries the wearer's offset).
 *
 * daily_spo2, daily_stress and daily_resilience carry no timestamp, hence no offset: the offset
 * of the same (or nearest) day's sleep is injected, as for heart rate.
 *
 * Scopes: a user may untick scopes at authorization. Collections behind scopes other than `daily`
 * (heartrate, workout, session, spo2) and the newer collections whose scope is unclear
 * (daily_stress, daily_resilience, vO2_max) treat 403 as "not granted" and yield nothing; a 403 on
 * the `daily` collections (sleep, readiness, activity) is an error (lapsed membership or no
 * consent) and fails the window as usual.
 */
import { contentRecordId } from '../../normalize/payload.js';
import type { Json, MapOutcome } from '../../normalize/records.js';
import { addLocalDays, tryParseOffsetDateTime } from '../../normalize/time.js';
import { ProviderForbiddenError } from '../http.js';
import type { ConnectionContext, DataTypeDefinition, RawBatch, RawItem, SyncWindow } from '../types.js';
import { OuraClient, type JsonObject, type OuraCollection } from './client.js';
import {
  mapDailyActivity,
  mapDailyReadiness,
  mapDailyResilience,
  mapDailySleep,
  mapDailySpo2,
  mapDailyStress,
  mapHeartRate,
  mapSession,
  mapSleep,
  mapVo2Max,
  mapWorkout,
  ouraDayOf,
  ouraIdOf,
} from './mappers.js';

/** DataTypeDefinition names: Oura's own collection names (webhook data_type values match them). */
export const OURA_DATA_TYPES = {
  sleep: 'sleep',
  dailySleep: 'daily_sleep',
  dailyReadiness: 'daily_readiness',
  dailyActivity: 'daily_activity',
  workout: 'workout',
  heartRate: 'heartrate',
  dailySpo2: 'daily_spo2',
  dailyStress: 'daily_stress',
  dailyResilience: 'daily_resilience',
  vo2Max: 'vO2_max',
  session: 'session',
} as const;

export type OuraDataType = (typeof OURA_DATA_TYPES)[keyof typeof OURA_DATA_TYPES];

export interface OuraFetchOptions {
  /** Items per yielded batch (default 25). */
  batchSize?: number;
}

const LIMITS = {
  /** Date collections: no documented maximum; a month per call keeps pages few. */
  dateWindowDays: 30,
  /** heartrate: at most 30 days between start_datetime and end_datetime. */
  heartRateRequestDays: 30,
  /** Heart-rate windows are short: up to ~300 samples a day, more with workouts. */
  heartRateWindowDays: 7,
} as const;

const inWindow = (day: string | null, w: SyncWindow): day is string => day !== null && day >= w.from && day <= w.to;

/** Last-resort id for a payload without an id, so its raw payload is still kept. */

function* chunks<T>(items: T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

const clientFor = (connection: ConnectionContext): OuraClient =>
  new OuraClient(connection.http, connection.settings.apiUrl, connection.accessToken);

/** Runs `body`; a 403 (scope not granted) becomes `fallback` when `tolerate403`. */
async function scoped<T>(tolerate403: boolean, fallback: T, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    if (tolerate403 && error instanceof ProviderForbiddenError) return fallback;
    throw error;
  }
}

/** Documents of a date collection whose `day` lies in the window (end_date asked as to+1). */
async function listWindow(client: OuraClient, collection: OuraCollection, window: SyncWindow): Promise<JsonObject[]> {
  const docs = await client.listByDate(collection, window.from, addLocalDays(window.to, 1));
  return docs.filter((d) => inWindow(ouraDayOf(d), window));
}

const sleepLength = (d: JsonObject): number => {
  if (typeof d.time_in_bed === 'number') return d.time_in_bed;
  const start = tryParseOffsetDateTime(d.bedtime_start);
  const end = tryParseOffsetDateTime(d.bedtime_end);
  return start && end ? (end.instant.getTime() - start.instant.getTime()) / 1000 : 0;
};

/**
 * Marks each day's main sleep (the longest long_sleep, else the longest 'sleep') with
 * `_main_sleep` and copies that day's daily_sleep score onto it (see mapSleep).
 */
export function annotateSleeps(sleeps: JsonObject[], dailySleeps: JsonObject[]): JsonObject[] {
  const scoreByDay = new Map<string, JsonObject>();
  for (const d of dailySleeps) {
    const day = ouraDayOf(d);
    if (day) scoreByDay.set(day, d);
  }
  const mainByDay = new Map<string, JsonObject>();
  const rank = (d: JsonObject) => (d.type === 'long_sleep' ? 2 : d.type === 'sleep' ? 1 : 0);
  for (const s of sleeps) {
    const day = ouraDayOf(s);
    if (!day || rank(s) === 0) continue;
    const best = mainByDay.get(day);
    if (!best || rank(s) > rank(best) || (rank(s) === rank(best) && sleepLength(s) > sleepLength(best))) mainByDay.set(day, s);
  }
  return sleeps.map((s) => {
    const day = ouraDayOf(s);
    if (!day || rank(s) === 0) return s;
    const isMain = mainByDay.get(day) === s;
    const out: JsonObject = { ...s, _main_sleep: isMain };
    const daily = isMain ? scoreByDay.get(day) : undefined;
    if (daily) {
      out._daily_sleep_score = typeof daily.score === 'number' ? daily.score : null;
      out._daily_sleep_id = typeof daily.id === 'string' ? daily.id : null;
    }
    return out;
  });
}

/** Local day -> the wearer's UTC offset, from the sleep periods filed under that day. */
async function offsetHints(client: OuraClient, from: string, to: string): Promise<Map<string, number>> {
  const offsets = new Map<string, number>();
  const sleeps = await scoped(true, [] as JsonObject[], () => client.listByDate('sleep', from, to));
  for (const s of sleeps) {
    const day = ouraDayOf(s);
    const end = tryParseOffsetDateTime(s.bedtime_end) ?? tryParseOffsetDateTime(s.bedtime_start);
    if (day && end && !offsets.has(day)) offsets.set(day, end.utcOffsetMinutes);
  }
  return offsets;
}

function nearestOffset(offsets: Map<string, number>, day: string): { offset: number; source: string } | null {
  const exact = offsets.get(day);
  if (exact !== undefined) return { offset: exact, source: 'same-day' };
  let best: { distance: number; offset: number } | null = null;
  const target = Date.parse(`${day}T00:00:00Z`);
  for (const [d, offset] of offsets) {
    const distance = Math.abs(Date.parse(`${d}T00:00:00Z`) - target);
    if (!best || distance < best.distance) best = { distance, offset };
  }
  return best ? { offset: best.offset, source: 'nearest-day' } : null;
}

export function createOuraDataTypes(options: OuraFetchOptions = {}): DataTypeDefinition[] {
  const batchSize = options.batchSize ?? 25;

  function* batchesOf(items: RawItem[]): Generator<RawBatch> {
    for (const batch of chunks(items, batchSize)) yield { items: batch };
  }

  const toItem = (name: string) => (payload: JsonObject): RawItem => ({
    dataType: name,
    providerRecordId: ouraIdOf(payload) ?? contentRecordId(payload),
    payload,
  });

  /** A start_date/end_date collection, one raw item per document. */
  function byDate(name: OuraDataType, collection: OuraCollection, map: (payload: unknown) => MapOutcome, tolerate403: boolean): DataTypeDefinition {
    return {
      name,
      maxWindowDays: LIMITS.dateWindowDays,
      maxHistoryDays: null,
      map,
      async *fetch(connection, window) {
        const client = clientFor(connection);
        let docs = await scoped(tolerate403, [] as JsonObject[], () => listWindow(client, collection, window));
        // Documents without a timestamp (daily_spo2, daily_stress, daily_resilience) carry no offset:
        // take the day's from its sleep, so every part of a night's Recovery agrees on it.
        if (docs.some((d) => !tryParseOffsetDateTime(d.timestamp))) {
          const offsets = await offsetHints(client, addLocalDays(window.from, -3), addLocalDays(window.to, 4));
          docs = docs.map((d) => {
            const day = ouraDayOf(d);
            const hint = day && !tryParseOffsetDateTime(d.timestamp) ? nearestOffset(offsets, day) : null;
            return hint ? { ...d, _utc_offset_minutes: hint.offset, _utc_offset_source: hint.source } : d;
          });
        }
        yield* batchesOf(docs.map(toItem(name)));
      },
    };
  }

  const sleep: DataTypeDefinition = {
    name: OURA_DATA_TYPES.sleep,
    maxWindowDays: LIMITS.dateWindowDays,
    maxHistoryDays: null,
    map: mapSleep,
    async *fetch(connection, window) {
      const client = clientFor(connection);
      const sleeps = await listWindow(client, 'sleep', window);
      const dailySleeps = await listWindow(client, 'daily_sleep', window);
      yield* batchesOf(annotateSleeps(sleeps, dailySleeps).map(toItem(OURA_DATA_TYPES.sleep)));
    },
  };

  const heartRate: DataTypeDefinition = {
    name: OURA_DATA_TYPES.heartRate,
    maxWindowDays: LIMITS.heartRateWindowDays,
    maxHistoryDays: null,
    map: mapHeartRate,
    async *fetch(connection, window) {
      const client = clientFor(connection);
      const firstDay = addLocalDays(window.from, -1);
      const lastDay = addLocalDays(window.to, 1);
      const samples = await scoped(true, null as JsonObject[] | null, async () => {
        const all: JsonObject[] = [];
        for (let day = firstDay; day <= lastDay; day = addLocalDays(day, LIMITS.heartRateRequestDays)) {
          const last = addLocalDays(day, LIMITS.heartRateRequestDays - 1) < lastDay ? addLocalDays(day, LIMITS.heartRateRequestDays - 1) : lastDay;
          const start = Date.parse(`${day}T00:00:00Z`);
          const end = Date.parse(`${addLocalDays(last, 1)}T00:00:00Z`);
          for (const s of await client.listHeartRate(`${day}T00:00:00+00:00`, `${addLocalDays(last, 1)}T00:00:00+00:00`)) {
            // end_datetime may be inclusive: a sample at exactly the end belongs to the next call.
            const at = tryParseOffsetDateTime(s.timestamp)?.instant.getTime();
            if (at === undefined || at < start || at >= end) continue;
            all.push(s);
          }
        }
        return all;
      });
      if (samples === null) return;
      const groups = new Map<string, JsonObject[]>();
      for (const s of samples) {
        const utcDay = tryParseOffsetDateTime(s.timestamp)!.instant.toISOString().slice(0, 10);
        const group = groups.get(utcDay) ?? [];
        group.push(s);
        groups.set(utcDay, group);
      }
      if (!groups.size) return;
      const offsets = await offsetHints(client, addLocalDays(firstDay, -1), addLocalDays(lastDay, 2));
      const items: RawItem[] = [...groups.keys()].sort().map((utcDay) => {
        const group = groups.get(utcDay)!;
        group.sort((a, b) => String(a.timestamp).localeCompare(String(b.timestamp)));
        const hint = nearestOffset(offsets, utcDay);
        const payload: JsonObject = {
          date: utcDay,
          items: group,
          ...(hint ? { _utc_offset_minutes: hint.offset, _utc_offset_source: hint.source } : {}),
        };
        return { dataType: OURA_DATA_TYPES.heartRate, providerRecordId: `heartrate:${utcDay}`, payload };
      });
      yield* batchesOf(items);
    },
  };

  return [
    sleep,
    byDate(OURA_DATA_TYPES.dailySleep, 'daily_sleep', mapDailySleep, false),
    byDate(OURA_DATA_TYPES.dailyReadiness, 'daily_readiness', mapDailyReadiness, false),
    byDate(OURA_DATA_TYPES.dailyActivity, 'daily_activity', mapDailyActivity, false),
    byDate(OURA_DATA_TYPES.workout, 'workout', mapWorkout, true),
    heartRate,
    byDate(OURA_DATA_TYPES.dailySpo2, 'daily_spo2', mapDailySpo2, true),
    byDate(OURA_DATA_TYPES.dailyStress, 'daily_stress', mapDailyStress, true),
    byDate(OURA_DATA_TYPES.dailyResilience, 'daily_resilience', mapDailyResilience, true),
    byDate(OURA_DATA_TYPES.vo2Max, 'vO2_max', mapVo2Max, true),
    byDate(OURA_DATA_TYPES.session, 'session', mapSession, true),
  ];
}
