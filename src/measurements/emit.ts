/**
 * How a provider mapper emits measurements: read each raw value through the mapper's FieldReader
 * against the catalogue's range, and get back `measurement` records for the values that pass.
 * A value that is present but unusable (not a number, out of range) becomes a field issue, which
 * the sync run records as "<field> nulled: <reason>"; an absent value (undefined / null) emits
 * nothing. Pure, like the mappers that call it.
 *
 *   const r = new FieldReader();
 *   const records = emitMeasurements(r, { providerRecordId: day, startTime, endTime, utcOffsetMinutes: offset, sourceDevice: null }, [
 *     ['spo2_percent', 'spo2_percentage.average', o.spo2_percentage?.average],
 *     ['breathing_disturbance_index', 'breathing_disturbance_index', o.breathing_disturbance_index],
 *   ]);
 *   return mapped([...otherRecords, ...records], r.issues);
 */
import { localDateOf } from '../normalize/time.js';
import type { NormalizedRecord } from '../normalize/records.js';
import type { FieldReader } from '../normalize/units.js';
import { METRICS, type MetricId } from './catalogue.js';

export interface MeasurementFrame {
  /** The provider's id for what the values come from; with the metric, it is the upsert key. */
  providerRecordId: string;
  startTime: Date;
  /** For interval metrics: the end of the interval (null or absent for instant readings). */
  endTime?: Date | null;
  utcOffsetMinutes: number;
  /** The wearer's local date; defaults to the local date of startTime at the offset. */
  localDate?: Date;
  sourceDevice?: string | null;
}

/** [metric, payload field name (for the issue), raw value] */
export type MeasurementInput = readonly [MetricId, string, unknown];

export function emitMeasurements(r: FieldReader, frame: MeasurementFrame, inputs: readonly MeasurementInput[]): NormalizedRecord[] {
  const out: NormalizedRecord[] = [];
  for (const [metric, field, raw] of inputs) {
    const value = r.num(field, raw, METRICS[metric].range);
    if (value === null) continue;
    out.push({
      kind: 'measurement',
      record: {
        metric,
        providerRecordId: frame.providerRecordId,
        sourceDevice: frame.sourceDevice ?? null,
        startTime: frame.startTime,
        endTime: frame.endTime ?? null,
        utcOffsetMinutes: frame.utcOffsetMinutes,
        localDate: frame.localDate ?? localDateOf(frame.startTime, frame.utcOffsetMinutes),
        value,
      },
    });
  }
  return out;
}
