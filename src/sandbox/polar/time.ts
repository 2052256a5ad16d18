/** Polar's date-time and duration formats, on top of the shared calendar helpers (local ms, see there). */

import { formatOffset } from '../shared/calendar.js';

export * from '../shared/calendar.js';

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

/** "YYYY-MM-DDTHH:MM:SS" (no offset) from local ms. */
export function formatLocal(localMs: number): string {
  return new Date(localMs).toISOString().slice(0, 19);
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
