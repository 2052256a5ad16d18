/**
 * Calendar helpers both simulators use. Local wall-clock times are "local milliseconds":
 * Date.UTC(...) of the local fields, so formatting with getUTC* yields the local wall clock.
 * UTC instant = local - offset.
 */

export const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

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

/** "+02:00" / "-05:30" */
export function formatOffset(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

export function localToUtcMs(localMs: number, offsetMinutes: number): number {
  return localMs - offsetMinutes * 60_000;
}

export function utcToLocalMs(utcMs: number, offsetMinutes: number): number {
  return utcMs + offsetMinutes * 60_000;
}
