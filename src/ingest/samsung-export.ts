/**
 * Imports a Samsung Health export (Samsung Health -> Settings -> Download personal data: a folder
 * samsunghealth_<user>_<timestamp>/ of CSV files, or that folder zipped). Each CSV is named after
 * its table (com.samsung.shealth.tracker.heart_rate.<timestamp>.csv); its first line is metadata
 * (table name, id, row count), the second the column names (often prefixed with the table's name:
 * com.samsung.health.heart_rate.start_time), then one row per data point, times in UTC
 * ("2026-01-10 07:05:00.000") with the zone offset in a column of its own ("UTC+0100").
 *
 * The tables read are turned into data points of the push contract (samsung-health), mapped by the
 * same mapper as pushed ones, and stored by the bulk path (src/ingest/bulk.ts: one raw payload per
 * type and local day, a re-run all unchanged):
 *   ...tracker.pedometer_step_count -> STEPS { count }
 *   ...tracker.heart_rate           -> HEART_RATE { heartRate }
 *   ...exercise                     -> EXERCISE { exerciseType, duration (ms), calorie, distance, meanHeartRate, maxHeartRate }
 *   ...weight                       -> BODY_COMPOSITION { weight, bodyFat }
 *   ...tracker.oxygen_saturation    -> BLOOD_OXYGEN { oxygenSaturation }
 * Other files (sleep: its stage codes are not settled from public material; stress, food, ...)
 * are counted as skipped with the reason, and so is a row without an id, a time or its value.
 * Files are read as streams (a zip's entries inflated one at a time), the text in UTF-8 or UTF-16LE.
 */
import fs from 'node:fs';
import path from 'node:path';
import yauzl from 'yauzl';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { Provider } from '../generated/prisma/enums.js';
import type { Json } from '../normalize/records.js';
import { deviceProviderById } from '../providers/registry.js';
import type { ImportProgress } from './apple-export.js';
import { importTally, storeBulk, type BulkSample, type ImportResult } from './bulk.js';
import { csvRows } from './csv.js';
import { deviceConnection } from './service.js';

export const SAMSUNG_IMPORT_BATCH = 5000;

type Row = Record<string, string>;
type Converted = { type: string; id: string; record: Json; day: string } | { skip: string };

/** Samsung's exercise_type codes known from public material; others keep their code (sport OTHER). */
const EXERCISE_TYPES: Record<string, string> = { 1001: 'WALKING', 1002: 'RUNNING' };

/** "UTC+0100" / "UTC-0530" -> "+01:00" / "-05:30" (null when it is not that shape). */
export function samsungOffset(value: string | undefined): string | null {
  const m = value ? /^UTC([+-])(\d{2})(\d{2})$/.exec(value.trim()) : null;
  return m ? `${m[1]}${m[2]}:${m[3]}` : null;
}

/** "2026-01-10 07:05:00.000" (UTC) -> "2026-01-10T07:05:00.000Z" (null when it is not that shape). */
export function samsungInstant(value: string | undefined): string | null {
  const m = value ? /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(\.\d{1,3})?$/.exec(value.trim()) : null;
  return m ? `${m[1]}T${m[2]}${m[3] ?? '.000'}Z` : null;
}

/** The local date of a UTC instant at an offset like "+01:00". */
function localDay(instant: string, offset: string): string {
  const sign = offset[0] === '-' ? -1 : 1;
  const minutes = sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
  return new Date(Date.parse(instant) + minutes * 60_000).toISOString().slice(0, 10);
}

const number = (v: string | undefined): number | undefined => (v === undefined || v.trim() === '' || !Number.isFinite(Number(v)) ? undefined : Number(v));

interface Table {
  dataType: string;
  /** The row's values in the SDK's names, or the reason it cannot be one. */
  values(row: Row): Record<string, Json> | string;
  interval: boolean;
}

/** Which tables are read, by the table name's end (files are named <table>.<timestamp>.csv). */
const TABLES: [RegExp, Table][] = [
  [/\.tracker\.pedometer_step_count$/, { dataType: 'STEPS', interval: true, values: (r) => (number(r.count) === undefined ? 'no count' : { count: number(r.count)! }) }],
  [/\.tracker\.heart_rate$/, { dataType: 'HEART_RATE', interval: false, values: (r) => (number(r.heart_rate) === undefined ? 'no heart_rate' : { heartRate: number(r.heart_rate)! }) }],
  [/\.tracker\.oxygen_saturation$/, { dataType: 'BLOOD_OXYGEN', interval: false, values: (r) => (number(r.spo2) === undefined ? 'no spo2' : { oxygenSaturation: number(r.spo2)! }) }],
  [/\.health\.weight$/, {
    dataType: 'BODY_COMPOSITION', interval: false,
    values: (r) => (number(r.weight) === undefined ? 'no weight' : { weight: number(r.weight)!, ...(number(r.body_fat) !== undefined ? { bodyFat: number(r.body_fat)! } : {}) }),
  }],
  [/\.shealth\.exercise$/, {
    dataType: 'EXERCISE', interval: true,
    values: (r) => {
      if (!r.exercise_type) return 'no exercise_type';
      const values: Record<string, Json> = { exerciseType: EXERCISE_TYPES[r.exercise_type] ?? `CODE_${r.exercise_type}` };
      for (const [column, name] of [['duration', 'duration'], ['calorie', 'calorie'], ['distance', 'distance'], ['mean_heart_rate', 'meanHeartRate'], ['max_heart_rate', 'maxHeartRate']] as const) {
        if (number(r[column]) !== undefined) values[name] = number(r[column])!;
      }
      return values;
    },
  }],
];

