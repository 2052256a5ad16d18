/**
 * Unit conversions and plausibility checks shared by every provider mapper. A value outside its
 * plausible range is reported (and nulled by the caller), never stored silently.
 */
import type { FieldIssue } from './records.js';

/** ISO-8601 duration ('PT1H2M3.5S', 'P1DT2H') -> seconds. Throws on anything else. */
export function isoDurationToSeconds(value: string): number {
  const match = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(value);
  if (!match || value === 'P' || value.endsWith('T')) throw new RangeError(`Not an ISO-8601 duration: ${value}`);
  const [, d, h, m, s] = match;
  return Number(d ?? 0) * 86_400 + Number(h ?? 0) * 3_600 + Number(m ?? 0) * 60 + Number(s ?? 0);
}

export const kilojoulesToKcal = (kj: number): number => kj / 4.184;
/** Gross efficiency of pedalling (work done / energy burned): about 24 %. */
export const PEDALLING_EFFICIENCY = 0.24;
/**
 * Energy burned for mechanical work measured by a power meter (Strava's `kilojoules`): work /
 * efficiency, in kcal. At 24 % the two numbers nearly coincide (1 kJ of work ~ 1 kcal burned).
 */
export const workKilojoulesToKcalBurned = (kj: number): number => kilojoulesToKcal(kj / PEDALLING_EFFICIENCY);
export const kilometersToMeters = (km: number): number => km * 1000;
export const gramsToKilograms = (g: number): number => g / 1000;

/** Plausible ranges for normalized fields (inclusive). */
export const PLAUSIBLE = {
  heartRateBpm: [20, 250],
  hrvMs: [1, 500],
  breathingRatePerMinute: [3, 60],
  durationSeconds: [0, 7 * 86_400],
  distanceMeters: [0, 1_000_000],
  energyKcal: [0, 30_000],
  score: [0, 100],
  steps: [0, 200_000],
  temperatureDeviationCelsius: [-10, 10],
  vo2MaxMlPerKgMin: [10, 100],
  percent: [0, 100],
  /** UTC-12:00 .. UTC+14:00 */
  utcOffsetMinutes: [-720, 840],
} as const satisfies Record<string, readonly [number, number]>;

/**
 * Collects field issues while a mapper reads a payload. `num` returns a finite number within the
 * plausible range, or null (recording why when the field was present but unusable).
 */
export class FieldReader {
  readonly issues: FieldIssue[] = [];

  num(field: string, value: unknown, range?: readonly [number, number]): number | null {
    if (value === undefined || value === null) return null;
    const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isFinite(n)) {
      this.issues.push({ field, reason: `not a number: ${JSON.stringify(value)?.slice(0, 40)}` });
      return null;
    }
    if (range && (n < range[0] || n > range[1])) {
      this.issues.push({ field, reason: `out of range [${range[0]}, ${range[1]}]: ${n}` });
      return null;
    }
    return n;
  }

  int(field: string, value: unknown, range?: readonly [number, number]): number | null {
    const n = this.num(field, value, range);
    return n === null ? null : Math.round(n);
  }

  str(field: string, value: unknown): string | null {
    if (value === undefined || value === null) return null;
    if (typeof value === 'string') return value;
    if (typeof value === 'number') return String(value);
    this.issues.push({ field, reason: `not a string: ${typeof value}` });
    return null;
  }

  duration(field: string, value: unknown): number | null {
    if (value === undefined || value === null) return null;
    if (typeof value === 'number') return this.num(field, value, PLAUSIBLE.durationSeconds);
    if (typeof value !== 'string') {
      this.issues.push({ field, reason: `not a duration: ${typeof value}` });
      return null;
    }
    try {
      return this.num(field, isoDurationToSeconds(value), PLAUSIBLE.durationSeconds);
    } catch {
      this.issues.push({ field, reason: `not an ISO-8601 duration: ${value.slice(0, 40)}` });
      return null;
    }
  }
}

/** Records dated outside this window are implausible (device clock errors, bad payloads). */
export const PLAUSIBLE_YEARS = { min: 2000, max: 2100 } as const;

export function isPlausibleInstant(date: Date, now = new Date()): boolean {
  if (Number.isNaN(date.getTime())) return false;
  const year = date.getUTCFullYear();
  // A day of slack for clock skew and time zones ahead of UTC.
  return year >= PLAUSIBLE_YEARS.min && date.getTime() <= now.getTime() + 2 * 86_400_000;
}

