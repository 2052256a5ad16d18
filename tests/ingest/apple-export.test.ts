/**
 * Apple Health export import on a small generated export.zip (bench/apple-export.ts writes the
 * same shape at any size): streamed in, counted per type with reasons, idempotent on a re-run,
 * and the upload endpoint runs it in the background with progress on a SyncRun.
 * Expected values from the generator's rules (dayXml): a day's Watch steps are 300 + ((11i + h) mod 60)
 * for h = 7..21, the iPhone's 280 + ((7i + h) mod 50): the Watch's total is larger every day.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeGlobalID } from '@pothos/plugin-relay';
import { exportXml, writeExportZip } from '../../bench/apple-export.js';
import { importAppleExport } from '../../src/ingest/apple-export.js';
import { databaseVariants } from '../support/databases.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

const DAYS = 3;

describe.each(databaseVariants())('Apple Health export import (%s)', (variant) => {
  let t: TestApp;
  let dir: string;
  let zip: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apple-export-'));
    zip = path.join(dir, 'export.zip');
    await writeExportZip(zip, exportXml({ days: DAYS }));
    t = await createTestApp(variant, { DATA_DIR: dir });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('imports records per type, skips what has no place with a reason, and a re-run changes nothing', async () => {
    const user = await t.database.prisma.user.create({ data: { externalId: 'export-cli' } });
    const first = await importAppleExport(t.database.prisma, { userId: user.id, file: zip });
    // Per day: 15 hours x (2 steps + energy + distance + basal) + 288 heart rates + 7 sleep + 5 spot values + 2 blood pressure; body mass on day 0; a run on day 1.
    const perDay = 15 * 5 + 288 + 7 + 4 + 2;
    expect(first.byType.HKQuantityTypeIdentifierHeartRate).toEqual({ read: 288 * DAYS, stored: 288 * DAYS, skipped: 0, reasons: {} });
    expect(first.byType.HKWorkout).toEqual({ read: 1, stored: 1, skipped: 0, reasons: {} });
    expect(first.byType.ActivitySummary).toMatchObject({ read: DAYS, stored: 0, skipped: DAYS });
    // The blood pressure inside each Correlation is not read twice.
    expect(first.byType.HKQuantityTypeIdentifierBloodPressureSystolic.read).toBe(DAYS);
    expect(first.records).toBe(perDay * DAYS + 1 + 1 + DAYS);
    expect(first.skipped).toBe(DAYS);

    const prisma = t.database.prisma;
    const days = await prisma.dailyActivity.findMany({ where: { userId: user.id }, orderBy: { localDate: 'asc' }, select: { localDate: true, steps: true } });
    const watch = (i: number) => Array.from({ length: 15 }, (_, k) => 300 + ((i * 11 + 7 + k) % 60)).reduce((a, b) => a + b, 0);
    expect(days.map((d) => d.steps)).toEqual([0, 1, 2].map(watch));
    expect(days.map((d) => d.localDate.toISOString().slice(0, 10))).toEqual(['2026-11-28', '2026-11-29', '2026-11-30']);
    const run = await prisma.workout.findFirstOrThrow({ where: { userId: user.id } });
    // 18:00 at -0700 (November), 45 min, WorkoutStatistics: 3.12 mi, 412.5 Cal, HR 151/174.
    expect(run).toMatchObject({ sport: 'RUNNING', startTime: new Date('2026-11-30T01:00:00Z'), durationSeconds: 2700, energyKcal: 412.5, averageHeartRateBpm: 151, maxHeartRateBpm: 174, utcOffsetMinutes: -420 });
    expect(run.distanceMeters).toBeCloseTo(3.12 * 1609.344, 6);
    expect(await prisma.measurement.count({ where: { userId: user.id, metric: 'hrv_sdnn_ms' } })).toBe(DAYS);

    const again = await importAppleExport(prisma, { userId: user.id, file: zip });
    expect({ imported: again.imported, unchanged: again.unchanged }).toEqual({ imported: 0, unchanged: first.imported });
    expect(await prisma.dailyActivity.findMany({ where: { userId: user.id }, orderBy: { localDate: 'asc' }, select: { localDate: true, steps: true } })).toEqual(days);
  }, 120_000);

  it('the upload endpoint imports in the background with progress on the SyncRun', async () => {
    const u = (await t.graphql('mutation { createUser(input: { externalId: "export-upload" }) { id } }')).body.data.createUser.id;
    const token = (await t.graphql(`mutation($u: ID!) { createUserToken(input: { userId: $u, scopes: [SELF_INGEST] }) { token } }`, { u })).body.data.createUserToken.token;
    const response = await t.app.yoga.fetch('http://localhost/ingest/v1/apple-health/export', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/zip' }, body: fs.readFileSync(zip) });
    expect([response.status, response.status === 202 ? null : await response.clone().text()]).toEqual([202, null]);
    const { runId } = await response.json();
    let run = await t.database.prisma.syncRun.findUniqueOrThrow({ where: { id: runId } });
    for (let i = 0; i < 600 && run.status === 'RUNNING'; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      await t.database.prisma.$queryRawUnsafe('SELECT 1');
      run = await t.database.prisma.syncRun.findUniqueOrThrow({ where: { id: runId } });
    }
    expect(run).toMatchObject({ status: 'SUCCEEDED', windowsDone: 1000, windowsTotal: 1000, skipped: DAYS });
    expect(await t.database.prisma.workout.count({ where: { userId: decodeGlobalID(u).id } })).toBe(1);
    // The scores recompute is queued (the hook pushes and syncs call), not left to the 5-minute sweep.
    expect(await t.database.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'scores-user' AND data->>'userId' = $1`, [decodeGlobalID(u).id])).toEqual([{ n: 1 }]);
    expect(fs.readdirSync(path.join(dir, 'imports'))).toEqual([]);
  }, 120_000);
});
