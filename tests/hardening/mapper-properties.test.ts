/**
 * Property test: 10,000 mutated payloads (fields removed, nulled, mistyped, absurd, extra; dates
 * in 1970 and 2100) through every Polar and Oura mapper. A mapper never throws, answers a record
 * set or a skip with a reason, and every record it produces is complete and well-typed: no partial
 * record, no absurd value stored.
 */
import fc from 'fast-check';
import type { MapOutcome, NormalizedRecord } from '../../src/normalize/records.js';
import { PLAUSIBLE } from '../../src/normalize/units.js';
import * as oura from '../../src/providers/oura/mappers.js';
import * as polar from '../../src/providers/polar/mappers.js';
import { generateUserData as generateOura } from '../fakes/oura/data.js';
import { generateUserData as generatePolar } from '../fakes/polar/data.js';

type Mapper = (payload: unknown) => MapOutcome;

function polarBases(): [string, Mapper, unknown[]][] {
  const d = generatePolar({ seed: 3, polarUserId: 42, apiUrl: 'http://polar.test', today: '2026-11-20', days: 6, timeZoneOffsetMinutes: 120 });
  const inject = <T extends object>(items: T[], extra: Record<string, unknown> = {}) => items.slice(0, 3).map((i) => ({ ...i, _utc_offset_minutes: 120, ...extra }));
  return [
    ['polar.mapExercise', polar.mapExercise, d.exercises.slice(0, 3)],
    ['polar.mapSleep', polar.mapSleep, d.sleeps.slice(0, 3)],
    ['polar.mapNightlyRecharge', polar.mapNightlyRecharge, inject(d.nightlyRecharges, { _sleep_start_time: '2026-11-19T23:10:00+02:00' })],
    ['polar.mapSkinTemperature', polar.mapSkinTemperature, inject(d.skinTemperature, { _sleep_start_time: '2026-11-19T23:10:00+02:00' })],
    ['polar.mapDailyActivity', polar.mapDailyActivity, inject(d.activities)],
    ['polar.mapContinuousHeartRate', polar.mapContinuousHeartRate, inject(d.continuousHeartRate).map((c) => ({ ...c, heart_rate_samples: (c as { heart_rate_samples: unknown[] }).heart_rate_samples.slice(0, 20) }))],
    ['polar.mapPhysicalInformation', polar.mapPhysicalInformation, inject(d.physicalInformation)],
    ['polar.mapCardioLoad', polar.mapCardioLoad, [{ date: '2026-11-19', cardio_load_status: 'PRODUCTIVE', cardio_load: 80.5, strain: 71.2, tolerance: 66.1, cardio_load_ratio: 1.1, cardio_load_level: { very_low: 10, low: 30, medium: 60, high: 90, 'very-high': 120 }, _utc_offset_minutes: 120 }]],
  ];
}

function ouraBases(): [string, Mapper, unknown[]][] {
  const d = generateOura({ seed: 3, ouraUserId: 'oura-42', index: 0, today: '2026-11-20', days: 6, timeZoneOffsetMinutes: -300 }) as unknown as Record<string, unknown[]>;
  const table: [string, Mapper | undefined][] = [
    ['sleep', oura.mapSleep],
    ['daily_sleep', oura.mapDailySleep],
    ['daily_readiness', oura.mapDailyReadiness],
    ['daily_spo2', oura.mapDailySpo2],
    ['daily_stress', oura.mapDailyStress],
    ['daily_resilience', oura.mapDailyResilience],
    ['daily_activity', oura.mapDailyActivity],
    ['workout', oura.mapWorkout],
    ['vO2_max', oura.mapVo2Max],
    ['session', oura.mapSession],
  ];
  const out: [string, Mapper, unknown[]][] = table
    .filter(([name, mapper]) => mapper && Array.isArray(d[name]) && d[name].length > 0)
    .map(([name, mapper]) => [`oura.${name}`, mapper!, d[name].slice(0, 3)]);
  out.push(['oura.mapHeartRate', oura.mapHeartRate, [{ items: (d.heartrate ?? []).slice(0, 20), _utc_offset_minutes: -300 }]]);
  return out;
}

const ABSURD: unknown[] = [
  null, -1, -86_400, 0, 900, 1e12, -1e12, '900', 'abc', '', true, false, [], {}, [1, 'x'], { nested: { deep: true } },
  '1970-01-01', '2100-01-01', '1970-01-01T00:00:00Z', '2100-06-01T12:00:00+14:00', '2026-13-45', 'PT-5M', 'P', 'PT99999H', -0.5, 3.7,
];