/**
 * Converting a device's value from the unit it gave (HealthKit's unit strings depend on the
 * user's locale: kg or lb, degC or degF, km or mi; Health Connect names its units). Never assumed:
 * a unit not listed here is refused (null), so nothing is stored in the wrong unit.
 */
export type Dimension = 'mass' | 'length' | 'energy' | 'temperature' | 'rate' | 'time' | 'fraction' | 'count' | 'vo2' | 'pressure' | 'power' | 'speed';

/** The unit each dimension is stored in. Fractions (SpO2, body fat) are stored as percent 0-100. */
export const STORED_UNIT: Record<Dimension, string> = {
  mass: 'kg',
  length: 'm',
  energy: 'kcal',
  temperature: 'degC',
  rate: 'count/min',
  time: 's',
  fraction: '%',
  count: 'count',
  vo2: 'mL/(kg·min)',
  pressure: 'mmHg',
  power: 'W',
  speed: 'm/s',
};

/** unit spelling -> [dimension, factor to the stored unit, offset added after the factor]. */
const UNITS: Record<string, [Dimension, number, number?]> = {
  kg: ['mass', 1], g: ['mass', 0.001], lb: ['mass', 0.45359237], oz: ['mass', 0.028349523125], st: ['mass', 6.35029318],
  kilograms: ['mass', 1], grams: ['mass', 0.001], pounds: ['mass', 0.45359237], ounces: ['mass', 0.028349523125],
  m: ['length', 1], km: ['length', 1000], cm: ['length', 0.01], mm: ['length', 0.001], mi: ['length', 1609.344], ft: ['length', 0.3048], in: ['length', 0.0254], yd: ['length', 0.9144],
  meters: ['length', 1], kilometers: ['length', 1000], miles: ['length', 1609.344], feet: ['length', 0.3048], inches: ['length', 0.0254],
  // HealthKit: "Cal" and "kcal" are kilocalories, "cal" small calories. Health Connect: "calories" are small calories.
  kcal: ['energy', 1], Cal: ['energy', 1], cal: ['energy', 0.001], kJ: ['energy', 1 / 4.184], J: ['energy', 1 / 4184],
  kilocalories: ['energy', 1], calories: ['energy', 0.001], kilojoules: ['energy', 1 / 4.184], joules: ['energy', 1 / 4184],
  degC: ['temperature', 1], degF: ['temperature', 5 / 9, -32 * (5 / 9)], K: ['temperature', 1, -273.15],
  celsius: ['temperature', 1], fahrenheit: ['temperature', 5 / 9, -32 * (5 / 9)], kelvin: ['temperature', 1, -273.15],
  'count/min': ['rate', 1], 'count/s': ['rate', 60], bpm: ['rate', 1], '/min': ['rate', 1],
  s: ['time', 1], ms: ['time', 0.001], min: ['time', 60], hr: ['time', 3600], h: ['time', 3600], d: ['time', 86_400],
  // HealthKit writes percentages as fractions with unit "%" (0.97); "percent" is 0-100 (Health Connect).
  '%': ['fraction', 100], fraction: ['fraction', 100], percent: ['fraction', 1],
  count: ['count', 1],
  'mL/min·kg': ['vo2', 1], 'mL/(kg·min)': ['vo2', 1], 'ml/(kg*min)': ['vo2', 1], 'mL/(kg*min)': ['vo2', 1], 'mL/kg/min': ['vo2', 1], 'ml/kg/min': ['vo2', 1], 'mL/kg·min': ['vo2', 1],
  mmHg: ['pressure', 1], millimetersOfMercury: ['pressure', 1],
  W: ['power', 1], watts: ['power', 1],
  'm/s': ['speed', 1], 'km/hr': ['speed', 1 / 3.6], 'km/h': ['speed', 1 / 3.6], 'mi/hr': ['speed', 0.44704], metersPerSecond: ['speed', 1], kilometersPerHour: ['speed', 1 / 3.6], milesPerHour: ['speed', 0.44704],
};

/** The value in `dimension`'s stored unit, or null when `unit` is unknown or of another dimension. */
export function toStoredUnit(value: number, unit: string, dimension: Dimension): number | null {
  const known = UNITS[unit.trim()];
  if (!known || known[0] !== dimension || !Number.isFinite(value)) return null;
  return value * known[1] + (known[2] ?? 0);
}
