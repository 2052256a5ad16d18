/**
 * Imports an Apple Health export (export.zip from Health -> profile -> Export All Health Data),
 * streamed end to end so memory stays bounded whatever the file's size:
 *
 *   yauzl reads the zip's central directory and inflates export.xml as a stream (sizes from the
 *   central directory, so data descriptors and exports of several GB are fine);
 *   saxes parses it element by element (the DTD in the file is skipped);
 *   every Record and Workout becomes a HealthKit sample of the push contract (dates
 *   "2026-01-15 06:10:02 -0700" keep their offsets; the device string's per-object pointer is
 *   dropped), mapped by the same mapper as pushed samples (a sample both pushed and imported is
 *   one record) and stored by the bulk path (src/ingest/bulk.ts): IMPORT_BATCH samples at a time,
 *   one raw payload per type and local day instead of one per sample, so a re-run changes nothing
 *   and a 1 GB export takes minutes, not hours.
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
import { importTally, storeBulk, type BulkSample, type ImportResult } from './bulk.js';
import { deviceConnection } from './service.js';

/** Samples per flush to the store (src/ingest/bulk.ts: bundles per type and day, set-based writes); reading pauses while one is stored. */
export const IMPORT_BATCH = 5000;
const MAX_METADATA_ENTRIES = 50;

export type { ImportResult, TypeCounts } from './bulk.js';

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

/** exportDevice per device string without its per-object pointer (the same few devices recur millions of times); a small cache. */
const deviceCache = new Map<string, Record<string, string> | undefined>();
function deviceOf(value: string | undefined): Record<string, string> | undefined {
  if (!value) return undefined;
  const key = value.replace(/^<<HKDevice: 0x[0-9a-fA-F]+>/, '');
  if (!deviceCache.has(key)) {
    if (deviceCache.size >= 1000) deviceCache.clear();
    deviceCache.set(key, exportDevice(value));
  }
  const device = deviceCache.get(key);
  return device && { ...device };
}

type Attrs = Record<string, string>;
type Converted = { item: RawItem } | { type: string; reason: string };

const num = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : Number(v));

