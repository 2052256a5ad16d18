/**
 * Samsung Health CSV export (Download personal data): a hand-made export folder in the shape the
 * app writes (metadata first line, prefixed column names, trailing commas, UTC times with a
 * separate UTC+hhmm offset; one file in UTF-16LE), imported through the bulk path: the exact rows
 * (worked out by hand below), skips with reasons, the zip of the same folder gives the same, a
 * re-run changes nothing. The CSV reader alone: quotes, doubled quotes, commas and line breaks in
 * quotes, CRLF, any chunk boundary.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { csvRows } from '../../src/ingest/csv.js';
import { importSamsungExport } from '../../src/ingest/samsung-export.js';
import { databaseVariants, openTestDatabase, type TestDatabase } from '../support/databases.js';

const STEPS = [
  'com.samsung.shealth.tracker.pedometer_step_count,6312001,3',
  'com.samsung.health.step_count.start_time,com.samsung.health.step_count.end_time,com.samsung.health.step_count.count,com.samsung.health.step_count.time_offset,com.samsung.health.step_count.datauuid,com.samsung.health.step_count.deviceuuid,',
  // 08:00-08:10 local (+01:00) on Jan 10, 500 steps; 23:30 UTC on Jan 10 is 00:30 on Jan 11 locally.
  '2026-01-10 07:00:00.000,2026-01-10 07:10:00.000,500,UTC+0100,step-1,watch-1,',
  '2026-01-10 08:00:00.000,2026-01-10 08:10:00.000,300,UTC+0100,step-2,watch-1,',
  '2026-01-10 23:30:00.000,2026-01-10 23:40:00.000,120,UTC+0100,step-3,watch-1,',
  ',2026-01-10 08:10:00.000,99,UTC+0100,step-4,watch-1,',
].join('\n');
const HEART = [
  'com.samsung.shealth.tracker.heart_rate,6312002,2',
  'com.samsung.health.heart_rate.start_time,com.samsung.health.heart_rate.heart_rate,com.samsung.health.heart_rate.time_offset,com.samsung.health.heart_rate.datauuid,com.samsung.health.heart_rate.comment,',
  '2026-01-10 07:05:00.000,72,UTC+0100,hr-1,"after coffee, ""strong""",',
  '2026-01-10 07:06:00.000,71.6,UTC+0100,hr-2,"two\r\nlines",',
].join('\r\n');
const EXERCISE = [
  'com.samsung.shealth.exercise,6312003,1',
  'com.samsung.health.exercise.start_time,com.samsung.health.exercise.end_time,com.samsung.health.exercise.exercise_type,com.samsung.health.exercise.duration,com.samsung.health.exercise.calorie,com.samsung.health.exercise.distance,com.samsung.health.exercise.mean_heart_rate,com.samsung.health.exercise.max_heart_rate,com.samsung.health.exercise.time_offset,com.samsung.health.exercise.datauuid,',
  '2026-01-10 16:00:00.000,2026-01-10 16:30:00.000,1002,1800000,310.5,5012.3,151,172,UTC+0100,ex-1,',
].join('\n');
const WEIGHT = [
  'com.samsung.health.weight,6312004,1',
  'start_time,weight,body_fat,time_offset,datauuid,',
  '2026-01-10 06:30:00.000,70.2,18.5,UTC+0100,w-1,',
].join('\n');
const STRESS = ['com.samsung.shealth.stress,6312005,2', 'start_time,score,time_offset,datauuid,', '2026-01-10 06:30:00.000,40,UTC+0100,s-1,', '2026-01-10 07:30:00.000,45,UTC+0100,s-2,'].join('\n');

function writeExport(dir: string) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'com.samsung.shealth.tracker.pedometer_step_count.20260111090000.csv'), STEPS);
  // Some app versions write UTF-16LE (with its byte-order mark).
  fs.writeFileSync(path.join(dir, 'com.samsung.shealth.tracker.heart_rate.20260111090000.csv'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(HEART, 'utf16le')]));
  fs.writeFileSync(path.join(dir, 'com.samsung.shealth.exercise.20260111090000.csv'), `\ufeff${EXERCISE}`);
  fs.writeFileSync(path.join(dir, 'com.samsung.health.weight.20260111090000.csv'), WEIGHT);
  fs.writeFileSync(path.join(dir, 'com.samsung.shealth.stress.20260111090000.csv'), STRESS);
}

async function rows(db: TestDatabase, userId: string, withUpdatedAt = false) {
  const where = { userId };
  const strip = (r: Record<string, unknown>) => {
    const { id: _i, userId: _u, rawPayloadId: _r, createdAt: _c, updatedAt, ...rest } = r;
    return withUpdatedAt ? { ...rest, updatedAt } : rest;
  };
  const p = db.prisma;
  return {
    days: (await p.dailyActivity.findMany({ where, orderBy: { localDate: 'asc' } })).map(strip),
    heartRate: (await p.heartRateSample.findMany({ where, orderBy: { time: 'asc' } })).map(strip),
    workouts: (await p.workout.findMany({ where })).map(strip),
    measurements: (await p.measurement.findMany({ where, orderBy: { metric: 'asc' } })).map(strip),
    raw: await p.rawPayload.findMany({ where, orderBy: [{ dataType: 'asc' }, { providerRecordId: 'asc' }], select: { dataType: true, providerRecordId: true, payload: true } }),
  };
}

describe('the CSV reader', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, CRLF, whatever the chunks', async () => {
    const text = 'a,b,c\r\n1,"x, ""y""","two\r\nlines"\n,,\nlast,"q"';
    const expected = [['a', 'b', 'c'], ['1', 'x, "y"', 'two\r\nlines'], ['', '', ''], ['last', 'q']];
    for (const size of [1, 2, 3, 7, 100]) {
      const bytes = Buffer.from(text);
      const chunks = Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));
      const got: string[][] = [];
      for await (const row of csvRows((async function* () { yield* chunks; })())) got.push(row);
      expect(got).toEqual(expected);
    }
  });
});

describe.each(databaseVariants())('Samsung Health CSV export (%s)', (variant) => {
  let db: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    db = await openTestDatabase(variant);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'samsung-export-'));
    writeExport(path.join(dir, 'samsunghealth_kim_20260111090000'));
  }, 60_000);
  afterAll(async () => {
    await db?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('imports the rows worked out by hand, skips with reasons, and a re-run changes nothing', async () => {
    const userId = (await db.prisma.user.create({ data: { externalId: `samsung-${variant}` } })).id;
    const folder = path.join(dir, 'samsunghealth_kim_20260111090000');
    const first = await importSamsungExport(db.prisma, { userId, file: folder });
    // 4 step rows (one without start_time), 2 heart rates, 1 exercise, 1 weight, 2 stress (no place yet).
    expect({ records: first.records, imported: first.imported, unchanged: first.unchanged, skipped: first.skipped }).toEqual({ records: 10, imported: 7, unchanged: 0, skipped: 3 });
    expect(first.byType.STEPS).toEqual({ read: 4, stored: 3, skipped: 1, reasons: { 'start_time not in the export format (yyyy-MM-dd HH:mm:ss.SSS, UTC)': 1 } });
    expect(first.byType['com.samsung.shealth.stress']).toEqual({ read: 2, stored: 0, skipped: 2, reasons: { 'not imported: this table has no place here yet': 2 } });

    const got = await rows(db, userId);
    // Jan 10 local: 500 + 300 steps; the 23:30 UTC sample is 00:30 on Jan 11 at +01:00.
    expect(got.days.map((d) => [d.providerRecordId, d.steps, d.utcOffsetMinutes, d.startTime])).toEqual([
      ['day:2026-01-10', 800, 60, new Date('2026-01-09T23:00:00Z')],
      ['day:2026-01-11', 120, 60, new Date('2026-01-10T23:00:00Z')],
    ]);
    // 71.6 bpm rounds to 72; the device is the app when no deviceuuid is given.
    expect(got.heartRate).toEqual([
      { provider: 'SAMSUNG_HEALTH', time: new Date('2026-01-10T07:05:00Z'), utcOffsetMinutes: 60, bpm: 72, context: null, sourceDevice: 'com.sec.android.app.shealth' },
      { provider: 'SAMSUNG_HEALTH', time: new Date('2026-01-10T07:06:00Z'), utcOffsetMinutes: 60, bpm: 72, context: null, sourceDevice: 'com.sec.android.app.shealth' },
    ]);
    // exercise_type 1002 = running; duration 1,800,000 ms = 1800 s; 17:00 local.
    expect(got.workouts).toEqual([
      expect.objectContaining({
        providerRecordId: 'ex-1', sport: 'RUNNING', providerSport: 'RUNNING', startTime: new Date('2026-01-10T16:00:00Z'), endTime: new Date('2026-01-10T16:30:00Z'),
        localDate: new Date('2026-01-10'), utcOffsetMinutes: 60, durationSeconds: 1800, energyKcal: 310.5, distanceMeters: 5012.3, averageHeartRateBpm: 151, maxHeartRateBpm: 172,
      }),
    ]);
    expect(got.measurements.map((m) => [m.metric, m.value, m.startTime, m.localDate])).toEqual([
      ['body_fat_percent', 18.5, new Date('2026-01-10T06:30:00Z'), new Date('2026-01-10')],
      ['weight_kg', 70.2, new Date('2026-01-10T06:30:00Z'), new Date('2026-01-10')],
    ]);
    // One raw payload per type and local day.
    expect(got.raw.map((r) => r.providerRecordId)).toEqual([
      'samsung-csv:BODY_COMPOSITION:2026-01-10', 'samsung-csv:EXERCISE:2026-01-10', 'samsung-csv:HEART_RATE:2026-01-10', 'samsung-csv:STEPS:2026-01-10', 'samsung-csv:STEPS:2026-01-11',
    ]);

    const before = await rows(db, userId, true);
    const again = await importSamsungExport(db.prisma, { userId, file: folder });
    expect({ imported: again.imported, unchanged: again.unchanged, skipped: again.skipped, recordsChanged: again.recordsChanged }).toEqual({ imported: 0, unchanged: 7, skipped: 3, recordsChanged: false });
    expect(await rows(db, userId, true)).toEqual(before);

    // The same folder zipped, for another user: the same rows and bundles.
    const zipUser = (await db.prisma.user.create({ data: { externalId: `samsung-zip-${variant}` } })).id;
    const zip = path.join(dir, 'export.zip');
    await writeSingleFolderZip(zip, folder);
    const zipped = await importSamsungExport(db.prisma, { userId: zipUser, file: zip, batchSize: 2 });
    expect({ imported: zipped.imported, skipped: zipped.skipped }).toEqual({ imported: 7, skipped: 3 });
    expect(await rows(db, zipUser)).toEqual(got);
  }, 60_000);
});

/** A zip of the folder's files (stored entries under the folder's name, as "Download personal data" zipped). */
async function writeSingleFolderZip(zip: string, folder: string) {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const file of fs.readdirSync(folder).sort()) {
    const data = fs.readFileSync(path.join(folder, file));
    const name = Buffer.from(`${path.basename(folder)}/${file}`);
    const crc = zlib.crc32(data) >>> 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += 30 + name.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(centrals.length / 2, 8);
  end.writeUInt16LE(centrals.length / 2, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  fs.writeFileSync(zip, Buffer.concat([...locals, directory, end]));
}
