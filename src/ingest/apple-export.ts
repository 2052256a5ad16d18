/**
 * Imports an Apple Health export (export.zip from Health -> profile -> Export All Health Data),
 * streamed end to end so memory stays bounded whatever the file's size:
 *
 *   yauzl reads the zip's central directory and inflates export.xml as a stream (sizes from the
 *   central directory, so data descriptors and exports of several GB are fine);
 *   saxes parses it element by element (the DTD in the file is skipped);
 *   every Record and Workout becomes a HealthKit sample of the push contract (dates
 *   "2026-01-15 06:10:02 -0700" keep their offsets; the device string's per-object pointer is
 *   dropped), stored 1000 at a time through the same store as pushed samples, so a re-run changes
 *   nothing and a sample both pushed and imported is one record.
 *
 * Progress is on a SyncRun of the user's Apple Health connection (syncProgress: windowsDone /
 * windowsTotal are per mille of export.xml read); the result counts records per type: imported,
 * unchanged, skipped with reasons.
 */
import fs from 'node:fs';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { SaxesParser } from 'saxes';
import yauzl from 'yauzl';
import type { Prisma, PrismaClient } from '../generated/prisma/client.js';
import type { Provider } from '../generated/prisma/enums.js';
import type { Logger } from '../logger.js';
import type { Json } from '../normalize/records.js';
import { contentKey } from '../normalize/shares.js';
import { deviceProviderById } from '../providers/registry.js';
import type { RawItem } from '../providers/types.js';
import { storeItems } from '../sync/store.js';
import { deviceConnection } from './service.js';

export const IMPORT_BATCH = 1000;
const MAX_METADATA_ENTRIES = 50;

export interface TypeCounts {
  read: number;
  /** Stored (new, changed, or already there as it is). */
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
}

export interface ImportProgress {
  bytesRead: number;
  bytesTotal: number;
  records: number;
  imported: number;
  skipped: number;
}

/** "2026-01-15 06:10:02 -0700" -> "2026-01-15T06:10:02-07:00" (null when it is not that shape). */
export function exportDate(value: string | undefined): string | null {
  const m = value ? /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) ([+-]\d{2})(\d{2})$/.exec(value) : null;
  return m ? `${m[1]}T${m[2]}${m[3]}:${m[4]}` : null;
}

/** "<<HKDevice: 0x282d03020>, name:Apple Watch, manufacturer:Apple Inc., model:Watch, hardware:Watch5,4, software:7.6.2>" -> its fields. */
export function exportDevice(value: string | undefined): Record<string, string> | undefined {
  if (!value) return undefined;
  const device: Record<string, string> = {};
  const names: Record<string, string> = { name: 'name', manufacturer: 'manufacturer', model: 'model', hardware: 'hardwareVersion', software: 'softwareVersion' };
  for (const m of value.matchAll(/(?:^|, )(name|manufacturer|model|hardware|software):(.*?)(?=, (?:name|manufacturer|model|hardware|software|localIdentifier|UDIDeviceIdentifier):|>$|$)/g)) {
    device[names[m[1]]] = m[2];
  }
  return Object.keys(device).length ? device : undefined;
}

type Attrs = Record<string, string>;
type Converted = { item: RawItem } | { type: string; reason: string };

const num = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : Number(v));

function common(attrs: Attrs, metadata: Record<string, string>) {
  const startDate = exportDate(attrs.startDate);
  const endDate = exportDate(attrs.endDate);
  return {
    startDate,
    endDate,
    fields: {
      sourceName: attrs.sourceName || 'unknown',
      ...(attrs.sourceVersion ? { sourceVersion: attrs.sourceVersion } : {}),
      ...(exportDevice(attrs.device) ? { device: exportDevice(attrs.device) } : {}),
      ...(Object.keys(metadata).length ? { metadata } : {}),
    },
  };
}

/** A `Record` element (with its MetadataEntry children) -> the contract's HealthKit sample. */
export function convertRecord(attrs: Attrs, metadata: Record<string, string>): Converted {
  const type = attrs.type ?? 'unknown';
  const { startDate, endDate, fields } = common(attrs, metadata);
  if (!startDate || !endDate) return { type, reason: 'dates not in the export format (yyyy-MM-dd HH:mm:ss ±HHMM)' };
  const id = `export:${contentKey(type, fields.sourceName, startDate, endDate, attrs.value ?? '', attrs.unit ?? '')}`;
  if (type.startsWith('HKQuantityTypeIdentifier')) {
    const value = num(attrs.value);
    if (value === undefined || !Number.isFinite(value)) return { type, reason: 'value is not a number' };
    return { item: { dataType: type, providerRecordId: id, payload: { kind: 'quantity', uuid: id, type, value, unit: attrs.unit ?? 'count', startDate, endDate, ...fields } as Json } };
  }
  if (type.startsWith('HKCategoryTypeIdentifier')) {
    const raw = attrs.value ?? '';
    const value = /^-?\d+$/.test(raw) ? Number(raw) : raw;
    return { item: { dataType: type, providerRecordId: id, payload: { kind: 'category', uuid: id, type, value, startDate, endDate, ...fields } as Json } };
  }
  return { type, reason: 'not a HealthKit quantity or category sample' };
}

