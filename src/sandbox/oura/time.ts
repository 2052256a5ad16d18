/**
 * Date/time helpers for the Oura fake. Local wall-clock times are handled as
 * "local milliseconds": Date.UTC(...) of the local fields, so that formatting
 * with getUTC* yields the local wall clock. UTC instant = local - offset.
 */

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

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

/** "+01:00" / "-05:30" */
export function formatOffset(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** "YYYY-MM-DDTHH:MM:SS+01:00" from local ms (Oura's format for bedtime_start, workout start_datetime, ...). */
export function formatLocalWithOffset(localMs: number, offsetMinutes: number): string {
  return new Date(localMs).toISOString().slice(0, 19) + formatOffset(offsetMinutes);
}

/** "YYYY-MM-DDTHH:MM:SS.000+01:00" (Oura's format for daily `timestamp`). */
export function formatLocalMillisWithOffset(localMs: number, offsetMinutes: number): string {
  return new Date(localMs).toISOString().slice(0, 23) + formatOffset(offsetMinutes);
}

/** "YYYY-MM-DDTHH:MM:SS+00:00" from a UTC instant (heart-rate timestamps, subscription expiration). */
export function formatUtcOffset(utcMs: number): string {
  return new Date(utcMs).toISOString().slice(0, 19) + '+00:00';
}

export function localToUtcMs(localMs: number, offsetMinutes: number): number {
  return localMs - offsetMinutes * 60_000;
}

export function utcToLocalMs(utcMs: number, offsetMinutes: number): number {
  return utcMs + offsetMinutes * 60_000;
}

/**
 * Parses an ISO-8601 date-time as the heart-rate endpoint accepts it:
 * "YYYY-MM-DDTHH:MM[:SS[.fff]]" with "Z" or "+hh:mm" (no offset = UTC), or a
 * bare date (midnight UTC). Returns UTC ms or null when malformed.
 */
export function parseDateTime(value: string): number | null {
  if (isDate(value)) return dateToMs(value);
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(value);
  if (!m || !isDate(m[1])) return null;
  const [h, min, s] = [Number(m[2]), Number(m[3]), Number(m[4] ?? 0)];
  if (h > 23 || min > 59 || s > 59) return null;
  let ms = dateToMs(m[1]) + ((h * 60 + min) * 60 + s) * 1000 + Math.round(Number(m[5] ?? 0) * 1000);
  const zone = m[6];
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return ms;
}
