/**
 * One DataTypeDefinition per WHOOP collection: what to call for a window of local dates, what to
 * call for records a webhook named, and the mapper.
 *
 * Windows: WHOOP filters on the record's start instant (start inclusive, end exclusive; a
 * recovery on its sleep's start), the engine's windows are local dates. Each call asks for the
 * instants from two days before the window to two days after it (any offset, any night) and keeps
 * the records whose local date (mappers.ts: whoopLocalDate) lies in the window. Every page (at
 * most 25 records) is one batch whose `resume` is the next page's token, so a window delayed by
 * the rate budget continues with the page it had not fetched yet.
 *
 * Recoveries carry no times of their own: the recovery fetcher lists the window's sleeps first
 * (fetching any sleep it did not list by id) and injects each recovery's sleep as `_sleep`.
 *
 * By id (webhooks): sleep and workout GET their record; a recovery event names the sleep UUID
 * (v2): GET that sleep, then its cycle's recovery (WHOOP's only by-id recovery route).
 */
import type { Json } from '../../normalize/records.js';
import { addLocalDays } from '../../normalize/time.js';
import type { ConnectionContext, DataTypeDefinition, RawBatch, RawItem, SyncWindow } from '../types.js';
import { WhoopClient, type JsonObject, type WhoopCollection } from './client.js';
import { cycleRecordId, mapCycle, mapRecovery, mapSleep, mapWorkout, recoveryRecordId, whoopLocalDate } from './mappers.js';

/** DataTypeDefinition names (webhook event types' prefixes for sleep, workout and recovery). */
export const WHOOP_DATA_TYPES = { cycle: 'cycle', sleep: 'sleep', recovery: 'recovery', workout: 'workout' } as const;
export type WhoopDataType = (typeof WHOOP_DATA_TYPES)[keyof typeof WHOOP_DATA_TYPES];

/** A month per window: about two pages of 25 per collection. */
const WINDOW_DAYS = 30;
const MARGIN_DAYS = 2;

const clientFor = (connection: ConnectionContext) => new WhoopClient(connection.http, connection.settings.apiUrl, connection.accessToken);

const rangeOf = (window: SyncWindow) => ({
  start: `${addLocalDays(window.from, -MARGIN_DAYS)}T00:00:00.000Z`,
  end: `${addLocalDays(window.to, MARGIN_DAYS + 1)}T00:00:00.000Z`,
});

const tokenOf = (resume: Json | undefined): string | null => {
  const token = typeof resume === 'object' && resume !== null && !Array.isArray(resume) ? resume.nextToken : null;
  return typeof token === 'string' ? token : null;
};

const stringId = (value: Json | undefined): string | null => (typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : null);

type Kind = 'sleep' | 'cycle' | 'workout' | 'recovery';

/** The pages of a collection in the window, one batch each, with the next page's token as resume. */
async function* pagesOf(
  client: WhoopClient,
  collection: WhoopCollection,
  kind: Kind,
  window: SyncWindow,
  resume: Json | undefined,
  toItems: (records: JsonObject[]) => Promise<RawItem[]>,
): AsyncGenerator<RawBatch> {
  let token = tokenOf(resume);
  if (resume && typeof resume === 'object' && !Array.isArray(resume) && resume.done === true) return;
  for (;;) {
    const page = await client.page(collection, rangeOf(window), token);
    const items = (await toItems(page.records)).filter((item) => {
      const day = whoopLocalDate(kind, item.payload);
      return day !== null && day >= window.from && day <= window.to;
    });
    yield { items, resume: page.nextToken ? { nextToken: page.nextToken } : { done: true } };
    if (!page.nextToken) return;
    token = page.nextToken;
  }
}

const sleepItem = (record: JsonObject): RawItem | null => {
  const id = stringId(record.id);
  return id ? { dataType: WHOOP_DATA_TYPES.sleep, providerRecordId: id, payload: record } : null;
};
const workoutItem = (record: JsonObject): RawItem | null => {
  const id = stringId(record.id);
  return id ? { dataType: WHOOP_DATA_TYPES.workout, providerRecordId: id, payload: record } : null;
};
const cycleItem = (record: JsonObject): RawItem | null => {
  const id = stringId(record.id);
  return id ? { dataType: WHOOP_DATA_TYPES.cycle, providerRecordId: cycleRecordId(id), payload: record } : null;
};

