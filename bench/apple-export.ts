/**
 * A synthetic Apple Health export of any size, and the import bench.
 *
 *   npx tsx bench/apple-export.ts generate <out.zip> [--mb 1100] [--days N]
 *       writes export.zip with apple_health_export/export.xml of about --mb MB (uncompressed):
 *       per day an iPhone and a Watch, steps, energy, distance, heart rate every 5 min, sleep stages,
 *       resting HR, HRV SDNN, SpO2, respiratory rate, body mass, a workout with WorkoutStatistics
 *       every other day, ActivitySummary and a Correlation; Denver time with a DST switch.
 *   npx tsx bench/apple-export.ts import <export.zip>   (DATABASE_URL or embedded DATA_DIR)
 *       imports it for a new user, prints records/s and peak RSS.
 *
 * The zip is written with a streaming deflate and a data descriptor (like the Health app's), no ZIP64:
 * up to 4 GiB uncompressed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import zlib from 'node:zlib';
import { performance } from 'node:perf_hooks';
import type { PrismaClient } from '../src/generated/prisma/client.js';

const pad = (n: number) => String(n).padStart(2, '0');

/** Denver: -0600 from the second Sunday of March to the first Sunday of November, else -0700 (close enough for a fake). */
function offsetOf(date: Date): string {
  const m = date.getUTCMonth() + 1;
  return m > 3 && m < 11 ? '-0600' : '-0700';
}
function stamp(day: Date, minute: number): string {
  const d = new Date(day.getTime() + minute * 60_000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${offsetOf(day)}`;
}

const WATCH = 'sourceName="Alex’s Apple Watch" sourceVersion="10.5" device="&lt;&lt;HKDevice: 0x283f4a1c0&gt;, name:Apple Watch, manufacturer:Apple Inc., model:Watch, hardware:Watch6,1, software:10.5&gt;"';
const PHONE = 'sourceName="Alex’s iPhone" sourceVersion="17.5"';

function record(source: string, type: string, unit: string | null, value: string | number, day: Date, start: number, end: number, children = ''): string {
  const u = unit ? ` unit="${unit}"` : '';
  return ` <Record type="${type}" ${source}${u} creationDate="${stamp(day, end)}" startDate="${stamp(day, start)}" endDate="${stamp(day, end)}" value="${value}"${children ? `>\n${children} </Record>` : '/>'}\n`;
}

function dayXml(day: Date, i: number): string {
  const Q = 'HKQuantityTypeIdentifier';
  let out = '';
  for (let h = 7; h <= 21; h++) {
    out += record(PHONE, `${Q}StepCount`, 'count', 280 + ((i * 7 + h) % 50), day, h * 60, h * 60 + 50);
    out += record(WATCH, `${Q}StepCount`, 'count', 300 + ((i * 11 + h) % 60), day, h * 60 + 2, h * 60 + 55);
    out += record(WATCH, `${Q}ActiveEnergyBurned`, 'Cal', (20 + (h % 7)).toFixed(3), day, h * 60, h * 60 + 59);
    out += record(WATCH, `${Q}DistanceWalkingRunning`, 'mi', (0.2 + (h % 5) / 100).toFixed(4), day, h * 60, h * 60 + 59);
    out += record(WATCH, `${Q}BasalEnergyBurned`, 'Cal', '68.2', day, h * 60, h * 60 + 59);
  }
  for (let m = 0; m < 1440; m += 5) {
    out += record(WATCH, `${Q}HeartRate`, 'count/min', 58 + ((m * 7 + i) % 45), day, m, m, '  <MetadataEntry key="HKMetadataKeyHeartRateMotionContext" value="1"/>\n');
  }
  const stages: [string, number, number][] = [['InBed', -80, 400], ['AsleepCore', -60, 50], ['AsleepDeep', 50, 110], ['AsleepREM', 110, 170], ['Awake', 170, 180], ['AsleepCore', 180, 320], ['AsleepREM', 320, 390]];
  for (const [stage, a, b] of stages) out += record(stage === 'InBed' ? PHONE : WATCH, 'HKCategoryTypeIdentifierSleepAnalysis', null, `HKCategoryValueSleepAnalysis${stage}`, day, a, b);
  out += record(WATCH, `${Q}RestingHeartRate`, 'count/min', 50 + (i % 6), day, 300, 300);
  out += record(WATCH, `${Q}HeartRateVariabilitySDNN`, 'ms', (40 + (i % 20)).toFixed(2), day, 360, 361,
    '  <HeartRateVariabilityMetadataList>\n   <InstantaneousBeatsPerMinute bpm="61" time="6:00:01.12 AM"/>\n  </HeartRateVariabilityMetadataList>\n');
  out += record(WATCH, `${Q}OxygenSaturation`, '%', '0.97', day, 240, 240);
  out += record(WATCH, `${Q}RespiratoryRate`, 'count/min', '14.5', day, 200, 230);
  if (i % 7 === 0) out += record(PHONE, `${Q}BodyMass`, 'lb', (165 + (i % 5) / 10).toFixed(1), day, 420, 420);
  if (i % 2 === 1) {
    out += ` <Workout workoutActivityType="HKWorkoutActivityTypeRunning" duration="45" durationUnit="min" ${WATCH} creationDate="${stamp(day, 1125)}" startDate="${stamp(day, 1080)}" endDate="${stamp(day, 1125)}">
  <MetadataEntry key="HKIndoorWorkout" value="0"/>
  <MetadataEntry key="HKTimeZone" value="America/Denver"/>
  <WorkoutEvent type="HKWorkoutEventTypeSegment" date="${stamp(day, 1080)}" duration="10" durationUnit="min"/>
  <WorkoutStatistics type="HKQuantityTypeIdentifierActiveEnergyBurned" startDate="${stamp(day, 1080)}" endDate="${stamp(day, 1125)}" sum="412.5" unit="Cal"/>
  <WorkoutStatistics type="HKQuantityTypeIdentifierDistanceWalkingRunning" startDate="${stamp(day, 1080)}" endDate="${stamp(day, 1125)}" sum="3.12" unit="mi"/>
  <WorkoutStatistics type="HKQuantityTypeIdentifierHeartRate" startDate="${stamp(day, 1080)}" endDate="${stamp(day, 1125)}" average="151" minimum="98" maximum="174" unit="count/min"/>
  <WorkoutRoute sourceName="Alex’s Apple Watch" sourceVersion="10.5" creationDate="${stamp(day, 1126)}" startDate="${stamp(day, 1080)}" endDate="${stamp(day, 1125)}">
   <FileReference path="/workout-routes/route_x.gpx"/>
  </WorkoutRoute>
 </Workout>\n`;
  }
  out += ` <Correlation type="HKCorrelationTypeIdentifierBloodPressure" ${PHONE} creationDate="${stamp(day, 480)}" startDate="${stamp(day, 480)}" endDate="${stamp(day, 480)}">\n` +
    record(PHONE, `${Q}BloodPressureSystolic`, 'mmHg', 121, day, 480, 480) + record(PHONE, `${Q}BloodPressureDiastolic`, 'mmHg', 79, day, 480, 480) + ' </Correlation>\n';
  out += record(PHONE, `${Q}BloodPressureSystolic`, 'mmHg', 121, day, 480, 480) + record(PHONE, `${Q}BloodPressureDiastolic`, 'mmHg', 79, day, 480, 480);
  const d = stamp(day, 0).slice(0, 10);
  out += ` <ActivitySummary dateComponents="${d}" activeEnergyBurned="412" activeEnergyBurnedGoal="500" activeEnergyBurnedUnit="Cal" appleMoveTime="0" appleMoveTimeGoal="0" appleExerciseTime="38" appleExerciseTimeGoal="30" appleStandHours="11" appleStandHoursGoal="12"/>\n`;
  return out;
}

const HEADER = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE HealthData [
<!-- HealthKit Export Version: 14 -->
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary|ClinicalRecord|Audiogram|VisionPrescription)*)>
<!ATTLIST HealthData locale CDATA #REQUIRED>
<!ELEMENT ExportDate EMPTY>
<!ATTLIST ExportDate value CDATA #REQUIRED>
<!ELEMENT Record ((MetadataEntry|HeartRateVariabilityMetadataList)*)>
<!ATTLIST Record type CDATA #REQUIRED unit CDATA #IMPLIED value CDATA #IMPLIED sourceName CDATA #REQUIRED sourceVersion CDATA #IMPLIED device CDATA #IMPLIED creationDate CDATA #IMPLIED startDate CDATA #REQUIRED endDate CDATA #REQUIRED>
]>
<HealthData locale="en_US">
 <ExportDate value="2026-12-01 09:00:00 -0700"/>
 <Me HKCharacteristicTypeIdentifierDateOfBirth="1990-04-02" HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexNotSet" HKCharacteristicTypeIdentifierBloodType="HKBloodTypeNotSet" HKCharacteristicTypeIdentifierFitzpatrickSkinType="HKFitzpatrickSkinTypeNotSet" HKCharacteristicTypeIdentifierCardioFitnessMedicationsUse="None"/>
`;

/** Writes a zip holding one deflated entry streamed from `chunks`; returns the uncompressed size. */
export async function writeExportZip(file: string, chunks: Iterable<string>): Promise<{ bytes: number; records: number }> {
  const out = fs.createWriteStream(file);
  const name = Buffer.from('apple_health_export/export.xml');
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(0x0008 | 0x0800, 6); // data descriptor, UTF-8 names
  local.writeUInt16LE(8, 8); // deflate
  local.writeUInt16LE(name.length, 26);
  out.write(local);
  out.write(name);
  let compressed = 0;
  let bytes = 0;
  let crc = 0;
  let records = 0;
  const deflate = zlib.createDeflateRaw({ level: 6 });
  deflate.on('data', (c: Buffer) => {
    compressed += c.length;
    if (!out.write(c)) deflate.pause();
  });
  out.on('drain', () => deflate.resume());
  for (const chunk of chunks) {
    const b = Buffer.from(chunk);
    bytes += b.length;
    crc = zlib.crc32(b, crc);
    records += (chunk.match(/<(Record|Workout|ActivitySummary) /g) ?? []).length;
    if (!deflate.write(b)) await once(deflate, 'drain');
  }
  deflate.end();
  await once(deflate, 'end');
  if (bytes >= 2 ** 32) throw new Error('over 4 GiB: this writer has no ZIP64');
  const descriptor = Buffer.alloc(16);
  descriptor.writeUInt32LE(0x08074b50, 0);
  descriptor.writeUInt32LE(crc >>> 0, 4);
  descriptor.writeUInt32LE(compressed, 8);
  descriptor.writeUInt32LE(bytes, 12);
  out.write(descriptor);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(0x0008 | 0x0800, 8);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc >>> 0, 16);
  central.writeUInt32LE(compressed, 20);
  central.writeUInt32LE(bytes, 24);
  central.writeUInt16LE(name.length, 28);
  const centralOffset = 30 + name.length + compressed + 16;
  out.write(central);
  out.write(name);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + name.length, 12);
  end.writeUInt32LE(centralOffset, 16);
  out.write(end);
  out.end();
  await once(out, 'finish');
  return { bytes, records };
}

