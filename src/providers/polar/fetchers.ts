/**
 * One DataTypeDefinition per Polar data type: what to call for a window of local dates, and the
 * mapper for what comes back.
 *
 * Batches and commits: transactional types (exercise, physical_information) end with a batch whose
 * `commit` PUTs the transaction. Batches must be stored in the order they are yielded and `commit`
 * called only after its batch (and all earlier ones) is stored; that batch may have no items (the
 * transaction held only exercises the 30-day listing already delivered). Transactions hold every
 * uncommitted item regardless of age, so those items are yielded whatever the window is; later
 * windows of the same run find an empty transaction (one POST answering 204). Two fetches of one
 * transactional type for the same connection should not run concurrently.
 */
import { contentRecordId } from '../../normalize/payload.js';
import type { Json, MapOutcome } from '../../normalize/records.js';
import { addDays, formatLocalDate, parseLocalDate, parseOffsetDateTime } from '../../normalize/time.js';
import type { ConnectionContext, DataTypeDefinition, RawBatch, RawItem, SyncWindow } from '../types.js';
import { PolarClient, type JsonObject } from './client.js';
import {
  activityDateOf,
  exerciseRecordIdOf,
  mapCardioLoad,
  mapContinuousHeartRate,
  mapDailyActivity,
  mapExercise,
  mapNightlyRecharge,
  mapPhysicalInformation,
  mapSkinTemperature,
  mapSleep,
} from './mappers.js';

export interface PolarFetchOptions {
  /** Clock used to tell which windows Polar still serves (tests). */
  now?: () => Date;
  /** Items per yielded batch (default 25). */
  batchSize?: number;
  /**
   * Exercises per batch in the exercise transaction (default 5): three calls each, so a batch is
   * stored (and the window can resume after it) well within one rate-limit period's budget.
   */
  transactionBatchSize?: number;
}

export const POLAR_DATA_TYPES = {
  exercise: 'exercise',
  sleep: 'sleep',
  nightlyRecharge: 'nightly_recharge',
  dailyActivity: 'daily_activity',
  continuousHeartRate: 'continuous_heart_rate',
  cardioLoad: 'cardio_load',
  physicalInformation: 'physical_information',
  skinTemperature: 'skin_temperature',
} as const;

/** Polar's documented limits. */
const LIMITS = {
  /** from/to ranges: at most 28 days, inclusive. */
  rangeDays: 28,
  /** Ranged endpoints refuse a `from` older than this. */
  rangeHistoryDays: 365,
  /** /v3/exercises lists what was uploaded in the last 30 days. */
  exerciseListDays: 30,
  /** Sleep and Nightly Recharge are served for the last 28 nights. */
  nightlyDays: 28,
} as const;

const shift = (date: string, days: number): string => formatLocalDate(addDays(parseLocalDate(date), days));
const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);
const inWindow = (date: string | null, w: SyncWindow): boolean => date !== null && date >= w.from && date <= w.to;

/** Last-resort id for a payload the mapper will skip anyway, so its raw payload is still kept. */

