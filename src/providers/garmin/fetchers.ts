/**
 * Garmin's data types. Nothing is fetched by polling: a "fetch" of a window asks Garmin for a
 * backfill of that range (202: the data comes later through the deliveries, and the run awaits
 * it; 409: that range was requested and delivered before, so it is done). Garmin serves 90 days
 * of health data and 30 of activities per request; the first sync asks for that much.
 */
import { addDays, parseLocalDate } from '../../normalize/time.js';
import type { MapOutcome } from '../../normalize/records.js';
import { ProviderForbiddenError, ProviderHttpError } from '../http.js';
import type { DataTypeDefinition, RawBatch, SyncWindow } from '../types.js';
import { GarminClient } from './client.js';
import { mapActivity, mapActivityDetails, mapActivityFile, mapBloodPressure, mapBodyComposition, mapDaily, mapEpoch, mapHrv, mapPulseOx, mapRespiration, mapSkinTemp, mapSleep, mapStressDetails, mapUserMetrics } from './mappers.js';

/** How long a backfill's run waits for Garmin to push the data before it finishes without it. */
export const GARMIN_BACKFILL_AWAIT_SECONDS = 3600;
const HEALTH_DAYS = 90;
const ACTIVITY_DAYS = 30;

interface GarminType {
  /** The push key (the data type's name). */
  key: string;
  /** The backfill path's name (differs from the key for pulse ox and respiration); null: no backfill. */
  backfill: string | null;
  activity: boolean;
  map(payload: unknown): MapOutcome;
}

const TYPES: GarminType[] = [
  { key: 'dailies', backfill: 'dailies', activity: false, map: mapDaily },
  { key: 'epochs', backfill: 'epochs', activity: false, map: mapEpoch },
  { key: 'sleeps', backfill: 'sleeps', activity: false, map: mapSleep },
  { key: 'hrv', backfill: 'hrv', activity: false, map: mapHrv },
  { key: 'stressDetails', backfill: 'stressDetails', activity: false, map: mapStressDetails },
  { key: 'userMetrics', backfill: 'userMetrics', activity: false, map: mapUserMetrics },
  { key: 'bodyComps', backfill: 'bodyComps', activity: false, map: mapBodyComposition },
  { key: 'pulseox', backfill: 'pulseOx', activity: false, map: mapPulseOx },
  { key: 'allDayRespiration', backfill: 'respiration', activity: false, map: mapRespiration },
  { key: 'skinTemp', backfill: 'skinTemp', activity: false, map: mapSkinTemp },
  { key: 'bloodPressures', backfill: 'bloodPressures', activity: false, map: mapBloodPressure },
  { key: 'activities', backfill: 'activities', activity: true, map: mapActivity },
  { key: 'activityDetails', backfill: 'activityDetails', activity: true, map: mapActivityDetails },
  // Pings only (FIT files); they follow the activities, nothing to request.
  { key: 'activityFiles', backfill: null, activity: true, map: mapActivityFile },
];

/** Every summary type whose deliveries are kept. */
export const GARMIN_DATA_KEYS: readonly string[] = TYPES.map((t) => t.key);

/** [from 00:00, to + 1 day 00:00) UTC in seconds: Garmin's backfill ranges are by data time in UTC. */
function rangeOf(window: SyncWindow): [number, number] {
  const from = parseLocalDate(window.from).getTime() / 1000;
  const to = addDays(parseLocalDate(window.to), 1).getTime() / 1000;
  return [from, to];
}

/** Garmin's error body `{"errorMessage": "..."}`, else the text as is. */
function readErrorMessage(body: string): string {
  try {
    const message = (JSON.parse(body) as { errorMessage?: unknown }).errorMessage;
    if (typeof message === 'string') return message;
  } catch {
    // not JSON
  }
  return body || 'no reason given';
}

function definitionOf(type: GarminType): DataTypeDefinition {
  const days = type.activity ? ACTIVITY_DAYS : HEALTH_DAYS;
  return {
    name: type.key,
    maxWindowDays: days,
    maxHistoryDays: days,
    async *fetch(connection, window): AsyncGenerator<RawBatch> {
      if (!type.backfill) return;
      const client = new GarminClient(connection.http, connection.settings.apiUrl, connection.accessToken);
      const [start, end] = rangeOf(window);
      let answer;
      try {
        answer = await client.backfill(type.backfill, start, end);
      } catch (error) {
        // 400 (range), 403 (no historical access), 412 (the user does not share this type): the
        // reason goes on the run and the connection; retrying cannot help.
        if ((error instanceof ProviderHttpError && [400, 412].includes(error.status)) || error instanceof ProviderForbiddenError) {
          const status = error instanceof ProviderHttpError ? error.status : 403;
          const detail = error instanceof ProviderHttpError ? readErrorMessage(error.bodyExcerpt) : 'forbidden';
          // A 4xx is permanent for the engine (classifySyncError): the window ends with this reason.
          throw new ProviderHttpError(`Garmin refused the backfill of ${type.key} ${window.from}..${window.to} (${status}): ${detail}`, status);
        }
        throw error;
      }
      yield answer === 'accepted' ? { items: [], awaitPushSeconds: GARMIN_BACKFILL_AWAIT_SECONDS } : { items: [] };
    },
    map: type.map,
  };
}

export const GARMIN_DATA_TYPES: DataTypeDefinition[] = TYPES.map(definitionOf);
