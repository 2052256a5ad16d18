/**
 * Date/time helpers for the Polar fake. Local wall-clock times are handled as
 * "local milliseconds": Date.UTC(...) of the local fields, so that formatting
 * with getUTC* yields the local wall clock. UTC instant = local - offset.
 */

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** ISO-8601 duration as Polar writes it: "PT1H2M3.5S", "PT45M", "PT0S". */
export function isoDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError(`bad duration ${seconds}`);
  const totalMs = Math.round(seconds * 1000);
  const h = Math.floor(totalMs / 3_600_000);
  const m = Math.floor((totalMs % 3_600_000) / 60_000);
  const sMs = totalMs % 60_000;
  let out = 'PT';
  if (h) out += `${h}H`;
  if (m) out += `${m}M`;
  if (sMs || (!h && !m)) {
    const s = sMs / 1000;
    out += `${Number.isInteger(s) ? s : Number(s.toFixed(3))}S`;
  }
  return out;
}

/** Parses the subset of ISO-8601 durations Polar uses (PTnHnMn.nS). */
export function parseIsoDuration(value: string): number {
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$/.exec(value);
  if (!m) throw new Error(`not an ISO duration: ${value}`);
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

export const DAY_MS = 86_400_000;

export function isDate(value: string | undefined | null): value is string {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

export function dateToMs(date: string): number {
  return Date.parse(`${date}T00:00:00Z`);
}

export function msToDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return msToDate(dateToMs(date) + days * DAY_MS);
}

/** Whole days from a to b (b - a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((dateToMs(b) - dateToMs(a)) / DAY_MS);
}

export function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

/** "YYYY-MM-DDTHH:MM:SS" (no offset) from local ms. */
export function formatLocal(localMs: number): string {
  return new Date(localMs).toISOString().slice(0, 19);
}

/** "+02:00" / "-05:30" */
export function formatOffset(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** "YYYY-MM-DDTHH:MM:SS+02:00" from local ms. */
export function formatLocalWithOffset(localMs: number, offsetMinutes: number): string {
  return formatLocal(localMs) + formatOffset(offsetMinutes);
}

/** "YYYY-MM-DDTHH:MM:SS.000Z" from a UTC instant in ms. */
export function formatUtcMillis(utcMs: number): string {
  return new Date(utcMs).toISOString();
}

/** "HH:MM" of local ms. */
export function hhmm(localMs: number): string {
  return new Date(localMs).toISOString().slice(11, 16);
}

/** "HH:MM:SS" of local ms. */
export function hhmmss(localMs: number): string {
  return new Date(localMs).toISOString().slice(11, 19);
}

export function localToUtcMs(localMs: number, offsetMinutes: number): number {
  return localMs - offsetMinutes * 60_000;
}