interface WorkoutParts {
  attrs: Attrs;
  metadata: Record<string, string>;
  statistics: Attrs[];
  activities: Attrs[];
  events: Attrs[];
}

const DURATION_UNITS: Record<string, number> = { s: 1, min: 60, hr: 3600, h: 3600 };

/** A `Workout` element (MetadataEntry, WorkoutStatistics, WorkoutActivity, WorkoutEvent children) -> the contract's workout. */
export function convertWorkout(w: WorkoutParts): Converted {
  const type = 'HKWorkout';
  const activityType = w.attrs.workoutActivityType ?? '';
  if (!/^HKWorkoutActivityType[A-Za-z]+$/.test(activityType)) return { type, reason: `unknown workoutActivityType "${activityType.slice(0, 60)}"` };
  const { startDate, endDate, fields } = common(w.attrs, w.metadata);
  if (!startDate || !endDate) return { type, reason: 'dates not in the export format (yyyy-MM-dd HH:mm:ss ±HHMM)' };
  const duration = (num(w.attrs.duration) ?? (Date.parse(endDate) - Date.parse(startDate)) / 1000) * (DURATION_UNITS[w.attrs.durationUnit ?? 's'] ?? 1);
  const quantity = (value: string | undefined, unit: string | undefined) => (num(value) !== undefined && unit ? { value: num(value)!, unit } : undefined);
  const statistics = w.statistics
    .filter((s) => s.type?.startsWith('HKQuantityTypeIdentifier') && s.unit)
    .map((s) => {
      const out: Record<string, string | number> = { type: s.type, unit: s.unit };
      for (const key of ['sum', 'average', 'minimum', 'maximum'] as const) if (num(s[key]) !== undefined && Number.isFinite(num(s[key]))) out[key] = num(s[key])!;
      return out;
    });
  const activities = w.activities.flatMap((a) => {
    const start = exportDate(a.startDate);
    const end = exportDate(a.endDate);
    return start && end ? [{ ...(a.uuid ? { uuid: a.uuid } : {}), workoutActivityType: a.workoutActivityType ?? activityType, startDate: start, endDate: end }] : [];
  });
  const events = w.events.flatMap((e) => {
    const date = exportDate(e.date);
    return date && e.type ? [{ type: e.type, date, ...(num(e.duration) !== undefined ? { duration: num(e.duration)! } : {}) }] : [];
  });
  const id = `export:${contentKey(type, activityType, fields.sourceName, startDate, endDate)}`;
  const payload = {
    kind: 'workout',
    uuid: id,
    workoutActivityType: activityType,
    duration: Number.isFinite(duration) && duration >= 0 ? duration : 0,
    ...(quantity(w.attrs.totalEnergyBurned, w.attrs.totalEnergyBurnedUnit) ? { totalEnergyBurned: quantity(w.attrs.totalEnergyBurned, w.attrs.totalEnergyBurnedUnit) } : {}),
    ...(quantity(w.attrs.totalDistance, w.attrs.totalDistanceUnit) ? { totalDistance: quantity(w.attrs.totalDistance, w.attrs.totalDistanceUnit) } : {}),
    ...(statistics.length ? { statistics } : {}),
    ...(activities.length ? { activities } : {}),
    ...(events.length ? { events } : {}),
    startDate,
    endDate,
    ...fields,
  };
  return { item: { dataType: type, providerRecordId: id, payload: payload as Json } };
}

/** The export's XML entry: the largest .xml that is not the clinical export (its name is localized in some iOS versions). */
async function openExportXml(file: string): Promise<{ stream: NodeJS.ReadableStream; size: number; close: () => void }> {
  const zip = await yauzl.openPromise(file, { lazyEntries: true, autoClose: false });
  let best: yauzl.Entry | null = null;
  for await (const entry of zip.eachEntry()) {
    if (!/\.xml$/i.test(entry.fileName) || /export_cda\.xml$/i.test(entry.fileName)) continue;
    if (!best || entry.uncompressedSize > best.uncompressedSize) best = entry;
  }
  if (!best) {
    zip.close();
    throw new Error('no export.xml in this zip (is it an Apple Health export?)');
  }
  const stream = await zip.openReadStreamPromise(best);
  return { stream, size: best.uncompressedSize, close: () => zip.close() };
}

