/**
 * Strava's one data type, `activity`: the list by start instant for a window, then per activity
 * its detail (calories, device) and streams (heart rate samples), stored as one raw item
 * `{activity, streams}`.
 *
 * Windows are local dates; Strava filters by the UTC start (`after`/`before`, epoch seconds, both
 * exclusive). A local date can begin 14 h before and end 12 h after its UTC date, so the call asks
 * for [from - 14 h, to + 1 day + 12 h] and keeps the activities whose local date (start_date plus
 * utc_offset) lies in the window: each activity belongs to exactly one window.
 *
 * Every activity costs two requests against the application's budget, so each is its own batch
 * with a resume point `{page, next}`: a window delayed by the rate budget continues with the next
 * activity of the same page instead of starting over.
 */
import type { Json } from '../../normalize/records.js';
import { addLocalDays } from '../../normalize/time.js';
import type { DataTypeDefinition, RawBatch, RawItem } from '../types.js';
import { MAX_PER_PAGE, StravaClient, type JsonObject } from './client.js';
import { mapActivity, stravaLocalDate } from './mappers.js';

export const STRAVA_DATA_TYPES = { activity: 'activity' } as const;

const EARLIEST_OFFSET_MS = 14 * 3_600_000;
const LATEST_OFFSET_MS = 12 * 3_600_000;
/** A provider that keeps answering full pages: stop here. */
const MAX_PAGES = 500;

interface Resume {
  page: number;
  next: number;
}

const readResume = (value: Json | undefined): Resume => {
  const o = value as Partial<Resume> | undefined;
  return typeof o?.page === 'number' && typeof o.next === 'number' ? { page: o.page, next: o.next } : { page: 1, next: 0 };
};

export interface StravaFetchOptions {
  /** Activities per list page (default and maximum 200). */
  perPage?: number;
}

/**
 * One activity as a raw item `{activity, streams}`: the detail, not the list's summary (calories and
 * the device are only there), and its streams. Null when it is gone, or private without
 * activity:read_all: nothing to store.
 */
async function activityItem(client: StravaClient, id: string): Promise<RawItem | null> {
  const detail = await client.activity(id);
  if (!detail) return null;
  // A manual activity has no streams; one without heart rate has no samples to give (a request saved).
  const streams = detail.manual === true || detail.has_heartrate === false ? null : await client.streams(id);
  const payload: JsonObject = { activity: detail, streams };
  return { dataType: STRAVA_DATA_TYPES.activity, providerRecordId: id, payload: payload as Json };
}

export function createStravaDataTypes(options: StravaFetchOptions = {}): DataTypeDefinition[] {
  const perPage = Math.min(MAX_PER_PAGE, options.perPage ?? MAX_PER_PAGE);
  const activity: DataTypeDefinition = {
    name: STRAVA_DATA_TYPES.activity,
    maxWindowDays: 30,
    maxHistoryDays: null,
    map: mapActivity,
    async *fetch(connection, window, resume): AsyncIterable<RawBatch> {
      const client = new StravaClient(connection.http, connection.settings.apiUrl, connection.accessToken);
      const after = Math.floor((Date.parse(`${window.from}T00:00:00Z`) - EARLIEST_OFFSET_MS) / 1000);
      const before = Math.ceil((Date.parse(`${addLocalDays(window.to, 1)}T00:00:00Z`) + LATEST_OFFSET_MS) / 1000);
      let { page, next } = readResume(resume);
      for (; page <= MAX_PAGES; page++, next = 0) {
        const listed = await client.activities(after, before, page, perPage);
        for (let i = next; i < listed.length; i++) {
          const summary = listed[i];
          const day = stravaLocalDate(summary);
          const id = summary.id;
          const position: Resume = { page, next: i + 1 };
          if (day === null || day < window.from || day > window.to || (typeof id !== 'number' && typeof id !== 'string')) continue;
          const item = await activityItem(client, String(id));
          if (item) yield { items: [item], resume: position as unknown as Json };
        }
        if (listed.length < perPage) return;
      }
    },
    // A webhook event names the activity (it may have been recorded days ago): fetched by id, one batch each.
    async *fetchById(connection, ids): AsyncIterable<RawBatch> {
      const client = new StravaClient(connection.http, connection.settings.apiUrl, connection.accessToken);
      for (const id of ids) {
        const item = await activityItem(client, id);
        if (item) yield { items: [item] };
      }
    },
  };
  return [activity];
}
