/**
 * A bundle: many records of one device-provider type kept as ONE raw payload. Imports (an Apple
 * Health export holds millions of samples) store a type's records of one local day together
 * instead of one RawPayload row per sample (src/ingest/bulk.ts); the records inside are exactly
 * what a phone would push one by one, and they are mapped by the same per-record mapper, so a
 * replay of a bundle gives the same rows as the import did.
 *
 *   RawPayload.dataType          "bundle:<platform type>"  (never a pushed type: the push contract's
 *                                 types are HK…/…Record/SCREAMING_CASE names)
 *   RawPayload.providerRecordId  "<source>:<platform type>:<local day>" (stable: a later import
 *                                 of the same day merges into it)
 *   RawPayload.payload           { bundle: 1, type, records: [{ id, record }] }, sorted by id
 */
import type { Json, MapOutcome, NormalizedRecord, FieldIssue } from '../normalize/records.js';
import { mapped } from '../normalize/records.js';
import { asObj } from '../normalize/payload.js';

export const BUNDLE_PREFIX = 'bundle:';

export interface BundleEntry {
  id: string;
  record: Json;
}

export interface BundlePayload {
  bundle: 1;
  type: string;
  records: BundleEntry[];
}

export const bundleDataType = (type: string): string => `${BUNDLE_PREFIX}${type}`;

/** The platform type a bundle's records have, or null when `dataType` is not a bundle's. */
export const bundledType = (dataType: string): string | null => (dataType.startsWith(BUNDLE_PREFIX) ? dataType.slice(BUNDLE_PREFIX.length) : null);

const byId = (a: BundleEntry, b: BundleEntry) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The canonical payload (records sorted by id: the same set is the same JSON). */
export function bundlePayload(type: string, records: Iterable<BundleEntry>): BundlePayload {
  return { bundle: 1, type, records: [...records].sort(byId) };
}

/** The entries of a stored bundle payload (empty when it is not one). */
export function bundleEntries(payload: unknown): BundleEntry[] {
  const records = asObj(payload)?.records;
  if (!Array.isArray(records)) return [];
  return records.filter((e): e is BundleEntry => typeof asObj(e)?.id === 'string' && 'record' in (e as object));
}

/**
 * Maps the given entries one by one with the per-record mapper, in id order. A record the mapper
 * skips does not sink the others: its reason comes back as a field issue naming it
 * ("record <id>: skipped: <reason>"), the records' own field issues likewise.
 */
export function mapEntries(entries: readonly BundleEntry[], mapOne: (record: Json) => MapOutcome, onRecord?: (entry: BundleEntry, outcome: MapOutcome) => void): MapOutcome {
  const records: NormalizedRecord[] = [];
  const issues: FieldIssue[] = [];
  for (const entry of [...entries].sort(byId)) {
    let outcome: MapOutcome;
    try {
      outcome = mapOne(entry.record);
    } catch (error) {
      outcome = { ok: false, reason: `mapper failed: ${(error as Error).message}` };
    }
    onRecord?.(entry, outcome);
    if (!outcome.ok) {
      issues.push({ field: `record ${entry.id}`, reason: `skipped: ${outcome.reason}` });
      continue;
    }
    records.push(...outcome.records);
    for (const issue of outcome.nulledFields) issues.push({ field: `record ${entry.id}: ${issue.field}`, reason: issue.reason });
  }
  return mapped(records, issues);
}

/** A device provider's mapper that also reads bundles: a bundle maps to what its records map to. */
export function withBundles(mapOne: (dataType: string, payload: unknown) => MapOutcome): (dataType: string, payload: unknown) => MapOutcome {
  return (dataType, payload) => {
    const type = bundledType(dataType);
    if (type === null) return mapOne(dataType, payload);
    return mapEntries(bundleEntries(payload), (record) => mapOne(type, record));
  };
}
