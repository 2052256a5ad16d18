/** Oura's date-time formats, on top of the shared calendar helpers (local ms, see there). */

import { dateToMs, formatOffset, isDate } from '../shared/calendar.js';

export * from '../shared/calendar.js';

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