export interface ImportOptions {
  userId: string;
  /** The export.zip, or an export.xml as is. */
  file: string;
  workoutPriority?: readonly Provider[];
  onProgress?: (progress: ImportProgress) => void;
}

/** Streams the export into the store; returns the counts. */
export async function importAppleExport(prisma: PrismaClient, options: ImportOptions): Promise<ImportResult> {
  const started = Date.now();
  const provider = deviceProviderById('APPLE_HEALTH');
  const owner = { userId: options.userId, provider: provider.id };
  const head = Buffer.alloc(2);
  const fd = fs.openSync(options.file, 'r');
  fs.readSync(fd, head, 0, 2, 0);
  fs.closeSync(fd);
  const isZip = head.toString('latin1') === 'PK';
  const source = isZip ? await openExportXml(options.file) : { stream: fs.createReadStream(options.file), size: fs.statSync(options.file).size, close: () => {} };
  await deviceConnection(prisma, options.userId, provider.id);

  const byType: Record<string, TypeCounts> = {};
  const counts = (type: string) => (byType[type] ??= { read: 0, stored: 0, skipped: 0, reasons: {} });
  const skipType = (type: string, reason: string) => {
    const c = counts(type);
    c.skipped++;
    c.reasons[reason] = (c.reasons[reason] ?? 0) + 1;
  };
  const result: ImportResult = { records: 0, imported: 0, unchanged: 0, skipped: 0, byType, bytes: 0, seconds: 0 };

  let pending: RawItem[] = [];
  const flush = async () => {
    if (!pending.length) return;
    const batch = pending;
    pending = [];
    const stored = await storeItems(prisma, owner, batch, (payload, item) => provider.map(item.dataType, payload), { workoutPriority: options.workoutPriority });
    const skippedIds = new Set<string>();
    for (const r of stored.skippedReasons) {
      // Field notes ("x nulled: ...") leave the record imported; only whole-record skips count as skipped.
      if (/ nulled: /.test(r.reason)) continue;
      skippedIds.add(r.providerRecordId);
      skipType(r.dataType, r.reason);
    }
    result.unchanged += stored.unchanged;
    for (const item of batch) if (!skippedIds.has(item.providerRecordId)) counts(item.dataType).stored++;
    result.imported += stored.created + stored.updated;
    result.skipped += stored.skipped;
  };

  const parser = new SaxesParser({ position: false });
  let depth = 0;
  let correlationDepth = 0;
  let record: { attrs: Attrs; metadata: Record<string, string> } | null = null;
  let workout: WorkoutParts | null = null;
  let activity = 0;
  const queue = (converted: Converted) => {
    result.records++;
    if ('reason' in converted) {
      counts(converted.type).read++;
      skipType(converted.type, converted.reason);
      result.skipped++;
      return;
    }
    counts(converted.item.dataType).read++;
    pending.push(converted.item);
  };
  parser.on('opentag', (tag) => {
    depth++;
    const attrs = tag.attributes as Attrs;
    switch (tag.name) {
      case 'Record':
        if (correlationDepth) return; // inside a Correlation: the same samples are also top-level
        if (workout) return;
        record = { attrs, metadata: {} };
        return;
      case 'MetadataEntry': {
        const target = record?.metadata ?? (workout && !activity ? workout.metadata : null);
        if (target && attrs.key && Object.keys(target).length < MAX_METADATA_ENTRIES) target[attrs.key] = attrs.value ?? '';
        return;
      }
      case 'Workout':
        workout = { attrs, metadata: {}, statistics: [], activities: [], events: [] };
        return;
      case 'WorkoutActivity':
        activity++;
        workout?.activities.push(attrs);
        return;
      case 'WorkoutStatistics':
        if (workout && !activity) workout.statistics.push(attrs);
        return;
      case 'WorkoutEvent':
        if (workout && !activity) workout.events.push(attrs);
        return;
      case 'Correlation':
        correlationDepth++;
        return;
      case 'ActivitySummary':
        result.records++;
        counts('ActivitySummary').read++;
        skipType('ActivitySummary', 'not imported: the day is built from the samples themselves');
        result.skipped++;
        return;
      case 'ClinicalRecord':
      case 'Audiogram':
      case 'VisionPrescription':
        result.records++;
        counts(tag.name).read++;
        skipType(tag.name, 'not imported: no place in the unified model');
        result.skipped++;
        return;
    }
  });
  parser.on('closetag', (tag) => {
    depth--;
    if (tag.name === 'Record' && record) {
      queue(convertRecord(record.attrs, record.metadata));
      record = null;
    } else if (tag.name === 'Workout' && workout) {
      queue(convertWorkout(workout));
      workout = null;
    } else if (tag.name === 'WorkoutActivity') activity--;
    else if (tag.name === 'Correlation') correlationDepth--;
  });
  let parseError: Error | null = null;
  parser.on('error', (error: Error) => {
    parseError ??= error;
  });

  let lastReport = 0;
  try {
    (source.stream as NodeJS.ReadableStream & { setEncoding(e: string): void }).setEncoding('utf8');
    for await (const chunk of source.stream as AsyncIterable<string>) {
      result.bytes += Buffer.byteLength(chunk);
      parser.write(chunk);
      if (parseError) throw new Error(`export.xml is not well-formed: ${(parseError as Error).message}`);
      // Reading pauses while a batch is stored: memory stays bounded by the batch and one chunk.
      if (pending.length >= IMPORT_BATCH) await flush();
      if (options.onProgress && Date.now() - lastReport > 500) {
        lastReport = Date.now();
        options.onProgress({ bytesRead: result.bytes, bytesTotal: source.size, records: result.records, imported: result.imported, skipped: result.skipped });
      }
    }
    parser.close();
    if (parseError) throw new Error(`export.xml is not well-formed: ${(parseError as Error).message}`);
    await flush();
  } finally {
    source.close();
  }
  result.seconds = (Date.now() - started) / 1000;
  options.onProgress?.({ bytesRead: result.bytes, bytesTotal: source.size, records: result.records, imported: result.imported, skipped: result.skipped });
  return result;
}