/** The table a file holds: from its first line (table name), else its file name. */
function tableOf(name: string): { name: string; table: Table | null } {
  const base = name.replace(/\.\d{10,}\.csv$/i, '').replace(/\.csv$/i, '');
  return { name: base, table: TABLES.find(([re]) => re.test(base))?.[1] ?? null };
}

/** One CSV row -> the contract's data point. Pure. */
export function convertRow(table: Table, row: Row): Converted {
  const uid = row.datauuid?.trim();
  if (!uid) return { skip: 'no datauuid' };
  const start = samsungInstant(row.start_time ?? row.create_time);
  if (!start) return { skip: 'start_time not in the export format (yyyy-MM-dd HH:mm:ss.SSS, UTC)' };
  const offset = samsungOffset(row.time_offset);
  if (!offset) return { skip: 'time_offset not in the export format (UTC+hhmm)' };
  const end = table.interval ? samsungInstant(row.end_time) : null;
  const values = table.values(row);
  if (typeof values === 'string') return { skip: values };
  const record = {
    dataType: table.dataType,
    uid,
    startTime: start,
    ...(end ? { endTime: end } : {}),
    zoneOffset: offset,
    dataSource: { appId: row.pkg_name?.trim() || 'com.sec.android.app.shealth', ...(row.deviceuuid?.trim() ? { deviceId: row.deviceuuid.trim() } : {}) },
    values,
  };
  return { type: table.dataType, id: uid, record: record as Json, day: localDay(start, offset) };
}

interface CsvFile {
  name: string;
  size: number;
  open(): Promise<NodeJS.ReadableStream>;
}

/** The export's CSV files: a folder (its CSVs, at any depth) or a zip of it. */
async function listFiles(input: string): Promise<{ files: CsvFile[]; close(): void }> {
  if (fs.statSync(input).isDirectory()) {
    const files: CsvFile[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (/\.csv$/i.test(entry.name)) files.push({ name: entry.name, size: fs.statSync(full).size, open: async () => fs.createReadStream(full) });
      }
    };
    walk(input);
    return { files: files.sort((a, b) => (a.name < b.name ? -1 : 1)), close: () => {} };
  }
  const zip = await yauzl.openPromise(input, { lazyEntries: true, autoClose: false });
  const files: CsvFile[] = [];
  for await (const entry of zip.eachEntry()) {
    if (/\.csv$/i.test(entry.fileName)) files.push({ name: path.basename(entry.fileName), size: entry.uncompressedSize, open: () => zip.openReadStreamPromise(entry) });
  }
  return { files: files.sort((a, b) => (a.name < b.name ? -1 : 1)), close: () => zip.close() };
}

export interface SamsungImportOptions {
  userId: string;
  /** The export folder, or its zip. */
  file: string;
  workoutPriority?: readonly Provider[];
  onProgress?: (progress: ImportProgress) => void;
  batchSize?: number;
}

/** Streams the export's CSV files into the store; counts per type (skipped files under their table's name). */
export async function importSamsungExport(prisma: PrismaClient, options: SamsungImportOptions): Promise<ImportResult> {
  const started = Date.now();
  const provider = deviceProviderById('SAMSUNG_HEALTH');
  const owner = { userId: options.userId, provider: provider.id };
  if (!fs.existsSync(options.file)) throw new Error(`no file or folder ${options.file}`);
  const { files, close } = await listFiles(options.file);
  if (files.length === 0) {
    close();
    throw new Error('no CSV files here (is it a Samsung Health "Download personal data" folder or its zip?)');
  }
  await deviceConnection(prisma, options.userId, provider.id);
  const tally = importTally();
  const { result } = tally;
  const bytesTotal = files.reduce((n, f) => n + f.size, 0);
  const batchSize = options.batchSize ?? SAMSUNG_IMPORT_BATCH;
  let pending: BulkSample[] = [];
  const flush = async () => {
    if (!pending.length) return;
    tally.stored(await storeBulk(prisma, owner, provider, pending.splice(0), { source: 'samsung-csv', workoutPriority: options.workoutPriority }));
  };
  let lastReport = 0;
  const progress = (force = false) => {
    if (!options.onProgress || (!force && Date.now() - lastReport < 500)) return;
    lastReport = Date.now();
    options.onProgress({ bytesRead: result.bytes, bytesTotal, records: result.records, imported: result.imported, skipped: result.skipped });
  };
  try {
    for (const file of files) {
      let { name, table } = tableOf(file.name);
      let header: string[] | null = null;
      let line = 0;
      for await (const cells of csvRows((await file.open()) as AsyncIterable<Buffer>, (n) => (result.bytes += n))) {
        line++;
        if (line === 1) {
          // Metadata: table name, id, row count. The table name says what the file holds.
          const named = cells[0]?.trim();
          if (named && /^com\.samsung\./.test(named)) ({ name, table } = tableOf(named));
          continue;
        }
        if (line === 2) {
          // Column names without the table prefix (com.samsung.health.heart_rate.start_time -> start_time).
          header = cells.map((c) => c.trim().replace(/^.*\./, ''));
          continue;
        }
        if (cells.length === 1 && cells[0].trim() === '') continue;
        const type = table?.dataType ?? name;
        tally.read(type);
        if (!table) {
          tally.skip(type, 'not imported: this table has no place here yet');
          continue;
        }
        const row: Row = {};
        header!.forEach((column, i) => {
          if (column && cells[i] !== undefined) row[column] = cells[i];
        });
        const converted = convertRow(table, row);
        if ('skip' in converted) {
          tally.skip(type, converted.skip);
          continue;
        }
        pending.push(converted);
        if (pending.length >= batchSize) await flush();
        progress();
      }
    }
    await flush();
  } finally {
    close();
  }
  result.seconds = (Date.now() - started) / 1000;
  progress(true);
  return result;
}
