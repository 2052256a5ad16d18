/**
 * Seeded bench data: for each user, the raw payloads both providers would have delivered for D
 * days, in the exact shapes the fetchers hand to storeItem (including their annotations: Polar's
 * injected UTC offsets, Oura's main-sleep marking and day-grouped heart rate).
 *
 * The providers' own fake generators (tests/fakes/{polar,oura}/data.ts) make the documents; this
 * module only (a) renders them as the API listings do and (b) reshapes heart rate to one sample a
 * minute during workouts and one every 5 minutes otherwise (the fakes sample Polar workouts every
 * 10 s and Oura workouts every 5 min).
 */
import { annotateSleeps } from '../src/providers/oura/fetchers.js';
import { ouraDayOf, ouraIdOf } from '../src/providers/oura/mappers.js';
import { activityDateOf, exerciseRecordIdOf } from '../src/providers/polar/mappers.js';
import { providerById } from '../src/providers/registry.js';
import type { RawItem } from '../src/providers/types.js';
import type { Json, MapOutcome } from '../src/normalize/records.js';
import { generateUserData as generateOura } from '../tests/fakes/oura/data.js';
import { formatUtcOffset } from '../tests/fakes/oura/time.js';
import { computeCardioLoad, generateUserData as generatePolar } from '../tests/fakes/polar/data.js';
import { renderActivity, renderExercise } from '../tests/fakes/polar/render.js';

export interface UserPayloads {
  index: number;
  offsetMinutes: number;
  polar: RawItem[];
  oura: RawItem[];
}

type Obj = Record<string, unknown>;
const asJson = (value: unknown): Json => value as Json;

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Offsets spread over a few zones so local dates and UTC days differ between users. */
const OFFSETS = [120, 60, 0, -300, -420, 330, 540];

export function generateUser(seed: number, index: number, today: string, days: number): UserPayloads {
  const offsetMinutes = OFFSETS[index % OFFSETS.length];
  return {
    index,
    offsetMinutes,
    polar: polarItems(seed, index, today, days, offsetMinutes),
    oura: ouraItems(seed, index, today, days, offsetMinutes),
  };
}

// ---------------------------------------------------------------- Polar

function polarItems(seed: number, index: number, today: string, days: number, offset: number): RawItem[] {
  const data = generatePolar({ seed, polarUserId: 10_000_001 + index, apiUrl: 'https://www.polaraccesslink.com', today, days, timeZoneOffsetMinutes: offset });
  const items: RawItem[] = [];
  // What the fetchers' OffsetHints inject for daily payloads (every night gives its offset here).
  const sleepStart = new Map(data.sleeps.map((s) => [s.date, s.sleep_start_time]));
  const annotate = (payload: Obj, date: string | null, withSleepStart = false): Json => {
    const out: Obj = { ...payload, _utc_offset_minutes: offset, _utc_offset_source: 'same-day' };
    if (withSleepStart && date && sleepStart.has(date)) out._sleep_start_time = sleepStart.get(date);
    return asJson(out);
  };

  for (const exercise of data.exercises) {
    const rendered = renderExercise(exercise, { samples: true, zones: true, route: false }) as Obj;
    // Heart rate once a minute; other sample types dropped (the mapper keeps heart rate only).
    const hr = exercise.samples.find((s) => s['sample-type'] === '0');
    if (hr) {
      const step = Math.max(1, Math.round(60 / hr['recording-rate']));
      const values = hr.data.split(',').filter((_, i) => i % step === 0);
      rendered.samples = [{ 'recording-rate': 60, 'sample-type': '0', data: values.join(',') }];
    } else {
      rendered.samples = [];
    }
    const payload = asJson(rendered);
    items.push({ dataType: 'exercise', providerRecordId: exerciseRecordIdOf(payload) ?? `ex-${exercise.id}`, payload });
  }
  for (const night of data.sleeps) items.push({ dataType: 'sleep', providerRecordId: night.date, payload: asJson(night) });
  for (const recharge of data.nightlyRecharges) {
    items.push({ dataType: 'nightly_recharge', providerRecordId: recharge.date, payload: annotate(recharge as unknown as Obj, recharge.date, true) });
  }
  for (const activity of data.activities) {
    const rendered = renderActivity(activity);
    const date = activityDateOf(rendered) ?? activity.date;
    items.push({ dataType: 'daily_activity', providerRecordId: date, payload: annotate(rendered, date) });
  }
  for (const day of data.continuousHeartRate) {
    items.push({ dataType: 'continuous_heart_rate', providerRecordId: day.date, payload: annotate(day as unknown as Obj, day.date) });
  }
  const first = addDays(today, -(days - 1));
  for (const load of computeCardioLoad(data.exercises, first, first, today)) {
    items.push({ dataType: 'cardio_load', providerRecordId: load.date, payload: annotate(load as unknown as Obj, load.date) });
  }
  for (const skin of data.skinTemperature) {
    items.push({ dataType: 'skin_temperature', providerRecordId: skin.sleep_date, payload: annotate(skin as unknown as Obj, skin.sleep_date, true) });
  }
  for (const info of data.physicalInformation) {
    items.push({ dataType: 'physical_information', providerRecordId: String(info.id), payload: annotate(info as unknown as Obj, info.created.slice(0, 10)) });
  }
  return items;
}