/** The times of a sleep a recovery is filed by. */
const sleepTimes = (sleep: JsonObject): JsonObject => ({ id: sleep.id ?? null, start: sleep.start ?? null, end: sleep.end ?? null, timezone_offset: sleep.timezone_offset ?? null });

/** A recovery with its sleep's times injected (`_sleep`), as a raw item. */
function recoveryItem(recovery: JsonObject, sleep: JsonObject | null): RawItem | null {
  const sleepId = stringId(recovery.sleep_id);
  if (!sleepId) return null;
  return { dataType: WHOOP_DATA_TYPES.recovery, providerRecordId: recoveryRecordId(sleepId), payload: { ...recovery, _sleep: sleep ? sleepTimes(sleep) : null } };
}

const present = <T>(items: (T | null)[]): T[] => items.filter((item): item is T => item !== null);

async function* single(items: (RawItem | null)[]): AsyncGenerator<RawBatch> {
  const found = present(items);
  if (found.length) yield { items: found };
}

/** fetchById of a type with its own by-id route: each record GET, the missing ones (404) left out. */
const byId =
  (get: (client: WhoopClient, id: string) => Promise<JsonObject | null>, toItem: (record: JsonObject) => RawItem | null) =>
  async function* (connection: ConnectionContext, ids: string[]): AsyncGenerator<RawBatch> {
    const client = clientFor(connection);
    const found: (RawItem | null)[] = [];
    for (const id of ids) {
      const record = await get(client, id);
      found.push(record ? toItem(record) : null);
    }
    yield* single(found);
  };

export function createWhoopDataTypes(): DataTypeDefinition[] {
  const common = { maxWindowDays: WINDOW_DAYS, maxHistoryDays: null };
  const sleep: DataTypeDefinition = {
    name: WHOOP_DATA_TYPES.sleep,
    ...common,
    map: mapSleep,
    fetch: (connection, window, resume) => pagesOf(clientFor(connection), 'activity/sleep', 'sleep', window, resume, async (records) => present(records.map(sleepItem))),
    fetchById: byId((client, id) => client.sleep(id), sleepItem),
  };
  const workout: DataTypeDefinition = {
    name: WHOOP_DATA_TYPES.workout,
    ...common,
    map: mapWorkout,
    fetch: (connection, window, resume) => pagesOf(clientFor(connection), 'activity/workout', 'workout', window, resume, async (records) => present(records.map(workoutItem))),
    fetchById: byId((client, id) => client.workout(id), workoutItem),
  };
  const cycle: DataTypeDefinition = {
    name: WHOOP_DATA_TYPES.cycle,
    ...common,
    map: mapCycle,
    fetch: (connection, window, resume) => pagesOf(clientFor(connection), 'cycle', 'cycle', window, resume, async (records) => present(records.map(cycleItem))),
  };
  const recovery: DataTypeDefinition = {
    name: WHOOP_DATA_TYPES.recovery,
    ...common,
    map: mapRecovery,
    async *fetch(connection, window, resume) {
      const client = clientFor(connection);
      const sleeps = new Map<string, JsonObject>();
      for (const s of await client.list('activity/sleep', rangeOf(window))) {
        const id = stringId(s.id);
        if (id) sleeps.set(id, s);
      }
      yield* pagesOf(client, 'recovery', 'recovery', window, resume, async (records) => {
        const items: (RawItem | null)[] = [];
        for (const r of records) {
          const sleepId = stringId(r.sleep_id);
          if (sleepId && !sleeps.has(sleepId)) {
            const s = await client.sleep(sleepId);
            if (s) sleeps.set(sleepId, s);
          }
          items.push(recoveryItem(r, sleepId ? (sleeps.get(sleepId) ?? null) : null));
        }
        return present(items);
      });
    },
    /** `ids`: sleep UUIDs (what v2 recovery events name). */
    async *fetchById(connection, ids) {
      const client = clientFor(connection);
      const found: (RawItem | null)[] = [];
      for (const sleepId of ids) {
        const s = await client.sleep(sleepId);
        const cycleId = s ? stringId(s.cycle_id) : null;
        const r = cycleId ? await client.cycleRecovery(cycleId) : null;
        // The cycle's recovery must be this sleep's (a nap's event names the nap).
        found.push(r && s && stringId(r.sleep_id) === sleepId ? recoveryItem(r, s) : null);
      }
      yield* single(found);
    },
  };
  return [sleep, recovery, cycle, workout];
}
