/**
 * GET /export/v1/{type}.{ndjson|csv}: exact content on a small hand-made dataset (every column,
 * ISO instants, local dates, JSON columns), CSV quoting (commas, quotes, newlines, edge spaces),
 * the range filter on local dates, `all` with a type per line, the boundary (a user token exports
 * its own user only; another user's id answers exactly like an unknown one), arguments refused
 * with 400 naming them, and, over a real socket, back-pressure (a client that stops reading stops
 * the database reads) and nothing left running once the client goes away.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { PrismaClient } from '../../src/generated/prisma/client.js';
import { exportStats } from '../../src/services/export.js';
import { databaseVariants } from '../support/databases.js';
import { listeningTestApp, type ListeningApp } from '../support/listening-app.js';
import { userGlobalId } from '../support/seed.js';
import { TEST_ADMIN_KEY } from '../support/test-app.js';
import { ROOT } from '../support/paths.js';

const A = 'export-user-a';
const B = 'export-user-b';
const BIG = 'export-user-big';
const BIG_SAMPLES = 150_000;
const DEVICE = 'Polar "Vantage", V3\nblack';

async function seed(prisma: PrismaClient) {
  await prisma.user.createMany({ data: [{ id: A, externalId: 'export-a' }, { id: B, externalId: 'export-b' }, { id: BIG, externalId: 'export-big' }] });
  await prisma.workout.createMany({
    data: [
      {
        id: 'w1', userId: A, provider: 'POLAR', providerRecordId: 'ex-1', sourceDevice: DEVICE,
        startTime: new Date('2026-03-01T06:00:00Z'), endTime: new Date('2026-03-01T07:00:00Z'), utcOffsetMinutes: 120, localDate: new Date('2026-03-01T00:00:00Z'),
        sport: 'RUNNING', providerSport: 'running', durationSeconds: 3600, distanceMeters: 10000.5, trainingLoad: 88,
        heartRateZones: [{ zone: 1, lowerBpm: 100, upperBpm: 120, durationSeconds: 600 }], extras: { note: 'a,b "c"' },
      },
      {
        id: 'w2', userId: A, provider: 'OURA', providerRecordId: 'ex-2', sourceDevice: ' ring',
        // 23:30 at UTC+2 on 2 March is 21:30 UTC: the local date decides.
        startTime: new Date('2026-03-02T21:30:00Z'), endTime: new Date('2026-03-02T22:00:00.250Z'), utcOffsetMinutes: 120, localDate: new Date('2026-03-02T00:00:00Z'),
        sport: 'CYCLING', providerSport: 'cycling', durationSeconds: 1800.25,
      },
      {
        id: 'w3', userId: A, provider: 'POLAR', providerRecordId: 'ex-3',
        startTime: new Date('2026-02-27T06:00:00Z'), endTime: new Date('2026-02-27T07:00:00Z'), utcOffsetMinutes: 120, localDate: new Date('2026-02-27T00:00:00Z'),
        sport: 'RUNNING', providerSport: 'running', durationSeconds: 3600,
      },
      {
        id: 'w4', userId: B, provider: 'POLAR', providerRecordId: 'ex-4',
        startTime: new Date('2026-03-01T10:00:00Z'), endTime: new Date('2026-03-01T11:00:00Z'), utcOffsetMinutes: 0, localDate: new Date('2026-03-01T00:00:00Z'),
        sport: 'WALKING', providerSport: 'walking', durationSeconds: 3600,
      },
    ],
  });
  await prisma.measurement.createMany({
    data: [
      { id: 'm1', userId: A, metric: 'weight_kg', provider: 'POLAR', providerRecordId: 'pm-1', startTime: new Date('2026-03-01T05:00:00Z'), utcOffsetMinutes: 120, localDate: new Date('2026-03-01T00:00:00Z'), value: 72.5 },
      { id: 'm2', userId: A, metric: 'spo2_percent', provider: 'OURA', providerRecordId: 'om-1', sourceDevice: 'Oura, gen 3', startTime: new Date('2026-03-01T22:00:00Z'), endTime: new Date('2026-03-02T06:00:00Z'), utcOffsetMinutes: 120, localDate: new Date('2026-03-02T00:00:00Z'), value: 97 },
    ],
  });
  await prisma.heartRateSample.createMany({
    data: [
      // 23:59:30 UTC on 2 March at UTC+2 is 3 March locally: outside a range ending on the 2nd.
      { userId: A, provider: 'POLAR', time: new Date('2026-03-02T21:59:30Z'), utcOffsetMinutes: 120, bpm: 61 },
      { userId: A, provider: 'POLAR', time: new Date('2026-03-02T22:00:30Z'), utcOffsetMinutes: 120, bpm: 62 },
      { userId: A, provider: 'OURA', time: new Date('2026-02-28T22:00:00Z'), utcOffsetMinutes: 120, bpm: 55, context: 'sleep' },
    ],
  });
  await prisma.$executeRawUnsafe(
    `INSERT INTO "HeartRateSample" ("userId", "provider", "time", "utcOffsetMinutes", "bpm")
     SELECT $1, 'POLAR', timestamptz '2026-03-01T00:00:00Z' + g * interval '1 second', 0, 60 + g % 40 FROM generate_series(0, ${BIG_SAMPLES - 1}) g`,
    BIG,
  );
}

const W1 = {
  id: 'w1', userId: A, provider: 'POLAR', providerRecordId: 'ex-1', sourceDevice: DEVICE, startTime: '2026-03-01T06:00:00.000Z', endTime: '2026-03-01T07:00:00.000Z',
  utcOffsetMinutes: 120, localDate: '2026-03-01', sport: 'RUNNING', providerSport: 'running', durationSeconds: 3600, distanceMeters: 10000.5, energyKcal: null,
  averageHeartRateBpm: null, maxHeartRateBpm: null, trainingLoad: 88, muscleLoad: null, intensity: null,
  heartRateZones: [{ zone: 1, lowerBpm: 100, upperBpm: 120, durationSeconds: 600 }], extras: { note: 'a,b "c"' }, duplicateOfId: null,
};
const W2 = {
  id: 'w2', userId: A, provider: 'OURA', providerRecordId: 'ex-2', sourceDevice: ' ring', startTime: '2026-03-02T21:30:00.000Z', endTime: '2026-03-02T22:00:00.250Z',
  utcOffsetMinutes: 120, localDate: '2026-03-02', sport: 'CYCLING', providerSport: 'cycling', durationSeconds: 1800.25, distanceMeters: null, energyKcal: null,
  averageHeartRateBpm: null, maxHeartRateBpm: null, trainingLoad: null, muscleLoad: null, intensity: null, heartRateZones: null, extras: null, duplicateOfId: null,
};

describe.each(databaseVariants())('export (%s)', (variant) => {
  let l: ListeningApp;
  let userToken: string;
  beforeAll(async () => {
    l = await listeningTestApp(variant, {}, { workers: false });
    await seed(l.t.database.prisma);
    const issued = await l.t.graphql(`mutation { createUserToken(input: { userId: "${userGlobalId(A)}", scopes: [SELF_READ] }) { token } }`);
    userToken = issued.body.data.createUserToken.token;
  }, 180_000);
  afterAll(() => l.close());

  const get = async (path: string, key: string | null = TEST_ADMIN_KEY) => {
    const response = await l.t.app.yoga.fetch(`http://localhost${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
    return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
  };
  const lines = (text: string) => text.split('\n').filter(Boolean).map((line) => JSON.parse(line));

  it('NDJSON: every column of the records dated inside the range, exactly', async () => {
    const res = await get(`/export/v1/workouts.ndjson?from=2026-03-01&to=2026-03-02&user=${A}`);
    expect(res.status).toBe(200);
    expect(res.type).toBe('application/x-ndjson; charset=utf-8');
    expect(res.text.endsWith('\n')).toBe(true);
    expect(lines(res.text)).toEqual([W1, W2]);
    // The same user named by its global ID.
    expect((await get(`/export/v1/workouts.ndjson?from=2026-03-01&to=2026-03-02&user=${encodeURIComponent(userGlobalId(A))}`)).text).toBe(res.text);
    // Without "user", an API key exports every user (ordered by user id).
    expect(lines((await get('/export/v1/workouts.ndjson?from=2026-03-01&to=2026-03-02')).text).map((w) => w.id)).toEqual(['w1', 'w2', 'w4']);
  });

  it('CSV: header, RFC 4180 quoting of commas, quotes, newlines and edge spaces, empty for null', async () => {
    const res = await get(`/export/v1/measurements.csv?from=2026-03-01&to=2026-03-02&user=${A}`);
    expect(res.status).toBe(200);
    expect(res.type).toContain('text/csv');
    expect(res.text).toBe(
      'id,userId,metric,provider,providerRecordId,sourceDevice,startTime,endTime,utcOffsetMinutes,localDate,value\r\n' +
        `m1,${A},weight_kg,POLAR,pm-1,,2026-03-01T05:00:00.000Z,,120,2026-03-01,72.5\r\n` +
        `m2,${A},spo2_percent,OURA,om-1,"Oura, gen 3",2026-03-01T22:00:00.000Z,2026-03-02T06:00:00.000Z,120,2026-03-02,97\r\n`,
    );
    const workouts = await get(`/export/v1/workouts.csv?from=2026-03-01&to=2026-03-01&user=${A}`);
    const [header, row, end] = workouts.text.split('\r\n');
    expect(header).toBe(Object.keys(W1).join(','));
    expect(end).toBe('');
    expect(row).toBe(
      `w1,${A},POLAR,ex-1,"Polar ""Vantage"", V3\nblack",2026-03-01T06:00:00.000Z,2026-03-01T07:00:00.000Z,120,2026-03-01,RUNNING,running,3600,10000.5,,,,88,,,` +
        `"[{""zone"": 1, ""lowerBpm"": 100, ""upperBpm"": 120, ""durationSeconds"": 600}]","{""note"": ""a,b \\""c\\""""}",`,
    );
    const leading = await get(`/export/v1/workouts.csv?from=2026-03-02&to=2026-03-02&user=${A}`);
    expect(leading.text.split('\r\n')[1]).toMatch(/^w2,export-user-a,OURA,ex-2," ring",/);
  });

  it('heart rate by the local date of each sample; "all" tags each line with its type', async () => {
    const hr = lines((await get(`/export/v1/heart_rate.ndjson?from=2026-03-01&to=2026-03-02&user=${A}`)).text);
    // 28 Feb 22:00 UTC is 1 March at UTC+2 (in); 2 March 21:59:30 UTC is 23:59:30 local (in); 22:00:30 UTC is 3 March (out).
    // Samples come by provider (in the Provider enum's order: POLAR before OURA), then time.
    expect(hr).toEqual([
      { userId: A, provider: 'POLAR', time: '2026-03-02T21:59:30.000Z', utcOffsetMinutes: 120, bpm: 61, context: null, sourceDevice: null },
      { userId: A, provider: 'OURA', time: '2026-02-28T22:00:00.000Z', utcOffsetMinutes: 120, bpm: 55, context: 'sleep', sourceDevice: null },
    ]);
    const all = lines((await get(`/export/v1/all.ndjson?from=2026-03-01&to=2026-03-02&user=${A}`)).text);
    expect(all.map((r) => `${r.type}:${r.id ?? r.time}`)).toEqual(['workouts:w1', 'workouts:w2', 'measurements:m1', 'measurements:m2', 'heart_rate:2026-03-02T21:59:30.000Z', 'heart_rate:2026-02-28T22:00:00.000Z']);
    expect(all[0]).toEqual({ type: 'workouts', ...W1 });
  });

  it('a user token exports its own user only; another user answers exactly like an unknown one', async () => {
    const own = await get('/export/v1/workouts.ndjson?from=2026-03-01&to=2026-03-02', userToken);
    expect(lines(own.text)).toEqual([W1, W2]);
    const other = await get(`/export/v1/workouts.ndjson?from=2026-03-01&to=2026-03-02&user=${B}`, userToken);
    const unknown = await get('/export/v1/workouts.ndjson?from=2026-03-01&to=2026-03-02&user=no-such-user', userToken);
    expect(other.status).toBe(404);
    expect(other).toEqual(unknown);
    expect(await get('/export/v1/workouts.ndjson?from=2026-03-01&to=2026-03-02&user=no-such-user')).toEqual(unknown);
    expect((await get('/export/v1/workouts.ndjson?from=2026-03-01&to=2026-03-02', null)).status).toBe(401);
  });

  it('refuses bad arguments with 400 naming the argument and the limit', async () => {
    const refused = async (path: string) => {
      const res = await get(path);
      expect(res.status).toBe(400);
      const body = JSON.parse(res.text);
      return [body.argument, body.message];
    };
    expect(await refused('/export/v1/workouts.ndjson?to=2026-03-02')).toEqual(['from', expect.stringContaining('required')]);
    expect(await refused('/export/v1/workouts.ndjson?from=2026-02-30&to=2026-03-02')).toEqual(['from', expect.stringContaining('YYYY-MM-DD')]);
    expect(await refused('/export/v1/workouts.ndjson?from=2026-03-02&to=2026-03-01')).toEqual(['to', expect.stringContaining('before')]);
    expect(await refused('/export/v1/workouts.ndjson?from=2016-01-01&to=2026-03-01')).toEqual(['to', expect.stringContaining('at most 3660 days')]);
    expect(await refused('/export/v1/workout.ndjson?from=2026-03-01&to=2026-03-02')).toEqual(['type', expect.stringContaining('sleep_sessions')]);
    expect(await refused('/export/v1/workouts.xlsx?from=2026-03-01&to=2026-03-02')).toEqual(['format', expect.stringContaining('ndjson or csv')]);
    expect(await refused('/export/v1/all.csv?from=2026-03-01&to=2026-03-02')).toEqual(['format', expect.stringContaining('one type')]);
    expect(await refused('/export/v1/workouts.csv?form=2026-03-01&to=2026-03-02')).toEqual(['form', expect.stringContaining('unknown parameter')]);
  });

  it('npm run cli -- export streams the same bytes through the route; a refusal names the argument', async () => {
    const cli = (...args: string[]) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
        const child = spawn('npx', ['tsx', 'src/cli/index.ts', 'export', ...args, '--url', l.url, '--key', TEST_ADMIN_KEY], { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '' } });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        child.on('error', reject).on('close', (code) => resolve({ code, stdout, stderr }));
      });
    const [csv, refused] = await Promise.all([cli('measurements', '--format', 'csv', '--from', '2026-03-01', '--to', '2026-03-02', '--user', A), cli('workouts', '--from', '2026-03-02', '--to', '2026-03-01')]);
    expect(csv).toEqual({ code: 0, stdout: (await get(`/export/v1/measurements.csv?from=2026-03-01&to=2026-03-02&user=${A}`)).text, stderr: '' });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('400 (to): "to" (2026-03-01) is before "from" (2026-03-02)');
  }, 60_000);

  it('streams with back-pressure, and stops reading the database when the client goes away', async () => {
    const before = { batches: exportStats.batches, chars: exportStats.chars };
    let received = 0;
    const request = http.get(`${l.url}/export/v1/heart_rate.ndjson?from=2026-03-01&to=2026-03-10&user=${BIG}`, { headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } });
    const response = await new Promise<http.IncomingMessage>((resolve, reject) => request.on('response', resolve).on('error', reject));
    expect(response.statusCode).toBe(200);
    // Read one chunk, then stop reading.
    await new Promise<void>((resolve) => response.once('data', (chunk: Buffer) => ((received += chunk.length), resolve())));
    response.pause();
    // Wait (deadline 20 s) until the server stops producing: it must, long before the end.
    const deadline = Date.now() + 20_000;
    let last = -1;
    let still = 0;
    while (still < 10 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      still = exportStats.batches === last ? still + 1 : 0;
      last = exportStats.batches;
    }
    const batches = exportStats.batches - before.batches;
    const produced = exportStats.chars - before.chars;
    console.info(`[export] ${variant}: paused client after ${received} bytes; server produced ${batches} batches (${produced} characters) of ${BIG_SAMPLES / 1000}`);
    // 150 batches of ~147-byte lines make 22 MB; socket buffers and the stream's 64 KiB hold far less.
    expect(still).toBe(10);
    expect(batches).toBeLessThan(BIG_SAMPLES / 1000 / 2);
    expect(produced - received).toBeLessThan(16 * 1024 * 1024);
    expect(exportStats.active).toBe(1);
    // The client goes away: the export ends and reads nothing more.
    request.destroy();
    while (exportStats.active > 0 && Date.now() < deadline + 10_000) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(exportStats.active).toBe(0);
    const after = exportStats.batches;
    // A later, complete export reads every sample.
    const full = await get(`/export/v1/heart_rate.csv?from=2026-03-01&to=2026-03-10&user=${BIG}`);
    expect(full.text.split('\r\n').length).toBe(1 + BIG_SAMPLES + 1);
    expect(exportStats.batches - after).toBe(BIG_SAMPLES / 1000);
  }, 120_000);
});