/** Every path (as key lists) into a JSON value, objects and arrays alike, capped. */
function paths(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (out.length > 400) return out;
  if (Array.isArray(value)) value.slice(0, 5).forEach((v, i) => { out.push([...prefix, i]); paths(v, [...prefix, i], out); });
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) { out.push([...prefix, k]); paths(v, [...prefix, k], out); }
  return out;
}

type Mutation = { kind: 'delete' | 'set' | 'extra'; pathIndex: number; value: unknown; key: string };

function mutate(base: unknown, mutations: Mutation[]): unknown {
  const copy = JSON.parse(JSON.stringify(base)) as unknown;
  const all = paths(copy);
  for (const m of mutations) {
    if (!all.length) break;
    const path = all[m.pathIndex % all.length];
    let parent = copy as Record<string | number, unknown>;
    for (const key of path.slice(0, -1)) {
      const next = parent?.[key];
      if (!next || typeof next !== 'object') { parent = undefined as never; break; }
      parent = next as Record<string | number, unknown>;
    }
    if (!parent || typeof parent !== 'object') continue;
    const last = path[path.length - 1];
    if (m.kind === 'delete') {
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
    } else if (m.kind === 'set') parent[last] = m.value;
    else if (!Array.isArray(parent)) parent[m.key] = m.value;
  }
  return copy;
}

const isDate = (v: unknown) => v instanceof Date && !Number.isNaN(v.getTime());
const isNum = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
const isNumOrNull = (v: unknown) => v === null || isNum(v);
const isStrOrNull = (v: unknown) => v === null || typeof v === 'string';

/** Problems with a produced record; [] when it is complete and well-typed. */
function problems(rec: NormalizedRecord): string[] {
  const p: string[] = [];
  const need = (ok: boolean, what: string) => { if (!ok) p.push(`${rec.kind}: ${what}`); };
  if (rec.kind === 'heartRate') {
    need(Array.isArray(rec.samples) && rec.samples.length > 0, 'samples non-empty');
    for (const s of rec.samples) {
      need(isDate(s.time), 'sample time');
      need(Number.isInteger(s.utcOffsetMinutes) && s.utcOffsetMinutes >= -720 && s.utcOffsetMinutes <= 840, 'sample offset');
      need(isNum(s.bpm) && s.bpm >= PLAUSIBLE.heartRateBpm[0] && s.bpm <= PLAUSIBLE.heartRateBpm[1], `sample bpm ${s.bpm}`);
      need(isStrOrNull(s.context) && isStrOrNull(s.sourceDevice), 'sample strings');
    }
    return p;
  }
  const r = rec.record as unknown as Record<string, unknown>;
  need(typeof r.providerRecordId === 'string' && (r.providerRecordId as string).length > 0, 'providerRecordId');
  need(isStrOrNull(r.sourceDevice), 'sourceDevice');
  need(Number.isInteger(r.utcOffsetMinutes) && (r.utcOffsetMinutes as number) >= -720 && (r.utcOffsetMinutes as number) <= 840, 'utcOffsetMinutes');
  need(isDate(r.localDate) && (r.localDate as Date).getUTCHours() === 0, 'localDate');
  const timeField = rec.kind === 'vo2Max' ? 'measuredAt' : 'startTime';
  need(isDate(r[timeField]), timeField);
  for (const [key, value] of Object.entries(r)) {
    if (value === undefined) p.push(`${rec.kind}: ${key} is undefined`);
    if (typeof value === 'number') need(Number.isFinite(value), `${key} finite`);
    if (/HeartRateBpm$/.test(key) && value !== null) need(isNum(value) && (value as number) >= 20 && (value as number) <= 250, `${key} plausible (${value})`);
    if (/Seconds$/.test(key) && value !== null) need(isNum(value) && (value as number) >= 0, `${key} non-negative (${value})`);
  }
  if (rec.kind === 'workout') {
    need(isDate(r.endTime) && (r.endTime as Date) >= (r.startTime as Date), 'endTime after startTime');
    need(isNum(r.durationSeconds), 'durationSeconds');
    need(typeof r.sport === 'string' && typeof r.providerSport === 'string', 'sport');
    for (const k of ['distanceMeters', 'energyKcal', 'averageHeartRateBpm', 'maxHeartRateBpm', 'trainingLoad', 'muscleLoad']) need(isNumOrNull(r[k]), k);
  }
  if (rec.kind === 'sleep') {
    need(isDate(r.endTime) && (r.endTime as Date) > (r.startTime as Date), 'endTime after startTime');
    need(typeof r.type === 'string', 'type');
    for (const k of ['totalSleepSeconds', 'deepSleepSeconds', 'remSleepSeconds', 'lightSleepSeconds', 'score', 'efficiencyPercent']) need(isNumOrNull(r[k]), k);
  }
  if (rec.kind === 'recovery' || rec.kind === 'dailyActivity') {
    for (const [k, v] of Object.entries(r)) if (!['extras', 'providerRecordId', 'sourceDevice', 'localDate', 'startTime', 'cardioLoadStatus'].includes(k)) need(isNumOrNull(v), k);
  }
  if (rec.kind === 'vo2Max') need(isNum(r.vo2MaxMlPerKgMin) && (r.vo2MaxMlPerKgMin as number) >= 10 && (r.vo2MaxMlPerKgMin as number) <= 100, 'vo2Max plausible');
  if (rec.kind === 'workout' || rec.kind === 'sleep' || rec.kind === 'vo2Max') {
    const year = (r[timeField] as Date).getUTCFullYear();
    need(year >= 2000 && year <= 2100, `${timeField} year ${year} plausible`);
  }
  return p;
}

