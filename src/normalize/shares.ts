/**
 * Building the shares (records.ts ShareRecord) device providers map their interval samples to:
 * the day a sample counts towards and the night a sleep-stage sample belongs to, from the
 * sample's own UTC offset.
 */
import { createHash } from 'node:crypto';
import type { DailyShareField, NormalizedRecord, SleepShareStage } from './records.js';
import { formatLocalDate, localDateOf, localDateTimeToUtc } from './time.js';

/** A short stable id for content that has no id of its own (an export's samples): same content, same id. */
export function contentKey(...parts: (string | number)[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('base64url').slice(0, 22);
}

interface Span {
  start: Date;
  end: Date;
  utcOffsetMinutes: number;
}

/** A sample's share of its local day (the day it starts on, in the sample's own offset). */
export function dailyShare(span: Span, entryId: string, source: string, field: DailyShareField, value: number, sourceDevice: string | null): NormalizedRecord {
  const localDate = localDateOf(span.start, span.utcOffsetMinutes);
  const day = formatLocalDate(localDate);
  const startTime = localDateTimeToUtc(`${day}T00:00:00`, span.utcOffsetMinutes);
  return {
    kind: 'share',
    record: {
      table: 'DailyActivity',
      providerRecordId: `day:${day}`,
      localDate,
      startTime,
      endTime: new Date(startTime.getTime() + 86_400_000),
      utcOffsetMinutes: span.utcOffsetMinutes,
      sourceDevice,
      entryId,
      source,
      field,
      value,
    },
  };
}

/** Hour (local) from which a sleep sample counts towards the next morning's night. */
export const NIGHT_STARTS_AT_HOUR = 18;

/** The night (the local date of the morning it ends) a sleep sample ending at `end` belongs to. */
export function nightOf(end: Date, utcOffsetMinutes: number): Date {
  return localDateOf(new Date(end.getTime() + (24 - NIGHT_STARTS_AT_HOUR) * 3_600_000), utcOffsetMinutes);
}

/** A sleep-stage sample's share of its night. */
export function nightShare(span: Span, entryId: string, source: string, stage: SleepShareStage, sourceDevice: string | null): NormalizedRecord {
  const localDate = nightOf(span.end, span.utcOffsetMinutes);
  return {
    kind: 'share',
    record: {
      table: 'SleepSession',
      providerRecordId: `night:${formatLocalDate(localDate)}`,
      localDate,
      startTime: span.start,
      endTime: span.end,
      utcOffsetMinutes: span.utcOffsetMinutes,
      sourceDevice,
      entryId,
      source,
      stage,
    },
  };
}
