/**
 * Plans the record writes of a batch of mapped payloads so that one upsert per row gives the
 * same rows as upserting every record one payload at a time:
 * writes to one row are folded (later fields win, a part's undefined fields are left out), parts'
 * extras are merged shallowly over what the row would hold at that point, and heart-rate samples
 * are de-duplicated by time (the first payload's sample is the one kept, as ON CONFLICT DO NOTHING
 * would keep it).
 */
import type { HeartRateSampleRecord, MeasurementRecord, NormalizedRecord, ShareRecord } from '../normalize/records.js';
import { measurementProblem } from '../measurements/catalogue.js';
import type { Span } from './duplicates.js';

export type RecordTable = 'Workout' | 'SleepSession' | 'Recovery' | 'DailyActivity' | 'Vo2MaxEstimate';

/** Record kinds stored as rows keyed by providerRecordId (heart rate, measurements and shares have their own statements). */
export type RowKind = Exclude<NormalizedRecord['kind'], 'heartRate' | 'measurement' | 'share'>;

export const TABLE_OF_KIND: Record<RowKind, RecordTable> = {
  workout: 'Workout',
  sleep: 'SleepSession',
  recovery: 'Recovery',
  recoveryPart: 'Recovery',
  dailyActivity: 'DailyActivity',
  dailyActivityPart: 'DailyActivity',
  vo2Max: 'Vo2MaxEstimate',
};

const PART_KINDS = new Set<NormalizedRecord['kind']>(['recoveryPart', 'dailyActivityPart']);

/** What the database holds before the batch: per table, the stored rows' extras by providerRecordId. */
export type ExistingRecords = Map<RecordTable, Map<string, unknown>>;

export interface RowWrite {
  providerRecordId: string;
  /** Column values; a column absent here is left as stored on update (default on insert). */
  columns: Record<string, unknown>;
  /** Index (in the batch) of the last payload that wrote this row: its raw payload id is linked. */
  payloadIndex: number;
}

export interface PlannedShare {
  share: ShareRecord;
  payloadIndex: number;
}

export interface PlannedSample {
  sample: HeartRateSampleRecord;
  payloadIndex: number;
}

export interface PlannedMeasurement {
  measurement: MeasurementRecord;
  payloadIndex: number;
}

/** A value the store will not write, and why (recorded in the sync run). */
export interface RefusedValue {
  payloadIndex: number;
  reason: string;
}

/** The upsert key of a measurement within one owner. */
export const measurementKey = (m: { metric: string; providerRecordId: string }) => `${m.metric}\u0000${m.providerRecordId}`;

export interface RecordPlan {
  rows: Map<RecordTable, Map<string, RowWrite>>;
  /** Samples' shares of aggregate rows (src/sync/share-sql.ts), the last one per entry kept. */
  shares: PlannedShare[];
  samples: PlannedSample[];
  /** By measurementKey; a later write of the same key wins (as a second upsert would). */
  measurements: Map<string, PlannedMeasurement>;
  /** Measurements outside the catalogue's range (or of an unknown metric): never written. */
  refused: RefusedValue[];
  /** Every workout write, in order (for duplicate linking). */
  workouts: (Span & { providerRecordId: string })[];
}

/**
 * Parts of one record keep their extras under their own top-level keys; a part must not erase
 * what another part stored, so extras are merged shallowly.
 */
export function withMergedExtras<T extends { extras?: unknown }>(data: T, existingExtras: unknown): T {
  if (!existingExtras || typeof existingExtras !== 'object' || data.extras === undefined) return data;
  return { ...data, extras: { ...(existingExtras as object), ...((data.extras as object) ?? {}) } };
}

export function planRecordWrites(payloads: { index: number; records: NormalizedRecord[] }[], existing: ExistingRecords): RecordPlan {
  const plan: RecordPlan = { rows: new Map(), shares: [], samples: [], measurements: new Map(), refused: [], workouts: [] };
  const shareAt = new Map<string, number>();
  // Per table: providerRecordId -> the extras the row holds at this point (null when none).
  const state = new Map<RecordTable, Map<string, unknown>>();
  const sampleTimes = new Set<number>();
  for (const { index, records } of payloads) {
    for (const record of records) {
      if (record.kind === 'heartRate') {
        for (const sample of record.samples) {
          const time = sample.time.getTime();
          if (sampleTimes.has(time)) continue;
          sampleTimes.add(time);
          plan.samples.push({ sample, payloadIndex: index });
        }
        continue;
      }
      if (record.kind === 'share') {
        const key = `${record.record.table}\u0000${record.record.providerRecordId}\u0000${record.record.entryId}`;
        const at = shareAt.get(key);
        if (at === undefined) shareAt.set(key, plan.shares.push({ share: record.record, payloadIndex: index }) - 1);
        else plan.shares[at] = { share: record.record, payloadIndex: index };
        continue;
      }
      if (record.kind === 'measurement') {
        const problem = measurementProblem(record.record.metric, record.record.value);
        if (problem) plan.refused.push({ payloadIndex: index, reason: `measurement ${record.record.providerRecordId} refused: ${problem}` });
        else plan.measurements.set(measurementKey(record.record), { measurement: record.record, payloadIndex: index });
        continue;
      }
      const table = TABLE_OF_KIND[record.kind];
      const key = record.record.providerRecordId;
      let rowsState = state.get(table);
      if (!rowsState) state.set(table, (rowsState = new Map(existing.get(table) ?? [])));
      const exists = rowsState.has(key);
      let data = record.record as { extras?: unknown };
      if (PART_KINDS.has(record.kind)) data = withMergedExtras(data, rowsState.get(key));
      rowsState.set(key, data.extras !== undefined ? data.extras : exists ? rowsState.get(key) : null);

      let tableRows = plan.rows.get(table);
      if (!tableRows) plan.rows.set(table, (tableRows = new Map()));
      const row = tableRows.get(key) ?? { providerRecordId: key, columns: {}, payloadIndex: index };
      for (const [column, value] of Object.entries(data)) if (value !== undefined) row.columns[column] = value;
      row.payloadIndex = index;
      tableRows.set(key, row);
      if (record.kind === 'workout') plan.workouts.push({ providerRecordId: key, startTime: record.record.startTime, endTime: record.record.endTime });
    }
  }
  return plan;
}