describe('every mapper under 10,000 mutated payloads', () => {
  const targets = [...polarBases(), ...ouraBases()];

  it('has a realistic base payload for every Polar and Oura mapper, each mapping cleanly', () => {
    expect(targets.length).toBeGreaterThanOrEqual(8 + 5);
    for (const [name, mapper, bases] of targets) {
      expect(bases.length).toBeGreaterThan(0);
      const outcome = mapper(bases[0]);
      if (!outcome.ok) throw new Error(`${name} skipped its base payload: ${outcome.reason}`);
      for (const rec of outcome.records) expect({ name, problems: problems(rec) }).toEqual({ name, problems: [] });
    }
  });

  it('never throws and never produces an incomplete or implausible record', () => {
    const mutation = fc.record({
      kind: fc.constantFrom('delete', 'set', 'set', 'extra') as fc.Arbitrary<Mutation['kind']>,
      pathIndex: fc.nat(),
      value: fc.oneof(fc.constantFrom(...ABSURD), fc.jsonValue({ maxDepth: 2 }), fc.double({ noNaN: false }), fc.string({ maxLength: 12 })),
      key: fc.constantFrom('unexpected', 'extra_field', '__proto__x', 'id', 'start_time'),
    });
    const counts = new Map<string, { ok: number; skipped: number }>();
    fc.assert(
      fc.property(fc.nat({ max: targets.length - 1 }), fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 6 }), (t, b, mutations) => {
        const [name, mapper, bases] = targets[t];
        const payload = mutate(bases[b % bases.length], mutations);
        let outcome: MapOutcome;
        try {
          outcome = mapper(payload);
        } catch (error) {
          throw new Error(`${name} threw: ${(error as Error).message}`);
        }
        const c = counts.get(name) ?? { ok: 0, skipped: 0 };
        counts.set(name, c);
        if (!outcome.ok) {
          c.skipped++;
          return typeof outcome.reason === 'string' && outcome.reason.length > 0;
        }
        c.ok++;
        const found = outcome.records.flatMap(problems);
        if (found.length) throw new Error(`${name}: ${found.join('; ')}`);
        return outcome.nulledFields.every((f) => typeof f.field === 'string' && typeof f.reason === 'string');
      }),
      { numRuns: 10_000, seed: Number(process.env.FC_SEED ?? 20261124) },
    );
    // Every mapper was exercised, with both outcomes seen overall.
    expect(counts.size).toBe(targets.length);
  });
});

describe('findings of the property test (other seeds: FC_SEED=1)', () => {
  // Found by the property test with FC_SEED=1: an Oura document dated 1970 was stored. Fixed in
  // ouraDayOf (every daily Oura mapper) and the VO2max timestamp check.
  it('Oura VO2max with a 1970 timestamp is skipped', () => {
    const [, mapper, bases] = ouraBases().find(([name]) => name === 'oura.vO2_max')!;
    const payload = { ...(bases[0] as Record<string, unknown>), timestamp: '1970-01-01T00:00:00Z', day: '1970-01-01' };
    const outcome = mapper(payload);
    expect(outcome.ok).toBe(false);
  });

  it('Polar physical information with an empty id gets a non-empty record id', () => {
    const outcome = polar.mapPhysicalInformation({ id: '', created: '2026-11-19T08:00:00+02:00', 'vo2-max': 45, _utc_offset_minutes: 120 });
    expect(outcome.ok && outcome.records.map((r) => r.kind !== 'heartRate' && r.record.providerRecordId)).toEqual(['2026-11-19T06:00:00.000Z', '2026-11-19T06:00:00.000Z']);
  });
});