/** Per-type summary lines (also kept on the SyncRun as its skippedReasons). */
export function summarizeImport(result: ImportResult): { dataType: string; providerRecordId: string; reason: string }[] {
  return Object.entries(result.byType).flatMap(([type, c]) =>
    Object.entries(c.reasons).map(([reason, n]) => ({ dataType: type, providerRecordId: `${n} records`, reason })),
  );
}

/**
 * Starts an import in the background with a SyncRun to follow (the upload endpoint). The run's
 * windowsDone/windowsTotal are per mille of export.xml read.
 */
export async function startExportImport(
  prisma: PrismaClient,
  options: Omit<ImportOptions, 'onProgress'> & { removeWhenDone?: boolean; logger?: Logger },
): Promise<{ connectionId: string; runId: string; done: Promise<void> }> {
  const connection = await deviceConnection(prisma, options.userId, 'APPLE_HEALTH');
  const today = new Date(new Date().toISOString().slice(0, 10));
  const run = await prisma.syncRun.create({
    data: { connectionId: connection.id, kind: 'BACKFILL', windowFrom: today, windowTo: today, dataTypes: ['export.xml'], windowsTotal: 1000 },
  });
  // Updates in order: a progress write still in flight must not land after the final one.
  let written: Promise<unknown> = Promise.resolve();
  const update = (data: Prisma.SyncRunUpdateInput) => (written = written.then(() => prisma.syncRun.update({ where: { id: run.id }, data }).catch(() => undefined)));
  const done = (async () => {
    try {
      const result = await importAppleExport(prisma, {
        ...options,
        onProgress: (p) => void update({ windowsDone: p.bytesTotal ? Math.min(999, Math.floor((p.bytesRead / p.bytesTotal) * 1000)) : 0, fetched: p.records, created: p.imported, skipped: p.skipped }),
      });
      await update({
        status: 'SUCCEEDED', finishedAt: new Date(), windowsDone: 1000, fetched: result.records, created: result.imported, unchanged: result.unchanged, skipped: result.skipped,
        skippedReasons: summarizeImport(result).slice(0, 200) as never,
      });
      options.logger?.info('apple health export imported', { userId: options.userId, records: result.records, imported: result.imported, skipped: result.skipped, seconds: result.seconds });
    } catch (error) {
      await update({ status: 'FAILED', finishedAt: new Date(), error: (error as Error).message.slice(0, 500) });
      options.logger?.warn('apple health export import failed', { userId: options.userId, error: (error as Error).message });
    } finally {
      if (options.removeWhenDone) fs.rmSync(options.file, { force: true });
    }
  })();
  return { connectionId: encodeGlobalID('Connection', connection.id), runId: run.id, done };
}
