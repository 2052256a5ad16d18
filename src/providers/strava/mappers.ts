/**
 * Pure mappers for Strava's raw item `{activity: DetailedActivity, streams: {type: {data}} | null}`.
 *
 * Time: `start_date` is the UTC start; `utc_offset` (seconds) is the wearer's offset then. The
 * local date comes from those two, never from `start_date_local`, which is the local wall clock
 * wrongly marked Z.
 * Energy: `calories` when above 0; else, for an activity whose power came from a power meter
 * (`device_watts`), the energy burned for its `kilojoules` of work (src/normalize/units.ts),
 * labelled in extras.energySource; else null.
 * Heart rate: the `heartrate` stream against the `time` stream (seconds from the start) becomes
 * workout samples; a manual activity (no streams) is a workout without samples.
 */
import { heartRateSamples } from '../../normalize/heart-rate.js';
import { asObj, safely, type Obj } from '../../normalize/payload.js';
import { mapped, skip, type MapOutcome, type NormalizedRecord } from '../../normalize/records.js';
import { formatLocalDate, localDateOf } from '../../normalize/time.js';
import { FieldReader, isPlausibleInstant, PLAUSIBLE, workKilojoulesToKcalBurned } from '../../normalize/units.js';
import { mapStravaSport } from './sport-map.js';

const STRAVA_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** The UTC start and the offset in minutes of an activity (summary or detail); null when unreadable. */
function startOf(a: Obj): { instant: Date; offsetMinutes: number } | null {
  if (typeof a.start_date !== 'string' || !STRAVA_INSTANT.test(a.start_date)) return null;
  const offsetSeconds = typeof a.utc_offset === 'number' && Number.isFinite(a.utc_offset) ? a.utc_offset : 0;
  const offsetMinutes = Math.round(offsetSeconds / 60);
  if (offsetMinutes < PLAUSIBLE.utcOffsetMinutes[0] || offsetMinutes > PLAUSIBLE.utcOffsetMinutes[1]) return null;
  return { instant: new Date(a.start_date), offsetMinutes };
}

/** The wearer's local date ('YYYY-MM-DD') an activity started on; null when unreadable. */
export function stravaLocalDate(activity: unknown): string | null {
  const a = asObj(activity);
  const start = a ? startOf(a) : null;
  return start ? formatLocalDate(localDateOf(start.instant, start.offsetMinutes)) : null;
}

const streamData = (streams: Obj | null, type: string): unknown[] | null => {
  const data = asObj(streams?.[type])?.data;
  return Array.isArray(data) ? data : null;
};

export function mapActivity(payload: unknown): MapOutcome {
  return safely(() => {
    const o = asObj(payload);
    const a = asObj(o?.activity);
    if (!o || !a) return skip('activity payload has no activity object');
    const id = typeof a.id === 'number' || (typeof a.id === 'string' && a.id !== '') ? String(a.id) : null;
    if (!id) return skip('missing activity id');
    const start = startOf(a);
    if (!start) return skip('missing or invalid start_date / utc_offset');
    if (!isPlausibleInstant(start.instant)) return skip(`implausible start_date ${start.instant.toISOString()}`);
    const r = new FieldReader();
    const elapsed = r.num('elapsed_time', a.elapsed_time, PLAUSIBLE.durationSeconds);
    if (elapsed === null || elapsed <= 0) return skip(`implausible elapsed_time ${JSON.stringify(a.elapsed_time)}`);
    const sportType = r.str('sport_type', a.sport_type) ?? r.str('type', a.type);
    const calories = r.num('calories', a.calories, PLAUSIBLE.energyKcal);
    const kilojoules = r.num('kilojoules', a.kilojoules, [0, 100_000]);
    let energyKcal: number | null = null;
    let energySource: string | null = null;
    if (calories !== null && calories > 0) {
      energyKcal = calories;
      energySource = 'calories';
    } else if (kilojoules !== null && kilojoules > 0 && a.device_watts === true) {
      energyKcal = Math.round(workKilojoulesToKcalBurned(kilojoules) * 10) / 10;
      energySource = 'estimated from kilojoules of power-meter work (24 % efficiency)';
    }
    const distance = r.num('distance', a.distance, PLAUSIBLE.distanceMeters);
    const sourceDevice = r.str('device_name', a.device_name);
    const records: NormalizedRecord[] = [
      {
        kind: 'workout',
        record: {
          providerRecordId: id,
          sourceDevice,
          utcOffsetMinutes: start.offsetMinutes,
          localDate: localDateOf(start.instant, start.offsetMinutes),
          startTime: start.instant,
          endTime: new Date(start.instant.getTime() + elapsed * 1000),
          sport: mapStravaSport(sportType),
          providerSport: sportType ?? 'unknown',
          durationSeconds: elapsed,
          distanceMeters: distance !== null && distance > 0 ? distance : null,
          energyKcal,
          averageHeartRateBpm: r.num('average_heartrate', a.average_heartrate, PLAUSIBLE.heartRateBpm),
          maxHeartRateBpm: r.num('max_heartrate', a.max_heartrate, PLAUSIBLE.heartRateBpm),
          trainingLoad: null,
          muscleLoad: null,
          intensity: null,
          heartRateZones: null,
          extras: {
            name: r.str('name', a.name),
            movingTimeSeconds: r.num('moving_time', a.moving_time, PLAUSIBLE.durationSeconds),
            elapsedTimeSeconds: elapsed,
            energySource,
            kilojoules,
            averageWatts: r.num('average_watts', a.average_watts, [0, 3000]),
            totalElevationGainMeters: r.num('total_elevation_gain', a.total_elevation_gain, [0, 20_000]),
            manual: a.manual === true,
            trainer: a.trainer === true,
            visibility: r.str('visibility', a.visibility),
            timezone: r.str('timezone', a.timezone),
          },
        },
      },
    ];
    const streams = asObj(o.streams);
    const times = streamData(streams, 'time');
    const beats = streamData(streams, 'heartrate');
    if (times && beats) {
      if (times.length !== beats.length) r.issues.push({ field: 'streams.heartrate', reason: `${beats.length} values for ${times.length} times; extra ones dropped` });
      const points = beats.slice(0, times.length).flatMap((value, i) => (typeof times[i] === 'number' ? [{ at: new Date(start.instant.getTime() + (times[i] as number) * 1000), value }] : []));
      const samples = heartRateSamples(points, 'streams.heartrate', r.issues, { utcOffsetMinutes: start.offsetMinutes, context: 'workout', sourceDevice });
      if (samples.length) records.push({ kind: 'heartRate', samples });
    }
    return mapped(records, r.issues);
  });
}