// ---------------------------------------------------------------- Oura

function ouraItems(seed: number, index: number, today: string, days: number, offset: number): RawItem[] {
  const data = generateOura({ seed, ouraUserId: `bench-oura-${index}`, index, today, days, timeZoneOffsetMinutes: offset });
  const items: RawItem[] = [];
  const toItems = (dataType: string, docs: unknown[]) => {
    for (const doc of docs as Obj[]) {
      let payload = doc;
      // Documents without a timestamp get the day's offset, as the fetcher's offset hints do.
      if (typeof doc.timestamp !== 'string' && !('bedtime_start' in doc) && !('start_datetime' in doc)) {
        payload = { ...doc, _utc_offset_minutes: offset, _utc_offset_source: 'same-day' };
      }
      const json = asJson(payload);
      items.push({ dataType, providerRecordId: ouraIdOf(json) ?? `${dataType}-${ouraDayOf(json)}`, payload: json });
    }
  };
  toItems('sleep', annotateSleeps(data.sleep as unknown as Obj[] as never, data.daily_sleep as unknown as Obj[] as never));
  toItems('daily_sleep', data.daily_sleep);
  toItems('daily_readiness', data.daily_readiness);
  toItems('daily_activity', data.daily_activity);
  toItems('workout', data.workout);
  toItems('daily_spo2', data.daily_spo2);
  toItems('daily_stress', data.daily_stress);
  toItems('daily_resilience', data.daily_resilience);
  toItems('vO2_max', data.vO2_max);
  toItems('session', data.session);

  // Heart rate: the fake's 5-minute series, with each workout's span replaced by one sample a minute.
  const workouts = data.workout.map((w) => [Date.parse(w.start_datetime), Date.parse(w.end_datetime)] as const);
  const inWorkout = (t: number) => workouts.some(([s, e]) => t >= s && t < e);
  const samples: Array<{ bpm: number; source: string; timestamp: string }> = data.heartrate
    .filter((s) => !inWorkout(Date.parse(s.timestamp)))
    .map((s) => ({ bpm: s.bpm, source: s.source, timestamp: s.timestamp }));
  let k = 0;
  for (const [s, e] of workouts) {
    for (let t = s; t < e; t += 60_000) samples.push({ bpm: 120 + ((k++ * 7) % 45), source: 'workout', timestamp: formatUtcOffset(t) });
  }
  const byUtcDay = new Map<string, typeof samples>();
  for (const sample of samples) {
    const day = new Date(Date.parse(sample.timestamp)).toISOString().slice(0, 10);
    const list = byUtcDay.get(day) ?? [];
    list.push(sample);
    byUtcDay.set(day, list);
  }
  for (const day of [...byUtcDay.keys()].sort()) {
    const group = byUtcDay.get(day)!.sort((a, b) => a.timestamp.localeCompare(b.timestamp));
    items.push({
      dataType: 'heartrate',
      providerRecordId: `heartrate:${day}`,
      payload: asJson({ date: day, items: group, _utc_offset_minutes: offset, _utc_offset_source: 'same-day' }),
    });
  }
  return items;
}

// ---------------------------------------------------------------- mapping

const mappers = new Map<string, (payload: unknown) => MapOutcome>();
for (const provider of ['POLAR', 'OURA'] as const) {
  for (const definition of providerById(provider).dataTypes) mappers.set(`${provider}:${definition.name}`, (p) => definition.map(p));
}

export function mapperFor(provider: 'POLAR' | 'OURA', dataType: string): (payload: unknown) => MapOutcome {
  const map = mappers.get(`${provider}:${dataType}`);
  if (!map) throw new Error(`no mapper for ${provider} ${dataType}`);
  return map;
}
