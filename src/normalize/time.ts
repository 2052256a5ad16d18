/**
 * Time-zone helpers shared by every provider mapper. The rule: store the UTC instant, the
 * wearer's UTC offset in minutes at that instant, and the wearer's local calendar date.
 */

const MS_PER_MINUTE = 60_000;

/** 'YYYY-MM-DD' -> Date at 00:00 UTC (how Prisma represents a PostgreSQL `date`). */
export function parseLocalDate(value: string): Date {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new RangeError(`Not a local date (YYYY-MM-DD): ${value}`);
  const date = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
    throw new RangeError(`Not a valid calendar date: ${value}`);
  }
  return date;
}

/** A `date` column value (00:00 UTC) -> 'YYYY-MM-DD'. */
export function formatLocalDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * 86_400_000);
}

/** The wearer's local calendar date of a UTC instant, given their offset. */
export function localDateOf(instant: Date, utcOffsetMinutes: number): Date {
  const local = new Date(instant.getTime() + utcOffsetMinutes * MS_PER_MINUTE);
  return parseLocalDate(local.toISOString().slice(0, 10));
}

/**
 * A local wall-clock time without offset ('2026-05-01T23:30:00[.sss]') plus the offset in minutes
 * -> the UTC instant. UTC = local - offset (UTC-7 at 23:30 local is 06:30 UTC the next day).
 */
export function localDateTimeToUtc(localDateTime: string, utcOffsetMinutes: number): Date {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?$/.exec(localDateTime);
  if (!match) throw new RangeError(`Not a local date-time: ${localDateTime}`);
  const asIfUtc = new Date(`${match[1]}T${match[2]}:${match[3]}:${match[4] ?? '00'}${match[5] ?? ''}Z`);
  if (Number.isNaN(asIfUtc.getTime())) throw new RangeError(`Not a valid local date-time: ${localDateTime}`);
  return new Date(asIfUtc.getTime() - utcOffsetMinutes * MS_PER_MINUTE);
}

/** An ISO-8601 timestamp with an explicit offset ('...+03:00' or 'Z') -> instant and offset. */
export function parseOffsetDateTime(value: string): { instant: Date; utcOffsetMinutes: number } {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})$/.exec(value);
  if (!match) throw new RangeError(`Not a date-time with offset: ${value}`);
  const utcOffsetMinutes = match[2] === 'Z' ? 0 : parseOffset(match[2]);
  return { instant: localDateTimeToUtc(match[1], utcOffsetMinutes), utcOffsetMinutes };
}

/** '+05:30' / '-0700' -> minutes. */
export function parseOffset(offset: string): number {
  const match = /^([+-])(\d{2}):?(\d{2})$/.exec(offset);
  if (!match) throw new RangeError(`Not a UTC offset: ${offset}`);
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === '-' ? -minutes : minutes;
}

/** Minutes -> '+05:30'. */
export function formatOffset(utcOffsetMinutes: number): string {
  const sign = utcOffsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(utcOffsetMinutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** 'YYYY-MM-DD' plus `days` (negative to go back) -> 'YYYY-MM-DD'. Throws on an invalid date. */
export function addLocalDays(value: string, days: number): string {
  return formatLocalDate(addDays(parseLocalDate(value), days));
}

/** parseOffsetDateTime for untrusted input: null instead of throwing when `value` is not one. */
export function tryParseOffsetDateTime(value: unknown): { instant: Date; utcOffsetMinutes: number } | null {
  if (typeof value !== 'string') return null;
  try {
    return parseOffsetDateTime(value);
  } catch {
    return null;
  }
}