/** The export's XML in chunks: `days` days ending 2026-11-30, or as many as fit in `mb` megabytes. */
export function* exportXml(options: { days?: number; mb?: number }): Generator<string> {
  yield HEADER;
  const perDay = dayXml(new Date(Date.UTC(2026, 0, 1)), 1).length;
  const days = options.days ?? Math.ceil(((options.mb ?? 10) * 1e6) / perDay);
  const last = Date.UTC(2026, 10, 30);
  for (let i = 0; i < days; i++) yield dayXml(new Date(last - (days - 1 - i) * 86_400_000), i);
  yield '</HealthData>\n';
}

/**
 * The previous import path, kept as the bench's baseline: one raw payload per sample through the
 * generic store, 1000 samples per batch (what src/ingest/apple-export.ts did before the bulk path).
 */
export async function importPerSample(prisma: PrismaClient, userId: string, file: string): Promise<{ records: number; seconds: number }> {
  const { readAppleExport } = await import('../src/ingest/apple-export.js');
  const { deviceProviderById } = await import('../src/providers/registry.js');
  const { storeItems } = await import('../src/sync/store.js');
  const { deviceConnection } = await import('../src/ingest/service.js');
  const provider = deviceProviderById('APPLE_HEALTH');
  await deviceConnection(prisma, userId, provider.id);
  const started = performance.now();
  let records = 0;
  await readAppleExport(file, {
    batchSize: 1000,
    onElement: () => void records++,
    onBatch: async (samples) => {
      await storeItems(prisma, { userId, provider: provider.id }, samples.map((s) => ({ dataType: s.type, providerRecordId: s.id, payload: s.record })), (payload, item) => provider.map(item.dataType, payload));
    },
  });
  return { records, seconds: (performance.now() - started) / 1000 };
}