function common(attrs: Attrs, metadata: Record<string, string>) {
  const startDate = exportDate(attrs.startDate);
  const endDate = exportDate(attrs.endDate);
  const device = deviceOf(attrs.device);
  return {
    startDate,
    endDate,
    fields: {
      sourceName: attrs.sourceName || 'unknown',
      ...(attrs.sourceVersion ? { sourceVersion: attrs.sourceVersion } : {}),
      ...(device ? { device } : {}),
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
  /** Samples per flush (default IMPORT_BATCH; tests use small ones to cross bundle boundaries). */
  batchSize?: number;
}

export interface ExportReadHandlers {
  /** Samples per onBatch call. */
  batchSize: number;
  /** A batch of converted samples; reading goes on while it is stored, up to the next batch (memory stays bounded by two batches and one chunk). */
  onBatch(samples: BulkSample[]): Promise<void>;
  /** Every element read: its type, and why it is not a sample (null when it is one). */
  onElement(type: string, skipReason: string | null): void;
  /** About twice a second, and once at the end. */
  onProgress?(bytesRead: number, bytesTotal: number): void;
}

/**
 * Reads export.xml (in its zip, or as is) into samples of the push contract, in batches. Touches
 * no database: the import stores the batches (importAppleExport), the bench times it alone.
 */
export async function readAppleExport(file: string, handlers: ExportReadHandlers): Promise<{ bytes: number; size: number }> {
  const head = Buffer.alloc(2);
  const fd = fs.openSync(file, 'r');
  fs.readSync(fd, head, 0, 2, 0);
  fs.closeSync(fd);
  const isZip = head.toString('latin1') === 'PK';
  const source = isZip ? await openExportXml(file) : { stream: fs.createReadStream(file), size: fs.statSync(file).size, close: () => {} };

  let pending: BulkSample[] = [];
  const parser = new SaxesParser({ position: false });
  let correlationDepth = 0;
  let record: { attrs: Attrs; metadata: Record<string, string> } | null = null;
  let workout: WorkoutParts | null = null;
  let activity = 0;
  const queue = (converted: Converted) => {
    if ('reason' in converted) {
      handlers.onElement(converted.type, converted.reason);
      return;
    }
    const { item } = converted;
    handlers.onElement(item.dataType, null);
    // The bundle's day: the sample's local start date, as the export wrote it.
    pending.push({ type: item.dataType, id: item.providerRecordId, record: item.payload, day: (item.payload as { startDate: string }).startDate.slice(0, 10) });
  };
  parser.on('opentag', (tag) => {
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
        handlers.onElement('ActivitySummary', 'not imported: the day is built from the samples themselves');
        return;
      case 'ClinicalRecord':
      case 'Audiogram':
      case 'VisionPrescription':
        handlers.onElement(tag.name, 'not imported: no place in the unified model');
        return;
    }
  });
  parser.on('closetag', (tag) => {
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

  let bytes = 0;
  let lastReport = 0;
  // One batch is stored while the next is read (the database's time overlaps the parser's); the
  // next store waits for it, so batches are stored in order and at most two are held.
  let storing: Promise<void> = Promise.resolve();
  const flush = async () => {
    if (!pending.length) return;
    const batch = pending;
    pending = [];
    await storing;
    storing = handlers.onBatch(batch);
    storing.catch(() => undefined); // awaited (and thrown) at the next flush or the end
  };
  try {
    (source.stream as NodeJS.ReadableStream & { setEncoding(e: string): void }).setEncoding('utf8');
    for await (const chunk of source.stream as AsyncIterable<string>) {
      bytes += Buffer.byteLength(chunk);
      parser.write(chunk);
      if (parseError) throw new Error(`export.xml is not well-formed: ${(parseError as Error).message}`);
      if (pending.length >= handlers.batchSize) await flush();
      if (handlers.onProgress && Date.now() - lastReport > 500) {
        lastReport = Date.now();
        handlers.onProgress(bytes, source.size);
      }
    }
    parser.close();
    if (parseError) throw new Error(`export.xml is not well-formed: ${(parseError as Error).message}`);
    await flush();
    await storing;
  } finally {
    source.close();
    await storing.catch(() => undefined);
  }
  handlers.onProgress?.(bytes, source.size);
  return { bytes, size: source.size };
}

/** Streams the export into the store; returns the counts. */
export async function importAppleExport(prisma: PrismaClient, options: ImportOptions): Promise<ImportResult> {
  const started = Date.now();
  const provider = deviceProviderById('APPLE_HEALTH');
  const owner = { userId: options.userId, provider: provider.id };
  if (!fs.existsSync(options.file)) throw new Error(`no file ${options.file}`);
  await deviceConnection(prisma, options.userId, provider.id);

  const tally = importTally();
  const { result } = tally;
  const read = await readAppleExport(options.file, {
    batchSize: options.batchSize ?? IMPORT_BATCH,
    onElement(type, skipReason) {
      tally.read(type);
      if (skipReason !== null) tally.skip(type, skipReason);
    },
    async onBatch(samples) {
      tally.stored(await storeBulk(prisma, owner, provider, samples, { source: 'export', workoutPriority: options.workoutPriority }));
    },
    onProgress: options.onProgress && ((bytesRead, bytesTotal) => options.onProgress!({ bytesRead, bytesTotal, records: result.records, imported: result.imported, skipped: result.skipped })),
  });
  result.bytes = read.bytes;
  result.seconds = (Date.now() - started) / 1000;
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
  options: Omit<ImportOptions, 'onProgress'> & {
    removeWhenDone?: boolean;
    logger?: Logger;
    /** The user's records changed (the scores recompute): the same hook as phone pushes and syncs. */
    onRecordsChanged?: (userId: string) => Promise<void>;
  },
): Promise<{ connectionId: string; runId: string; done: Promise<void> }> {
  const connection = await deviceConnection(prisma, options.userId, 'APPLE_HEALTH');
  const today = new Date(new Date().toISOString().slice(0, 10));
  const run = await prisma.syncRun.create({
    data: { connectionId: connection.id, kind: 'BACKFILL', windowFrom: today, windowTo: today, dataTypes: ['export.xml'], windowsTotal: 1000 },
  });
  // Updates in order: a progress write still in flight must not land after the final one.
  let written: Promise<unknown> = Promise.resolve();
  const update = (data: Prisma.SyncRunUpdateInput) => (written = written.then(() => prisma.syncRun.update({ where: { id: run.id }, data }).catch(() => undefined)));
  const recordsChanged = () =>
    options.onRecordsChanged?.(options.userId).catch((error) => options.logger?.warn('could not queue the scores recompute after an import', { userId: options.userId, error: (error as Error).message }));
  const done = (async () => {
    try {
      let result: ImportResult;
      try {
        result = await importAppleExport(prisma, {
          ...options,
          onProgress: (p) => void update({ windowsDone: p.bytesTotal ? Math.min(999, Math.floor((p.bytesRead / p.bytesTotal) * 1000)) : 0, fetched: p.records, created: p.imported, skipped: p.skipped }),
        });
      } finally {
        // Before the run says it is over: a finished run leaves no upload behind.
        if (options.removeWhenDone) fs.rmSync(options.file, { force: true });
      }
      // The scores are queued before the run says SUCCEEDED (whoever waits for the run finds them queued).
      if (result.recordsChanged) await recordsChanged();
      await update({
        status: 'SUCCEEDED', finishedAt: new Date(), windowsDone: 1000, fetched: result.records, created: result.imported, unchanged: result.unchanged, skipped: result.skipped,
        skippedReasons: summarizeImport(result).slice(0, 200) as never,
      });
      options.logger?.info('apple health export imported', { userId: options.userId, records: result.records, imported: result.imported, skipped: result.skipped, seconds: result.seconds });
    } catch (error) {
      // What was stored before the failure counts too.
      await recordsChanged();
      await update({ status: 'FAILED', finishedAt: new Date(), error: (error as Error).message.slice(0, 500) });
      options.logger?.warn('apple health export import failed', { userId: options.userId, error: (error as Error).message });
    }
  })();
  return { connectionId: encodeGlobalID('Connection', connection.id), runId: run.id, done };
}