function* chunks<T>(items: T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

function polarUserIdOf(connection: ConnectionContext): string {
  if (!connection.providerUserId) throw new Error('Polar connection has no provider user id (x_user_id); reconnect the user');
  return connection.providerUserId;
}

const clientFor = (connection: ConnectionContext): PolarClient =>
  new PolarClient(connection.http, connection.settings.apiUrl, connection.accessToken);

/**
 * Where daily payloads without an offset get one: Polar's continuous HR, daily activity, Nightly
 * Recharge, cardio load, skin temperature and physical information carry no UTC offset. The sleep
 * list (one call) gives the offset of each of the last 28 nights (from sleep_end_time, i.e. the
 * wake-up date the night is filed under); when there are no nights, the exercise list (30 days)
 * does. A date without its own night or exercise takes the nearest known date's offset
 * ('nearest-day'); with nothing known the payload gets no offset and the mapper assumes UTC and
 * reports it.
 */
class OffsetHints {
  private offsets: Map<string, number> | null = null;
  private sleepStarts = new Map<string, string>();

  constructor(private readonly client: PolarClient) {}

  private async load(): Promise<Map<string, number>> {
    if (this.offsets) return this.offsets;
    const offsets = new Map<string, number>();
    for (const night of await this.client.listSleep()) {
      const date = typeof night.date === 'string' ? night.date : null;
      if (!date) continue;
      try {
        if (typeof night.sleep_start_time === 'string') this.sleepStarts.set(date, night.sleep_start_time);
        offsets.set(date, parseOffsetDateTime(String(night.sleep_end_time ?? night.sleep_start_time)).utcOffsetMinutes);
      } catch {
        // A night with unreadable times gives no hint.
      }
    }
    if (!offsets.size) {
      for (const exercise of await this.client.listExercises()) {
        const start = exercise.start_time;
        const offset = exercise.start_time_utc_offset;
        if (typeof start === 'string' && typeof offset === 'number') offsets.set(start.slice(0, 10), offset);
      }
    }
    this.offsets = offsets;
    return offsets;
  }

  async annotate(payload: JsonObject, date: string | null, withSleepStart = false): Promise<JsonObject> {
    const offsets = await this.load();
    const out: JsonObject = { ...payload };
    if (date !== null) {
      const exact = offsets.get(date);
      if (exact !== undefined) {
        out._utc_offset_minutes = exact;
        out._utc_offset_source = 'same-day';
      } else if (offsets.size) {
        const target = parseLocalDate(date).getTime();
        let best: { distance: number; offset: number } | null = null;
        for (const [d, offset] of offsets) {
          const distance = Math.abs(parseLocalDate(d).getTime() - target);
          if (!best || distance < best.distance) best = { distance, offset };
        }
        out._utc_offset_minutes = best!.offset;
        out._utc_offset_source = 'nearest-day';
      }
      const sleepStart = withSleepStart ? this.sleepStarts.get(date) : undefined;
      if (sleepStart) out._sleep_start_time = sleepStart;
    }
    return out;
  }
}

export function createPolarDataTypes(options: PolarFetchOptions = {}): DataTypeDefinition[] {
  const now = options.now ?? (() => new Date());
  const batchSize = options.batchSize ?? 25;
  const transactionBatchSize = Math.min(batchSize, options.transactionBatchSize ?? 5);
  const today = (): string => now().toISOString().slice(0, 10);

  /** The part of `window` Polar still serves (`historyDays` back from today); null if none. */
  function servable(window: SyncWindow, historyDays: number): SyncWindow | null {
    const t = today();
    const from = window.from > shift(t, -(historyDays - 1)) ? window.from : shift(t, -(historyDays - 1));
    // One day past UTC today: the wearer's local date may already be tomorrow.
    const to = window.to < shift(t, 1) ? window.to : shift(t, 1);
    return from <= to ? { from, to } : null;
  }

  /** Splits a window into from/to ranges of at most 28 days. */
  function* ranges(window: SyncWindow): Generator<SyncWindow> {
    for (let from = window.from; from <= window.to; from = shift(from, LIMITS.rangeDays)) {
      const last = shift(from, LIMITS.rangeDays - 1);
      yield { from, to: last < window.to ? last : window.to };
    }
  }

  function* batchesOf(items: RawItem[]): Generator<RawBatch> {
    for (const batch of chunks(items, batchSize)) yield { items: batch };
  }

  /** A ranged daily endpoint: one item per day, dated by `dateOf`, with an injected offset. */
  function ranged(
    name: string,
    list: (client: PolarClient, from: string, to: string) => Promise<JsonObject[]>,
    dateOf: (payload: JsonObject) => string | null,
    map: (payload: unknown) => MapOutcome,
    withSleepStart = false,
  ): DataTypeDefinition {
    return {
      name,
      maxWindowDays: LIMITS.rangeDays,
      maxHistoryDays: LIMITS.rangeHistoryDays,
      map,
      async *fetch(connection, window) {
        const served = servable(window, LIMITS.rangeHistoryDays);
        if (!served) return;
        const client = clientFor(connection);
        const hints = new OffsetHints(client);
        for (const range of ranges(served)) {
          const items: RawItem[] = [];
          for (const payload of await list(client, range.from, range.to)) {
            const date = dateOf(payload);
            if (date !== null && !inWindow(date, range)) continue;
            const annotated = await hints.annotate(payload, date, withSleepStart);
            items.push({ dataType: name, providerRecordId: date ?? contentRecordId(annotated), payload: annotated });
          }
          yield* batchesOf(items);
        }
      },
    };
  }

  /** Sleep-like list endpoints serving the last 28 nights. */
  function nightly(
    name: string,
    list: (client: PolarClient) => Promise<JsonObject[]>,
    map: (payload: unknown) => MapOutcome,
    annotate: boolean,
  ): DataTypeDefinition {
    return {
      name,
      maxWindowDays: LIMITS.nightlyDays,
      maxHistoryDays: LIMITS.nightlyDays,
      map,
      async *fetch(connection, window) {
        const served = servable(window, LIMITS.nightlyDays + 1);
        if (!served) return;
        const client = clientFor(connection);
        const hints = annotate ? new OffsetHints(client) : null;
        const items: RawItem[] = [];
        for (const night of await list(client)) {
          const date = typeof night.date === 'string' ? night.date : null;
          if (!inWindow(date, window)) continue;
          const payload = hints ? await hints.annotate(night, date, true) : night;
          items.push({ dataType: name, providerRecordId: date!, payload });
        }
        yield* batchesOf(items);
      },
    };
  }

  const exercise: DataTypeDefinition = {
    name: POLAR_DATA_TYPES.exercise,
    maxWindowDays: LIMITS.exerciseListDays,
    maxHistoryDays: null,
    map: mapExercise,
    async *fetch(connection, window, resume) {
      const client = clientFor(connection);
      const userId = polarUserIdOf(connection);
      const delivered = new Set<string>();
      const toItem = (payload: JsonObject): RawItem => ({
        dataType: POLAR_DATA_TYPES.exercise,
        providerRecordId: exerciseRecordIdOf(payload) ?? contentRecordId(payload),
        payload,
      });

      // 1. The listing (one call) when the window reaches into its 30 days. Everything it returns is
      //    yielded, window or not: that lets the transaction below skip re-fetching those exercises.
      //    A resumed window has stored them already and knows their ids.
      const strings = (value: Json | undefined) => (Array.isArray(value) ? value.filter((d): d is string => typeof d === 'string') : null);
      const listed = isObject(resume) ? strings(resume.listed) : null;
      if (listed) {
        for (const id of listed) delivered.add(id);
      } else if (servable(window, LIMITS.exerciseListDays + 1)) {
        const items = (await client.listExercises({ samples: true, zones: true })).map(toItem);
        for (const item of items) delivered.add(item.providerRecordId);
        const ids = items.map((item) => item.providerRecordId);
        // Only once every listed item is stored may a re-run skip the listing.
        const batches = [...batchesOf(items)];
        for (const [i, batch] of batches.entries()) yield i === batches.length - 1 ? { ...batch, resume: { listed: ids, done: [] } } : batch;
      }
      const listedIds = [...delivered];
      const listedHere = delivered.size > 0 || listed !== null;

      // 2. The exercise transaction: everything not yet committed, of any age. Three calls per
      //    exercise: a long history needs more than one rate-limit period, so each batch says which
      //    items are stored (`resume.done`, the exercise ids of the item URLs) and a delayed re-run
      //    of the window (same items in a new transaction) skips them.
      //    An exercise the listing also serves is stored in the listing's form whichever window
      //    meets it first: a window that did not list (an older one) looks it up in the listing
      //    (one call, when the transaction holds anything), so another window of the same run
      //    listing it stores the same payload again (unchanged), not a different one ("updated"
      //    on a brand-new connection's first backfill).
      const tx = await client.createTransaction(userId, 'exercise');
      if (!tx) return;
      const urls = await client.listTransactionItems(userId, tx);
      const done = new Set<string>((isObject(resume) && strings(resume.done)) || []);
      const itemKey = (url: string) => url.replace(/\/+$/, '').split('/').at(-1) ?? url;
      let pending: RawItem[] = [];
      let listing: Map<string, RawItem> | null = null;
      for (const url of urls) {
        const key = itemKey(url);
        if (done.has(key)) continue;
        const summary = await client.getJson(url);
        done.add(key);
        if (!isObject(summary)) continue;
        const id = exerciseRecordIdOf(summary);
        if (id !== null && delivered.has(id)) continue;
        if (id !== null && !listedHere) {
          listing ??= new Map((await client.listExercises({ samples: true, zones: true })).map(toItem).map((item) => [item.providerRecordId, item]));
          const asListed = listing.get(id);
          if (asListed) {
            pending.push(asListed);
            delivered.add(id);
            if (pending.length >= transactionBatchSize) {
              yield { items: pending, resume: { listed: listedIds, done: [...done] } };
              pending = [];
            }
            continue;
          }
        }
        // The transactional summary carries no zones or samples: fetch zones and the HR series only.
        const zones = await client.getJson(`${url}/heart-rate-zones`);
        const heartRate = await client.getJson(`${url}/samples/0`);
        const payload: JsonObject = {
          ...summary,
          'heart-rate-zones': isObject(zones) && Array.isArray(zones.zone) ? zones.zone : [],
          samples: isObject(heartRate) ? [heartRate] : [],
        };
        pending.push(toItem(payload));
        if (id !== null) delivered.add(id);
        if (pending.length >= transactionBatchSize) {
          yield { items: pending, resume: { listed: listedIds, done: [...done] } };
          pending = [];
        }
      }
      yield { items: pending, commit: () => client.commitTransaction(userId, tx), resume: { listed: listedIds, done: [...done] } };
    },
  };

  const physicalInformation: DataTypeDefinition = {
    name: POLAR_DATA_TYPES.physicalInformation,
    // The transaction ignores windows; a long window keeps the engine from asking again and again.
    maxWindowDays: 365,
    maxHistoryDays: null,
    map: mapPhysicalInformation,
    async *fetch(connection) {
      const client = clientFor(connection);
      const userId = polarUserIdOf(connection);
      const tx = await client.createTransaction(userId, 'physical-information');
      if (!tx) return;
      const hints = new OffsetHints(client);
      const items: RawItem[] = [];
      for (const url of await client.listTransactionItems(userId, tx)) {
        const info = await client.getJson(url);
        if (!isObject(info)) continue;
        const created = typeof info.created === 'string' ? info.created.slice(0, 10) : null;
        const payload = await hints.annotate(info, created);
        const id = payload.id;
        items.push({
          dataType: POLAR_DATA_TYPES.physicalInformation,
          providerRecordId: typeof id === 'number' || typeof id === 'string' ? String(id) : contentRecordId(payload),
          payload,
        });
      }
      const batches = [...chunks(items, batchSize)];
      for (const batch of batches.slice(0, -1)) yield { items: batch };
      yield { items: batches.at(-1) ?? [], commit: () => client.commitTransaction(userId, tx) };
    },
  };

  const stringDate = (key: string) => (payload: JsonObject): string | null =>
    typeof payload[key] === 'string' ? (payload[key] as string).slice(0, 10) : null;

  return [
    exercise,
    nightly(POLAR_DATA_TYPES.sleep, (c) => c.listSleep(), mapSleep, false),
    nightly(POLAR_DATA_TYPES.nightlyRecharge, (c) => c.listNightlyRecharge(), mapNightlyRecharge, true),
    ranged(POLAR_DATA_TYPES.dailyActivity, (c, f, t) => c.listActivities(f, t), activityDateOf, mapDailyActivity),
    ranged(POLAR_DATA_TYPES.continuousHeartRate, (c, f, t) => c.listContinuousHeartRate(f, t), stringDate('date'), mapContinuousHeartRate),
    ranged(POLAR_DATA_TYPES.cardioLoad, (c, f, t) => c.listCardioLoad(f, t), stringDate('date'), mapCardioLoad),
    physicalInformation,
    ranged(POLAR_DATA_TYPES.skinTemperature, (c, f, t) => c.listSkinTemperature(f, t), stringDate('sleep_date'), mapSkinTemperature, true),
  ];
}