export interface AppleExportBench {
  days: number;
  records: number;
  xmlMb: number;
  /** Parse, convert and map, no database: the floor. */
  floor: { seconds: number; recordsPerSecond: number };
  /** The previous path (one raw payload per sample). */
  perSample: { seconds: number; recordsPerSecond: number };
  bulk: { seconds: number; recordsPerSecond: number; rawPayloads: number };
  /** The same file again (every sample unchanged). */
  rerun: { seconds: number; recordsPerSecond: number; unchanged: number };
  /** bulk records/s / per-sample records/s */
  speedup: number;
  /** bulk records/s / floor records/s */
  ratioToFloor: number;
}

/** `npm run bench`'s Apple export row: a generated export of `days` days, imported three ways on the same database in the same run. */
export async function benchAppleExport(prisma: PrismaClient, days: number, dir: string): Promise<AppleExportBench> {
  const { importAppleExport, readAppleExport } = await import('../src/ingest/apple-export.js');
  const { deviceProviderById } = await import('../src/providers/registry.js');
  const file = path.join(dir, `apple-export-${days}d.zip`);
  const { bytes } = await writeExportZip(file, exportXml({ days }));
  try {
    const provider = deviceProviderById('APPLE_HEALTH');
    let records = 0;
    let mapped = 0;
    let started = performance.now();
    await readAppleExport(file, {
      batchSize: 20_000,
      onElement: () => void records++,
      onBatch: async (samples) => {
        for (const s of samples) if (provider.map(s.type, s.record).ok) mapped++;
      },
    });
    const floorSeconds = (performance.now() - started) / 1000;
    const user = async (name: string) => (await prisma.user.create({ data: { externalId: `bench-apple-${name}-${Date.now()}` } })).id;
    const perSample = await importPerSample(prisma, await user('per-sample'), file);
    const bulkUser = await user('bulk');
    started = performance.now();
    const bulk = await importAppleExport(prisma, { userId: bulkUser, file });
    const bulkSeconds = (performance.now() - started) / 1000;
    started = performance.now();
    const rerun = await importAppleExport(prisma, { userId: bulkUser, file });
    const rerunSeconds = (performance.now() - started) / 1000;
    if (bulk.imported !== mapped || rerun.unchanged !== bulk.imported) throw new Error(`apple export bench: imported ${bulk.imported}, mapped ${mapped}, unchanged on re-run ${rerun.unchanged}`);
    const rate = (seconds: number) => Math.round(records / seconds);
    return {
      days,
      records,
      xmlMb: Math.round(bytes / 1e5) / 10,
      floor: { seconds: round2(floorSeconds), recordsPerSecond: rate(floorSeconds) },
      perSample: { seconds: round2(perSample.seconds), recordsPerSecond: rate(perSample.seconds) },
      bulk: { seconds: round2(bulkSeconds), recordsPerSecond: rate(bulkSeconds), rawPayloads: await prisma.rawPayload.count({ where: { userId: bulkUser } }) },
      rerun: { seconds: round2(rerunSeconds), recordsPerSecond: rate(rerunSeconds), unchanged: rerun.unchanged },
      speedup: round2(perSample.seconds / bulkSeconds),
      ratioToFloor: round2(floorSeconds / bulkSeconds),
    };
  } finally {
    fs.rmSync(file, { force: true });
    // The bench's later parts (scores of the bench users) must not see these users.
    await prisma.user.deleteMany({ where: { externalId: { startsWith: 'bench-apple-' } } });
  }
}

