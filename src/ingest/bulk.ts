/**
 * The bulk path of imports (Apple Health export.xml, Samsung Health CSV): many samples per raw
 * payload instead of one RawPayload row each. The samples of one type and one local day go into
 * one bundle (src/providers/bundle.ts) whose key is stable, so
 *
 * - a sample met again (a re-run of the same file, a later export holding the same days) is
 *   recognised inside its bundle and counted unchanged: nothing is written for it;
 * - a bundle met in several flushes (its day spans a flush boundary, or the file is not sorted)
 *   is merged with what is stored: records are only ever added to a bundle, never lost;
 * - only the samples new to their bundle are mapped (by the provider's pure per-record mapper),
 *   and the merged bundle plus their records are written by the same store as everything else
 *   (storeItems: raw payloads, then the records in one transaction, shares, heart-rate samples,
 *   measurements, workout links, the scores' dirty mark);
 * - a bundle whose records were never written (normalizedAt null: a crash between the store's two
 *   commits) is mapped whole again, so an interrupted import loses nothing on its next run;
 * - a replay maps every record of every bundle with the same mapper: the same rows.
 */
import { isDeepStrictEqual } from 'node:util';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { Provider } from '../generated/prisma/enums.js';
import type { Json } from '../normalize/records.js';
import { bundleDataType, bundleEntries, bundlePayload, mapEntries, type BundleEntry } from '../providers/bundle.js';
import type { DeviceProvider, RawItem } from '../providers/types.js';
import { storeItems, type Owner } from '../sync/store.js';

/** One sample of an import: its platform type, its id (stable across imports of the same data), the record as the push contract has it, and the local day it belongs to. */
export interface BulkSample {
  type: string;
  id: string;
  record: Json;
  /** 'YYYY-MM-DD': the day of the bundle it goes into. */
  day: string;
}

export interface BulkTypeCounts {
  /** Mapped and written (new, or changed in its bundle). */
  imported: number;
  /** Already stored as it is. */
  unchanged: number;
  skipped: number;
  /** reason -> count of skipped samples */
  reasons: Record<string, number>;
}

export interface BulkOutcome {
  byType: Map<string, BulkTypeCounts>;
  /** Whether any record was written (the scores then recompute). */
  changed: boolean;
}

export interface BulkOptions {
  /** Prefix of the bundles' keys: which importer made them ("export", "samsung-csv"). */
  source: string;
  workoutPriority?: readonly Provider[];
}

export const bundleKey = (source: string, type: string, day: string): string => `${source}:${type}:${day}`;

interface Group {
  type: string;
  key: string;
  entries: Map<string, Json>;
}

/** Stores a flush of an import's samples through bundles; counts per sample. */
export async function storeBulk(prisma: PrismaClient, owner: Owner, provider: DeviceProvider, samples: readonly BulkSample[], options: BulkOptions): Promise<BulkOutcome> {
  const byType = new Map<string, BulkTypeCounts>();
  const counts = (type: string) => {
    let c = byType.get(type);
    if (!c) byType.set(type, (c = { imported: 0, unchanged: 0, skipped: 0, reasons: {} }));
    return c;
  };
  const groups = new Map<string, Group>();
  for (const sample of samples) {
    const key = bundleKey(options.source, sample.type, sample.day);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { type: sample.type, key, entries: new Map() }));
    // The same sample twice in one flush: stored once, the repetition counts unchanged.
    if (group.entries.has(sample.id)) counts(sample.type).unchanged++;
    group.entries.set(sample.id, sample.record);
  }
  if (groups.size === 0) return { byType, changed: false };

  const stored = await prisma.rawPayload.findMany({
    where: {
      provider: owner.provider,
      userId: owner.userId,
      dataType: { in: [...new Set([...groups.values()].map((g) => bundleDataType(g.type)))] },
      providerRecordId: { in: [...groups.keys()] },
    },
    select: { dataType: true, providerRecordId: true, payload: true, normalizedAt: true },
  });
  const storedByKey = new Map(stored.map((s) => [`${s.dataType}\u0000${s.providerRecordId}`, s]));

  const items: RawItem[] = [];
  /** Per bundle key: the entries to map, and which of them this flush brought (the ones counted). */
  const toMap = new Map<string, { entries: BundleEntry[]; counted: Set<string> }>();
  for (const group of groups.values()) {
    const existing = storedByKey.get(`${bundleDataType(group.type)}\u0000${group.key}`);
    const merged = new Map<string, Json>(bundleEntries(existing?.payload).map((e) => [e.id, e.record]));
    const interrupted = existing !== undefined && existing.normalizedAt === null;
    const fresh: BundleEntry[] = [];
    for (const [id, record] of group.entries) {
      if (!interrupted && merged.has(id) && isDeepStrictEqual(merged.get(id), record)) {
        counts(group.type).unchanged++;
        continue;
      }
      merged.set(id, record);
      fresh.push({ id, record });
    }
    if (fresh.length === 0 && !interrupted) continue;
    const all = [...merged].map(([id, record]) => ({ id, record }));
    toMap.set(group.key, { entries: interrupted ? all : fresh, counted: new Set(fresh.map((e) => e.id)) });
    items.push({ dataType: bundleDataType(group.type), providerRecordId: group.key, payload: bundlePayload(group.type, all) as unknown as Json });
  }
  if (items.length === 0) return { byType, changed: false };

  const typeOfKey = new Map([...groups.values()].map((g) => [g.key, g.type]));
  const result = await storeItems(
    prisma,
    owner,
    items,
    (_payload, item) => {
      const type = typeOfKey.get(item.providerRecordId)!;
      const plan = toMap.get(item.providerRecordId)!;
      return mapEntries(plan.entries, (record) => provider.map(type, record), (entry, outcome) => {
        if (!plan.counted.has(entry.id)) return;
        const c = counts(type);
        if (outcome.ok) c.imported++;
        else {
          c.skipped++;
          c.reasons[outcome.reason] = (c.reasons[outcome.reason] ?? 0) + 1;
        }
      });
    },
    // The bundles were compared above: the store maps what it is given.
    { force: true, workoutPriority: options.workoutPriority },
  );
  // Values the store refused (a measurement outside its metric's range): that sample is skipped.
  for (const r of result.skippedReasons) {
    if (!/^measurement .* refused: /.test(r.reason)) continue;
    const c = counts(typeOfKey.get(r.providerRecordId) ?? r.dataType);
    c.imported = Math.max(0, c.imported - 1);
    c.skipped++;
    c.reasons[r.reason.replace(/^measurement \S+ /, 'measurement ')] = (c.reasons[r.reason.replace(/^measurement \S+ /, 'measurement ')] ?? 0) + 1;
  }
  return { byType, changed: result.created + result.updated > 0 };
}

/** What one import counted per source type: read, stored (new, changed or already there), skipped with reasons. */
export interface TypeCounts {
  read: number;
  stored: number;
  skipped: number;
  /** reason -> count */
  reasons: Record<string, number>;
}

export interface ImportResult {
  records: number;
  imported: number;
  unchanged: number;
  skipped: number;
  byType: Record<string, TypeCounts>;
  bytes: number;
  seconds: number;
  /** Whether any record was written (derived data, the scores, then recompute). */
  recordsChanged: boolean;
}

/** The running counts of one export import (Apple Health, Samsung Health): one element read, skipped, or a bulk store's outcome. */
export function importTally() {
  const byType: Record<string, TypeCounts> = {};
  const result: ImportResult = { records: 0, imported: 0, unchanged: 0, skipped: 0, byType, bytes: 0, seconds: 0, recordsChanged: false };
  const counts = (type: string) => (byType[type] ??= { read: 0, stored: 0, skipped: 0, reasons: {} });
  const skip = (type: string, reason: string, n = 1) => {
    const c = counts(type);
    c.skipped += n;
    c.reasons[reason] = (c.reasons[reason] ?? 0) + n;
    result.skipped += n;
  };
  return {
    result,
    read(type: string) {
      result.records++;
      counts(type).read++;
    },
    skip,
    stored(outcome: BulkOutcome) {
      result.recordsChanged ||= outcome.changed;
      for (const [type, c] of outcome.byType) {
        counts(type).stored += c.imported + c.unchanged;
        for (const [reason, n] of Object.entries(c.reasons)) skip(type, reason, n);
        result.imported += c.imported;
        result.unchanged += c.unchanged;
      }
    },
  };
}