const round2 = (n: number) => Math.round(n * 100) / 100;

async function main() {
  const [command, file, ...rest] = process.argv.slice(2);
  const opt = (name: string) => {
    const i = rest.indexOf(`--${name}`);
    return i >= 0 ? Number(rest[i + 1]) : undefined;
  };
  if (command === 'generate' && file) {
    const started = Date.now();
    const { bytes, records } = await writeExportZip(file, exportXml({ mb: opt('mb') ?? 1100, days: opt('days') }));
    console.log(`${file}: export.xml ${(bytes / 1e6).toFixed(0)} MB, ${records} records, zip ${(fs.statSync(file).size / 1e6).toFixed(0)} MB, ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return;
  }
  if (command === 'import' && file) {
    const { loadConfig } = await import('../src/config.js');
    const { openDatabase } = await import('../src/db/database.js');
    const { migrate } = await import('../src/db/migrate.js');
    const { importAppleExport } = await import('../src/ingest/apple-export.js');
    const config = loadConfig();
    const db = await openDatabase(config);
    await migrate(db);
    const user = await db.prisma.user.create({ data: { externalId: `bench-apple-${Date.now()}` } });
    let peak = 0;
    const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 200);
    const result = await importAppleExport(db.prisma, {
      userId: user.id,
      file: path.resolve(file),
      onProgress: (p) => {
        peak = Math.max(peak, process.memoryUsage().rss);
        process.stderr.write(`\r${(p.bytesRead / 1e6).toFixed(0)}/${(p.bytesTotal / 1e6).toFixed(0)} MB, ${p.records} records, ${Math.round(p.records / ((Date.now() - t0) / 1000))}/s, RSS ${(peak / 2 ** 20).toFixed(0)} MiB   `);
      },
    });
    clearInterval(sample);
    // The kernel's high-water mark of the resident set (the true peak, not a sample).
    const hwm = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (hwm) peak = Math.max(peak, Number(hwm[1]) * 1024);
    console.log(`\n${result.records} records, ${(result.bytes / 1e6).toFixed(0)} MB of XML in ${result.seconds.toFixed(1)} s: ${Math.round(result.records / result.seconds)} records/s, ${(result.bytes / 1e6 / result.seconds).toFixed(1)} MB/s; peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB; imported ${result.imported}, unchanged ${result.unchanged}, skipped ${result.skipped}`);
    for (const [type, c] of Object.entries(result.byType)) console.log(`  ${type}: ${c.read} read, ${c.stored} stored, ${c.skipped} skipped ${JSON.stringify(c.reasons)}`);
    await db.close();
    return;
  }
  console.error('usage: npx tsx bench/apple-export.ts generate <out.zip> [--mb N | --days N] | import <export.zip>');
  process.exit(64);
}

const t0 = Date.now();
if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) await main();
